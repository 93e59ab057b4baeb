"""Issue 16, point 7: an indicator's metadata sheet (OHCHR's guide, 2012) on its page and
in its form, and the structural indicator answered yes or no: its definition, its report,
its import, its roll-up and its exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from clusters.audit import data_changed
from clusters.models import AuditEntry, Cluster
from core.errors import DomainError
from core.reading import ImportRefused
from indicators import services
from indicators.exporting import export_rows, template_rows
from indicators.importing import import_reports, parse_yes_no
from indicators.models import Indicator, Measurement, MeasurementReport, ReportingPeriod
from indicators.progress import (
    ACHIEVED,
    NO_DATA,
    OFF_TRACK,
    indicators_progress,
    objective_progress,
    yes_no_status,
    yes_no_value,
)
from indicators.totals import refresh_period_totals
from tests.conftest import World
from tests.html_forms import forms_on

DEFINITION = "Whether the city council has approved the protocol against evictions."


def url(world: World, name: str, **kwargs) -> str:
    return reverse(f"indicators:{name}", kwargs={"slug": world.cluster.slug, **kwargs})


def yes_no_indicator(world: World, **fields) -> Indicator:
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
        **fields,
    )
    return Indicator.objects.prefetch_related("responsible").get(pk=indicator.pk)


def answer(world: World, indicator: Indicator, value: int | None, *, membership=None, period=None):
    """A validated answer of the member entity (or ``membership``)."""
    report = services.report_save(
        indicator=indicator,
        period=period or world.period,
        membership=membership or world.member_membership,
        by=world.users["member"],
        cells={},
        total=None if value is None else D(value),
        submit=value is not None,
    )
    if value is not None:
        services.report_validate(report=report, by=world.users["coordinator"])
    return report


def the_form(html: str, path: str):
    """The page's own form, as the browser holds it (not the language selector's)."""
    (form,) = [f for f in forms_on(html, "indicators:indicator-edit", path) if f.action == path]
    return form


def audit_count(world: World) -> int:
    return AuditEntry.objects.filter(cluster=world.cluster).count()


# ---------------------------------------------------------------------------------------
# The metadata sheet


def test_the_indicator_page_shows_the_metadata_sheet_with_dashes_for_what_is_missing(
    world: World,
):
    Indicator.objects.filter(pk=world.indicator.pk).update(
        definition="Families that received legal advice on their home.",
        collection_details="The advice desk's shared register.",
        disaggregation_note="Origin is not recorded yet.",
    )
    page = world.client("observer").get(url(world, "indicator-detail", pk=world.indicator.pk))
    html = page.content.decode()
    sheet = html[html.index('id="sheet-title"') :]
    assert "Metadata sheet" in html
    for text in (
        "Families that received legal advice on their home.",
        # The source chosen, then its details.
        "Administrative statistics. The advice desk&#x27;s shared register.",
        # The dimensions chosen, then the note.
        "Sex. Origin is not recorded yet.",
        "Quarterly",
    ):
        assert text in sheet, text
    # Rationale, method of computation, comments and limitations: not written yet.
    assert sheet.count("<dd>—</dd>") == 3


def test_the_indicator_form_keeps_the_sheet_in_its_own_fieldset_and_saves_it(world: World):
    client = world.client("coordinator")
    path = url(world, "indicator-edit", pk=world.indicator.pk)
    html = client.get(path).content.decode()
    assert "<legend>Metadata sheet</legend>" in html
    fieldset = html[html.index("<legend>Metadata sheet</legend>") :].split("</fieldset>")[0]
    assert 'name="definition"' in fieldset and 'name="comments_limitations"' in fieldset
    form = the_form(html, path)
    data = form.submission()
    data["rationale"] = ["Advice comes before any claim of the right."]
    before = audit_count(world)
    assert client.post(path, data).status_code == 302
    world.indicator.refresh_from_db()
    assert world.indicator.rationale == "Advice comes before any claim of the right."
    assert audit_count(world) == before + 1


def test_saving_the_indicator_form_unchanged_writes_nothing(world: World):
    Indicator.objects.filter(pk=world.indicator.pk).update(
        definition="Line one.\nLine two.", comments_limitations="A minimum: unknown cases."
    )
    client = world.client("coordinator")
    path = url(world, "indicator-edit", pk=world.indicator.pk)
    form = the_form(client.get(path).content.decode(), path)
    before = audit_count(world)
    assert client.post(path, form.submission()).status_code == 302
    assert audit_count(world) == before
    world.indicator.refresh_from_db()
    assert world.indicator.definition == "Line one.\nLine two."


def test_a_sheet_text_longer_than_its_limit_is_refused(world: World):
    client = world.client("coordinator")
    path = url(world, "indicator-edit", pk=world.indicator.pk)
    form = the_form(client.get(path).content.decode(), path)
    data = form.submission()
    data["definition"] = ["x" * 2001]
    response = client.post(path, data)
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    world.indicator.refresh_from_db()
    assert world.indicator.definition == ""


# ---------------------------------------------------------------------------------------
# Defining a yes/no indicator

YES_NO = {
    "code": "Y9",
    "name": "Law on the right to housing ratified",
    "type": "structural",
    "measure": "yes_no",
    "direction": "increase",
    "aggregation": "latest",
    "target_kind": "cumulative",
    "data_source": "administrative",
    "frequency": "quarterly",
    "hxl_tag": "#indicator",
    "weight": "1",
}


def test_the_coordinator_defines_a_yes_no_indicator(world: World):
    data = {**YES_NO, "objective": world.indicator.objective_id}
    response = world.client("coordinator").post(url(world, "indicator-create"), data)
    indicator = world.cluster.indicators.get(code="Y9")
    assert response.url == indicator.get_absolute_url()
    assert indicator.is_yes_no and indicator.cells() == []
    page = world.client("observer").get(indicator.get_absolute_url()).content.decode()
    assert "Yes or no" in page
    assert "<dt>Target</dt><dd>Yes" in page


@pytest.mark.parametrize(
    ("overrides", "field", "error"),
    [
        ({"baseline_value": "0"}, "baseline_value", "leave the baseline value empty"),
        ({"target_value": "1"}, "target_value", "The target of a yes/no indicator is yes"),
        ({"by_sex": "on"}, "by_sex", "untick the dimensions"),
        ({"territories": "Roquetes"}, "territories", "leave the territories empty"),
        ({"aggregation": "sum"}, "aggregation", "choose latest period"),
        ({"direction": "decrease"}, "direction", "choose increase"),
        ({"unit": "protocols"}, "unit", "has no unit"),
    ],
)
def test_a_yes_no_indicator_refuses_values_and_cells(world: World, overrides, field, error):
    data = {**YES_NO, "objective": world.indicator.objective_id, **overrides}
    response = world.client("coordinator").post(url(world, "indicator-create"), data)
    assert response.status_code == 200
    assert error in " ".join(str(e) for e in response.context["form"].errors[field])
    assert not world.cluster.indicators.filter(code="Y9").exists()


def test_the_database_holds_a_yes_no_indicator_to_no_target_value(world: World):
    with pytest.raises(IntegrityError), transaction.atomic():
        yes_no_indicator(world, target_value=D(1))


# ---------------------------------------------------------------------------------------
# Reporting yes or no


def test_the_report_form_asks_yes_or_no_and_stores_one_or_zero(world: World):
    indicator = yes_no_indicator(world)
    client = world.client("member")
    path = url(world, "report-edit", indicator_pk=indicator.pk, period_pk=world.period.pk)
    html = client.get(path).content.decode()
    assert 'type="radio" name="total" value="1"' in html
    assert 'type="radio" name="total" value="0"' in html
    assert 'type="number"' not in html
    response = client.post(path, {"total": "1", "comment": "", "submit": ""})
    assert response.status_code == 302
    report = MeasurementReport.objects.get(indicator=indicator)
    assert report.status == "submitted"
    assert [(m.cell, m.value) for m in report.measurements.all()] == [("", D(1))]
    # Read back as the form shows it: "yes" ticked.
    html = client.get(path).content.decode()
    assert 'value="1" id="id_total_0" checked' in html or 'value="1" checked' in html


def test_a_yes_no_report_refuses_a_number_and_needs_an_answer_to_be_submitted(world: World):
    indicator = yes_no_indicator(world)
    client = world.client("member")
    path = url(world, "report-edit", indicator_pk=indicator.pk, period_pk=world.period.pk)
    response = client.post(path, {"total": "7", "comment": "", "submit": ""})
    assert "is answered yes or no: write yes or no, not “7”." in response.content.decode()
    response = client.post(path, {"total": "", "comment": "", "submit": ""})
    assert "Answer yes or no before submitting." in response.content.decode()
    assert not MeasurementReport.objects.filter(indicator=indicator).exists()
    with pytest.raises(DomainError, match="is answered yes or no: write yes or no, not “7”"):
        answer(world, indicator, 7)


def test_the_validation_queue_shows_the_answer_in_words(world: World):
    indicator = yes_no_indicator(world)
    services.report_save(
        indicator=indicator,
        period=world.period,
        membership=world.member_membership,
        by=world.users["member"],
        cells={},
        total=D(0),
        submit=True,
    )
    html = world.client("coordinator").get(url(world, "validation-queue")).content.decode()
    assert "Answer: No" in html


@pytest.mark.parametrize(
    ("raw", "value"),
    [("yes", 1), ("Yes", 1), ("sí", 1), ("Sí", 1), ("si", 1), ("1", 1), ("no", 0), ("0", 0)],
)
def test_the_import_reads_yes_and_no_in_every_spelling(raw, value):
    assert parse_yes_no(raw) == D(value)


def upload(rows: list[list[object]]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["indicator", "period", "cell", "value"])
    writer.writerows(rows)
    return SimpleUploadedFile("values.csv", buffer.getvalue().encode("utf-8"))


def test_a_file_answers_a_yes_no_indicator_and_a_bad_answer_refuses_it_whole(world: World):
    indicator = yes_no_indicator(world)
    start = world.period.start.isoformat()
    with pytest.raises(ImportRefused) as refused:
        import_reports(
            cluster=world.cluster,
            membership=world.member_membership,
            by=world.users["member"],
            upload=upload([["Y1", start, "", "maybe"]]),
            submit=True,
        )
    assert "Indicator Y1 is answered yes or no" in str(refused.value.errors)
    assert not MeasurementReport.objects.filter(indicator=indicator).exists()
    count = import_reports(
        cluster=world.cluster,
        membership=world.member_membership,
        by=world.users["member"],
        upload=upload([["Y1", start, "", "Sí"]]),
        submit=True,
    )
    assert count == 1
    assert Measurement.objects.get(report__indicator=indicator).value == D(1)


# ---------------------------------------------------------------------------------------
# The roll-up


def test_yes_no_values_and_statuses_on_their_own():
    assert yes_no_value(1) == D(1)
    assert yes_no_value(D("0.5")) == D(0)  # one yes, one no
    assert yes_no_value(0) == D(0)
    assert yes_no_value(None) is None
    assert yes_no_status(D(1)) == (1.0, ACHIEVED)
    assert yes_no_status(D(0)) == (0.0, OFF_TRACK)
    assert yes_no_status(None) == (None, NO_DATA)


def progress_of(indicator: Indicator):
    return indicators_progress([indicator])[indicator.pk]


def test_nobody_answered_is_no_data_and_a_draft_does_not_count(world: World):
    indicator = yes_no_indicator(world)
    assert progress_of(indicator).status == NO_DATA
    answer(world, indicator, None)  # a draft with no answer
    assert progress_of(indicator).status == NO_DATA


def test_yes_is_achieved_and_no_is_off_track(world: World):
    indicator = yes_no_indicator(world)
    report = answer(world, indicator, 1)
    item = progress_of(indicator)
    assert (item.status, item.fraction, item.current_shown) == (ACHIEVED, 1.0, "Yes")
    Measurement.objects.filter(report=report).update(value=D(0))
    refresh_period_totals(indicator.pk, report.period_id)
    data_changed(world.cluster.pk)
    item = progress_of(indicator)
    assert (item.status, item.fraction, item.current_shown) == (OFF_TRACK, 0.0, "No")


def test_one_entity_saying_no_makes_the_period_no(world: World):
    indicator = yes_no_indicator(world)
    lead = world.cluster.memberships.get(role="lead")
    answer(world, indicator, 1)
    answer(world, indicator, 0, membership=lead)
    assert progress_of(indicator).status == OFF_TRACK


def test_the_latest_period_answered_is_the_one_that_counts(world: World):
    indicator = yes_no_indicator(world)
    earlier = ReportingPeriod.objects.create(
        cluster=world.cluster,
        start=world.period.start - timedelta(days=90),
        end=world.period.start - timedelta(days=1),
        due=world.period.start + timedelta(days=10),
    )
    answer(world, indicator, 0, period=earlier)
    assert progress_of(indicator).status == OFF_TRACK
    answer(world, indicator, 1)
    item = progress_of(indicator)
    assert item.status == ACHIEVED
    assert [value for _pk, value in item.points] == [D(0), D(1)]


def test_an_objective_counts_a_yes_no_indicator_with_its_weight(world: World):
    indicator = yes_no_indicator(world)
    answer(world, indicator, 1)
    services.report_validate(report=world.report, by=world.users["coordinator"])
    objective = world.indicator.objective
    assert objective.indicators.count() == 2
    progress = indicators_progress(objective.indicators.all())
    rolled = objective_progress(objective, progress)
    # Families advised: 10 of 100 (0.1); the protocol: yes (1.0); weights 1 and 1.
    assert rolled.fraction == pytest.approx((0.1 + 1.0) / 2)


# ---------------------------------------------------------------------------------------
# Pages and files that show the answers


def test_the_indicator_page_and_the_objectives_say_yes(world: World):
    indicator = yes_no_indicator(world)
    answer(world, indicator, 1)
    client = world.client("observer")
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert '<dd class="current-value">Yes</dd>' in page
    assert "<svg" in page  # the answers over the periods
    listing = client.get(url(world, "objective-list")).content.decode()
    row = listing[listing.index("Protocol against evictions approved") :].split("</tr>")[0]
    assert "<td>Yes</td>" in row


def test_the_chart_says_the_answers_in_words_not_in_fractions(world: World):
    indicator = yes_no_indicator(world)
    answer(world, indicator, 1)
    page = world.client("observer").get(indicator.get_absolute_url()).content.decode()
    chart = re.search(r"<svg[^>]*line-chart.*?</svg>", page, re.S).group()
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", chart)
    # The axis: No and Yes, nothing between them; the point: Yes.
    assert texts.count("No") == 1 and texts.count("Yes") >= 2
    assert not {"0.2", "0.5", "0,2", "1"} & set(texts)


def test_the_export_writes_the_answer_as_its_description_and_no_reached_figure(world: World):
    indicator = yes_no_indicator(world)
    answer(world, indicator, 1)
    rows = export_rows(world.cluster)
    header, tags = rows[0], rows[1]
    (row,) = [r for r in rows[2:] if r[2] == "Y1"]
    assert row[tags.index("#reached")] == ""
    assert row[tags.index("#description")] == "Yes"
    assert "Situation (qualitative and yes/no indicators)" in header


def test_the_import_template_shows_the_answer_in_words(world: World):
    indicator = yes_no_indicator(world)
    services.report_save(
        indicator=indicator,
        period=world.period,
        membership=world.member_membership,
        by=world.users["member"],
        cells={},
        total=D(0),
    )
    rows = template_rows(world.cluster, world.member_membership)
    (row,) = [r for r in rows[1:] if r[0] == "Y1"]
    assert row[6] == "No"


def test_a_number_with_reported_values_cannot_become_yes_or_no(world: World):
    # The world's indicator has a submitted report of 6 women and 4 men: not answers.
    data = {
        **YES_NO,
        "code": world.indicator.code,
        "name": world.indicator.name,
        "objective": world.indicator.objective_id,
    }
    path = url(world, "indicator-edit", pk=world.indicator.pk)
    response = world.client("coordinator").post(path, data)
    assert "not answers of yes (1) or no (0)" in response.content.decode()
    world.indicator.refresh_from_db()
    assert world.indicator.measure == "number"


def test_the_demo_cluster_has_its_sheets_and_an_approved_protocol(db):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    cluster = Cluster.objects.get(slug="habitatge-digne-nou-barris")
    indicators = list(cluster.indicators.all())
    for indicator in indicators:
        # Every part of the sheet written but the disaggregation note, which is optional.
        sheet = dict(indicator.metadata_sheet())
        blank = [heading for heading, text in sheet.items() if not text]
        assert blank == [] or (blank == ["Disaggregation"] and not indicator.dimensions()), (
            indicator.code,
            blank,
        )
    protocol = cluster.indicators.get(code="I1.6")
    assert protocol.is_yes_no and protocol.type == "structural"
    item = indicators_progress([protocol])[protocol.pk]
    assert (item.status, item.current_shown) == (ACHIEVED, "Yes")
    assert protocol.reports.filter(status="validated").count() >= 10


@pytest.mark.parametrize("language", ["ca", "es", "en"])
def test_a_yes_no_draft_saved_back_unchanged_writes_nothing(world: World, language: str):
    indicator = yes_no_indicator(world)
    services.report_save(
        indicator=indicator,
        period=world.period,
        membership=world.member_membership,
        by=world.users["member"],
        cells={},
        total=D(0),
    )
    client = world.client("member")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    path = url(world, "report-edit", indicator_pk=indicator.pk, period_pk=world.period.pk)
    (form,) = [
        f
        for f in forms_on(client.get(path).content.decode(), "indicators:report-edit", path)
        if f.action == path
    ]
    report = MeasurementReport.objects.get(indicator=indicator)
    events, entries = report.events.count(), audit_count(world)
    assert client.post(path, form.submission()).status_code == 302
    assert (report.events.count(), audit_count(world)) == (events, entries)
    assert Measurement.objects.get(report=report).value == D(0)


def test_a_percentage_of_one_per_cent_cannot_become_yes_or_no(world: World):
    # 1 of 100 is stored as the value 1, but it is a percentage, not an answer "yes".
    Indicator.objects.filter(pk=world.indicator.pk).update(
        measure="percentage", aggregation="latest", by_sex=False, by_age=False
    )
    report = MeasurementReport.objects.get(indicator=world.indicator)
    report.measurements.all().delete()
    Measurement.objects.create(report=report, cell="", value=D(1), numerator=1, denominator=100)
    data = {
        **YES_NO,
        "code": world.indicator.code,
        "name": world.indicator.name,
        "objective": world.indicator.objective_id,
    }
    path = url(world, "indicator-edit", pk=world.indicator.pk)
    response = world.client("coordinator").post(path, data)
    assert "not answers of yes (1) or no (0)" in response.content.decode()
    world.indicator.refresh_from_db()
    assert world.indicator.measure == "percentage"
