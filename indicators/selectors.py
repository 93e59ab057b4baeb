"""Reads of indicators and reports reused by pages (and later the dashboard)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from clusters.models import Cluster, Membership
from indicators.models import Indicator, Report, ReportingPeriod


@dataclass
class DueReport:
    indicator: Indicator
    period: ReportingPeriod
    report: Report | None

    @property
    def status(self) -> str:
        return self.report.status if self.report else "missing"

    @property
    def is_overdue(self) -> bool:
        return self.period.due < timezone.localdate() and self.status in (
            "missing",
            "draft",
            "returned",
        )


def reportable_indicators(cluster: Cluster, membership: Membership) -> list[Indicator]:
    """The indicators this entity reports on: all, or those naming it responsible."""
    indicators = cluster.indicators.prefetch_related("responsible").select_related("objective")
    return [
        indicator
        for indicator in indicators
        if not indicator.responsible.all() or membership in indicator.responsible.all()
    ]


def entity_reports(
    cluster: Cluster, membership: Membership, periods: list[ReportingPeriod]
) -> list[DueReport]:
    """For one entity: every (indicator, period) it owes, with its report if any. Returned
    and overdue first, then drafts and what is due, then what is done."""
    indicators = reportable_indicators(cluster, membership)
    reports = {
        (r.indicator_id, r.period_id): r
        for r in Report.objects.filter(membership=membership, period__in=periods)
    }
    rows = [
        DueReport(indicator, period, reports.get((indicator.pk, period.pk)))
        for period in periods
        for indicator in indicators
    ]
    order = {"returned": 0, "missing": 2, "draft": 1, "submitted": 3, "validated": 4}
    return sorted(
        rows,
        key=lambda row: (
            not row.is_overdue,
            order[row.status],
            -row.period.start.toordinal(),
            row.indicator.code,
        ),
    )


def open_periods(cluster: Cluster, today: date | None = None) -> list[ReportingPeriod]:
    today = today or timezone.localdate()
    return list(cluster.periods.filter(start__lte=today, locked_at__isnull=True).order_by("-start"))


def overdue_by_entity(cluster: Cluster, today: date | None = None) -> list[tuple[Membership, int]]:
    """How many reports each entity owes past their due date, in unlocked periods."""
    today = today or timezone.localdate()
    periods = list(cluster.periods.filter(due__lt=today, locked_at__isnull=True))
    if not periods:
        return []
    members = list(cluster.memberships.voting().select_related("actor").order_by("actor__name"))
    indicators = list(cluster.indicators.prefetch_related(Prefetch("responsible")))
    done = set(
        Report.objects.filter(
            period__in=periods, status__in=[Report.Status.SUBMITTED, Report.Status.VALIDATED]
        ).values_list("membership_id", "indicator_id", "period_id")
    )
    result = []
    for member in members:
        owed = 0
        for indicator in indicators:
            responsible = indicator.responsible.all()
            if responsible and member not in responsible:
                continue
            owed += sum((member.pk, indicator.pk, p.pk) not in done for p in periods)
        if owed:
            result.append((member, owed))
    return result
