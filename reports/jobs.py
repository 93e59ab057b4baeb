"""A report job after it is asked for: rendered by a Celery task, published.

``report_render`` is what the task runs. It claims the job with a conditional update (only
a queued or running job that is not published can be claimed, so a rerun of a finished
job does nothing), writes the file under the job's own name (a rerun after a lost worker
overwrites it: one file per job), and records a failure with its reason. Transient errors
(the database or the mail server away for a moment) are raised again for the task to
retry with backoff.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clusters.audit import audit
from clusters.models import AuditEntry
from core.errors import DomainError
from core.tasks import enqueue_on_commit
from reports import notifications
from reports.models import ReportJob, report_file_name

logger = logging.getLogger(__name__)

# Errors worth another try: the task retries them with backoff.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


# Named as when it lived in tasks.py: messages queued before a deploy still find it.
@shared_task(
    name="reports.tasks.render_report",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def render_report(self, job_id: int) -> bool:
    """Render one report. Safe to run twice: the job is claimed, its file overwritten."""
    try:
        return report_render(job_id)
    except TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            report_fail(job_id, str(error))
            return False
        raise


def queue_render(job_id: int) -> None:
    """Have the job rendered once the change that asked for it is committed.

    With a worker, by the Celery task. Embedded (no broker: Celery runs tasks eagerly, in
    the request), by a thread of the web process started after the commit, so the person
    gets the report's page at once and it follows the render as it would a worker's. A
    thread rather than ``request_finished``: the request's thread is free again for the
    page's own refreshes, and a service called outside a request (a management command)
    renders the same way. A daemon thread: stopping the server does not wait minutes for a
    render; the job it leaves behind shows as stalled and the coordinator asks again."""
    if render_report.app.conf.task_always_eager and settings.REPORTS_RENDER_AFTER_RESPONSE:
        transaction.on_commit(lambda: _start_render_thread(job_id), robust=True)
    else:
        enqueue_on_commit(render_report, job_id)


# One render at a time in the web process, as one worker would: a second report asked for
# meanwhile waits, queued. The threads are kept so that tests can wait for them.
_render_turn = threading.Lock()
_render_threads: set[threading.Thread] = set()


def _render_in_thread(job_id: int) -> None:
    try:
        with _render_turn:
            report_render(job_id)
    except Exception as error:  # nobody is there to retry: recorded for the coordinator
        logger.exception("Report %s failed", job_id)
        try:
            report_fail(job_id, _("The report could not be made: %(error)s") % {"error": error})
        except Exception:
            logger.exception("Report %s: its failure could not be recorded", job_id)
    finally:
        connections.close_all()  # this thread's own connections
        _render_threads.discard(threading.current_thread())


def _start_render_thread(job_id: int) -> None:
    thread = threading.Thread(
        target=_render_in_thread, args=(job_id,), name=f"report-{job_id}", daemon=True
    )
    _render_threads.add(thread)
    thread.start()


def wait_for_renders(timeout: float = 60) -> None:
    """Wait for the renders started in threads (for tests and management commands)."""
    for thread in list(_render_threads):
        thread.join(timeout)


def _set_progress(job_id: int, attempt: int, percent: int) -> None:
    """The stage reached, which is also the run's sign of life (ReportJob.is_stalled)."""
    ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING, attempts=attempt).update(
        progress=percent, heartbeat_at=timezone.now()
    )


def _stopped_within(seconds: float, stop: threading.Event) -> bool:
    """Whether ``stop`` is set within ``seconds``. Short relative sleeps rather than
    ``stop.wait(seconds)``: a timed wait runs to a deadline on the monotonic clock, and
    under libfaketime (the suite is also run years ahead) that deadline never comes."""
    remaining = seconds
    while remaining > 0 and not stop.is_set():
        step = min(remaining, 0.25)
        time.sleep(step)
        remaining -= step
    return stop.is_set()


@contextmanager
def _heartbeat(job_id: int, attempt: int) -> Iterator[None]:
    """While the block runs, a thread records every REPORT_HEARTBEAT_EVERY seconds that
    the run is alive: a stage of a large report may take minutes, and only a run that was
    lost (its worker killed, its web process restarted) falls silent."""
    every = settings.REPORT_HEARTBEAT_EVERY
    if not every:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            while not _stopped_within(every, stop):
                ReportJob.objects.filter(
                    pk=job_id, status=ReportJob.Status.RUNNING, attempts=attempt
                ).update(heartbeat_at=timezone.now())
        except Exception:  # a missed beat only makes the page say "stalled" sooner
            logger.warning("Report %s: its heartbeat stopped", job_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"report-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()


def stale_after() -> timedelta:
    """A running job older than this lost its worker: the task's hard time limit would
    have ended it, and the broker hands a lost task back only after its visibility
    timeout, so a redelivered task finds the job at least this old."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return timedelta(seconds=min(settings.CELERY_TASK_TIME_LIMIT, visibility))


def _claim(job_id: int) -> int | None:
    """Take the job for this run; returns the attempt number, or None if another run has
    it (queued jobs, and running ones whose worker was lost, can be taken)."""
    stale = timezone.now() - stale_after()
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
        now = timezone.now()
        ReportJob.objects.filter(pk=job_id).update(
            status=ReportJob.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            progress=5,
            attempts=F("attempts") + 1,
            error="",
        )
        return claimed.attempts + 1


def report_render(job_id: int) -> bool:
    """Render a claimed job to its file. False when there was nothing to do or it failed."""
    # WeasyPrint takes a second and tens of MB to import: only the process that renders
    # loads it, not every web process that imports this module to queue a job.
    from reports.render import render_pdf

    attempt = _claim(job_id)
    if attempt is None:
        return False
    job = ReportJob.objects.select_related("cluster", "period").get(pk=job_id)

    def progress(percent: int) -> None:
        _set_progress(job_id, attempt, percent)

    try:
        with _heartbeat(job_id, attempt):
            pdf, pages = render_pdf(job, progress=progress)
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


def report_fail(job_id: int, reason: str) -> None:
    ReportJob.objects.filter(pk=job_id, status__in=ReportJob.ACTIVE).update(
        status=ReportJob.Status.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


@transaction.atomic
def report_publish(*, job: ReportJob, by: User | None) -> ReportJob:
    """Make a finished report visible to the cluster's institutions, and email them a link.
    A published report never changes: a new version is a new report."""
    job = ReportJob.objects.select_for_update().select_related("cluster").get(pk=job.pk)
    if not job.is_done:
        raise DomainError(_("Only a finished report can be published."))
    if job.is_published:
        raise DomainError(_("This report is already published."))
    job.published_at = timezone.now()
    job.published_by = by
    job.save(update_fields=["published_at", "published_by"])
    audit(cluster=job.cluster, by=by, action=AuditEntry.Action.REPORT_PUBLISHED, target=job)
    enqueue_on_commit(notifications.email_published_report, job.pk)
    return job
