"""Every report is a tagged PDF/UA-1 that a screen reader can follow: the machine-checkable
part of PDF/UA-1 (the ``pdfua`` package) finds no failure, and the structure tree read
with ``pikepdf`` has the language, the title, headings in order, tables with header cells
and each chart as a figure whose alternate text says its data."""

from __future__ import annotations

import itertools
import re

import pikepdf
import pytest
from pdfua import Severity, validate

from indicators import services as indicator_services
from reports.models import ReportJob
from tests.conftest import World
from tests.reports.test_reports import ask, render, this_year

KINDS = {
    ReportJob.Kind.CONSENSUS: lambda world: this_year(),
    ReportJob.Kind.PROGRESS: lambda world: {"period": world.period},
    ReportJob.Kind.DOSSIER: lambda world: {},
}


def structure(pdf: pikepdf.Pdf) -> list[tuple[str, pikepdf.Dictionary]]:
    """The structure elements in reading order, as (role, element)."""
    return structure_of(pdf.Root.StructTreeRoot)


def tagged(world: World, kind: str, language: str = "en") -> tuple[pikepdf.Pdf, list]:
    indicator_services.report_validate(report=world.report, by=world.users["coordinator"])
    job = render(ask(world, kind, language, **KINDS[kind](world)))
    report = validate(job.file.path)
    failures = [
        f"{f.rule_id} {f.message} ({f.location.describe()})"
        for f in report.findings
        if f.severity >= Severity.WARNING
    ]
    assert failures == [], failures
    pdf = pikepdf.open(job.file.path)
    return pdf, structure(pdf)


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_report_passes_the_checkable_part_of_pdf_ua_1(world: World, kind: str):
    pdf, elements = tagged(world, kind, "ca")
    assert str(pdf.Root.Lang) == "ca"
    title = str(pdf.docinfo.Title)
    assert world.cluster.name in title
    assert pdf.Root.ViewerPreferences.DisplayDocTitle
    # Headings in order: the cover's one H1, then no level skipped on the way down.
    levels = [int(role[2]) for role, _e in elements if re.fullmatch(r"/H[1-6]", role)]
    assert levels[0] == 1 and levels.count(1) == 1
    skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert skips == []
    # Every table has its header cells, each with the way it reads.
    tables = [e for role, e in elements if role == "/Table"]
    assert tables
    for table in tables:
        cells = [e for role, e in structure_of(table) if role == "/TH"]
        assert cells, "a table without header cells"
        assert {str(c.A.Scope) for c in cells} <= {"/Column", "/Row"}
    # The cover's mark is decoration: no figure without words.
    figures = [e for role, e in elements if role == "/Figure"]
    assert all(str(f.get("/Alt", "")).strip() for f in figures)


def structure_of(element: pikepdf.Dictionary) -> list[tuple[str, pikepdf.Dictionary]]:
    """The elements under ``element``, in reading order, as (role, element)."""
    found = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append((str(node.S), node))
            if "/K" in node:
                walk(node.K)

    walk(element.K)
    return found


def test_each_chart_says_its_data_in_its_alternate_text(world: World):
    """The validated report (6 women, 4 men, none non-binary: 10 families in the quarter)
    is in the words of the indicator's line and of its bars by sex."""
    _pdf, elements = tagged(world, ReportJob.Kind.PROGRESS)
    alts = [str(e.Alt) for role, e in elements if role == "/Figure"]
    period = world.period.label
    line = next(a for a in alts if a.startswith("Line chart: Families advised"))
    assert f"10 in {period}" in line
    assert "Target 100" in line and "baseline 0" in line
    bars = next(a for a in alts if a.startswith("Bar chart: Families advised by sex and age"))
    assert "Women and girls 6" in bars and "Men and boys 4" in bars and "Non-binary 0" in bars
    progress = next(a for a in alts if a.startswith("Progress bar:"))
    assert "10 % of the way from the baseline to the target" in progress
    # The derived figures' lines say their value in each period too.
    assert any(
        a.startswith("Line chart: Proposals put forward over the periods:") and period in a
        for a in alts
    )


def test_the_dossier_describes_its_problem_tree_and_its_headings_are_tagged(world: World):
    _pdf, elements = tagged(world, ReportJob.Kind.DOSSIER)
    alts = [str(e.Alt) for role, e in elements if role == "/Figure"]
    assert any(a.startswith("Problem tree:") and "causes" in a for a in alts)
    headings = {role for role, _e in elements if role.startswith("/H")}
    assert {"/H1", "/H2", "/H3", "/H4"} <= headings
