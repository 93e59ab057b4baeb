"""Reporting periods follow the cluster's setting: months, quarters or years."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.utils import timezone

from clusters.models import Cluster

MONTHS_PER_PERIOD = {
    Cluster.ReportingPeriod.MONTHLY: 1,
    Cluster.ReportingPeriod.QUARTERLY: 3,
    Cluster.ReportingPeriod.YEARLY: 12,
}
# Days after a period ends that its reports are due.
SUBMISSION_DAYS = 30


def period_bounds(day: date, months: int) -> tuple[date, date]:
    """The period of the given length (in months, aligned on the year) containing day."""
    first_month = ((day.month - 1) // months) * months + 1
    start = date(day.year, first_month, 1)
    last_month = first_month + months - 1
    end = date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    return start, end


def periods_between(first: date, last: date, months: int) -> list[tuple[date, date, date]]:
    """(start, end, due) of every period from the one containing first to the one
    containing last."""
    result = []
    start, end = period_bounds(first, months)
    while start <= last:
        result.append((start, end, end + timedelta(days=SUBMISSION_DAYS)))
        start, end = period_bounds(end + timedelta(days=1), months)
    return result


def cluster_periods(cluster: Cluster, until: date) -> list[tuple[date, date, date]]:
    """(start, end, due) of every period a cluster reports on, from the one it was created
    in to the one containing until: what periods_ensure saves, and what pages show of the
    periods not saved yet."""
    first = timezone.localdate(cluster.created_at) if cluster.created_at else until
    return periods_between(min(first, until), until, MONTHS_PER_PERIOD[cluster.reporting_period])
