"""Changes to objectives, indicators, periods and reports.

Each function runs in one transaction, records who did what, and raises DomainError
with a message for the person when the change is not allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clusters.audit import audit, changed, json_value, snapshot
from clusters.models import AuditEntry, Cluster, Membership
from core.errors import DomainError
from core.tasks import enqueue_on_commit
from indicators import notifications
from indicators.cells import Ratio, Reported, count_problem, derived_total, reported, total_problem
from indicators.models import (
    INDICATOR_DEFINITION,
    Indicator,
    Measurement,
    MeasurementReport,
    Objective,
    ReportEvent,
    ReportingPeriod,
)
from indicators.periods import cluster_periods
from indicators.rules import (
    MAX_DECIMALS,
    Problem,
    decimals,
    not_a_number_indicator,
    not_yes_no,
    report_problem,
    submit_problem,
    too_many_decimals,
    unknown_cell,
)
from indicators.totals import refresh_period_totals
from rights.models import RightsIssue, SDGTarget

VALUE_LIMIT = Decimal("999999999999.99")


def periods_ensure(cluster: Cluster, until: date | None = None) -> None:
    """Create the cluster's reporting periods from its start up to the current one.

    Called by the writes that need them (a report saved or imported, a period locked)
    and daily for every cluster (indicators.tasks.ensure_periods); pages never write:
    they show the periods not made yet as indicators.selectors.periods_until computes
    them."""
    ReportingPeriod.objects.bulk_create(
        [
            ReportingPeriod(cluster=cluster, start=start, end=end, due=due)
            for start, end, due in cluster_periods(cluster, until or timezone.localdate())
        ],
        ignore_conflicts=True,
    )


def periods_ensure_all(*, today: date | None = None) -> int:
    """Every open cluster's periods up to today's; the number of clusters."""
    clusters = list(Cluster.objects.exclude(status=Cluster.Status.CLOSED))
    for cluster in clusters:
        periods_ensure(cluster, until=today)
    return len(clusters)


def _period_for_update(period: ReportingPeriod) -> ReportingPeriod:
    """The period, locked until the end of the transaction. One not saved yet (a page
    showed it as periods_until computes it) is created first, with those before it."""
    if period.pk is None:
        periods_ensure(period.cluster)
        found = {"cluster": period.cluster_id, "start": period.start}
    else:
        found = {"pk": period.pk}
    try:
        return (
            ReportingPeriod.objects.select_for_update(of=("self",))
            .select_related("cluster")
            .get(**found)
        )
    except ReportingPeriod.DoesNotExist:  # a period of a later day than today
        raise DomainError(
            _("The period %(period)s has not started yet.") % {"period": period}, field="period"
        ) from None


@transaction.atomic
def period_lock(*, period: ReportingPeriod, by: User) -> ReportingPeriod:
    period = _period_for_update(period)
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
    audit(
        cluster=period.cluster,
        by=by,
        action=AuditEntry.Action.PERIOD_LOCKED,
        target=period,
        changes=changed({"locked_at": None}, {"locked_at": period.locked_at}),
    )
    return period


def check_total(
    indicator: Indicator, cells: Mapping[str, Reported | None], total: Reported | None
) -> Reported | None:
    """The report's total: the one given, or the sum of the cells when all are given.

    Counts are whole numbers, never negative; the cells of a number are parts of its total
    (indicators.cells says how they add up). A percentage's total, when not given, is its
    cells' numerators over their denominators."""
    if indicator.counts:
        for field, value in [*(("cells", v) for v in cells.values()), ("total", total)]:
            if value is not None and (problem := count_problem(value)):
                raise DomainError(problem, field=field)
    if total is None:
        derived = derived_total(indicator, cells)
        if isinstance(derived, Ratio) and derived.denominator > VALUE_LIMIT:
            raise DomainError(_("The sum of the cells is too large to be stored."), field="cells")
        if isinstance(derived, Decimal) and abs(derived) > VALUE_LIMIT:
            raise DomainError(_("The sum of the cells is too large to be stored."), field="cells")
        # Dimensions reported each on its own must agree with one another too.
        if derived is not None and (problem := total_problem(indicator, cells, derived)):
            raise DomainError(problem, field="cells")
        return derived
    if problem := total_problem(indicator, cells, total):
        raise DomainError(problem, field="total")
    return total


