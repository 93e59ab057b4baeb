"""The apps are layers: each imports only the ones below it, so that a change in a higher
app never breaks a lower one and each can be read without the ones above.

    core <- accounts <- actors <- clusters <- rights <- indicators <- coherence <- planning
    <- health <- meetings <- reports <- api <- demo

``config`` (settings, URLs, the Celery app) sits above them all: it wires them together.
The test reads every module's imports, including those inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [
    "core",
    "accounts",
    "actors",
    "clusters",
    "rights",
    "indicators",
    "coherence",
    "planning",
    "health",
    "meetings",
    "reports",
    "api",
    "demo",
    "config",
]
RANK = {app: rank for rank, app in enumerate(LAYERS)}


def project_modules() -> list[Path]:
    return sorted(
        path
        for app in LAYERS
        if (ROOT / app).is_dir()
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def imported_apps(path: Path) -> set[str]:
    """The project apps a module imports, at the top or inside a function."""
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        apps.update(name.split(".")[0] for name in names if name.split(".")[0] in RANK)
    return apps


def test_every_app_is_in_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps - RANK.keys() == set(), "give the new app its place in LAYERS"


@pytest.mark.parametrize("path", project_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_an_app_above_its_own(path: Path):
    own = path.relative_to(ROOT).parts[0]
    upward = {app for app in imported_apps(path) if RANK[app] > RANK[own]}
    assert upward == set(), f"{path.relative_to(ROOT)} imports {sorted(upward)}, above {own}"


def test_the_check_sees_an_upward_import(tmp_path: Path):
    module = tmp_path / "example.py"
    module.write_text("def late():\n    from reports.models import ReportJob\n")
    assert imported_apps(module) == {"reports"}
