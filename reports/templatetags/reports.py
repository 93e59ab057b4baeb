from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get(mapping: dict, key: str) -> object:
    """A dictionary's value by a key held in a variable (None when it is missing)."""
    return mapping.get(key)
