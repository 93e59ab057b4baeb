"""The columns of the measurement import, read by core.reading (which the rest of this
module re-exports, for the callers that knew it here)."""

from __future__ import annotations

from typing import IO

from django.core.files import File

from core import reading
from core.reading import (  # noqa: F401
    BLANK_TAIL,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHARED_STRINGS_PER_ROW,
    REQUEST_OVERHEAD,
    XLSX_UNPACKED_RATIO,
    ImportRefused,
    XlsxScan,
    import_max_bytes,
    request_too_large,
    too_large,
)

REQUIRED_COLUMNS = ("indicator", "period", "cell", "value")
# A percentage's cells are given by their numerator and denominator (the value column, if
# filled in too, must be the percentage they make).
OPTIONAL_COLUMNS = ("text", "comment", "numerator", "denominator")


def read_rows(upload: File | IO[bytes]) -> list[dict[str, str]]:
    """The rows of a measurement file: indicator, period, cell, value (text, comment,
    numerator, denominator)."""
    return reading.read_rows(upload, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
