"""Reads of indicators and reports reused by pages (and later the dashboard)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q
from django.utils import timezone

from clusters.models import Cluster, Membership
from indicators.cells import reported, value_shown
from indicators.models import Indicator, MeasurementReport, ReportingPeriod
from indicators.periods import cluster_periods
from indicators.rules import can_report


@dataclass
class DueReport:
    indicator: Indicator
    period: ReportingPeriod
    report: MeasurementReport | None

    @property
    def status(self) -> str:
        return self.report.status if self.report else "missing"

    @property
    def tone(self) -> str:
        """The badge of its status (MeasurementReport.tone); a report not started is due."""
        return self.report.tone if self.report else "danger"

    @property
    def is_returned(self) -> bool:
        return self.report is not None and self.report.is_returned

    @property
    def is_draft(self) -> bool:
        return self.report is not None and self.report.is_draft

    @property
    def is_owed(self) -> bool:
        """The entity still has to act: not started, a draft, or returned to it."""
        return self.report is None or self.report.is_editable

    @property
    def is_overdue(self) -> bool:
        return self.period.due < timezone.localdate() and self.is_owed


def reportable_indicators(cluster: Cluster, membership: Membership) -> list[Indicator]:
    """The indicators this entity reports on (indicators.rules.can_report)."""
    indicators = cluster.indicators.prefetch_related("responsible").select_related("objective")
    return [indicator for indicator in indicators if can_report(indicator, membership)]


def entity_reports(
    cluster: Cluster, membership: Membership, periods: list[ReportingPeriod]
) -> list[DueReport]:
    """For one entity: every (indicator, period) it owes, with its report if any. Returned
    and overdue first, then drafts and what is due, then what is done."""
    indicators = reportable_indicators(cluster, membership)
    reports = {
        (r.indicator_id, r.period_id): r
        for r in MeasurementReport.objects.filter(membership=membership, period__in=_saved(periods))
    }
    rows = [
        DueReport(indicator, period, reports.get((indicator.pk, period.pk)))
        for period in periods
        for indicator in indicators
        if indicator.asks_for(period)
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


def periods_until(cluster: Cluster, today: date | None = None) -> list[ReportingPeriod]:
    """Every period of the cluster, oldest first: those saved, and, not saved (their pk is
    None), those up to today's that no write and no daily task has made yet. Pages show
    them as they will be, without writing; the first write in one makes it
    (services.periods_ensure)."""
    today = today or timezone.localdate()
    periods = {period.start: period for period in cluster.periods.select_related("locked_by")}
    for start, end, due in cluster_periods(cluster, today):
        if start not in periods:
            periods[start] = ReportingPeriod(cluster=cluster, start=start, end=end, due=due)
    return sorted(periods.values(), key=lambda period: period.start)


def open_periods(cluster: Cluster, today: date | None = None) -> list[ReportingPeriod]:
    """The periods open for reporting (started, not locked), the latest first."""
    today = today or timezone.localdate()
    return [period for period in reversed(periods_until(cluster, today)) if period.is_open(today)]


def period_starting(
    cluster: Cluster, start: date, today: date | None = None
) -> ReportingPeriod | None:
    """The cluster's period that starts on ``start``, saved or not yet (periods_until)."""
    return next((p for p in periods_until(cluster, today) if p.start == start), None)


def _saved(periods: Iterable[ReportingPeriod]) -> list[int]:
    """The ids of the periods saved: those not saved yet have no reports."""
    return [period.pk for period in periods if period.pk is not None]


@dataclass
class EntityReporting:
    """What one entity owes in the unlocked periods, and where its reports stand."""

    membership: Membership
    overdue: int = 0  # owed for periods past their due date
    due: int = 0  # owed for periods still open for reporting
    awaiting: int = 0  # submitted, waiting for the coordinator
    returned: int = 0  # sent back to the entity to correct

    @property
    def total(self) -> int:
        return self.overdue + self.due + self.awaiting + self.returned


