from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from core.errors import DomainError
from indicators import services
from indicators.cells import Ratio
from indicators.models import Indicator, MeasurementReport, Objective, ReportEvent, ReportingPeriod
from indicators.periods import period_bounds, periods_between
from indicators.progress import indicators_progress, objective_progress
from tests.clock import TODAY
from tests.conftest import World

# Reports go in last year's periods: all of them have ended.
LAST_YEAR = TODAY.year - 1


@pytest.fixture
def objective(world: World) -> Objective:
    return Objective.objects.create(cluster=world.cluster, code="O9", statement="No evictions")


def make_indicator(world: World, objective: Objective, **fields) -> Indicator:
    defaults = {
        "code": "T1",
        "name": "Families advised",
        "type": "outcome",
        "measure": "number",
        "direction": "increase",
        "aggregation": "sum",
        "baseline_value": D(0),
        "target_value": D(100),
        "data_source": "administrative",
    }
    return Indicator.objects.create(
        cluster=world.cluster, objective=objective, **{**defaults, **fields}
    )


def make_period(world: World, start: date, locked: bool = False) -> ReportingPeriod:
    start, end = period_bounds(start, 3)
    return ReportingPeriod.objects.create(
        cluster=world.cluster,
        start=start,
        end=end,
        due=end + timedelta(days=30),
        locked_at=timezone.now() if locked else None,
    )


def save(world, indicator, period, membership=None, submit=True, **kwargs):
    return services.report_save(
        indicator=indicator,
        period=period,
        membership=membership or world.member_membership,
        by=world.users["member"],
        cells=kwargs.pop("cells", {}),
        total=kwargs.pop("total", None),
        submit=submit,
        **kwargs,
    )


def test_periods_follow_the_cluster_setting():
    assert [p[0] for p in periods_between(date(2025, 2, 10), date(2025, 8, 1), 3)] == [
        date(2025, 1, 1),
        date(2025, 4, 1),
        date(2025, 7, 1),
    ]
    start, end, due = periods_between(date(2025, 2, 10), date(2025, 2, 10), 1)[0]
    assert (start, end, due) == (date(2025, 2, 1), date(2025, 2, 28), date(2025, 3, 30))


def test_periods_ensure_is_idempotent(world: World):
    services.periods_ensure(world.cluster)
    services.periods_ensure(world.cluster)
    assert world.cluster.periods.count() == 1  # the cluster was created this quarter


def test_cells_total_is_derived_and_must_agree(world: World, objective):
    indicator = make_indicator(world, objective, by_sex=True)
    period = make_period(world, date(LAST_YEAR, 1, 1))
    report = save(
        world,
        indicator,
        period,
        cells={"sex=female": D(3), "sex=male": D(2), "sex=nonbinary": D(0)},
    )
    assert report.measurements.get(cell="").value == D(5)
    with pytest.raises(DomainError, match="does not agree"):
        save(
            world,
            indicator,
            make_period(world, date(LAST_YEAR, 4, 1)),
            total=D(9),
            cells={"sex=female": D(3), "sex=male": D(2), "sex=nonbinary": D(0)},
        )


def test_a_locked_period_takes_no_change(world: World, objective):
    indicator = make_indicator(world, objective)
    period = make_period(world, date(LAST_YEAR, 1, 1), locked=True)
    with pytest.raises(DomainError, match="locked"):
        save(world, indicator, period, total=D(4))
    assert not MeasurementReport.objects.filter(indicator=indicator).exists()


def test_only_responsible_members_report(world: World, objective):
    indicator = make_indicator(world, objective)
    indicator.responsible.add(world.cluster.memberships.get(role="lead"))
    with pytest.raises(DomainError, match="does not report"):
        save(world, indicator, make_period(world, date(LAST_YEAR, 1, 1)), total=D(1))


def test_observers_do_not_report(world: World, objective):
    indicator = make_indicator(world, objective)
    with pytest.raises(DomainError, match="does not report"):
        save(
            world,
            indicator,
            make_period(world, date(LAST_YEAR, 1, 1)),
            membership=world.observer_membership,
            total=D(1),
        )


def test_the_review_cycle_is_recorded(world: World, objective):
    indicator = make_indicator(world, objective)
    period = make_period(world, date(LAST_YEAR, 1, 1))
    report = save(world, indicator, period, total=D(10))
    coordinator = world.users["coordinator"]
    with pytest.raises(DomainError, match="Say why"):
        services.report_return(report=report, by=coordinator, reason="  ")
    services.report_return(report=report, by=coordinator, reason="The total is too high")
    with pytest.raises(DomainError, match="Only submitted"):
        services.report_validate(report=report, by=coordinator)
    report = save(world, indicator, period, total=D(8))
    services.report_validate(report=report, by=coordinator)
    with pytest.raises(DomainError, match="can no longer be changed"):
        save(world, indicator, period, total=D(9))
    actions = list(report.events.order_by("created_at", "id").values_list("action", flat=True))
    assert actions == ["submitted", "returned", "submitted", "validated"]
    assert ReportEvent.objects.filter(action="returned").get().note == "The total is too high"


def test_progress_uses_validated_totals_aggregated_in_the_database(
    world: World, objective, django_assert_max_num_queries
):
    advised = make_indicator(world, objective, target_value=D(100))
    share = make_indicator(
        world,
        objective,
        code="T2",
        measure="percentage",
        aggregation="average",
        baseline_value=D(20),
        target_value=D(60),
    )
    evictions = make_indicator(
        world,
        objective,
        code="T3",
        direction="decrease",
        aggregation="latest",
        baseline_value=D(80),
        target_value=D(20),
    )
    lead = world.cluster.memberships.get(role="lead")
    q1, q2 = make_period(world, date(LAST_YEAR, 1, 1)), make_period(world, date(LAST_YEAR, 4, 1))
    coordinator = world.users["coordinator"]
    for indicator, values in (
        (advised, (30, 20, 25, 5)),
        (share, (40, 50, 60, 30)),
        (evictions, (70, 10, 40, 10)),
    ):
        for period, membership, value in zip(
            (q1, q1, q2, q2), (world.member_membership, lead) * 2, values, strict=True
        ):
            # A percentage is reported as so many of a hundred: its weighted figure is
            # then the mean (tests/indicators/test_percentages.py weighs unequal ones).
            total = Ratio(D(value), D(100)) if indicator.is_percentage else D(value)
            report = save(world, indicator, period, membership=membership, total=total)
            services.report_validate(report=report, by=coordinator)
    # A submitted but not validated report does not count.
    make_period(world, date(LAST_YEAR, 7, 1))
    save(world, advised, world.cluster.periods.get(start=date(LAST_YEAR, 7, 1)), total=D(1000))

    with django_assert_max_num_queries(1):
        progress = indicators_progress([advised, share, evictions])
    assert progress[advised.pk].current == D(80)  # 30+20+25+5
    assert progress[advised.pk].status == "on_track" or progress[
        advised.pk
    ].fraction == pytest.approx(0.8)
    assert progress[share.pk].current == D("45.00")  # average of the period means 45 and 45
    assert progress[evictions.pk].current == D(50)  # latest period: 40 + 10
    assert progress[evictions.pk].fraction == pytest.approx(0.5)
    rolled = objective_progress(objective, progress)
    assert rolled.fraction == pytest.approx((0.8 + 0.625 + 0.5) / 3)
