"""Periods are made by writes and by a daily task, never by a page: a page shows the
periods not made yet as they will be, and the first write in one makes it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.urls import reverse

from clusters.models import AuditEntry, Cluster
from indicators import exporting, tasks
from indicators.importing import import_reports
from indicators.models import MeasurementReport, ReportingPeriod
from indicators.periods import period_bounds
from indicators.selectors import open_periods, periods_until
from tests.clock import MADRID, quarter_start
from tests.conftest import World
from tests.indicators.test_rules import csv_upload

NEXT = quarter_start(1)


@pytest.fixture
def next_quarter(world: World, clock) -> World:
    """A few days into the next quarter, before anything has made its period."""
    clock.move_to(datetime.combine(NEXT + timedelta(days=3), time(10, 30), tzinfo=MADRID))
    assert not world.cluster.periods.filter(start=NEXT).exists()
    return world


def url(world: World, name: str, **kwargs) -> str:
    return reverse(f"indicators:{name}", kwargs={"slug": world.cluster.slug, **kwargs})


def writes() -> tuple[int, int, int]:
    return (
        ReportingPeriod.objects.count(),
        MeasurementReport.objects.count(),
        AuditEntry.objects.count(),
    )


def test_no_page_writes_and_each_shows_the_period_not_made_yet(next_quarter: World):
    world = next_quarter
    before = writes()
    pages = [
        ("observer", url(world, "objective-list")),
        ("observer", url(world, "indicator-detail", pk=world.indicator.pk)),
        ("member", url(world, "reporting")),
        ("member", url(world, "report-edit", indicator_pk=world.indicator.pk, period_start=NEXT)),
        ("observer", url(world, "period-list")),
        ("coordinator", url(world, "validation-queue")),
        ("member", url(world, "import")),
        ("member", url(world, "import-template")),
        ("observer", url(world, "export-csv")),
        ("member", reverse("reports:todo", args=[world.cluster.slug])),
        ("coordinator", reverse("reports:dashboard", args=[world.cluster.slug])),
    ]
    for person, page in pages:
        assert world.client(person).get(page).status_code == 200, page
    assert writes() == before

    label = f"Q{(NEXT.month - 1) // 3 + 1} {NEXT.year}"
    new_report = url(world, "report-edit", indicator_pk=world.indicator.pk, period_start=NEXT)
    reporting = world.client("member").get(url(world, "reporting")).content.decode()
    assert label in reporting and f'href="{new_report}"' in reporting
    periods = world.client("coordinator").get(url(world, "period-list")).content.decode()
    assert label in periods and url(world, "period-lock", period_start=NEXT) in periods
    todo = world.client("member").get(reverse("reports:todo", args=[world.cluster.slug]))
    assert f'href="{new_report}"' in todo.content.decode()
    form = world.client("member").get(new_report)
    assert form.context["editable"] is True and form.context["report"] is None


def test_the_selectors_add_the_periods_not_made_yet_unsaved(next_quarter: World):
    world = next_quarter
    periods = periods_until(world.cluster)
    assert [(p.start, p.pk is None) for p in periods] == [
        (world.period.start, False),
        (NEXT, True),
    ]
    end = period_bounds(NEXT, 3)[1]
    assert (periods[1].end, periods[1].due) == (end, end + timedelta(days=30))
    assert [p.start for p in open_periods(world.cluster)] == [NEXT, world.period.start]
    starts = {row[2] for row in exporting.template_rows(world.cluster, world.member_membership)}
    assert NEXT in starts, "the template offers the current period"


def test_reporting_on_the_period_not_made_yet_makes_it(next_quarter: World):
    world = next_quarter
    response = world.client("member").post(
        url(world, "report-edit", indicator_pk=world.indicator.pk, period_start=NEXT),
        {"total": "7", "cell_0": "", "cell_1": "", "cell_2": "", "comment": "", "save": ""},
    )
    assert response.status_code == 302
    period = world.cluster.periods.get(start=NEXT)
    report = MeasurementReport.objects.get(period=period, membership=world.member_membership)
    assert report.measurements.get(cell="").value == D(7)
    # Now saved, the period is named by its id.
    reporting = world.client("member").get(url(world, "reporting")).content.decode()
    assert url(world, "report-edit", indicator_pk=world.indicator.pk, period_pk=period.pk) in (
        reporting
    )


def test_locking_the_period_not_made_yet_makes_it_locked(next_quarter: World):
    world = next_quarter
    response = world.client("coordinator").post(url(world, "period-lock", period_start=NEXT))
    assert response.status_code == 302
    assert world.cluster.periods.get(start=NEXT).is_locked
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.PERIOD_LOCKED).get()
    assert entry.object_id == world.cluster.periods.get(start=NEXT).pk


def test_importing_into_the_period_not_made_yet_makes_it(next_quarter: World):
    world = next_quarter
    count = import_reports(
        cluster=world.cluster,
        membership=world.member_membership,
        by=world.users["member"],
        upload=csv_upload([[world.indicator.code, NEXT.isoformat(), "", 3]]),
        submit=True,
    )
    assert count == 1
    report = MeasurementReport.objects.get(period__start=NEXT)
    assert report.status == MeasurementReport.Status.SUBMITTED


def test_only_periods_up_to_today_can_be_named_by_their_start(next_quarter: World):
    world = next_quarter
    client = world.client("member")
    later = quarter_start(2)
    page = url(world, "report-edit", indicator_pk=world.indicator.pk, period_start=later)
    assert client.get(page).status_code == 404
    not_a_start = NEXT + timedelta(days=1)
    page = url(world, "report-edit", indicator_pk=world.indicator.pk, period_start=not_a_start)
    assert client.get(page).status_code == 404
    assert client.get(page.replace(not_a_start.isoformat(), "2026-02-30")).status_code == 404
    assert not world.cluster.periods.filter(start__gt=world.period.start).exists()


@pytest.mark.parametrize(
    ("person", "status"),
    [("member", 200), ("observer", 403), ("institution", 403), ("outsider", 404)],
)
def test_a_period_not_made_yet_is_reported_on_by_whom_reports(next_quarter: World, person, status):
    page = url(
        next_quarter, "report-edit", indicator_pk=next_quarter.indicator.pk, period_start=NEXT
    )
    assert next_quarter.client(person).get(page).status_code == status
    anonymous = next_quarter.client("anonymous").get(page)
    assert anonymous.status_code == 302 and "login" in anonymous.url


@pytest.mark.parametrize(("person", "status"), [("member", 403), ("outsider", 404)])
def test_only_the_coordinator_locks_a_period_not_made_yet(next_quarter: World, person, status):
    response = next_quarter.client(person).post(url(next_quarter, "period-lock", period_start=NEXT))
    assert response.status_code == status
    assert not next_quarter.cluster.periods.filter(start=NEXT).exists()


def test_the_daily_task_makes_every_open_clusters_periods(next_quarter: World):
    world = next_quarter
    closed = Cluster.objects.filter(pk=world.other_cluster.pk)
    closed.update(status=Cluster.Status.CLOSED)
    assert tasks.ensure_periods.delay().get() == Cluster.objects.exclude(status="closed").count()
    assert world.cluster.periods.filter(start=NEXT).exists()
    assert not world.other_cluster.periods.exists()
    tasks.ensure_periods()
    assert world.cluster.periods.filter(start=NEXT).count() == 1
    schedule = settings.CELERY_BEAT_SCHEDULE["ensure-periods"]
    assert schedule["task"] == "indicators.tasks.ensure_periods"
    assert schedule["schedule"].hour == {0}
