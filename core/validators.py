"""Validators shared by the models of several parts."""

from __future__ import annotations

import functools
import re
import unicodedata
import zoneinfo

import babel
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    """A zone of the IANA database that this machine knows (Europe/Madrid)."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("“%(zone)s” is not a time zone. Write it as Europe/Madrid."),
            params={"zone": value},
            code="time_zone",
        ) from None


# An IATI organisation identifier: the registration agency's code (a country or XI/XM,
# a dash, the register), a dash, and the entity's number in that register, as in
# ES-CIF-G12345678 or XM-DAC-41301. IATI forbids spaces, "/", "&", "|" and "?" in it.
IATI_ORGANISATION_IDENTIFIER = r"^[A-Z]{2}-[A-Z0-9]{2,10}-[A-Za-z0-9][A-Za-z0-9._:-]{0,80}$"


def validate_iati_organisation_identifier(value: str) -> None:
    if not re.fullmatch(IATI_ORGANISATION_IDENTIFIER, value):
        raise ValidationError(
            _(
                "“%(value)s” is not an IATI organisation identifier. Write the registration "
                "agency's code and the entity's number in it, as in ES-CIF-G12345678, "
                "without spaces."
            ),
            params={"value": value},
            code="iati_identifier",
        )


def validate_country(value: str) -> None:
    """An ISO 3166-1 two-letter country code that Babel names (ES, FR, SN)."""
    if value not in country_names("en"):
        raise ValidationError(
            _("“%(value)s” is not a country code. Write it as two capital letters, as in ES."),
            params={"value": value},
            code="country",
        )


@functools.cache
def country_names(language: str) -> dict[str, str]:
    """Countries by their ISO 3166-1 two-letter code, named in ``language`` (Babel's CLDR
    data), in alphabetical order of the names. Regions (419) and Babel's ZZ are left out."""
    territories = babel.Locale.parse(language).territories
    names = {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in {"ZZ", "EU", "EZ", "UN", "QO"}
    }
    return dict(sorted(names.items(), key=lambda item: locale_key(item[1])))


def locale_key(name: str) -> str:
    """Sorts names with accents beside those without (Àfrica with Africa)."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
