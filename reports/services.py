"""Asking for reports, and the periodic work that queues them again or on schedule.

Rendering and publishing a job are in ``reports.jobs``, below this module: the task that
renders is queued from here.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clusters.audit import audit
from clusters.models import AuditEntry, Cluster
from core.errors import DomainError
from indicators.models import ReportingPeriod
from indicators.services import periods_ensure
from reports import jobs
from reports.models import ReportJob

logger = logging.getLogger(__name__)


def params_for(
    kind: str, period: ReportingPeriod | None, date_from: date | None, date_to: date | None
) -> str:
    if kind == ReportJob.Kind.PROGRESS:
        return f"period={period.pk}"
    if kind == ReportJob.Kind.CONSENSUS:
        return f"from={date_from.isoformat()}&to={date_to.isoformat()}"
    return ""


def _check(
    cluster: Cluster,
    kind: str,
    language: str,
    period: ReportingPeriod | None,
    date_from: date | None,
    date_to: date | None,
) -> None:
    if kind not in ReportJob.Kind.values:
        raise DomainError(_("Choose a kind of report."))
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose one of the platform's languages."))
    if kind == ReportJob.Kind.PROGRESS and (period is None or period.cluster_id != cluster.pk):
        raise DomainError(_("Choose one of this cluster's reporting periods."))
    if kind == ReportJob.Kind.CONSENSUS:
        if date_from is None or date_to is None:
            raise DomainError(_("Give the first and the last day the report covers."))
        if date_to < date_from:
            raise DomainError(_("The last day cannot come before the first."))


def report_request(
    *,
    cluster: Cluster,
    kind: str,
    language: str,
    by: User | None,
    period: ReportingPeriod | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    scheduled: bool = False,
) -> tuple[ReportJob, bool]:
    """Queue a report, or return the same one already being made: (job, created)."""
    _check(cluster, kind, language, period, date_from, date_to)
    if kind != ReportJob.Kind.PROGRESS:
        period = None
    if kind != ReportJob.Kind.CONSENSUS:
        date_from = date_to = None
    params = params_for(kind, period, date_from, date_to)
    try:
        with transaction.atomic():
            job = ReportJob.objects.create(
                cluster=cluster,
                kind=kind,
                language=language,
                period=period,
                date_from=date_from,
                date_to=date_to,
                params=params,
                scheduled=scheduled,
                requested_by=by,
            )
            audit(cluster=cluster, by=by, action=AuditEntry.Action.REPORT_REQUESTED, target=job)
    except IntegrityError:
        # The partial unique constraint: the same report is queued or running already.
        running = ReportJob.objects.filter(
            cluster=cluster,
            kind=kind,
            language=language,
            params=params,
            status__in=ReportJob.ACTIVE,
        ).first()
        if running is None:  # it finished in between: the person may ask again
            raise DomainError(_("The same report has just been finished: ask again.")) from None
        if running.is_queued:
            # Its task may have been lost (broker down when it was asked for): queue it
            # again; the claim makes a duplicate harmless.
            jobs.queue_render(running.pk)
        return running, False
    jobs.queue_render(job.pk)
    return job, True


def report_retry(*, job: ReportJob, by: User) -> ReportJob:
    """Ask again, at once, for a report that stalled (its worker or web process was lost):
    it goes back to the queue as it was asked for. A report still being made, finished or
    failed is refused: a failed one is asked for anew."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().select_related("cluster").get(pk=job.pk)
        if not job.is_stalled:
            raise DomainError(
                _("This report has not stalled: it is being prepared, or it is finished.")
            )
        was = job.status
        job.status = ReportJob.Status.QUEUED
        job.progress = 0
        job.started_at = None
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "progress", "started_at", "heartbeat_at"])
        audit(
            cluster=job.cluster,
            by=by,
            action=AuditEntry.Action.REPORT_RETRIED,
            target=job,
            changes={"status": [was, job.status]},
        )
        jobs.queue_render(job.pk)
    return job


# A job queued this long ago whose task never ran lost its message (the broker restarted
# without persistence, or was down when it was asked for).
QUEUED_TOO_LONG = timedelta(minutes=10)
MAX_ATTEMPTS = 3


def requeue_stalled(now: datetime | None = None) -> int:
    """Celery beat: queue again the jobs whose task was lost: queued for too long, or
    running past the time a worker could still be on it. Claiming makes a duplicate
    harmless; a job that lost its worker MAX_ATTEMPTS times is recorded as failed."""
    now = now or timezone.now()
    stale = now - jobs.stale_after()
    lost = ReportJob.objects.filter(
        Q(status=ReportJob.Status.QUEUED, requested_at__lt=now - QUEUED_TOO_LONG)
        | Q(status=ReportJob.Status.RUNNING, started_at__lt=stale)
    )
    requeued = 0
    for job in lost:
        if job.status == ReportJob.Status.RUNNING and job.attempts >= MAX_ATTEMPTS:
            jobs.report_fail(
                job.pk,
                _("The report was interrupted %(n)s times; ask for it again.")
                % {"n": job.attempts},
            )
            continue
        with transaction.atomic():
            jobs.queue_render(job.pk)
        requeued += 1
    return requeued


def schedule_period_reports(today: date | None = None) -> int:
    """Celery beat, daily: a progress report for the last ended period of every cluster
    that has not had one, published when ready. Returns how many were queued."""
    today = today or timezone.localdate()
    queued = 0
    for cluster in Cluster.objects.exclude(status=Cluster.Status.CLOSED):
        periods_ensure(cluster)
        period = cluster.periods.filter(end__lt=today).order_by("-end").first()
        if period is None:
            continue
        made = period.report_jobs.filter(scheduled=True).exclude(status=ReportJob.Status.FAILED)
        if made.exists():
            continue
        _job, created = report_request(
            cluster=cluster,
            kind=ReportJob.Kind.PROGRESS,
            language=settings.LANGUAGE_CODE,
            by=None,
            period=period,
            scheduled=True,
        )
        queued += created
    return queued
