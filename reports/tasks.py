from __future__ import annotations

from celery import shared_task

from clusters.tasks import TRANSIENT_MAIL_ERRORS
from reports import notifications, services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=services.TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def render_report(self, job_id: int) -> bool:
    """Render one report. Safe to run twice: the job is claimed, its file overwritten."""
    try:
        return services.report_render(job_id)
    except services.TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            services.report_fail(job_id, str(error))
            return False
        raise


@shared_task
def requeue_stalled_reports() -> int:
    """Periodic (Celery beat): reports whose task was lost go back to the queue."""
    return services.requeue_stalled()


@shared_task
def schedule_period_reports() -> int:
    """Periodic (Celery beat, daily): the progress report of each period that has ended."""
    return services.schedule_period_reports()


@shared_task(autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, max_retries=5)
def email_published_report(job_id: int) -> int:
    return notifications.report_published(job_id)
