"""Reading an uploaded spreadsheet: a CSV or the first sheet of an XLSX becomes rows of
text, {column: text}, numbered as the person sees them.

Nothing here knows what the rows mean (indicators.importing checks measurement reports,
clusters.bulk_invitations invitations); each caller names its columns.
What is here is the defence against files that would exhaust the server: a size limit
checked before anything is parsed (the same one the upload page applies to the request),
zip bombs, rows and columns beyond the limits, millions of shared strings, DTDs. Every
reader stops at the limits, whatever the file claims.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO
from xml.parsers import expat

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.xml.constants import SHARED_STRINGS

from core import words

# Limits that keep one upload from exhausting the server: a file of the maximum number
# of rows is well under the byte limits, and a hostile file costs no more than the largest
# good one (every reader below stops at the limits, whatever the file claims).
MAX_ROWS = 50_000
# The largest file is settings.IMPORT_MAX_MB (import_max_bytes). A request holds the file
# and a few form fields: this much more than the file is refused before it is read.
REQUEST_OVERHEAD = 64 * 1024
# Empty rows tolerated below the table (spreadsheets save formatted empty rows).
BLANK_TAIL = 100
# An XLSX is a zip: its unpacked size is checked before parsing, against zip bombs.
# The unpacked sheet may be larger than the upload, but not much: a small file that
# unpacks to hundreds of MB would tie up a worker (an "XLSX bomb"). A quarter more than
# the import limit (25 MB for the default 20), so that raising the limit raises it too.
XLSX_UNPACKED_RATIO = 1.25
# Only the first columns matter (the template has 9); a cell further right is refused
# before anything is read, since a reader pads every row up to it.
MAX_COLUMNS = 30
# The shared strings of a full template (texts, codes and cell keys of 50,000 rows) are
# far fewer; millions of tiny ones would be read into memory before the first row.
MAX_SHARED_STRINGS_PER_ROW = 10

XLSX_SIGNATURE = b"PK\x03\x04"
# Text-looking formats that are not CSV: refused even when their bytes happen to be UTF-8.
OTHER_SIGNATURES = (b"%PDF-", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0", b"{\\rtf")


class ImportRefused(Exception):
    """The file cannot be imported; ``errors`` are (row, message) pairs, sorted by row.

    Rows are numbered as in a spreadsheet: the header is row 1, the first data row is
    row 2; row 0 is a problem of the whole file."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = sorted(errors, key=lambda error: error[0])
        super().__init__("; ".join(f"{row}: {message}" for row, message in self.errors[:5]))


def import_max_bytes() -> int:
    """The largest file an import takes, in bytes: settings.IMPORT_MAX_MB, read when
    asked, so that the upload page and the reader apply the same limit."""
    return settings.IMPORT_MAX_MB * 2**20


def too_large() -> ImportRefused:
    return ImportRefused(
        [(0, _("The file is too large: the limit is %(mb)s MB.") % {"mb": settings.IMPORT_MAX_MB})]
    )


def request_too_large(content_length: str | None) -> bool:
    """Whether a request of this length (its CONTENT_LENGTH) holds a file larger than an
    import takes: checked before the body is read, so that a huge upload never reaches the
    disk. A length that is not a number is refused like a huge one."""
    try:
        length = int(content_length or 0)
    except ValueError:
        return True
    return length > import_max_bytes() + REQUEST_OVERHEAD


def read_rows(
    upload: File | IO[bytes],
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    formulas: bool = True,
) -> list[dict[str, str]]:
    """The data rows of a CSV or XLSX file as {column: text}, for the known columns present
    (the header's names, in any case; a required one missing refuses the file).

    The i-th dict is spreadsheet row i + 2: blank rows inside the table are kept (as
    empty values) so that the numbering stays the one the person sees."""
    content = _read_bytes(upload)
    if not content:
        raise ImportRefused([(0, _("The file is empty."))])
    # formulas=False refuses an XLSX with any formula in the sheet read (a CSV has only
    # text: its caller checks the cells).
    if content.startswith(XLSX_SIGNATURE):
        table = _xlsx_table(content, formulas=formulas)
    else:
        table = _csv_table(content)
    return _rows_from_table(table, required, optional)


def _not_a_table() -> ImportRefused:
    return ImportRefused([(0, _("The file is not a CSV or XLSX file."))])


def _read_bytes(upload: File | IO[bytes]) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    limit = import_max_bytes()
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise too_large()
    return content


