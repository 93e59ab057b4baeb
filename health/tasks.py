"""The periodic tasks of the health part (Celery beat)."""

from __future__ import annotations

from celery import shared_task

from core.tasks import TRANSIENT_MAIL_ERRORS
from health import notifications, services


@shared_task
def close_due_rounds() -> int:
    """Periodic (Celery beat): close the survey rounds whose closing date has passed."""
    return services.rounds_close_due()


@shared_task(autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, max_retries=3)
def remind_closing_rounds() -> int:
    """Periodic (Celery beat): the 3-day reminder to entities that have not answered."""
    return notifications.remind_closing()
