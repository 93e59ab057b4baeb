"""Hostile files cost nothing: a small upload that claims a billion rows, millions of
empty rows, a cell in the last column or millions of shared strings is refused with a
clear message, after reading a bounded part of it (asserted on what was read, never on
the time it took)."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from indicators import reading
from indicators.importing import import_reports
from indicators.reading import ImportRefused, XlsxScan
from tests.conftest import World

TOO_MANY_ROWS = [(0, f"The file has more than {reading.MAX_ROWS:,} rows: split it.")]
NOT_A_TABLE = [(0, "The file is not a CSV or XLSX file.")]
SHEET = "xl/worksheets/sheet1.xml"
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>indicator</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>period</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>cell</t></is></c>'
    '<c r="D1" t="inlineStr"><is><t>value</t></is></c></row>'
)


def workbook(sheet_data: str, *, dimension: str = "A1:D2", strings: str | None = None) -> bytes:
    """A real workbook (written by openpyxl) whose first sheet is replaced by this XML, and
    its shared strings by ``strings`` when given."""
    buffer = io.BytesIO()
    book = Workbook()
    book.active.append(["indicator", "period", "cell", "value"])
    book.save(buffer)
    original = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            content = original.read(info)
            if info.filename == "[Content_Types].xml" and strings is not None:
                # openpyxl reads the shared strings the manifest names.
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    b"</Types>",
                )
            if info.filename == SHEET:
                content = (
                    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
                    '"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    f'<dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData>'
                    "</worksheet>"
                ).encode()
            archive.writestr(info, content)
        if strings is not None:
            archive.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()


def scanned(content: bytes) -> tuple[list[tuple[int, str]], int]:
    """The refusal of the workbook's scan, and how many XML elements it read beyond the
    parts every workbook has (its styles, its list of sheets...)."""
    scan = XlsxScan()
    with pytest.raises(ImportRefused) as refused:
        scan.check(content)
    return refused.value.errors, scan.elements - EMPTY_WORKBOOK_ELEMENTS


def elements_of(content: bytes) -> int:
    scan = XlsxScan()
    scan.check(content)
    return scan.elements


EMPTY_WORKBOOK_ELEMENTS = elements_of(workbook(""))


def imported(world: World, name: str, content: bytes) -> list[tuple[int, str]]:
    with pytest.raises(ImportRefused) as refused:
        import_reports(
            cluster=world.cluster,
            membership=world.member_membership,
            by=world.users["member"],
            upload=SimpleUploadedFile(name, content),
            submit=False,
        )
    return refused.value.errors


def test_one_row_numbered_a_billion_is_refused_at_that_row(world: World):
    row = '<row r="1000000000"><c r="A1000000000" t="inlineStr"><is><t>B1</t></is></c></row>'
    content = workbook(HEADER_ROW + row)
    assert len(content) < 10_000

    errors, read = scanned(content)

    assert errors == TOO_MANY_ROWS
    assert read < 30, "refused at the row's own element, before reading any other"
    assert imported(world, "values.xlsx", content) == TOO_MANY_ROWS


def test_a_declared_dimension_beyond_the_limits_is_refused_before_the_rows(world: World):
    errors, read = scanned(workbook(HEADER_ROW, dimension="A1:D4000000"))
    assert errors == TOO_MANY_ROWS
    assert read < 10


def test_four_million_empty_rows_are_refused_after_the_rows_a_file_may_hold(world: World):
    content = workbook(HEADER_ROW + "<row/>" * 4_000_000, dimension="A1")
    assert len(content) < 100_000  # a small upload: it compresses to almost nothing

    errors, read = scanned(content)

    assert errors == TOO_MANY_ROWS
    assert read <= reading.MAX_ROWS + reading.BLANK_TAIL + 30
    assert imported(world, "values.xlsx", content) == TOO_MANY_ROWS


def test_a_cell_in_the_last_column_is_refused_before_any_row_is_padded(world: World):
    row = '<row r="2"><c r="XFD2"><v>1</v></c></row>'
    expected = [
        (
            0,
            "The sheet has a cell in column XFD: only the first 30 columns are read. "
            "Delete the columns after AD.",
        )
    ]

    errors, read = scanned(workbook(HEADER_ROW + row, dimension="A1"))

    assert errors == expected
    assert read < 30
    assert imported(world, "values.xlsx", workbook(HEADER_ROW + row, dimension="A1")) == expected
    assert scanned(workbook(HEADER_ROW, dimension="A1:XFD2"))[0] == expected


def test_millions_of_shared_strings_are_refused_before_they_are_held_in_memory(world: World):
    limit = reading.MAX_SHARED_STRINGS_PER_ROW * reading.MAX_ROWS
    strings = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns='
        '"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "<si><t/></si>" * (limit + 1_000_000)
        + "</sst>"
    )
    content = workbook(HEADER_ROW, strings=strings)

    too_many = [
        (
            0,
            f"The file holds more texts than {reading.MAX_ROWS:,} rows could: it is not a "
            "filled-in template. Split it, or start again from the template.",
        )
    ]

    errors, read = scanned(content)

    assert errors == too_many
    assert read <= 2 * limit + 100, "stops at the limit, not at the end of the strings"
    assert imported(world, "values.xlsx", content) == too_many


def test_a_workbook_with_a_dtd_is_refused_before_its_entities_expand(world: World):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "<sst><si><t>&lol2;</t></si></sst>"
    )
    errors, _read = scanned(workbook(HEADER_ROW, strings=laughs))
    assert errors == NOT_A_TABLE
    assert imported(world, "values.xlsx", workbook(HEADER_ROW, strings=laughs)) == NOT_A_TABLE


def test_a_csv_of_millions_of_empty_lines_is_refused_holding_a_bounded_part(world: World):
    content = b"indicator,period,cell,value\n" + b"\n" * 20_000_000
    tracemalloc.start()
    try:
        errors = imported(world, "values.csv", content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert errors == TOO_MANY_ROWS
    # The text itself (20 MB, decoded) and at most the rows a file may hold; reading every
    # line took 1.6 GB.
    assert peak < 150 * 2**20


def test_a_full_workbook_within_the_limits_is_read(world: World):
    """The limits leave room for the largest file a member may send."""
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>NONE</t></is></c></row>'
        for n in range(2, reading.MAX_ROWS + 2)
    )
    content = workbook(HEADER_ROW + rows, dimension=f"A1:AD{reading.MAX_ROWS + 1}")
    assert elements_of(content) > reading.MAX_ROWS
    rows_read = reading.read_rows(io.BytesIO(content))
    assert len(rows_read) == reading.MAX_ROWS


def test_other_sheets_are_never_read_and_may_hold_what_they_like(world: World):
    """A note far right on a second sheet, or a list longer than the limit there, costs
    nothing (the import reads the first sheet only) and refuses nothing."""
    book = Workbook()
    book.active.append(["indicator", "period", "cell", "value"])
    book.active.append(["NONE", "2025-01-01", "", 1])
    notes = book.create_sheet("Notes")
    notes["AZ1"] = "A note for ourselves"
    for n in range(reading.MAX_ROWS + 500):
        notes.cell(row=n + 2, column=1, value=n)
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()

    XlsxScan().check(content)  # nothing refused

    assert len(reading.read_rows(io.BytesIO(content))) == 1