def reporting_by_entity(
    cluster: Cluster, today: date | None = None, members: list[Membership] | None = None
) -> list[EntityReporting]:
    """Per lead and member entity, aggregated in the database (five queries whatever the
    size): an entity owes a report for each indicator it reports on (all, or those that
    name it responsible) and each unlocked period the indicator asks for (none before its
    baseline date); submitted or validated ones are done."""
    today = today or timezone.localdate()
    periods = open_periods(cluster, today)
    past_due = [p for p in periods if p.due < today]
    still_due = [p for p in periods if p.due >= today]
    if members is None:
        # Only the names the pages show: a large cluster has hundreds of entities.
        members = list(
            cluster.memberships.voting()
            .select_related("actor")
            .only("id", "cluster_id", "actor__name")
            .order_by("actor__name")
        )
    indicators = list(cluster.indicators.only("pk", "cluster", "baseline_date"))
    named: dict[int, list[int]] = {}
    for membership_id, indicator_id in Indicator.responsible.through.objects.filter(
        indicator__cluster=cluster
    ).values_list("membership_id", "indicator_id"):
        named.setdefault(membership_id, []).append(indicator_id)
    with_responsible = {pk for ids in named.values() for pk in ids}
    # How many reports each indicator asks for in the periods past due and still due:
    # none of a period that ends before its baseline date (Indicator.asks_for).
    asked = {
        i.pk: (
            sum(i.asks_for(p) for p in past_due),
            sum(i.asks_for(p) for p in still_due),
        )
        for i in indicators
    }
    for_everyone = [asked[i.pk] for i in indicators if i.pk not in with_responsible]
    everyone_past = sum(past for past, _open in for_everyone)
    everyone_open = sum(still for _past, still in for_everyone)
    done = [MeasurementReport.Status.SUBMITTED, MeasurementReport.Status.VALIDATED]
    asked_for = Q(indicator__baseline_date__isnull=True) | Q(
        period__end__gte=F("indicator__baseline_date")
    )
    counts = {
        row["membership_id"]: row
        for row in MeasurementReport.objects.filter(
            indicator__cluster=cluster, period__in=_saved(periods)
        )
        .values("membership_id")
        .annotate(
            done_past=Count(
                "id", filter=Q(period__in=_saved(past_due), status__in=done) & asked_for
            ),
            done_open=Count(
                "id", filter=Q(period__in=_saved(still_due), status__in=done) & asked_for
            ),
            awaiting=Count("id", filter=Q(status=MeasurementReport.Status.SUBMITTED)),
            returned=Count("id", filter=Q(status=MeasurementReport.Status.RETURNED)),
        )
    }
    result = []
    for member in members:
        own = [asked[pk] for pk in named.get(member.pk, [])]
        owed_past = everyone_past + sum(past for past, _open in own)
        owed_open = everyone_open + sum(still for _past, still in own)
        row = counts.get(member.pk, {})
        result.append(
            EntityReporting(
                membership=member,
                overdue=max(0, owed_past - row.get("done_past", 0)),
                due=max(0, owed_open - row.get("done_open", 0)),
                awaiting=row.get("awaiting", 0),
                returned=row.get("returned", 0),
            )
        )
    return result


def overdue_by_entity(cluster: Cluster, today: date | None = None) -> list[tuple[Membership, int]]:
    """How many reports each entity owes past their due date, in unlocked periods."""
    return [(e.membership, e.overdue) for e in reporting_by_entity(cluster, today) if e.overdue]


@dataclass
class CellValue:
    """One cell of a report as a page shows it: its label, and its value in the person's
    language, or None for no data."""

    label: str
    value: str | None


def with_cells(reports: Iterable[MeasurementReport]) -> None:
    """Give each report (its indicator and measurements loaded) ``cell_values``: every cell
    of its indicator in order, with no data where none was given, and ``total_shown``.
    Values are written as the person's language does; labels are worked out once per
    indicator."""
    labels: dict[int, list[tuple[str, str]]] = {}
    for report in reports:
        indicator = report.indicator
        if indicator.pk not in labels:
            labels[indicator.pk] = [(key, str(label)) for key, label in indicator.cells()]
        # A percentage by its numerator and denominator shows them: "10 / 20 (50 %)"; a
        # yes/no answer is "Yes" or "No".
        values = {
            m.cell: str(reported(m)) if m.has_denominator else value_shown(indicator, m.value)
            for m in report.measurements.all()
        }
        report.cell_values = [
            CellValue(label, values.get(key)) for key, label in labels[indicator.pk]
        ]
        report.cells_without_data = sum(cell.value is None for cell in report.cell_values)
        report.total_shown = values.get("")


def period_reports_by_status(period: ReportingPeriod) -> dict[str, int]:
    """How many reports of the period are in each status (every status named, 0 when
    none), for the page that confirms locking it. One query; none for a period not saved
    yet."""
    counts = dict.fromkeys(MeasurementReport.Status.values, 0)
    if period.pk is not None:
        counts |= dict(
            period.reports.values("status").annotate(n=Count("id")).values_list("status", "n")
        )
    return counts


def period_entities(period: ReportingPeriod) -> list[Membership]:
    """The entities with reports in the period (those told when it is reopened)."""
    return list(
        period.cluster.memberships.filter(pk__in=period.reports.values("membership_id"))
        .select_related("actor")
        .order_by("actor__name")
    )
