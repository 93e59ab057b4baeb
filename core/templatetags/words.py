"""``{% load words %}``: figures and names as each language writes them (core.words).

``{{ value|number }}`` for every figure a person reads ("1.500", "7,5"), and
``{{ name|de }}`` wherever a translated "de" meets a proper name: the msgstr leaves the
"de" out ("Informes %(entity)s") and the filter writes it, elided ("de l'Associació",
"d'Energia"); in English the filter gives the name alone.
"""

from __future__ import annotations

from django import template

from core import words

register = template.Library()


@register.filter
def number(value: object, places: int = words.PLACES) -> str:
    return words.number(value, int(places))


@register.filter
def de(name: object) -> str:
    return words.de(name)
