"""Percentages reported by numerator and denominator (issue 16, point 7).

A percentage combines, across entities and across cells, as the sum of the numerators over
the sum of the denominators: entity A 10 of 20 (50 %) and entity B 90 of 100 (90 %) make
100 of 120, 83.33 %, not the 70 % of the mean. A value reported before numerators and
denominators were asked for (no denominator) makes its roll-up fall back to the
unweighted mean, and the page says so.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from clusters.models import AuditEntry, Membership
from core.errors import DomainError
from core.spreadsheets import csv_text
from indicators import exporting, services
from indicators.cells import Pool, Ratio
from indicators.figures import breakdown
from indicators.forms import IndicatorForm, ReportForm
from indicators.models import Indicator, Measurement, MeasurementReport, ReportEvent
from indicators.progress import indicators_progress
from indicators.totals import refresh_period_totals
from reports.content import objectives, status_counts
from tests.clock import TODAY
from tests.conftest import World
from tests.indicators.test_transfer import (
    Q1,
    Q2,
    IndicatorFactory,
    PeriodFactory,
    csv_file,
    refused,
    run_import,
)

V = MeasurementReport.Status.VALIDATED
WEIGHTED = D("83.33")  # (10 + 90) / (20 + 100) x 100
MEAN = D("70.00")  # (50 + 90) / 2: what the weighted figure is not


@pytest.fixture
def periods(world: World):
    return {
        start: PeriodFactory(cluster=world.cluster, start=date.fromisoformat(start))
        for start in (Q1, Q2)
    }


def share(world: World, **fields) -> Indicator:
    defaults = {
        "code": "P1",
        "measure": Indicator.Measure.PERCENTAGE,
        "aggregation": Indicator.Aggregation.AVERAGE,
        "unit": "%",
        "baseline_value": D(0),
        "target_value": D(100),
    }
    return IndicatorFactory(cluster=world.cluster, **{**defaults, **fields})


def lead(world: World) -> Membership:
    return world.cluster.memberships.get(role=Membership.Role.LEAD)


def reported(indicator, period, membership, values, status=V) -> MeasurementReport:
    """A report as it is stored: each value a Ratio, or a bare Decimal (a legacy value)."""
    report = MeasurementReport.objects.create(
        indicator=indicator, period=period, membership=membership, status=status
    )
    for cell, value in values.items():
        services.measurement_of(report, cell, value).save()
    refresh_period_totals(indicator.pk, period.pk)  # as validating it does
    return report


# --- The rule --------------------------------------------------------------------------


def test_a_pool_is_the_sum_of_numerators_over_the_sum_of_denominators():
    pool = Pool.of([Ratio(D(10), D(20)), Ratio(D(90), D(100))])
    assert pool.value == WEIGHTED
    assert pool.weighted
    assert pool.ratio == Ratio(D(100), D(120))


def test_a_pool_with_a_value_without_denominator_is_the_unweighted_mean():
    pool = Pool.of([D(50), Ratio(D(90), D(100))])
    assert pool.value == MEAN
    assert not pool.weighted
    assert pool.ratio is None, "no numerator and denominator to give"
    assert Pool().value is None


# --- Across entities, periods and cells ---------------------------------------------------


def test_entities_weigh_by_their_denominators(world: World, periods):
    indicator = share(world)
    reported(indicator, periods[Q1], world.member_membership, {"": Ratio(D(10), D(20))})
    reported(indicator, periods[Q1], lead(world), {"": Ratio(D(90), D(100))})

    progress = indicators_progress([indicator])[indicator.pk]

    assert progress.current == WEIGHTED
    assert not progress.unweighted
    assert progress.current_shown == "83.33"


def test_periods_then_combine_by_the_indicator_rule(world: World, periods):
    indicator = share(world)
    reported(indicator, periods[Q1], world.member_membership, {"": Ratio(D(10), D(20))})
    reported(indicator, periods[Q1], lead(world), {"": Ratio(D(90), D(100))})
    reported(indicator, periods[Q2], world.member_membership, {"": Ratio(D(1), D(3))})

    progress = indicators_progress([indicator])[indicator.pk]

    # Each period is its own pool (83.33 %, then 33.33 %); their average is the current.
    assert [value for _pk, value in progress.periods] == [WEIGHTED, D("33.33")]
    assert progress.current == D("58.33")
    latest = share(world, code="P2", aggregation=Indicator.Aggregation.LATEST)
    reported(latest, periods[Q1], world.member_membership, {"": Ratio(D(10), D(20))})
    reported(latest, periods[Q2], world.member_membership, {"": Ratio(D(3), D(4))})
    assert indicators_progress([latest])[latest.pk].current == D("75.00")


def test_a_period_with_a_legacy_value_falls_back_to_the_unweighted_mean_and_says_so(
    world: World, periods
):
    indicator = share(world)
    reported(indicator, periods[Q1], world.member_membership, {"": D(50)})  # no denominator
    reported(indicator, periods[Q1], lead(world), {"": Ratio(D(90), D(100))})

    progress = indicators_progress([indicator])[indicator.pk]
    assert progress.current == MEAN
    assert progress.unweighted

    page = world.client("coordinator").get(
        reverse("indicators:indicator-detail", args=[world.cluster.slug, indicator.pk])
    )
    assert "Some reports give no denominator: unweighted average" in page.content.decode()


def test_the_page_says_nothing_of_weights_when_every_report_gives_its_denominator(
    world: World, periods
):
    indicator = share(world)
    reported(indicator, periods[Q1], world.member_membership, {"": Ratio(D(10), D(20))})
    page = world.client("coordinator").get(indicator.get_absolute_url())
    html = page.content.decode()
    assert "unweighted" not in html
    assert "10 / 20 (50 %)" in html, "the report's total shows what it is made of"


def test_cells_add_up_their_numerators_and_denominators_into_the_total(world: World, periods):
    indicator = share(world, by_sex=True)
    cells = {
        "sex=female": Ratio(D(10), D(20)),
        "sex=male": Ratio(D(90), D(100)),
        "sex=nonbinary": Ratio(D(1), D(4)),
    }
    report = services.report_save(
        indicator=indicator,
        period=periods[Q1],
        membership=world.member_membership,
        by=world.users["member"],
        cells=cells,
        total=None,
    )
    total = report.measurements.get(cell="")
    assert (total.numerator, total.denominator) == (D(101), D(124))
    assert total.value == D("81.45"), "101 / 124, not the 55 % mean of the cells"

    with pytest.raises(DomainError, match="numerators and the denominators of the cells"):
        services.report_save(
            indicator=indicator,
            period=periods[Q2],
            membership=world.member_membership,
            by=world.users["member"],
            cells=cells,
            total=Ratio(D(50), D(124)),
        )


def test_the_breakdown_chart_weighs_each_entity(world: World, periods):
    indicator = share(world, by_sex=True)
    reported(
        indicator,
        periods[Q1],
        world.member_membership,
        {
            "": Ratio(D(12), D(30)),
            "sex=female": Ratio(D(10), D(20)),
            "sex=male": Ratio(D(1), D(5)),
            "sex=nonbinary": Ratio(D(1), D(5)),
        },
    )
    reported(
        indicator,
        periods[Q1],
        lead(world),
        {
            "": Ratio(D(92), D(110)),
            "sex=female": Ratio(D(90), D(100)),
            "sex=male": Ratio(D(1), D(5)),
            "sex=nonbinary": Ratio(D(1), D(5)),
        },
    )

    found = breakdown(indicator, periods[Q1].pk)

    bars = dict(found.rows[0][1])
    assert bars["Women and girls"] == pytest.approx(83.33)
    assert bars["Men and boys"] == pytest.approx(20.0)
    assert found.weighted


# --- The report form ----------------------------------------------------------------------


def form_of(indicator, **data) -> ReportForm:
    return ReportForm({"comment": "", **data}, indicator=indicator)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"total_numerator": "3", "total_denominator": "0"}, "total_denominator", "above zero"),
        (
            {"total_numerator": "30", "total_denominator": "20"},
            "total_numerator",
            "The numerator (30) is a part of the denominator (20): it cannot be more.",
        ),
        ({"total_numerator": "-1", "total_denominator": "20"}, "total_numerator", "never below"),
        ({"total_numerator": "many", "total_denominator": "20"}, "total_numerator", "number"),
        ({"total_numerator": "3"}, "total_denominator", "Give the denominator too"),
        ({"total_denominator": "20"}, "total_numerator", "Give the numerator too"),
        (
            {"total_numerator": "2.5", "total_denominator": "20"},
            "total_numerator",
            "is not a count",
        ),
    ],
)
def test_the_form_refuses_what_is_not_a_percentage(world: World, data, field, message):
    form = form_of(share(world), **data)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_the_form_makes_the_ratio_of_the_two(world: World):
    form = form_of(share(world), total_numerator="10", total_denominator="20")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["total"] == Ratio(D(10), D(20))
    assert form.total_ratio().percentage == "50"


def test_the_labels_say_what_each_part_counts(world: World):
    indicator = share(
        world, numerator_label="households evicted", denominator_label="households with a mortgage"
    )
    form = ReportForm(indicator=indicator)
    assert form.fields["total_numerator"].label == "Households evicted"
    assert form.fields["total_denominator"].label == "Households with a mortgage"
    assert ReportForm(indicator=share(world, code="P9")).fields["total_numerator"].label == (
        "Numerator"
    )


def test_a_unit_other_than_counts_takes_decimals(world: World):
    form = form_of(share(world, is_count=False), total_numerator="2.5", total_denominator="10")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["total"].value == D("25.00")


def test_the_database_refuses_a_ratio_that_is_not_one(world: World, periods):
    report = reported(share(world), periods[Q1], world.member_membership, {})
    for numerator, denominator in ((D(1), D(0)), (D(3), D(2)), (D(-1), D(2)), (D(1), None)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Measurement.objects.create(
                report=report, cell="", value=D(1), numerator=numerator, denominator=denominator
            )


def edit_url(world, indicator, period) -> str:
    return reverse("indicators:report-edit", args=[world.cluster.slug, indicator.pk, period.pk])


def test_the_page_asks_both_and_an_unchanged_save_writes_nothing(world: World, periods):
    indicator = share(world, numerator_label="households evicted")
    client = world.client("member")
    url = edit_url(world, indicator, periods[Q1])
    post = {"total_numerator": "10", "total_denominator": "20", "comment": "", "save": ""}
    assert client.post(url, post).status_code == 302
    report = MeasurementReport.objects.get(indicator=indicator)
    events, audits = ReportEvent.objects.count(), AuditEntry.objects.count()

    page = client.get(url).content.decode()
    assert "<legend>Total</legend>" in page
    assert ">Households evicted:</label>" in page
    assert 'name="total_numerator"' in page and 'value="10"' in page
    assert "50 %" in page, "the derived percentage is shown"
    assert client.post(url, post).status_code == 302

    assert (ReportEvent.objects.count(), AuditEntry.objects.count()) == (events, audits)
    total = report.measurements.get(cell="")
    assert (total.numerator, total.denominator, total.value) == (D(10), D(20), D(50))


def test_a_legacy_value_is_kept_while_both_are_left_empty(world: World, periods):
    indicator = share(world)
    report = reported(
        indicator,
        periods[Q1],
        world.member_membership,
        {"": D("45.5")},
        MeasurementReport.Status.DRAFT,
    )
    client = world.client("member")
    url = edit_url(world, indicator, periods[Q1])
    page = client.get(url).content.decode()
    assert "45.5 %, reported without numerator and denominator" in page
    events = ReportEvent.objects.count()

    client.post(url, {"comment": "", "save": ""})
    assert ReportEvent.objects.count() == events, "unchanged: nothing written"
    assert report.measurements.get(cell="").value == D("45.5")

    client.post(url, {"total_numerator": "9", "total_denominator": "20", "comment": "", "save": ""})
    total = report.measurements.get(cell="")
    assert (total.numerator, total.denominator, total.value) == (D(9), D(20), D(45))


def test_the_audit_log_reads_the_ratio(world: World):
    assert MeasurementReport.audit_words("values", ["total=10/20", "sex=female=1/3"]) == (
        "Total: 10 / 20 (50 %), Women and girls: 1 / 3 (33.33 %)"
    )


# --- Import and exports -------------------------------------------------------------------

HEADER = ["indicator", "period", "cell", "value", "numerator", "denominator"]


def test_an_import_reads_numerator_and_denominator(world: World, periods):
    share(world)
    run_import(world, csv_file([["P1", Q1, "", "", "10", "20"]], header=HEADER))
    total = Measurement.objects.get(report__indicator__code="P1", cell="")
    assert (total.numerator, total.denominator, total.value) == (D(10), D(20), D(50))


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["P1", Q1, "", "", "10", ""], "Give the denominator too: of how many?"),
        (["P1", Q1, "", "", "30", "20"], "The numerator (30) is a part of the denominator (20)"),
        (["P1", Q1, "", "", "1", "0"], "The denominator is above zero"),
        (["P1", Q1, "", "", "-1", "5"], "is not a count"),
        (["P1", Q1, "", "40", "10", "20"], "The value (40) is not the percentage of 10 / 20"),
        (["P1", Q1, "", "40", "", ""], "is a percentage: give its numerator and denominator"),
        (["N1", Q1, "", "4", "1", "2"], "is not a percentage"),
    ],
)
def test_an_import_refuses_a_ratio_that_is_not_one(world: World, periods, row, message):
    share(world)
    IndicatorFactory(cluster=world.cluster, code="N1")
    errors = refused(world, csv_file([row], header=HEADER))
    assert any(message in text for _number, text in errors), errors


def test_the_template_and_the_export_carry_numerator_and_denominator(world: World, periods):
    indicator = share(world)
    reported(indicator, periods[Q1], world.member_membership, {"": Ratio(D(10), D(20))})
    reported(indicator, periods[Q2], world.member_membership, {"": Ratio(D(3), D(4))}, "draft")

    template = exporting.template_rows(world.cluster, world.member_membership)
    columns = template[0]
    assert columns[-2:] == ["numerator", "denominator"]
    row = next(r for r in template[1:] if r[0] == "P1" and r[2] == periods[Q2].start)
    found = dict(zip(columns, row, strict=True))
    assert (found["value"], found["numerator"], found["denominator"]) == (75, 3, 4)
    # The template, filled in as it was downloaded, imports back as no change.
    rows = [[r[0], r[2].isoformat(), r[4], r[6], r[9], r[10]] for r in template[1:] if r[0] == "P1"]
    events = ReportEvent.objects.count()
    run_import(world, csv_file(rows, header=HEADER), submit=False)
    assert ReportEvent.objects.count() == events

    export = exporting.export_rows(world.cluster)
    values = dict(zip(export[1], next(r for r in export[2:] if r[2] == "P1"), strict=True))
    assert values["#reached"] == 50
    assert (values["#indicator+numerator"], values["#indicator+denominator"]) == (10, 20)
    assert "#indicator+numerator" in csv_text(export)


def test_the_grid_asks_each_cell_for_both_and_shows_its_percentage(world: World, periods):
    indicator = share(world, by_sex=True, numerator_label="households evicted")
    reported(
        indicator,
        periods[Q1],
        world.member_membership,
        {"sex=female": Ratio(D(1), D(4))},
        MeasurementReport.Status.DRAFT,
    )
    page = world.client("member").get(edit_url(world, indicator, periods[Q1])).content.decode()

    assert page.count('class="grid-ratio" data-ratio') == 3, "one pair per sex"
    assert 'name="cell_0_numerator"' in page and 'name="cell_0_denominator"' in page
    assert "Women and girls: households evicted" in page, "the hidden label names the cell"
    assert "25 %</output>" in page


def test_a_new_percentage_without_denominator_is_refused(world: World, periods):
    indicator = share(world)
    with pytest.raises(DomainError, match="is a percentage: give its numerator and denominator"):
        services.report_save(
            indicator=indicator,
            period=periods[Q1],
            membership=world.member_membership,
            by=world.users["member"],
            cells={},
            total=D(45),
        )
    assert not MeasurementReport.objects.filter(indicator=indicator).exists()


def test_what_the_parts_count_is_asked_only_of_percentages(world: World):
    indicator = share(world)
    data = {
        "objective": indicator.objective_id,
        "code": "N7",
        "name": "Families advised",
        "type": "outcome",
        "measure": "number",
        "is_count": "on",
        "direction": "increase",
        "aggregation": "sum",
        "target_kind": "cumulative",
        "data_source": "survey",
        "frequency": "quarterly",
        "weight": "1",
        "numerator_label": "households evicted",
        "denominator_label": "households with a mortgage",
    }
    form = IndicatorForm(data, cluster=world.cluster)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["numerator_label"], form.cleaned_data["denominator_label"]) == (
        "",
        "",
    )
    form = IndicatorForm(
        {**data, "measure": "percentage", "aggregation": "average"}, cluster=world.cluster
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["numerator_label"] == "households evicted"


def test_the_dossier_says_when_a_percentage_is_unweighted(world: World, periods):
    indicator = share(world, objective=world.indicator.objective)
    reported(indicator, periods[Q1], world.member_membership, {"": D(50)})
    reported(indicator, periods[Q1], lead(world), {"": Ratio(D(90), D(100))})
    sections = objectives(world.cluster, today=TODAY, charts=False)
    html = render_to_string(
        "reports/pdf/_objectives.html",
        {"objectives": sections, "status_counts": status_counts(sections)},
    )
    assert "70 %" in html
    assert "Some reports give no denominator: unweighted average" in html
