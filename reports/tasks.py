"""The periodic tasks of reports (Celery beat). The tasks that services queue live below
them, beside what they run: rendering in reports.jobs, the email in reports.notifications."""

from __future__ import annotations

from celery import shared_task

from reports import services


@shared_task
def requeue_stalled_reports() -> int:
    """Periodic (Celery beat): reports whose task was lost go back to the queue."""
    return services.requeue_stalled()


@shared_task
def schedule_period_reports() -> int:
    """Periodic (Celery beat, daily): the progress report of each period that has ended."""
    return services.schedule_period_reports()
