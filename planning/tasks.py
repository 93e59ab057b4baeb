"""The periodic tasks of planning (Celery beat). The emails that services queue are tasks
of planning.notifications, below the services."""

from __future__ import annotations

from celery import shared_task

from core.tasks import TRANSIENT_MAIL_ERRORS
from planning import notifications, proposal_services


@shared_task
def close_due_proposals() -> int:
    """Periodic (Celery beat): decide the proposals whose closing date has passed."""
    return proposal_services.proposals_close_due()


@shared_task(autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, max_retries=3)
def remind_closing_proposals() -> int:
    """Periodic (Celery beat): the 48-hour reminder to entities that have not answered."""
    return notifications.remind_closing()
