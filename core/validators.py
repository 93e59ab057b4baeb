"""Validators shared by the models of several parts."""

from __future__ import annotations

import zoneinfo

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
