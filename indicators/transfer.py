"""Reports in and out of spreadsheets: import from CSV or XLSX, a template to fill in,
and an export of validated values with HXL hashtags.

An import is all or nothing: every row is checked and every error collected (with the
row number a person sees in a spreadsheet) before anything is written; when the file is
good, everything is saved in one transaction with bulk queries, so that ten thousand rows
cost a few dozen queries rather than tens of thousands.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO
from xml.parsers import expat

from django.core.files import File
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Font
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.xml.constants import SHARED_STRINGS

from accounts.models import User
from clusters.models import Cluster, Membership
from core.errors import DomainError
from core.spreadsheets import cell_text, csv_text
from indicators.cells import Cell, cells_of, combined, count_problem, group
from indicators.models import (
    DISABILITY,
    HXL_SEX,
    Indicator,
    Measurement,
    MeasurementReport,
    ReportEvent,
    ReportingPeriod,
    parse_cell,
)
from indicators.services import can_report, check_total, report_unchanged
from rights.models import AGE_BANDS, SEXES

# Limits that keep one upload from exhausting the server: a file of the maximum number
# of rows is well under the byte limits, and a hostile file costs no more than the largest
# good one (every reader below stops at the limits, whatever the file claims).
MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024
# Empty rows tolerated below the table (spreadsheets save formatted empty rows).
BLANK_TAIL = 100
# An XLSX is a zip: its unpacked size is checked before parsing, against zip bombs.
# The unpacked sheet may be several times the upload, but not more: a small file that
# unpacks to hundreds of MB would tie up a worker (an "XLSX bomb").
MAX_XLSX_UNPACKED = 25 * 1024 * 1024
# Only the first columns matter (the template has 9); a cell further right is refused
# before anything is read, since a reader pads every row up to it.
MAX_COLUMNS = 30
# The shared strings of a full template (texts, codes and cell keys of 50,000 rows) are
# far fewer; millions of tiny ones would be read into memory before the first row.
MAX_SHARED_STRINGS_PER_ROW = 10

REQUIRED_COLUMNS = ("indicator", "period", "cell", "value")
OPTIONAL_COLUMNS = ("text", "comment")
TEMPLATE_HEADER = (
    "indicator",
    "indicator_name",
    "period",
    "period_label",
    "cell",
    "cell_label",
    "value",
    "text",
    "comment",
)
TEMPLATE_WIDTHS = (12, 40, 12, 12, 34, 40, 12, 40, 40)

# The database column is DECIMAL(14, 2).
MAX_INTEGER_DIGITS = 12
MAX_DECIMALS = 2
# One decimal separator, point or comma (Catalan and Spanish spreadsheets write "1,5");
# no exponent, no thousands separator: "1,500" is refused (three decimals) rather than
# silently read as 1.5 or 1500.
NUMBER = re.compile(r"[+-]?(\d+(?:[.,]\d*)?|[.,]\d+)")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_TEXT = 5000
MAX_COMMENT = 2000

XLSX_SIGNATURE = b"PK\x03\x04"
# Text-looking formats that are not CSV: refused even when their bytes happen to be UTF-8.
OTHER_SIGNATURES = (b"%PDF-", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0", b"{\\rtf")

# HXL hashtags of the export, from the HXL 1.1 hashtag dictionary
# (https://hxlstandard.org/standard/1-1final/dictionary/). The total has no attribute:
# the dictionary has no +total, and a #reached column without disaggregation attributes
# is the overall figure. A row is a report of the whole cluster (#adm1, no #adm2), or a
# territory of an indicator by territory (#adm2); a qualitative report's text is its
# #description.
HXL_HEAD = (
    "#org",
    "#org+code",
    "#indicator+code",
    "#indicator+name",
    "#date+start",
    "#date+end",
    "#adm1+name",
    "#adm2+name",
    "#reached",
)
# One column per group of cells: each dimension's values, then sex by age. The dictionary
# has no attribute for disability: +disabled and +nondisabled are the export's own (HXL
# allows them), as a person reading the column would guess.
HXL_DISABILITY = {"yes": "disabled", "no": "nondisabled"}
HXL_GROUPS: tuple[tuple[dict[str, str], str], ...] = (
    *(({"sex": sex}, f"#reached+{HXL_SEX[sex]}") for sex, _s in SEXES),
    *(({"age": age}, f"#reached+{age}") for age, _a in AGE_BANDS),
    *(({"disability": d}, f"#reached+{HXL_DISABILITY[d]}") for d, _label in DISABILITY),
    *(
        ({"sex": sex, "age": age}, f"#reached+{HXL_SEX[sex]}+{age}")
        for sex, _s in SEXES
        for age, _a in AGE_BANDS
    ),
)
HXL_TAGS = (*HXL_HEAD, *(tag for _parts, tag in HXL_GROUPS), "#description")
EXPORT_WIDTHS = (30, 18, 14, 40, 12, 12, 20, 20, 12, *(14 for _group in HXL_GROUPS), 50)


class ImportRefused(Exception):
    """The file cannot be imported; ``errors`` are (row, message) pairs, sorted by row.

    Rows are numbered as in a spreadsheet: the header is row 1, the first data row is
    row 2; row 0 is a problem of the whole file."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = sorted(errors, key=lambda error: error[0])
        super().__init__("; ".join(f"{row}: {message}" for row, message in self.errors[:5]))


