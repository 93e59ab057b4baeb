"""Cells and files for spreadsheet programs: one safe-cell rule, one CSV and one XLSX
response for every export, with the same byte-order mark, line ends and headers."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date

from django.http import HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"

# A cell starting with one of these is read as a formula by spreadsheet programs; so is
# one starting so after spaces (some programs trim them), and any part of a cell after a
# separator, when a program splits the file there (Catalan and Spanish spreadsheets split
# "Nou Barris;=1+1" at the semicolon). An apostrophe before each makes it text; one more
# before any apostrophes already there keeps the change undoable (cell_text).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RUNS_AT_START = re.compile(r"[ ']*[=+\-@\t\r]")
RUNS_AFTER_SEPARATOR = re.compile(r"([,;|\t])(?=[ ']*[=+\-@])")
ESCAPED_AFTER_SEPARATOR = re.compile(r"([,;|\t])'(?=[ ']*[=+\-@])")


def safe_cell(value: object) -> object:
    """A value written into a CSV or XLSX cell so that no program runs any of it."""
    if not isinstance(value, str):
        return value
    text = RUNS_AFTER_SEPARATOR.sub(r"\1'", value)
    return "'" + text if RUNS_AT_START.match(text) else text


def cell_text(cell: str) -> str:
    """The text ``safe_cell`` was given, from what it wrote: a downloaded template imports
    back as it was."""
    if cell.startswith("'") and RUNS_AT_START.match(cell, 1):
        cell = cell[1:]
    return ESCAPED_AFTER_SEPARATOR.sub(r"\1", cell)


def _csv_cell(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell(value)


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """Rows as CSV text: a byte-order mark (spreadsheet programs then read the accents
    right), CR LF line ends as RFC 4180 says, dates in ISO 8601, every cell made safe."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue()


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, rows: Iterable[Iterable[object]]) -> HttpResponse:
    """A CSV download of ``rows``."""
    return _attachment(HttpResponse(csv_text(rows), content_type=CSV_TYPE), filename)


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    """An XLSX download of a workbook already written."""
    return _attachment(HttpResponse(content, content_type=XLSX_TYPE), filename)