@transaction.atomic
def report_save(
    *,
    indicator: Indicator,
    period: ReportingPeriod,
    membership: Membership,
    by: User,
    cells: Mapping[str, Reported | None],
    total: Reported | None,
    text_value: str = "",
    comment: str = "",
    submit: bool = False,
    event: str | None = None,
) -> MeasurementReport:
    """Save (and optionally submit) a member entity's values for one indicator and period."""
    if indicator.cluster_id != period.cluster_id or membership.cluster_id != indicator.cluster_id:
        raise DomainError(
            _("This indicator, period and entity are not of the same cluster."), field="indicator"
        )
    period = _period_for_update(period)
    report = (
        MeasurementReport.objects.select_for_update()
        .filter(indicator=indicator, period=period, membership=membership)
        .first()
    )
    problem = report_problem(
        indicator=indicator, period=period, membership=membership, report=report
    )
    if problem is not None:
        raise DomainError(problem, field=problem.field)
    values = report_values(indicator, cells, total)
    if problem := legacy_problem(indicator, values, report):
        raise DomainError(problem, field=problem.field)
    if submit and (problem := submit_problem(indicator=indicator, values=values, text=text_value)):
        raise DomainError(problem, field=problem.field)
    if report is not None and not submit and report_unchanged(report, values, text_value, comment):
        return report  # saved unchanged: nothing rewritten, nothing in the history
    before = report_state(report) if report is not None else None
    if report is None:
        report = MeasurementReport.objects.create(
            indicator=indicator, period=period, membership=membership
        )
    report.measurements.all().delete()
    Measurement.objects.bulk_create(
        measurement_of(report, key, value) for key, value in values.items()
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
    after = report_state(report, values)
    audit(
        cluster=indicator.cluster,
        by=by,
        action=AuditEntry.Action.REPORT_SUBMITTED if submit else AuditEntry.Action.REPORT_SAVED,
        target=report,
        changes=_created(after) if before is None else changed(before, after),
    )
    return report


def measurement_of(report: MeasurementReport, cell: str, value: Reported) -> Measurement:
    """The row of one cell: a percentage by its numerator and denominator keeps the
    percentage derived from them as its value."""
    if isinstance(value, Ratio):
        return Measurement(
            report=report,
            cell=cell,
            value=value.value,
            numerator=value.numerator,
            denominator=value.denominator,
        )
    return Measurement(report=report, cell=cell, value=value)


def _logged(value: Reported) -> str:
    """A value as the audit log keeps it: "12.5", or "10/20" for a percentage by its
    numerator and denominator (MeasurementReport.audit_words reads both)."""
    if isinstance(value, Ratio):
        return f"{json_value(value.numerator)}/{json_value(value.denominator)}"
    return json_value(value)


def report_state(
    report: MeasurementReport, values: Mapping[str, Reported] | None = None
) -> dict[str, Any]:
    """What the audit log records of a report: its status, text and comment, and its
    values (those stored, or ``values``) as "cell=value", the total first as "total=…"."""
    if values is None:
        values = {m.cell: reported(m) for m in report.measurements.all()}
    return {
        "status": report.status,
        "text_value": report.text_value,
        "comment": report.comment,
        "values": [
            f"{cell or 'total'}={_logged(values[cell])}"
            for cell in sorted(values, key=lambda cell: (cell != "", cell))
        ],
    }


def report_values(
    indicator: Indicator, cells: Mapping[str, Reported | None], total: Reported | None
) -> dict[str, Reported]:
    """The values a report stores, {cell: value} with the total under "": the cells given,
    and the total given or derived from them (check_total). DomainError for a cell the
    indicator does not have, or values that do not hold together."""
    unknown = set(cells) - {key for key, _label in indicator.cells()}
    if unknown:
        problem = unknown_cell(min(unknown), indicator)
        raise DomainError(problem, field=problem.field)
    if not indicator.is_numeric and (
        total is not None or any(v is not None for v in cells.values())
    ):
        problem = not_a_number_indicator(indicator)
        raise DomainError(problem, field=problem.field)
    if problem := decimals_problem(cells, total):
        raise DomainError(problem, field=problem.field)
    if indicator.is_yes_no and total not in (None, Decimal(0), Decimal(1)):
        problem = not_yes_no(_logged(total), indicator)
        raise DomainError(problem, field=problem.field)
    total = check_total(indicator, cells, total)
    values = {key: value for key, value in cells.items() if value is not None}
    if total is not None:
        values[""] = total
    return values


def decimals_problem(
    cells: Mapping[str, Reported | None], total: Reported | None
) -> Problem | None:
    """A value, numerator or denominator of more decimals than are stored: refused with the
    import's words, never rounded (SQLite and PostgreSQL would round it differently)."""
    for field, value in [("total", total), *(("cells", v) for v in cells.values())]:
        parts = (value.numerator, value.denominator) if isinstance(value, Ratio) else (value,)
        for part in parts:
            if part is not None and decimals(part) > MAX_DECIMALS:
                return too_many_decimals(format(part, "f"), field)
    return None


def legacy_problem(
    indicator: Indicator, values: Mapping[str, Reported], report: MeasurementReport | None
) -> Problem | None:
    """A percentage's value given alone stands only where the report already holds it,
    as it was reported before numerators and denominators (a template imported back)."""
    if not indicator.is_percentage:
        return None
    stored = {m.cell: reported(m) for m in report.measurements.all()} if report else {}
    for cell, value in values.items():
        if isinstance(value, Decimal) and stored.get(cell) != value:
            text = _(
                "Indicator %(code)s is a percentage: give its numerator and denominator "
                "(cell %(cell)s)."
            ) % {"code": indicator.code, "cell": cell or _("Total")}
            return Problem(text, "cells" if cell else "total")
    return None


def report_unchanged(
    report: MeasurementReport, values: Mapping[str, Reported], text: str, comment: str
) -> bool:
    """Whether the report already holds these values ({cell: value}, the total under ""),
    text and comment: saving them again would change nothing."""
    stored = {m.cell: reported(m) for m in report.measurements.all()}
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
    if not report.is_submitted:
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
    refresh_period_totals(report.indicator_id, report.period_id)
    return report


REOPEN_REASON_MAX = 1000


@transaction.atomic
def period_reopen(*, period: ReportingPeriod, by: User, reason: str) -> ReportingPeriod:
    """Unlock a locked period, to mend a mistake: its reports can change again until it is
    locked anew. The entities with reports in it are told why."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the period is reopened: the entities are told."))
    if len(reason) > REOPEN_REASON_MAX:
        raise DomainError(_("Keep the reason to %(max)s characters.") % {"max": REOPEN_REASON_MAX})
    period = _period_for_update(period)
    if not period.is_locked:
        raise DomainError(_("This period is not locked."))
    locked_at = period.locked_at
    period.locked_at = None
    period.locked_by = None
    period.save(update_fields=["locked_at", "locked_by"])
    audit(
        cluster=period.cluster,
        by=by,
        action=AuditEntry.Action.PERIOD_REOPENED,
        target=period,
        changes=changed({"locked_at": locked_at}, {"locked_at": None}),
        reason=reason,
    )
    enqueue_on_commit(notifications.email_reopened_period, period.pk, reason)
    return period


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
    enqueue_on_commit(notifications.email_returned_report, report.pk)
    return report


OBJECTIVE_FIELDS = ("code", "statement", "status", "rights_issues", "sdg_targets")


def _name(item: models.Model) -> str:
    """How the audit log names a related object: by a code or a name that reads the same
    in every language (catalogue titles are in the language of the moment)."""
    if isinstance(item, RightsIssue):
        return item.label
    if isinstance(item, Membership):
        return item.actor.name
    return item.code


def _state(instance: models.Model, fields: Sequence[str]) -> dict[str, Any]:
    """The values of ``fields`` as the audit log keeps them, related objects by _name."""
    relations = [name for name in fields if instance._meta.get_field(name).is_relation]
    values = snapshot(instance, [name for name in fields if name not in relations])
    for name in relations:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            items = getattr(instance, name).all()
            if field.related_model is Membership:
                items = items.select_related("actor")
            values[name] = sorted(_name(item) for item in items)
        else:
            item = getattr(instance, name)
            values[name] = None if item is None else _name(item)
    return values


def _created(after: Mapping[str, Any]) -> dict[str, list]:
    """The changes of a new object: each value given, from nothing."""
    return changed({}, {name: value for name, value in after.items() if value not in ("", [])})


def _save_unique(instance: Indicator | Objective, message: str) -> None:
    """Save, turning the code taken at the same moment by someone else into ``message``."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise DomainError(message) from None


@transaction.atomic
def indicator_save(
    *,
    cluster: Cluster,
    by: User,
    values: Mapping[str, Any],
    indicator: Indicator | None = None,
) -> Indicator:
    """Define a new indicator of the cluster (``indicator`` None) or change one:
    ``values`` are fields of INDICATOR_DEFINITION (the indicator form's cleaned data)."""
    unknown = set(values) - set(INDICATOR_DEFINITION)
    if unknown:
        raise ValueError(f"Not part of an indicator's definition: {sorted(unknown)}")
    if indicator is None:
        indicator, before = Indicator(cluster=cluster), None
    else:
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk, cluster=cluster)
        before = _state(indicator, INDICATOR_DEFINITION)
    taken = _("Another indicator of this cluster already has this code.")
    code = values.get("code", indicator.code)
    if cluster.indicators.filter(code=code).exclude(pk=indicator.pk).exists():
        raise DomainError(taken)
    related = {}
    for name, value in values.items():
        if indicator._meta.get_field(name).many_to_many:
            related[name] = value
        else:
            setattr(indicator, name, value)
    _save_unique(indicator, taken)
    for name, items in related.items():
        getattr(indicator, name).set(items)
    after = _state(indicator, INDICATOR_DEFINITION)
    if before is None:
        audit(
            cluster=cluster,
            by=by,
            action=AuditEntry.Action.INDICATOR_CREATED,
            target=indicator,
            changes=_created(after),
        )
    elif changes := changed(before, after):
        audit(
            cluster=cluster,
            by=by,
            action=AuditEntry.Action.INDICATOR_CHANGED,
            target=indicator,
            changes=changes,
        )
    return indicator


