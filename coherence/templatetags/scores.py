"""``{% load scores %}``: a coherence score as the pages write it."""

from __future__ import annotations

from django import template

from coherence import scale

register = template.Library()


@register.filter
def short_name(value: int | None) -> str:
    """ "+2 Reinforcing", "−1 Constraining"."""
    return "" if value is None else scale.short_name(value)


@register.filter
def signed(value: int | None) -> str:
    return "" if value is None else scale.signed(value)


@register.filter
def tone(value: int | None) -> str:
    """The badge class of a score: positive, negative or consistent."""
    if value is None or value == 0:
        return "neutral"
    return "ok" if value > 0 else "danger"
