"""Asking for, rendering and publishing reports.

``report_render`` is what the Celery task runs. It claims the job with a conditional
update (only a queued or running job that is not published can be claimed, so a rerun of
a finished job does nothing), writes the file under the job's own name (a rerun after a
lost worker overwrites it: one file per job), and records a failure with its reason.
Transient errors (the database or the mail server away for a moment) are raised again for
the task to retry with backoff.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clusters.models import AuditEntry, Cluster
from clusters.services import audit
from indicators.models import ReportingPeriod
from indicators.services import periods_ensure
from reports.models import ReportJob, report_file_name

logger = logging.getLogger(__name__)

# Errors worth another try: the task retries them with backoff.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


class ReportError(Exception):
    """A request refused for a reason the person can act on."""


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
        raise ReportError(_("Choose a kind of report."))
    if language not in dict(settings.LANGUAGES):
        raise ReportError(_("Choose one of the platform's languages."))
    if kind == ReportJob.Kind.PROGRESS and (period is None or period.cluster_id != cluster.pk):
        raise ReportError(_("Choose one of this cluster's reporting periods."))
    if kind == ReportJob.Kind.CONSENSUS:
        if date_from is None or date_to is None:
            raise ReportError(_("Give the first and the last day the report covers."))
        if date_to < date_from:
            raise ReportError(_("The last day cannot come before the first."))


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
            raise ReportError(_("The same report has just been finished: ask again.")) from None
        if running.status == ReportJob.Status.QUEUED:
            # Its task may have been lost (broker down when it was asked for): queue it
            # again; the claim makes a duplicate harmless.
            _enqueue("render_report", running.pk)
        return running, False
    _enqueue("render_report", job.pk)
    return job, True


def _enqueue(task_name: str, job_id: int) -> None:
    """Queue a task once the job is committed. Robust: a broker outage is logged and the
    job stays queued (the coordinator sees it and may ask again) rather than an error."""
    from reports import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(job_id), robust=True)


def _set_progress(job_id: int, percent: int) -> None:
    ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING).update(progress=percent)


def _stale_after() -> timedelta:
    """A running job older than this lost its worker: the task's hard time limit would
    have ended it, and the broker hands a lost task back only after its visibility
    timeout, so a redelivered task finds the job at least this old."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return timedelta(seconds=min(settings.CELERY_TASK_TIME_LIMIT, visibility))


def _claim(job_id: int) -> int | None:
    """Take the job for this run; returns the attempt number, or None if another run has
    it (queued jobs, and running ones whose worker was lost, can be taken)."""
    stale = timezone.now() - _stale_after()
    claimable = Q(status=ReportJob.Status.QUEUED) | Q(
        status=ReportJob.Status.RUNNING, started_at__lt=stale
    )
    with transaction.atomic():
        claimed = (
            ReportJob.objects.filter(claimable, pk=job_id, published_at__isnull=True)
            .select_for_update()
            .first()
        )
        if claimed is None:
            return None
        ReportJob.objects.filter(pk=job_id).update(
            status=ReportJob.Status.RUNNING,
            started_at=timezone.now(),
            progress=5,
            attempts=F("attempts") + 1,
            error="",
        )
        return claimed.attempts + 1


def report_render(job_id: int) -> bool:
    """Render a claimed job to its file. False when there was nothing to do or it failed."""
    from reports.render import render_pdf

    attempt = _claim(job_id)
    if attempt is None:
        return False
    job = ReportJob.objects.select_related("cluster", "period").get(pk=job_id)
    try:
        pdf, pages = render_pdf(job, progress=lambda percent: _set_progress(job_id, percent))
        name = _store(job, pdf)
    except TRANSIENT_ERRORS:
        raise
    except SoftTimeLimitExceeded:
        report_fail(job_id, _("The report took longer than the time allowed."))
        return False
    except Exception as error:  # recorded for the coordinator, with the reason
        logger.exception("Report %s failed", job_id)
        report_fail(job_id, _("The report could not be made: %(error)s") % {"error": error})
        return False
    with transaction.atomic():
        # Only if no later run took the job over meanwhile; a scheduled report is
        # published in the same transaction, so it is never left finished but unpublished.
        finished = ReportJob.objects.filter(
            pk=job_id, status=ReportJob.Status.RUNNING, attempts=attempt
        ).update(
            status=ReportJob.Status.DONE,
            file=name,
            checksum=hashlib.sha256(pdf).hexdigest(),
            pages=pages,
            size=len(pdf),
            progress=100,
            finished_at=timezone.now(),
        )
        if finished and job.scheduled:
            report_publish(job=job, by=None)
    return bool(finished)


def _store(job: ReportJob, pdf: bytes) -> str:
    """Write the file under the job's own name, replacing what an earlier run left."""
    storage = job.file.storage
    name = report_file_name(job, "")
    if storage.exists(name):
        storage.delete(name)
    return storage.save(name, ContentFile(pdf))


# A job queued this long ago whose task never ran lost its message (the broker restarted
# without persistence, or was down when it was asked for).
QUEUED_TOO_LONG = timedelta(minutes=10)
MAX_ATTEMPTS = 3


def requeue_stalled(now: datetime | None = None) -> int:
    """Celery beat: queue again the jobs whose task was lost: queued for too long, or
    running past the time a worker could still be on it. Claiming makes a duplicate
    harmless; a job that lost its worker MAX_ATTEMPTS times is recorded as failed."""
    now = now or timezone.now()
    stale = now - _stale_after()
    lost = ReportJob.objects.filter(
        Q(status=ReportJob.Status.QUEUED, requested_at__lt=now - QUEUED_TOO_LONG)
        | Q(status=ReportJob.Status.RUNNING, started_at__lt=stale)
    )
    requeued = 0
    for job in lost:
        if job.status == ReportJob.Status.RUNNING and job.attempts >= MAX_ATTEMPTS:
            report_fail(
                job.pk,
                _("The report was interrupted %(n)s times; ask for it again.")
                % {"n": job.attempts},
            )
            continue
        with transaction.atomic():
            _enqueue("render_report", job.pk)
        requeued += 1
    return requeued


def report_fail(job_id: int, reason: str) -> None:
    ReportJob.objects.filter(pk=job_id, status__in=ReportJob.ACTIVE).update(
        status=ReportJob.Status.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


@transaction.atomic
def report_publish(*, job: ReportJob, by: User | None) -> ReportJob:
    """Make a finished report visible to the cluster's institutions, and email them a link.
    A published report never changes: a new version is a new report."""
    job = ReportJob.objects.select_for_update().select_related("cluster").get(pk=job.pk)
    if job.status != ReportJob.Status.DONE:
        raise ReportError(_("Only a finished report can be published."))
    if job.is_published:
        raise ReportError(_("This report is already published."))
    job.published_at = timezone.now()
    job.published_by = by
    job.save(update_fields=["published_at", "published_by"])
    audit(cluster=job.cluster, by=by, action=AuditEntry.Action.REPORT_PUBLISHED, target=job)
    _enqueue("email_published_report", job.pk)
    return job


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
