"""Changes to objectives, indicators, periods and reports.

Each function runs in one transaction, records who did what, and raises DomainError
with a message for the person when the change is not allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clusters.audit import audit
from clusters.models import AuditEntry, Cluster, Membership
from core.errors import DomainError
from indicators.cells import count_problem, derived_total, total_problem
from indicators.models import (
    Indicator,
    Measurement,
    MeasurementReport,
    Objective,
    ReportEvent,
    ReportingPeriod,
)
from indicators.periods import MONTHS_PER_PERIOD, periods_between
from indicators.progress import values_changed
from indicators.rules import report_problem, submit_problem

VALUE_LIMIT = Decimal("999999999999.99")


def periods_ensure(cluster: Cluster, until: date | None = None) -> None:
    """Create the cluster's reporting periods from its start up to the current one."""
    until = until or timezone.localdate()
    first = timezone.localdate(cluster.created_at) if cluster.created_at else until
    months = MONTHS_PER_PERIOD[cluster.reporting_period]
    ReportingPeriod.objects.bulk_create(
        [
            ReportingPeriod(cluster=cluster, start=start, end=end, due=due)
            for start, end, due in periods_between(min(first, until), until, months)
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def period_lock(*, period: ReportingPeriod, by: User) -> ReportingPeriod:
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_locked:
        raise DomainError(_("This period is already locked."))
    waiting = period.reports.filter(status=MeasurementReport.Status.SUBMITTED).count()
    if waiting:
        raise DomainError(
            _(
                "%(count)s reports of this period are waiting for validation: "
                "validate or return them first."
            )
            % {"count": waiting}
        )
    period.locked_at = timezone.now()
    period.locked_by = by
    period.save(update_fields=["locked_at", "locked_by"])
    return period


def check_total(
    indicator: Indicator, cells: Mapping[str, Decimal | None], total: Decimal | None
) -> Decimal | None:
    """The report's total: the one given, or the sum of the cells when all are given.

    Counts are whole numbers, never negative; the cells of a number are parts of its total
    (indicators.cells says how they add up). Percentages do not add up: their total is
    never derived."""
    if indicator.counts:
        for value in (*cells.values(), total):
            if value is not None and (problem := count_problem(value)):
                raise DomainError(problem)
    if total is None:
        derived = derived_total(indicator, cells)
        if derived is not None and abs(derived) > VALUE_LIMIT:
            raise DomainError(_("The sum of the cells is too large to be stored."))
        return derived
    if problem := total_problem(indicator, cells, total):
        raise DomainError(problem)
    return total


@transaction.atomic
def report_save(
    *,
    indicator: Indicator,
    period: ReportingPeriod,
    membership: Membership,
    by: User,
    cells: Mapping[str, Decimal | None],
    total: Decimal | None,
    text_value: str = "",
    comment: str = "",
    submit: bool = False,
    event: str | None = None,
) -> MeasurementReport:
    """Save (and optionally submit) a member entity's values for one indicator and period."""
    if indicator.cluster_id != period.cluster_id or membership.cluster_id != indicator.cluster_id:
        raise DomainError(_("This indicator, period and entity are not of the same cluster."))
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    report = (
        MeasurementReport.objects.select_for_update()
        .filter(indicator=indicator, period=period, membership=membership)
        .first()
    )
    problem = report_problem(
        indicator=indicator, period=period, membership=membership, report=report
    )
    if problem is not None:
        raise DomainError(problem)
    values = report_values(indicator, cells, total)
    if submit and (problem := submit_problem(indicator=indicator, values=values, text=text_value)):
        raise DomainError(problem)
    if report is not None and not submit and report_unchanged(report, values, text_value, comment):
        return report  # saved unchanged: nothing rewritten, nothing in the history
    if report is None:
        report = MeasurementReport.objects.create(
            indicator=indicator, period=period, membership=membership
        )
    report.measurements.all().delete()
    Measurement.objects.bulk_create(
        Measurement(report=report, cell=key, value=value) for key, value in values.items()
    )
    report.text_value = text_value
    report.comment = comment
    report.updated_by = by
    if submit:
        report.status = MeasurementReport.Status.SUBMITTED
        report.submitted_at = timezone.now()
    report.save()
    action = event or (ReportEvent.Action.SUBMITTED if submit else ReportEvent.Action.SAVED)
    ReportEvent.objects.create(report=report, user=by, action=action)
    return report


def report_values(
    indicator: Indicator, cells: Mapping[str, Decimal | None], total: Decimal | None
) -> dict[str, Decimal]:
    """The values a report stores, {cell: value} with the total under "": the cells given,
    and the total given or derived from them (check_total). DomainError for a cell the
    indicator does not have, or values that do not hold together."""
    unknown = set(cells) - {key for key, _label in indicator.cells()}
    if unknown:
        raise DomainError(
            _("Unknown disaggregation cell: %(cell)s.") % {"cell": ", ".join(sorted(unknown))}
        )
    total = check_total(indicator, cells, total)
    values = {key: value for key, value in cells.items() if value is not None}
    if total is not None:
        values[""] = total
    return values


def report_unchanged(
    report: MeasurementReport, values: Mapping[str, Decimal], text: str, comment: str
) -> bool:
    """Whether the report already holds these values ({cell: value}, the total under ""),
    text and comment: saving them again would change nothing."""
    stored = {m.cell: m.value for m in report.measurements.all()}
    return (stored, report.text_value, report.comment) == (dict(values), text, comment)


def _locked_submitted(report: MeasurementReport) -> MeasurementReport:
    report = (
        MeasurementReport.objects.select_for_update(of=("self",))
        .select_related("period", "indicator__cluster", "membership__actor")
        .get(pk=report.pk)
    )
    if report.period.is_locked:
        raise DomainError(
            _("The period %(period)s is locked: nothing in it can change.")
            % {"period": report.period}
        )
    if report.status != MeasurementReport.Status.SUBMITTED:
        raise DomainError(
            _("Only submitted reports can be validated or returned; this one is %(status)s.")
            % {"status": report.get_status_display().lower()}
        )
    return report


@transaction.atomic
def report_validate(*, report: MeasurementReport, by: User) -> MeasurementReport:
    report = _locked_submitted(report)
    report.status = MeasurementReport.Status.VALIDATED
    report.validated_at = timezone.now()
    report.validated_by = by
    report.return_reason = ""
    report.save(
        update_fields=["status", "validated_at", "validated_by", "return_reason", "updated_at"]
    )
    ReportEvent.objects.create(report=report, user=by, action=ReportEvent.Action.VALIDATED)
    _audit_report(report, by, AuditEntry.Action.REPORT_VALIDATED)
    # Now, and again once committed: a reader between the two may cache the old values.
    cluster_id = report.indicator.cluster_id
    values_changed(cluster_id)
    transaction.on_commit(lambda: values_changed(cluster_id))
    return report


def _audit_report(report: MeasurementReport, by: User, action: str, **data: object) -> None:
    audit(
        cluster=report.indicator.cluster,
        by=by,
        action=action,
        target=report,
        **data,
    )


@transaction.atomic
def report_return(*, report: MeasurementReport, by: User, reason: str) -> MeasurementReport:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the report is returned, so the entity can correct it."))
    report = _locked_submitted(report)
    report.status = MeasurementReport.Status.RETURNED
    report.return_reason = reason
    report.save(update_fields=["status", "return_reason", "updated_at"])
    ReportEvent.objects.create(
        report=report, user=by, action=ReportEvent.Action.RETURNED, note=reason
    )
    _audit_report(report, by, AuditEntry.Action.REPORT_RETURNED, reason=reason)
    return report


def indicator_save(form, *, cluster: Cluster) -> Indicator:
    """Save an indicator form, turning a duplicate code into a form error."""
    try:
        with transaction.atomic():
            indicator = form.save(commit=False)
            indicator.cluster = cluster
            indicator.save()
            form.save_m2m()
    except IntegrityError:
        raise DomainError(_("Another indicator of this cluster already has this code.")) from None
    return indicator


@transaction.atomic
def objectives_adopt(*, objectives: Iterable[Objective], by: User | None, decision: object) -> int:
    """Adopt the proposed objectives a cluster decision names; adopted ones stay as they are."""
    pks = [objective.pk for objective in objectives]
    proposed = Objective.objects.select_for_update().filter(
        pk__in=pks, status=Objective.Status.PROPOSED
    )
    adopted = list(proposed.select_related("cluster"))
    for objective in adopted:
        objective.status = Objective.Status.ADOPTED
        objective.adopted_at = timezone.now()
        objective.save(update_fields=["status", "adopted_at"])
        audit(
            cluster=objective.cluster,
            by=by,
            action=AuditEntry.Action.OBJECTIVES_ADOPTED,
            target=objective,
            decision=str(decision),
        )
    return len(adopted)
