"""Rules the code keeps so that every write has one way to happen and every rule one place
(read from the source: a new view or template that breaks them fails here)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.architecture.test_layering import ROOT, project_modules

VIEW_MODULES = [
    path for path in project_modules() if path.stem.endswith("views") or path.parent.name == "views"
]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html")) + sorted(
    (ROOT / "templates").rglob("*.txt")
)
# A comparison of a status, role, kind or rule with a literal: the model says it instead
# (proposal.can_decide, job.is_done, membership.is_lead), so that the rule is in one place.
STATUS_COMPARISON = re.compile(
    r"\.(status|role|kind|decision_rule|position|outcome|measure|type)\s*(==|!=|\bin\b)\s*['\"]"
    r"|['\"]\s*(==|!=)\s*\w+\.(status|role|kind|decision_rule)\b"
)
MAX_VIEW_LINES = 40


def functions(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [node for node in tree.body if isinstance(node, ast.FunctionDef)]


def name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", VIEW_MODULES, ids=name)
def test_no_view_is_longer_than_forty_lines(path: Path):
    long = {
        f.name: f.end_lineno - f.lineno + 1
        for f in functions(path)
        if f.end_lineno - f.lineno + 1 > MAX_VIEW_LINES
    }
    assert long == {}, f"split these views of {name(path)} (lines): {long}"


@pytest.mark.parametrize("path", VIEW_MODULES, ids=name)
def test_no_view_saves_a_form(path: Path):
    """Views read forms and call services; a form's save() would skip the service's
    checks, its transaction and the audit log."""
    calls = [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "save"
    ]
    assert calls == [], f"{name(path)} calls save() on lines {calls}"


@pytest.mark.parametrize("path", TEMPLATES, ids=name)
def test_no_template_compares_a_status_string(path: Path):
    found = [
        (number, line.strip()[:120])
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if STATUS_COMPARISON.search(line)
    ]
    assert found == [], f"ask the model instead, in {name(path)}: {found}"


def test_the_template_check_sees_a_comparison():
    assert STATUS_COMPARISON.search("{% if proposal.status == 'open' %}")
    assert STATUS_COMPARISON.search('{% if job.kind != "dossier" %}')
    assert not STATUS_COMPARISON.search("{% if proposal.can_decide %}")
