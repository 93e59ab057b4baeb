"""The dossier's annex of indicator metadata sheets, and a yes/no indicator's answer in
the printed reports (read back with pdftotext)."""

from __future__ import annotations

import shutil
from decimal import Decimal as D

import pytest

from indicators import services
from indicators.models import Indicator
from reports.models import ReportJob
from tests.conftest import World
from tests.reports.test_reports import ask, pdf_text, render

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs pdftotext (Debian's poppler-utils)"
)


def protocol_approved(world: World) -> Indicator:
    """A yes/no indicator with its sheet half written, answered yes and validated."""
    indicator = Indicator.objects.create(
        cluster=world.cluster,
        objective=world.indicator.objective,
        code="Y1",
        name="Protocol against evictions approved",
        type="structural",
        measure="yes_no",
        direction="increase",
        aggregation="latest",
        data_source="administrative",
        definition="Whether the council approved the protocol against evictions.",
        comments_limitations="Approving it is not applying it.",
    )
    report = services.report_save(
        indicator=indicator,
        period=world.period,
        membership=world.member_membership,
        by=world.users["member"],
        cells={},
        total=D(1),
        submit=True,
    )
    services.report_validate(report=report, by=world.users["coordinator"])
    return indicator


def test_the_dossier_has_an_annex_of_metadata_sheets_with_dashes_for_blanks(world: World):
    protocol_approved(world)
    Indicator.objects.filter(pk=world.indicator.pk).update(
        rationale="Advice comes before any claim of the right."
    )
    text = pdf_text(render(ask(world, ReportJob.Kind.DOSSIER)))
    annex = text[text.rindex("Indicator metadata sheets") :]
    assert "I1 · Families advised" in annex and "Y1 · Protocol against evictions" in annex
    families = annex[annex.index("I1 · Families advised") : annex.index("Y1 ·")]
    assert "Rationale Advice comes before any claim of the right." in families
    assert "Definition —" in families
    assert "Disaggregation Sex" in families
    assert "Periodicity Quarterly" in families
    protocol = annex[annex.index("Y1 ·") :]
    assert "Definition Whether the council approved the protocol against evictions." in protocol
    assert "Data collection and source Administrative statistics" in protocol
    assert "Disaggregation —" in protocol
    assert "Comments and limitations Approving it is not applying it." in protocol


def test_the_progress_report_writes_the_answer_and_its_status_in_catalan(world: World):
    protocol_approved(world)
    text = pdf_text(render(ask(world, ReportJob.Kind.PROGRESS, "ca", period=world.period)))
    row = text[text.index("Y1 · Protocol against evictions approved") :][:200]
    assert "Sí" in row and "Assolit" in row
