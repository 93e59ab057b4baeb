"""Numbers and names as each language writes them, for pages, emails and PDFs.

One place for both, so the dashboard, the pages, the emails and the PDFs agree:
``number`` ("1.500", "7,5", "150.000" in Catalan; "1,500" in English) and ``de`` (the
preposition "de" with a proper name, elided as Catalan elides it). The template filters of
``core.templatetags.words`` call these.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from django.utils import formats
from django.utils.translation import get_language

# At most this many decimals: more says nothing in a figure a person reads.
PLACES = 2


def number(value: Decimal | int | float | str | None, places: int = PLACES) -> str:
    """A figure as the active language writes it: grouped by thousands, and with no
    decimals when it is whole ("1.500", not "1500,00"); otherwise up to ``places``
    decimals, with no trailing zeros ("7,5"). None (no figure) is the empty string, so
    that a template can follow with ``|default:"—"``."""
    if value is None or value == "":
        return ""
    try:
        value = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        return str(value)
    if not value.is_finite():
        return str(value)
    # Enough digits for the whole part and the places: a large figure with many places
    # would otherwise not fit in Decimal's default 28 digits.
    with localcontext() as context:
        context.prec = max(context.prec, value.adjusted() + places + 2)
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        return formats.number_format(int(value), force_grouping=True)
    return formats.number_format(value.normalize(), force_grouping=True)


# The article of the nouns an entity's or a cluster's name most often starts with in
# Catalan, as it stands before the noun ("la" stays before an unstressed i or u:
# "la Universitat", "la Institució"). A name that starts with none of them takes no
# article ("d'Energia Justa", "de Barcelona Activa").
_CATALAN_ARTICLES = {
    "l'": (
        "acadèmia acció agència agrupació aliança assemblea associació ateneu ajuntament "
        "alcaldia "
        "arxiu àrea auditori escola església entitat espai estudi hospital hotel "
        "obra observatori oficina ong orquestra institut"
    ),
    "la ": (
        "caixa càtedra casa cambra comissió comunitat "
        "confederació consultora coordinadora cooperativa corporació creu diputació "
        "direcció federació fundació generalitat germandat institució lliga mancomunitat "
        "mesa organització penya plataforma residència secretaria societat taula "
        "unió universitat xarxa"
    ),
    "el ": (
        "banc casal centre cercle club col·lectiu col·legi comitè consell consorci "
        "departament districte esplai grup gremi moviment museu patronat projecte "
        "servei sindicat"
    ),
    "els ": "amics serveis",
    "les ": "germanes",
}
_ARTICLE_OF = {
    word: article for article, words in _CATALAN_ARTICLES.items() for word in words.split()
}
# "de" + article: "de l'", "de la ", "del ", "dels ", "de les ".
_CATALAN_DE = {"l'": "de l'", "la ": "de la ", "el ": "del ", "els ": "dels ", "les ": "de les "}
# A name that starts with its own article ("El Xiprer", "Els Amics del Parc").
_OWN_ARTICLE = {"el": "del", "els": "dels"}


def _bare(letter: str) -> str:
    return unicodedata.normalize("NFD", letter)[0].lower()


def _sounds_vowel(word: str) -> bool:
    """Whether Catalan elides before the word: a vowel, or a silent h and a vowel,
    and not a consonantal i or u before a vowel ("de Iolanda", "de Huelva" elide
    nothing; "d'Energia", "d'Habitatge", "d'Ona" do)."""
    letters = [_bare(c) for c in word[:3]]
    if letters and letters[0] == "h":
        letters = letters[1:]
    if not letters or letters[0] not in "aeiou":
        return False
    return not (letters[0] in "iu" and len(letters) > 1 and letters[1] in "aeiou")


def de(name: object, language: str | None = None) -> str:
    """The preposition "de" with a proper name, as the language writes it; in English,
    the name alone (the English msgid carries its own "of" or "by").

    Catalan: "de l'Associació Veïnal", "de la Fundació Dones i Llar", "del Consell
    Comarcal", "d'Energia Justa", "de Barcelona Activa", "del Xiprer" (for "El Xiprer").
    Spanish: "de Fundación X", "del Prat" (for "El Prat"). A translated string puts this
    where it would have put "de %(name)s", so no translation writes "de" before a name.
    """
    name = str(name).strip()
    language = (language or get_language() or "").split("-")[0]
    if not name or language not in ("ca", "es"):
        return name
    first, _space, rest = name.partition(" ")
    if first.lower() in _OWN_ARTICLE and rest and language == "ca":
        return f"{_OWN_ARTICLE[first.lower()]} {rest}"
    if language == "es":
        if first.lower() == "el" and rest:
            return f"del {rest}"
        return f"de {name}"
    article = _ARTICLE_OF.get(first.lower().replace("l.l", "l·l"))
    if article:
        return f"{_CATALAN_DE[article]}{name}"
    if _sounds_vowel(name):
        return f"d'{name}"
    return f"de {name}"
