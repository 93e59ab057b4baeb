"""Issue 15, point 7. An indicator asks for no report of a period that ends before its
baseline date: no such period is open for it, listed as missing, counted against the
entity's participation, offered in the import template or accepted by a write. And the
indicator page's current value, the progress and the chart's last point are one figure,
named by the indicator's rule."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse

from clusters.models import Cluster
from core.errors import DomainError
from indicators import exporting, services
from indicators.cells import Ratio
from indicators.figures import indicator_line_svg
from indicators.importing import import_reports
from indicators.models import Indicator, MeasurementReport
from indicators.progress import indicators_progress
from indicators.reading import ImportRefused
from indicators.selectors import entity_reports, open_periods, reporting_by_entity
from tests.clock import quarter_start
from tests.conftest import World
from tests.indicators.test_rules import csv_upload
from tests.indicators.test_services import make_indicator, save

THIS_QUARTER = quarter_start()
LAST_QUARTER = quarter_start(-1)


@pytest.fixture
def since_last_year(world: World) -> World:
    """The cluster has reported for a year: last quarter is past its due date."""
    created = world.cluster.created_at - timedelta(days=365)
    Cluster.objects.filter(pk=world.cluster.pk).update(created_at=created)
    world.cluster.created_at = created
    services.periods_ensure(world.cluster)
    return world


@pytest.fixture
def new_indicator(since_last_year: World) -> Indicator:
    """Defined this quarter, measured from its first day."""
    return make_indicator(
        since_last_year,
        since_last_year.indicator.objective,
        code="N1",
        name="Tenants advised since the new office opened",
        baseline_date=THIS_QUARTER,
    )


def last_quarter(world: World):
    return world.cluster.periods.get(start=LAST_QUARTER)


def test_the_reporting_page_asks_for_no_period_before_the_baseline(
    since_last_year: World, new_indicator: Indicator
):
    world = since_last_year
    rows = entity_reports(world.cluster, world.member_membership, open_periods(world.cluster))
    asked = {row.period.start for row in rows if row.indicator == new_indicator}
    assert asked == {THIS_QUARTER}
    # The older indicator, without a baseline date, still asks for last quarter.
    assert LAST_QUARTER in {row.period.start for row in rows if row.indicator == world.indicator}

    page = world.client("member").get(reverse("indicators:reporting", args=[world.cluster.slug]))
    text = page.content.decode()
    new_rows = re.findall(r"<tr[^>]*>(?:(?!</tr>).)*N1(?:(?!</tr>).)*</tr>", text, re.S)
    assert len(new_rows) == 1, "one row for the new indicator: this quarter's"
    assert last_quarter(world).label not in new_rows[0]


def test_participation_counts_nothing_before_the_baseline(
    since_last_year: World, new_indicator: Indicator
):
    world = since_last_year
    member = next(
        row
        for row in reporting_by_entity(world.cluster)
        if row.membership == world.member_membership
    )
    past_due = [p for p in open_periods(world.cluster) if p.due < THIS_QUARTER + timedelta(40)]
    assert len(past_due) == 4
    # The periods past due: the old indicator's only (the new one's baseline is later).
    assert member.overdue == len(past_due)
    # This quarter: both, less the old indicator's report, already submitted.
    assert member.due == 2 - 1


def test_no_report_before_the_baseline_is_saved_or_its_period_open(
    since_last_year: World, new_indicator: Indicator
):
    world = since_last_year
    with pytest.raises(DomainError, match="ends before its baseline date"):
        save(world, new_indicator, last_quarter(world), total=D(3))
    assert not MeasurementReport.objects.filter(indicator=new_indicator).exists()
    # The older indicator still takes it.
    save(world, world.indicator, last_quarter(world), cells={}, total=D(3))

    edit = reverse(
        "indicators:report-edit",
        kwargs={
            "slug": world.cluster.slug,
            "indicator_pk": new_indicator.pk,
            "period_pk": last_quarter(world).pk,
        },
    )
    client = world.client("member")
    page = client.get(edit).content.decode()
    assert "<fieldset disabled" in page, "the form is shown closed"
    response = client.post(edit, {"total": "3", "comment": "", "submit": ""})
    assert response.status_code == 400
    assert "ends before its baseline date" in response.content.decode()
    assert not MeasurementReport.objects.filter(indicator=new_indicator).exists()


def test_the_import_template_and_the_import_leave_out_the_periods_before(
    since_last_year: World, new_indicator: Indicator
):
    world = since_last_year
    rows = exporting.template_rows(world.cluster, world.member_membership)
    periods = {row[2] for row in rows[1:] if row[0] == "N1"}
    assert periods == {THIS_QUARTER}
    with pytest.raises(ImportRefused) as refused:
        import_reports(
            cluster=world.cluster,
            membership=world.member_membership,
            by=world.users["member"],
            upload=csv_upload([["N1", LAST_QUARTER.isoformat(), "", "4"]]),
            submit=True,
        )
    assert "ends before its baseline date" in str(refused.value.errors)
    assert not MeasurementReport.objects.filter(indicator=new_indicator).exists()


# ---------------------------------------------------------------------------------------
# The current value


@pytest.mark.parametrize(
    ("fields", "label", "current"),
    [
        ({"aggregation": "sum"}, "Current value (sum of the periods)", D(60)),
        (
            {"measure": "percentage", "aggregation": "average", "target_value": D(90)},
            "Current value (average of the periods)",
            D(30),
        ),
        ({"aggregation": "latest"}, "Current value (latest period)", D(50)),
        # A per-period target is judged on the latest period, whatever the aggregation.
        (
            {"aggregation": "sum", "target_kind": "per_period"},
            "Current value (latest period)",
            D(50),
        ),
    ],
)
def test_the_page_the_progress_and_the_chart_end_on_one_figure(
    since_last_year: World, fields, label, current
):
    world = since_last_year
    indicator = make_indicator(world, world.indicator.objective, code="C1", **fields)
    older = world.cluster.periods.get(start=quarter_start(-3))
    coordinator = world.users["coordinator"]
    for period, value in ((older, 10), (last_quarter(world), 50)):
        # A percentage by its numerator and denominator: so many of a hundred.
        total = Ratio(D(value), D(100)) if indicator.is_percentage else D(value)
        report = save(world, indicator, period, total=total)
        services.report_validate(report=report, by=coordinator)

    item = indicators_progress([indicator])[indicator.pk]
    assert item.current == current
    assert item.points[-1][1] == current, "the chart's last point is the current value"
    periods = {p.pk: p for p in world.cluster.periods.all()}
    svg = indicator_line_svg(indicator, item, periods, "values")
    shown_values = re.findall(r'class="value"[^>]*>([^<]+)<', svg)
    assert shown_values, "the chart prints its values"
    assert shown_values[-1].startswith(str(int(current)))

    page = world.client("observer").get(indicator.get_absolute_url()).content.decode()
    found = re.search(r"<dt>([^<]+)</dt><dd class=\"current-value\">([^<]+)<", page)
    assert found is not None
    assert found.group(1) == label
    assert found.group(2).strip() == str(int(current))