# ---------------------------------------------------------------------------------------
# Reading a file


def read_rows(upload: File | IO[bytes]) -> list[dict[str, str]]:
    """The data rows of a CSV or XLSX file as {column: text}, for the known columns present.

    The i-th dict is spreadsheet row i + 2: blank rows inside the table are kept (as
    empty values) so that the numbering stays the one the person sees."""
    content = _read_bytes(upload)
    if not content:
        raise ImportRefused([(0, _("The file is empty."))])
    table = _xlsx_table(content) if content.startswith(XLSX_SIGNATURE) else _csv_table(content)
    return _rows_from_table(table)


def _not_a_table() -> ImportRefused:
    return ImportRefused([(0, _("The file is not a CSV or XLSX file."))])


def _read_bytes(upload: File | IO[bytes]) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ImportRefused(
            [(0, _("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // 2**20})]
        )
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


def _xlsx_table(content: bytes) -> list[Sequence[object]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_XLSX_UNPACKED:
                raise ImportRefused(
                    [(0, _("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // 2**20})]
                )
        XlsxScan().check(content)
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

    def __init__(self) -> None:
        self.elements = 0

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
    limit = formats.number_format(MAX_ROWS, force_grouping=True)
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
    limit = formats.number_format(MAX_ROWS, force_grouping=True)
    return ImportRefused(
        [(0, _("The file has more than %(limit)s rows: split it.") % {"limit": limit})]
    )


def _is_blank(row: Sequence[object]) -> bool:
    return all(_text(value) == "" for value in row)


def _rows_from_table(table: Sequence[Sequence[object]]) -> list[dict[str, str]]:
    if not table or all(_is_blank(row) for row in table):
        raise ImportRefused([(0, _("The file is empty."))])
    positions = _column_positions(table[0])
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


def _column_positions(header: Sequence[object]) -> dict[str, int]:
    """Where each known column is; other columns (labels of the template) are ignored."""
    known = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
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
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
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


# ---------------------------------------------------------------------------------------
# Importing


@dataclass
class _Row:
    number: int
    indicator: Indicator
    period: ReportingPeriod
    cell: str
    value: Decimal | None
    text: str
    comment: str


@dataclass
class _Cells:
    """An indicator's cell keys, and the keys by their lower-cased parts so that
    "age=children|sex=female" or "Sex=Female | age=children" find "sex=female|age=children".
    Computed once per indicator: Indicator.cells() translates every label."""

    keys: list[str]
    by_parts: dict[frozenset[tuple[str, str]], str]


def _cells(cache: dict[int, _Cells], indicator: Indicator) -> _Cells:
    if indicator.pk not in cache:
        keys = [key for key, _label in indicator.cells()]
        by_parts = {
            frozenset((name.lower(), value.lower()) for name, value in parse_cell(key).items()): key
            for key in keys
        }
        cache[indicator.pk] = _Cells(keys, by_parts)
    return cache[indicator.pk]


@dataclass
class _Draft:
    """What the file says about one report (one indicator and period)."""

    indicator: Indicator
    period: ReportingPeriod
    rows: list[_Row] = field(default_factory=list)


@dataclass
class _Change:
    """A report to write: ``report`` is None when it is new."""

    indicator: Indicator
    period: ReportingPeriod
    report: MeasurementReport | None
    values: dict[str, Decimal]
    text: str
    comment: str


def import_reports(
    *,
    cluster: Cluster,
    membership: Membership,
    by: User,
    upload: File | IO[bytes],
    submit: bool,
) -> int:
    """Import an entity's values from a CSV or XLSX file; the number of reports saved.

    Blank rows and rows without value, text or comment (template rows left empty) are
    skipped; a report whose values are those already stored is left alone. Raises
    ImportRefused with every error when any row is wrong, having saved nothing."""
    rows = read_rows(upload)
    if membership.cluster_id != cluster.pk:
        raise ImportRefused([(0, _("This entity is not a member of this cluster."))])
    columns = set(rows[0])
    with transaction.atomic():
        indicators = {i.code.upper(): i for i in cluster.indicators.prefetch_related("responsible")}
        periods = _periods_locked(cluster, rows)
        errors: list[tuple[int, str]] = []
        cells: dict[int, _Cells] = {}
        drafts = _drafts(_checked_rows(rows, indicators, periods, cells, errors))
        existing = _reports_locked(membership, drafts)
        changes = []
        for draft in drafts.values():
            change = _checked_report(
                draft, existing, membership, columns, cells, submit=submit, errors=errors
            )
            if change is not None:
                changes.append(change)
        if errors:
            raise ImportRefused(errors)
        _save(changes, membership=membership, by=by, submit=submit)
    return len(changes)


def _periods_locked(cluster: Cluster, rows: list[dict[str, str]]) -> dict[date, ReportingPeriod]:
    """The periods the file names, locked until the end of the import: locking a period
    or saving a report through the form waits for it (report_save locks the period too)."""
    starts = set()
    for row in rows:
        start = _parse_date(row["period"])
        if start is not None:
            starts.add(start)
    periods = ReportingPeriod.objects.select_for_update().filter(cluster=cluster, start__in=starts)
    return {period.start: period for period in periods.order_by("pk")}


def _parse_date(raw: str) -> date | None:
    if not ISO_DATE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _checked_rows(
    rows: list[dict[str, str]],
    indicators: Mapping[str, Indicator],
    periods: Mapping[date, ReportingPeriod],
    cells: dict[int, _Cells],
    errors: list[tuple[int, str]],
) -> list[_Row]:
    seen: dict[tuple[int, int, str], int] = {}
    good = []
    for index, raw in enumerate(rows):
        number = index + 2
        value_text = raw["value"]
        text = _unescaped(raw.get("text", ""))
        comment = _unescaped(raw.get("comment", ""))
        if not (value_text or text or comment):
            continue  # blank, or a template row left empty
        problems: list[str] = []
        indicator = _row_indicator(raw["indicator"], indicators, problems)
        period = _row_period(raw["period"], periods, problems)
        cell = None
        if indicator is not None:
            cell = _row_cell(raw["cell"], indicator, _cells(cells, indicator), problems)
        value = _row_value(value_text, indicator, problems)
        if len(text) > MAX_TEXT:
            problems.append(
                _("The text is longer than %(limit)s characters.") % {"limit": MAX_TEXT}
            )
        if len(comment) > MAX_COMMENT:
            problems.append(
                _("The comment is longer than %(limit)s characters.") % {"limit": MAX_COMMENT}
            )
        if indicator is not None and period is not None and cell is not None:
            key = (indicator.pk, period.pk, cell)
            if key in seen:
                problems.append(
                    _("Row %(row)s already gives this indicator, period and cell.")
                    % {"row": seen[key]}
                )
            else:
                seen[key] = number
        if problems:
            errors.extend((number, problem) for problem in problems)
            continue
        good.append(_Row(number, indicator, period, cell, value, text, comment))
    return good


def _unescaped(text: str) -> str:
    """Undo the apostrophes that CSV downloads put before what would run as a formula."""
    return cell_text(text)


def _row_indicator(
    code: str, indicators: Mapping[str, Indicator], problems: list[str]
) -> Indicator | None:
    if not code:
        problems.append(_("The indicator code is missing."))
        return None
    indicator = indicators.get(code.strip().upper())
    if indicator is None:
        # Another cluster's indicators are not named: to this cluster they do not exist.
        problems.append(_("There is no indicator “%(code)s” in this cluster.") % {"code": code})
    return indicator


def _row_period(
    raw: str, periods: Mapping[date, ReportingPeriod], problems: list[str]
) -> ReportingPeriod | None:
    if not raw:
        problems.append(_("The period is missing: give its start date as YYYY-MM-DD."))
        return None
    start = _parse_date(raw)
    if start is None:
        problems.append(
            _("“%(value)s” is not a date: give the period's start date as YYYY-MM-DD.")
            % {"value": raw}
        )
        return None
    period = periods.get(start)
    if period is None:
        problems.append(
            _("No reporting period of this cluster starts on %(date)s.") % {"date": raw}
        )
    return period


def _row_cell(raw: str, indicator: Indicator, cells: _Cells, problems: list[str]) -> str | None:
    if not raw:
        return ""
    parts = [part.split("=", 1) for part in raw.split("|")]
    if all(len(part) == 2 for part in parts):
        key = cells.by_parts.get(
            frozenset((n.strip().lower(), v.strip().lower()) for n, v in parts)
        )
        if key is not None and len(parts) == len(parse_cell(key)):
            return key
    problems.append(
        _("“%(cell)s” is not a cell of indicator %(code)s.") % {"cell": raw, "code": indicator.code}
    )
    return None


def _row_value(raw: str, indicator: Indicator | None, problems: list[str]) -> Decimal | None:
    if not raw:
        return None
    if indicator is not None and not indicator.is_numeric:
        problems.append(
            _("Indicator %(code)s is qualitative: write in the text column, not in the value.")
            % {"code": indicator.code}
        )
        return None
    try:
        value = parse_number(raw)
    except ValueError as error:
        problems.append(str(error))
        return None
    if (
        indicator is not None
        and indicator.measure == Indicator.Measure.PERCENTAGE
        and not Decimal(0) <= value <= Decimal(100)
    ):
        problems.append(
            _("A percentage must be between 0 and 100, not %(value)s.") % {"value": raw}
        )
        return None
    if indicator is not None and indicator.counts and (problem := count_problem(value)):
        problems.append(problem)
        return None
    return value


def parse_number(raw: str) -> Decimal:
    """A number as people write it ("1,5" or "1.5"), within what the database stores.
    ValueError with a message for the person otherwise."""
    text = raw.strip()
    if not NUMBER.fullmatch(text):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw})
    unsigned = text.lstrip("+-")
    integer, _sep, decimals = unsigned.replace(",", ".").partition(".")
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ValueError(
            _("%(value)s has more than %(digits)s digits before the decimal point.")
            % {"value": raw, "digits": MAX_INTEGER_DIGITS}
        )
    if len(decimals) > MAX_DECIMALS:
        raise ValueError(
            _("%(value)s has more than %(decimals)s decimals.")
            % {"value": raw, "decimals": MAX_DECIMALS}
        )
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw}) from None


def _drafts(rows: list[_Row]) -> dict[tuple[int, int], _Draft]:
    drafts: dict[tuple[int, int], _Draft] = {}
    for row in rows:
        key = (row.indicator.pk, row.period.pk)
        drafts.setdefault(key, _Draft(row.indicator, row.period)).rows.append(row)
    return drafts


def _reports_locked(
    membership: Membership, drafts: Mapping[tuple[int, int], _Draft]
) -> dict[tuple[int, int], MeasurementReport]:
    """The entity's existing reports for the file's indicators and periods, locked so that
    no validation or form save slips in between the checks and the writes."""
    if not drafts:
        return {}
    reports = (
        MeasurementReport.objects.select_for_update()
        .filter(
            membership=membership,
            indicator__in={key[0] for key in drafts},
            period__in={key[1] for key in drafts},
        )
        .prefetch_related("measurements")
        .order_by("pk")
    )
    return {(r.indicator_id, r.period_id): r for r in reports}


def _checked_report(
    draft: _Draft,
    existing: Mapping[tuple[int, int], MeasurementReport],
    membership: Membership,
    columns: set[str],
    cells: dict[int, _Cells],
    *,
    submit: bool,
    errors: list[tuple[int, str]],
) -> _Change | None:
    """The change one report needs, None when nothing changes; errors are added."""
    indicator, period = draft.indicator, draft.period
    first = draft.rows[0].number
    report = existing.get((indicator.pk, period.pk))
    text = _report_text(draft, "text", errors)
    comment = _report_text(draft, "comment", errors)
    if "text" not in columns:
        text = report.text_value if report else ""
    if "comment" not in columns:
        comment = report.comment if report else ""
    values = _report_values(draft, _cells(cells, indicator).keys, errors)
    if values is None:
        return None
    # A template downloaded with the stored values is imported back as it is: rows of
    # reports that cannot change any more are no error, and nothing is rewritten (unless
    # an editable report is being submitted).
    if (
        report is not None
        and report_unchanged(report, values, text, comment)
        and not (submit and report.is_editable)
    ):
        return None
    problem = _report_problem(indicator, period, membership, report)
    if problem is None and submit:
        problem = _submit_problem(indicator, values, text)
    if problem is not None:
        errors.append((first, problem))
        return None
    return _Change(indicator, period, report, values, text, comment)


def _report_text(draft: _Draft, column: str, errors: list[tuple[int, str]]) -> str:
    """The report's text or comment: the one given, on whichever of its rows."""
    given = [(row.number, getattr(row, column)) for row in draft.rows if getattr(row, column)]
    for number, value in given[1:]:
        if value != given[0][1]:
            message = (
                _("Another text for the same report is given in row %(row)s.")
                if column == "text"
                else _("Another comment for the same report is given in row %(row)s.")
            )
            errors.append((number, message % {"row": given[0][0]}))
    return given[0][1] if given else ""


def _report_values(
    draft: _Draft, keys: list[str], errors: list[tuple[int, str]]
) -> dict[str, Decimal] | None:
    """{cell: value} with the total under "" (derived from complete cells when missing);
    None when the total disagrees with the cells."""
    indicator = draft.indicator
    cells: dict[str, Decimal | None] = dict.fromkeys(keys)
    total, total_row = None, draft.rows[0].number
    for row in draft.rows:
        if row.cell == "":
            total, total_row = row.value, row.number
        elif row.value is not None:
            cells[row.cell] = row.value
    try:
        total = check_total(indicator, cells, total)
    except DomainError as error:
        errors.append((total_row, str(error)))
        return None
    values = {key: value for key, value in cells.items() if value is not None}
    if total is not None:
        values[""] = total
    return values


def _report_problem(
    indicator: Indicator,
    period: ReportingPeriod,
    membership: Membership,
    report: MeasurementReport | None,
) -> str | None:
    """Why this entity cannot change this report now, if it cannot. The messages are
    mostly those of the report form (indicators.services): they share their translations."""
    if period.is_locked:
        return _("The period %(period)s is locked: nothing in it can change.") % {"period": period}
    if period.start > timezone.localdate():
        return _("The period %(period)s has not started yet.") % {"period": period}
    if not can_report(indicator, membership):
        return _("%(entity)s does not report on this indicator.") % {"entity": membership.actor}
    if report is not None and not report.is_editable:
        return _("This report is %(status)s: it can no longer be changed.") % {
            "status": report.get_status_display().lower()
        }
    return None


def _submit_problem(indicator: Indicator, values: Mapping[str, Decimal], text: str) -> str | None:
    if indicator.is_numeric and not values:
        return _("Give at least the total before submitting.")
    if not indicator.is_numeric and not text.strip():
        return _("Describe the situation before submitting.")
    return None


def _save(changes: list[_Change], *, membership: Membership, by: User, submit: bool) -> None:
    """Write every change with bulk queries: a handful of queries whatever the size."""
    now = timezone.now()
    new = [
        MeasurementReport(
            indicator=change.indicator,
            period=change.period,
            membership=membership,
            status=MeasurementReport.Status.SUBMITTED if submit else MeasurementReport.Status.DRAFT,
            text_value=change.text,
            comment=change.comment,
            updated_by=by,
            submitted_at=now if submit else None,
        )
        for change in changes
        if change.report is None
    ]
    MeasurementReport.objects.bulk_create(new)
    new_reports = iter(new)
    old: list[MeasurementReport] = []
    for change in changes:
        if change.report is None:
            change.report = next(new_reports)
            continue
        report = change.report
        report.text_value, report.comment = change.text, change.comment
        report.updated_by, report.updated_at = by, now
        if submit:
            report.status, report.submitted_at = MeasurementReport.Status.SUBMITTED, now
        # Without submitting, a returned report stays returned (with its reason), as
        # when it is saved through the form.
        old.append(report)
    if old:
        MeasurementReport.objects.bulk_update(
            old,
            ["status", "text_value", "comment", "updated_by", "updated_at", "submitted_at"],
            batch_size=500,
        )
        # Chunks keep each query under the database's limit of parameters.
        ids = [report.pk for report in old]
        for start in range(0, len(ids), 5000):
            Measurement.objects.filter(report_id__in=ids[start : start + 5000]).delete()
    Measurement.objects.bulk_create(
        Measurement(report=change.report, cell=cell, value=value)
        for change in changes
        for cell, value in change.values.items()
    )
    ReportEvent.objects.bulk_create(
        ReportEvent(
            report=change.report, user=by, action=ReportEvent.Action.IMPORTED, created_at=now
        )
        for change in changes
    )


# ---------------------------------------------------------------------------------------
# The template


def template_rows(cluster: Cluster, membership: Membership) -> list[list[object]]:
    """The header, then one row per indicator the entity reports on, open period and cell
    (the total first), with the values already stored."""
    today = timezone.localdate()
    indicators = [
        indicator
        for indicator in cluster.indicators.prefetch_related("responsible")
        if can_report(indicator, membership)
    ]
    periods = list(cluster.periods.filter(locked_at__isnull=True, start__lte=today))
    reports = {
        (r.indicator_id, r.period_id): r
        for r in MeasurementReport.objects.filter(
            membership=membership, indicator__in=indicators, period__in=periods
        ).prefetch_related("measurements")
    }
    rows: list[list[object]] = [list(TEMPLATE_HEADER)]
    total_label = _("Total")
    for indicator in indicators:
        # Qualitative indicators are described in words: no cells to give numbers in.
        cells = indicator.cells() if indicator.is_numeric else []
        for period in periods:
            report = reports.get((indicator.pk, period.pk))
            values = {m.cell: m.value for m in report.measurements.all()} if report else {}
            head = [indicator.code, indicator.name, period.start, period.label]
            rows.append(
                [
                    *head,
                    "",
                    total_label,
                    _number(values.get("")),
                    report.text_value if report else "",
                    report.comment if report else "",
                ]
            )
            rows.extend(
                [*head, key, str(label), _number(values.get(key)), "", ""] for key, label in cells
            )
    return rows


def template_xlsx(cluster: Cluster, membership: Membership) -> bytes:
    return _xlsx(
        template_rows(cluster, membership), title=_("Values"), header_rows=1, widths=TEMPLATE_WIDTHS
    )


def template_csv(cluster: Cluster, membership: Membership) -> str:
    """UTF-8 text beginning with a byte-order mark, so that spreadsheets read accents."""
    return csv_text(template_rows(cluster, membership))


# ---------------------------------------------------------------------------------------
# The HXL export


def export_rows(cluster: Cluster) -> list[list[object]]:
    """Validated values of the cluster: a header of names, the HXL hashtag row, then the
    rows of each report (one, or one per territory: see _export_report_rows).

    The total is the report's own, broken down or not. Each group column (women, children,
    women children, with disability...) is the sum of the report's cells in it; it is empty
    when the indicator is not broken down that way, when one of those cells has no data (a
    part would pass for the whole) or when it would add up percentages. A qualitative
    report has its text and no number."""
    reports = (
        MeasurementReport.objects.filter(
            indicator__cluster=cluster, status=MeasurementReport.Status.VALIDATED
        )
        .select_related("indicator", "period", "membership__actor")
        .prefetch_related("measurements")
        .order_by("indicator__code", "period__start", "membership__actor__name")
    )
    rows: list[list[object]] = [_export_header(), list(HXL_TAGS)]
    cells: dict[int, list[Cell]] = {}
    for report in reports:
        indicator = report.indicator
        if indicator.pk not in cells:
            cells[indicator.pk] = cells_of(indicator)
        rows.extend(_export_report_rows(report, cells[indicator.pk], cluster.territory))
    return rows


def export_csv(cluster: Cluster) -> str:
    """UTF-8 text beginning with a byte-order mark; the HXL hashtags are the second line."""
    return csv_text(export_rows(cluster))


def export_xlsx(cluster: Cluster) -> bytes:
    return _xlsx(export_rows(cluster), title=_("Indicators"), header_rows=2, widths=EXPORT_WIDTHS)


def _export_header() -> list[object]:
    labels = {
        "sex": dict(SEXES),
        "age": dict(AGE_BANDS),
        "disability": dict(DISABILITY),
    }
    return [
        _("Entity"),
        _("Entity code"),
        _("Indicator code"),
        _("Indicator"),
        _("Period start"),
        _("Period end"),
        _("Territory"),
        _("Area of the territory"),
        _("Total"),
        *(
            " · ".join(str(labels[name][value]) for name, value in parts.items())
            for parts, _tag in HXL_GROUPS
        ),
        _("Situation (qualitative indicators)"),
    ]


def _export_report_rows(
    report: MeasurementReport, cells: list[Cell], cluster_territory: str
) -> list[list[object]]:
    """The rows of one report. A number's rows add up to its total, so that summing the
    #reached column counts nobody twice: one row for the whole cluster, or, by territory,
    one per territory it gives and one for the rest of the total. Percentages by territory,
    which do not add up, have the whole cluster's row and each territory's."""
    indicator, period, actor = report.indicator, report.period, report.membership.actor
    head = [actor.name, actor.slug, indicator.code, indicator.name, period.start, period.end]
    head.append(cluster_territory)
    if not indicator.is_numeric:
        return [[*head, "", "", *("" for _group in HXL_GROUPS), report.text_value]]
    values = {m.cell: m.value for m in report.measurements.all()}
    total = values.get("")
    whole = [*head, "", _number(total), *_groups(indicator, cells, values), ""]
    territories = [
        (territory, [(key, parts) for key, parts in cells if parts.get("territory") == territory])
        for territory in indicator.territory_list()
    ]
    given = [(name, own) for name, own in territories if any(key in values for key, _p in own)]
    if not given:
        return [whole]
    rows = [] if indicator.adds_up else [whole]
    known = Decimal(0)
    for name, own in given:
        part = combined(indicator, values, [key for key, _parts in own])
        known += part or 0
        rows.append([*head, name, _number(part), *_groups(indicator, own, values), ""])
    if indicator.adds_up and total is not None and total != known:
        rest = [*head, _("The rest, not given by territory"), _number(total - known)]
        rows.append([*rest, *("" for _group in HXL_GROUPS), ""])
    return rows


def _groups(indicator: Indicator, cells: list[Cell], values: Mapping[str, Decimal]) -> list:
    return [
        _number(combined(indicator, values, group(cells, **parts))) for parts, _tag in HXL_GROUPS
    ]


# ---------------------------------------------------------------------------------------
# Writing files


def _number(value: Decimal | None) -> object:
    """12 rather than 12.00; empty for no value."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return int(value)
    return value.quantize(Decimal("0.01"))


def _xlsx(
    rows: list[list[object]], *, title: str, header_rows: int, widths: Sequence[int]
) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = f"A{header_rows + 1}"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        sheet.append(
            [_xlsx_cell(sheet, value, bold if number < header_rows else None) for value in row]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet: object, value: object, font: Font | None) -> WriteOnlyCell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Stored as text even when it starts with "=": a name is never run as a formula.
        cell.data_type = "s"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if font is not None:
        cell.font = font
    return cell
