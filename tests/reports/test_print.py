"""Print that reads well: no heading alone at the bottom of a page, no chart on a page
without its heading, no page holding a single table row. Read back from each page's text
(tests/reports/print_checks.py); the checker itself is shown to catch each fault on a page
laid out with the breaks left to chance."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from weasyprint import HTML

from indicators import services as indicator_services
from indicators.models import Indicator, Objective
from reports import render as report_render
from reports.models import ReportJob
from tests.conftest import World
from tests.reports import print_checks
from tests.reports.test_reports import ask, render

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs pdftotext (Debian's poppler-utils)"
)

CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 250" width="100%">'
    "<title>Line chart: visits per period: 3 in Q1, 5 in Q2.</title>"
    '<polyline points="0,200 200,100 400,50" fill="none" stroke="#0b5c6b"/></svg>'
)
ROW = "<tr><td>Entity {n}</td><td>Row {n} of the table</td></tr>"
# Each fault set up at the bottom of a page: a spacer leaves room for a heading and a line
# or two of what follows, not for all of it.
SAMPLE = f"""
<p style="padding-top: 227mm">What comes before.</p>
<h2>A heading near the bottom</h2>
<p>{"The text that follows the heading runs over several lines of the page. " * 12}</p>
<h2 class="chapter">The chart's chapter</h2>
<p style="padding-top: 145mm">What comes before.</p>
<h3>The chart's heading</h3>
<div class="chart">{CHART}</div>
<h2 class="chapter">The table's chapter</h2>
<p style="padding-top: 171mm">What comes before.</p>
<table><thead><tr><th scope="col">Who</th><th scope="col">What</th></tr></thead>
<tbody>{"".join(ROW.format(n=n) for n in range(1, 9))}</tbody></table>
"""
# The print style with the breaks left to chance.
BAD = """
h1, h2, h3, h4 { break-after: auto !important; }
.chart, .keep { break-inside: auto !important; }
tbody tr:first-child { break-after: auto !important; }
tbody tr:last-child { break-before: auto !important; }
"""


def sample_pdf(tmp_path: Path, extra_style: str) -> tuple[Path, str]:
    # A running head on every page but the first, as a report has (its cluster's name).
    head = '@page { @top-left { content: "Sample report"; } }'
    style = render_to_string("reports/pdf/style.css") + head + extra_style
    html = (
        f'<!doctype html><html lang="en"><head><title>Sample</title><style>{style}</style>'
        '</head><body><p class="kind">Sample</p>'
        f"{SAMPLE}</body></html>"
    )
    target = tmp_path / "sample.pdf"
    HTML(string=html).write_pdf(target, pdf_variant=report_render.PDF_VARIANT)
    return target, html


def test_the_checker_finds_each_fault_of_breaks_left_to_chance(tmp_path: Path):
    pdf, html = sample_pdf(tmp_path, BAD)
    found = print_checks.check(pdf, html)
    assert any("“A heading near the bottom” ends the page" in p for p in found), found
    assert any("a chart without its heading “The chart's heading”" in p for p in found), found
    assert any("nothing but the table row “Entity 8 Row 8 of the table”" in p for p in found), found


def test_the_print_style_keeps_headings_charts_and_rows_together(tmp_path: Path):
    pdf, html = sample_pdf(tmp_path, "")
    assert print_checks.check(pdf, html) == []


def many_indicators(world: World, objectives: int = 6, per_objective: int = 5) -> None:
    """Adopted objectives with indicators by sex, each with a validated value: a dossier of
    many pages of tables and charts."""
    lead = world.cluster.memberships.get(role="lead")
    for o in range(objectives):
        objective = Objective.objects.create(
            cluster=world.cluster,
            code=f"P{o}",
            statement=f"Objective {o}: decent housing for every family of district {o}",
            status=Objective.Status.ADOPTED,
        )
        for i in range(per_objective):
            indicator = Indicator.objects.create(
                cluster=world.cluster,
                objective=objective,
                code=f"P{o}.{i}",
                name=f"Households supported in district {o}, programme {i}",
                type="outcome",
                measure="number",
                direction="increase",
                aggregation="sum",
                baseline_value=0,
                target_value=50 + i,
                by_sex=True,
                data_source="administrative",
            )
            report = indicator_services.report_save(
                indicator=indicator,
                period=world.period,
                membership=lead,
                by=world.users["coordinator"],
                cells={"sex=female": 3 + i, "sex=male": 2 + o, "sex=nonbinary": 1},
                total=None,
                submit=True,
            )
            indicator_services.report_validate(report=report, by=world.users["coordinator"])


def test_the_dossier_of_many_indicators_reads_well_page_by_page(world: World):
    many_indicators(world)
    job = render(ask(world, ReportJob.Kind.DOSSIER))
    html = report_render.render_html(job)
    pdf = Path(job.file.path)
    pages = print_checks.page_texts(pdf)
    layout = print_checks.layout_of(html)
    figures = print_checks.figure_pages(pdf)
    assert len(pages) >= 20
    assert len(figures) >= 60 and len(layout.rows) >= 30
    assert print_checks.problems(pages, layout, figures) == []