def _csv_table(content: bytes) -> list[list[str]]:
    # The format is decided by the content, whatever the name says: NUL bytes or the
    # signature of another format mean it is not a text table.
    if b"\x00" in content or content.startswith(OTHER_SIGNATURES):
        raise _not_a_table()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _encoding_refused(content) from None
    if not text.strip():
        raise ImportRefused([(0, _("The file is empty."))])
    try:
        return _capped(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error:
        raise _not_a_table() from None


def _last_row() -> int:
    """The number of the last row a file may use: the header, then MAX_ROWS rows."""
    return MAX_ROWS + 1


def _encoding_refused(content: bytes) -> ImportRefused:
    """A text file in another encoding (Excel's "CSV" on Windows is often Windows-1252)
    deserves a message that says how to fix it; binary content does not."""
    controls = set(range(32)) - {9, 10, 13}
    if any(byte in controls for byte in content[:4096]):
        return _not_a_table()
    return ImportRefused(
        [(0, _("The CSV file is not in UTF-8: save it as “CSV UTF-8” and try again."))]
    )


def _delimiter(text: str) -> str:
    # Spreadsheets in Catalan or Spanish save CSV with semicolons.
    try:
        return csv.Sniffer().sniff(text[:1024], delimiters=",;").delimiter
    except csv.Error:
        return ","


def _xlsx_table(content: bytes, *, formulas: bool = True) -> list[Sequence[object]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > XLSX_UNPACKED_RATIO * import_max_bytes():
                raise too_large()
        XlsxScan(formulas=formulas).check(content)
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise _not_a_table() from None
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on files it cannot read
        raise _not_a_table() from None
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        # Files written by other programs may declare wrong dimensions; read what is there,
        # never past the rows the scan allowed (openpyxl fills every missing row in).
        sheet.reset_dimensions()
        last = _last_row() + BLANK_TAIL
        return _capped(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS, max_row=last))
    except ImportRefused:
        raise
    except Exception:  # a corrupt sheet fails only while it is read
        raise _not_a_table() from None
    finally:
        workbook.close()


class XlsxScan:
    """What a workbook's XML claims, read as a stream before openpyxl reads it, stopping at
    the first claim beyond the limits. On the sheet the import reads (the first worksheet,
    found as openpyxl finds it): a row numbered past them (openpyxl would fill in every row
    before it, a billion for one cell in row 1,000,000,000), more rows than a file may
    hold, a cell right of MAX_COLUMNS or a declared dimension beyond either. In the shared
    strings: strings by the million. In any part: a DTD (entities that expand). Other
    sheets are never read, and may hold what they like. ``elements`` says how much was
    read."""

    def __init__(self, *, formulas: bool = True) -> None:
        self.elements = 0
        self.formulas = formulas

    def check(self, content: bytes) -> None:
        # A DTD comes before a part's first element: every part is opened that far before
        # openpyxl reads any of them to find the sheet.
        self._scan_parts(content, lambda _name: (False, False), first_element_only=True)
        sheet, strings = _first_sheet_parts(content)
        self._scan_parts(content, lambda name: (name == sheet, name == strings))

    def _scan_parts(
        self,
        content: bytes,
        kinds: Callable[[str], tuple[bool, bool]],
        first_element_only: bool = False,
    ) -> None:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                sheet, strings = kinds(info.filename)
                with archive.open(info) as member:
                    self._scan(member, sheet=sheet, strings=strings, first=first_element_only)

    def _scan(self, member: IO[bytes], *, sheet: bool, strings: bool, first: bool) -> None:
        parser = expat.ParserCreate()
        state = {"row": 0, "rows": 0, "strings": 0}

        def start(name: str, attributes: dict[str, str]) -> None:
            if first:
                raise _FirstElement
            self.elements += 1
            tag = name.rpartition(":")[2]
            if sheet and tag == "row":
                state["rows"] += 1
                state["row"] = _row_number(attributes.get("r")) or state["row"] + 1
                if max(state["row"], state["rows"]) > _last_row() + BLANK_TAIL:
                    raise _too_many_rows()
            elif sheet and tag == "f" and not self.formulas:
                raise ImportRefused(
                    [(state["row"], _("A cell holds a formula: write values only."))]
                )
            elif sheet and tag == "c" and "r" in attributes:
                _check_cell(attributes["r"])
            elif sheet and tag == "dimension" and "ref" in attributes:
                _check_cell(attributes["ref"].rpartition(":")[2])
            elif strings and tag == "si":
                state["strings"] += 1
                if state["strings"] > MAX_SHARED_STRINGS_PER_ROW * MAX_ROWS:
                    raise _too_many_texts()

        def doctype(*_args: object) -> None:
            raise _not_a_table()  # a workbook has no DTD

        parser.StartElementHandler = start
        parser.StartDoctypeDeclHandler = doctype
        parser.EntityDeclHandler = doctype
        # Not XML (or not only): openpyxl decides what it makes of it.
        with contextlib.suppress(expat.ExpatError, _FirstElement):
            parser.ParseFile(member)


class _FirstElement(Exception):
    """A part's first element is reached: its DTD, if any, came before."""


def _first_sheet_parts(content: bytes) -> tuple[str | None, str | None]:
    """The parts of the sheet the import reads and of the shared strings, found by
    openpyxl itself from the package's manifest and the workbook's relationships (without
    reading either); None for a part it cannot find, and then it cannot load the file."""
    try:
        reader = ExcelReader(io.BytesIO(content), read_only=True, keep_links=False)
        reader.read_manifest()
        reader.read_workbook()
        strings = reader.package.find(SHARED_STRINGS)
        sheets = [
            rel.target
            for _sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]
    except Exception:  # openpyxl raises many kinds of errors on files it cannot read
        return None, None
    return (sheets[0] if sheets else None), (strings.PartName[1:] if strings else None)


def _row_number(text: str | None) -> int:
    if not text:
        return 0
    if not text.isdigit():
        raise _not_a_table()
    return int(text)


CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def _check_cell(reference: str) -> None:
    """A cell such as "XFD2" or "AD50001" is within the columns and rows a file may use."""
    match = CELL_REFERENCE.fullmatch(reference)
    if match is None:
        raise _not_a_table()
    letters, row = match.groups()
    if int(row) > _last_row() + BLANK_TAIL:
        raise _too_many_rows()
    if column_index_from_string(letters.upper()) > MAX_COLUMNS:
        raise ImportRefused(
            [
                (
                    0,
                    _(
                        "The sheet has a cell in column %(column)s: only the first "
                        "%(limit)s columns are read. Delete the columns after %(last)s."
                    )
                    % {
                        "column": letters.upper(),
                        "limit": MAX_COLUMNS,
                        "last": get_column_letter(MAX_COLUMNS),
                    },
                )
            ]
        )


def _capped(rows: Iterable[Sequence[object]]) -> list[Sequence[object]]:
    """The header and up to MAX_ROWS data rows. Up to BLANK_TAIL empty rows may follow
    (formatted but empty spreadsheet rows: not kept); any other row refuses the file, and
    nothing after it is read."""
    kept: list[Sequence[object]] = []
    for number, row in enumerate(rows, start=1):
        if number <= _last_row():
            kept.append(row)
        elif number > _last_row() + BLANK_TAIL or not _is_blank(row):
            raise _too_many_rows()
    return kept


def _too_many_texts() -> ImportRefused:
    limit = words.number(MAX_ROWS)
    return ImportRefused(
        [
            (
                0,
                _(
                    "The file holds more texts than %(limit)s rows could: it is not a "
                    "filled-in template. Split it, or start again from the template."
                )
                % {"limit": limit},
            )
        ]
    )


def _too_many_rows() -> ImportRefused:
    limit = words.number(MAX_ROWS)
    return ImportRefused(
        [(0, _("The file has more than %(limit)s rows: split it.") % {"limit": limit})]
    )


def _is_blank(row: Sequence[object]) -> bool:
    return all(_text(value) == "" for value in row)


def _rows_from_table(
    table: Sequence[Sequence[object]], required: Sequence[str], optional: Sequence[str]
) -> list[dict[str, str]]:
    if not table or all(_is_blank(row) for row in table):
        raise ImportRefused([(0, _("The file is empty."))])
    positions = _column_positions(table[0], required, optional)
    data = list(table[1:])
    while data and _is_blank(data[-1]):
        data.pop()
    if not data:
        raise ImportRefused([(0, _("The file is empty."))])
    if len(data) > MAX_ROWS:
        raise _too_many_rows()
    return [
        {name: _text(row[i]) if i < len(row) else "" for name, i in positions.items()}
        for row in data
    ]


def _column_positions(
    header: Sequence[object], required: Sequence[str], optional: Sequence[str]
) -> dict[str, int]:
    """Where each known column is; other columns (labels of the template) are ignored."""
    known = (*required, *optional)
    positions: dict[str, int] = {}
    for i, value in enumerate(header):
        name = _text(value).lower()
        if name not in known:
            continue
        if name in positions:
            raise ImportRefused(
                [(0, _("The column “%(column)s” appears more than once.") % {"column": name})]
            )
        positions[name] = i
    missing = [name for name in required if name not in positions]
    if missing:
        raise ImportRefused(
            [(0, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})]
        )
    return positions


def _text(value: object) -> str:
    """A cell as the text a person typed: dates as YYYY-MM-DD, numbers without float noise."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # repr is the shortest text that gives the float back: 0.1 stays "0.1".
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()
