"""No CSV or XLSX download of the platform carries a formula a spreadsheet would run.

Every free-text column of every row gets a text that starts with spaces and a formula,
and has more after separators ("Nou Barris;=1+1"): a Catalan or Spanish spreadsheet
splits a CSV at the semicolon, and some programs trim the spaces. Every download of the
permission matrix is then read: in a CSV no part of any cell, at its start or after a
separator, starts like a formula; in a workbook no cell is a formula.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.spreadsheets import FORMULA_STARTS, cell_text, safe_cell
from tests.conftest import World
from tests.html_forms import Paths, pages
from tests.test_escaping import poison_every_text

PAYLOAD = "  =1+1;=cmd|' /C calc'!A0,@SUM(A1)|+2\t-3 "
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEPARATORS = re.compile(r"[,;|\t]")


def runs_as_formula(cell: str) -> bool:
    return any(part.lstrip(" ").startswith(FORMULA_STARTS) for part in SEPARATORS.split(cell))


@pytest.mark.parametrize(
    "text",
    [PAYLOAD, "Nou Barris;=1+1", "  =2+2", "@SUM(A1)", "-2 families", "a, -b", "plain; text"],
)
def test_a_neutralised_text_runs_nowhere_and_reads_back_as_it_was(text: str):
    safe = safe_cell(text)
    assert not runs_as_formula(safe), safe
    assert cell_text(safe) == text


@given(st.text(alphabet=" ',;|\t=+-@ab1", max_size=12))
def test_any_text_reads_back_as_it_was_and_runs_nowhere(text: str):
    """Apostrophes already in the text (\"a, '=b\") come back too."""
    safe = safe_cell(text)
    assert cell_text(safe) == text
    assert not runs_as_formula(safe.replace("\r", "")), safe


def downloads(world: World) -> list[tuple[str, str, bytes]]:
    """(URL name, content type, body) of every CSV or XLSX download of the matrix, as the
    coordinator gets them (the coordinator may open each)."""
    client = world.client("coordinator")
    found = []
    for name, path, expected in pages(world, Paths(world)):
        if expected["coordinator"] != 200:
            continue
        response = client.get(path)
        kind = response.get("Content-Type", "")
        if kind.startswith("text/csv") or kind.startswith(XLSX):
            body = b"".join(response.streaming_content) if response.streaming else response.content
            found.append((name, kind, body))
    return found


def test_no_download_carries_a_formula(world: World):
    assert poison_every_text(PAYLOAD) >= 60
    files = downloads(world)
    assert {name for name, _kind, _body in files} >= {
        "rights:export-csv",
        "indicators:export-csv",
        "indicators:export-xlsx",
        "indicators:import-template",
        "planning:who-does-what-csv",
    }
    checked = 0
    for name, kind, body in files:
        if kind.startswith("text/csv"):
            for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))):
                for cell in row:
                    assert not runs_as_formula(cell), (name, cell)
                    checked += PAYLOAD.strip()[:3] in cell
        else:
            for row in load_workbook(io.BytesIO(body)).active.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (name, cell.coordinate, cell.value)
                    checked += isinstance(cell.value, str) and PAYLOAD.strip()[:3] in cell.value
    assert checked >= 20, "the payload reached the downloads"
