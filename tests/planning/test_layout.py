"""How planning is written: thin views that hand values to services, and no import of
the apps above it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PLANNING = Path(__file__).resolve().parents[2] / "planning"
VIEWS = sorted(PLANNING.glob("*_views.py"))
# The apps planning may not import: they build on it.
ABOVE = {"reports"}


def functions(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text())
    return [node for node in tree.body if isinstance(node, ast.FunctionDef)]


def test_the_views_are_found():
    assert [p.name for p in VIEWS] == ["action_views.py", "proposal_views.py"]


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: p.name)
def test_no_view_function_is_longer_than_40_lines(path: Path):
    long = {f.name: f.end_lineno - f.lineno + 1 for f in functions(path)}
    assert {name: n for name, n in long.items() if n > 40} == {}


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: p.name)
def test_views_write_through_services_not_forms(path: Path):
    calls = [
        node
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("save", "delete", "create", "update", "set")
    ]
    assert [ast.unparse(call) for call in calls] == []


def test_planning_imports_nothing_above_it():
    found = []
    for path in PLANNING.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ABOVE]
    assert found == []