@transaction.atomic
def objective_create(
    *,
    cluster: Cluster,
    by: User,
    code: str,
    statement: str,
    status: str = Objective.Status.ADOPTED,
    rights_issues: Iterable[RightsIssue] = (),
    sdg_targets: Iterable[SDGTarget] = (),
) -> Objective:
    """A new common objective of the cluster: adopted, or proposed to a cluster decision."""
    objective = Objective(cluster=cluster)
    _objective_write(
        objective,
        code=code,
        statement=statement,
        status=status,
        rights_issues=rights_issues,
        sdg_targets=sdg_targets,
    )
    after = _state(objective, OBJECTIVE_FIELDS)
    audit(
        cluster=cluster,
        by=by,
        action=AuditEntry.Action.OBJECTIVE_CREATED,
        target=objective,
        changes=_created(after),
    )
    return objective


@transaction.atomic
def objective_update(
    *,
    objective: Objective,
    by: User,
    code: str,
    statement: str,
    rights_issues: Iterable[RightsIssue],
    sdg_targets: Iterable[SDGTarget],
    status: str | None = None,
) -> Objective:
    """Change a common objective; ``status`` None keeps it."""
    objective = (
        Objective.objects.select_for_update(of=("self",))
        .select_related("cluster")
        .get(pk=objective.pk)
    )
    before = _state(objective, OBJECTIVE_FIELDS)
    _objective_write(
        objective,
        code=code,
        statement=statement,
        status=status or objective.status,
        rights_issues=rights_issues,
        sdg_targets=sdg_targets,
    )
    if changes := changed(before, _state(objective, OBJECTIVE_FIELDS)):
        audit(
            cluster=objective.cluster,
            by=by,
            action=AuditEntry.Action.OBJECTIVE_CHANGED,
            target=objective,
            changes=changes,
        )
    return objective


def _objective_write(
    objective: Objective,
    *,
    code: str,
    statement: str,
    status: str,
    rights_issues: Iterable[RightsIssue],
    sdg_targets: Iterable[SDGTarget],
) -> None:
    taken = _("Another objective of this cluster already has this code.")
    if objective.cluster.objectives.filter(code=code).exclude(pk=objective.pk).exists():
        raise DomainError(taken)
    objective.code, objective.statement, objective.status = code, statement, status
    _save_unique(objective, taken)
    objective.rights_issues.set(rights_issues)
    objective.sdg_targets.set(sdg_targets)


@transaction.atomic
def objectives_adopt(*, objectives: Iterable[Objective]) -> list[Objective]:
    """Adopt the proposed objectives a cluster decision names; adopted ones stay as they
    are. The decision's entry of the audit log names the ones adopted here."""
    pks = [objective.pk for objective in objectives]
    proposed = Objective.objects.select_for_update().filter(
        pk__in=pks, status=Objective.Status.PROPOSED
    )
    adopted = list(proposed.order_by("code"))
    for objective in adopted:
        objective.status = Objective.Status.ADOPTED
        objective.adopted_at = timezone.now()
        objective.save(update_fields=["status", "adopted_at"])
    return adopted
