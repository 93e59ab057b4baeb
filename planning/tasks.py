from __future__ import annotations

from celery import shared_task

from clusters.tasks import TRANSIENT_MAIL_ERRORS
from planning import notifications, services


@shared_task
def close_due_proposals() -> int:
    """Periodic (Celery beat): decide the proposals whose closing date has passed."""
    return services.proposals_close_due()


@shared_task(autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, max_retries=5)
def notify_proposal_opened(proposal_id: int) -> int:
    return notifications.proposal_opened(proposal_id)


@shared_task(autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, max_retries=5)
def notify_proposal_decided(decision_id: int) -> int:
    return notifications.proposal_decided(decision_id)


@shared_task(autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, max_retries=3)
def remind_closing_proposals() -> int:
    """Periodic (Celery beat): the 48-hour reminder to entities that have not answered."""
    return notifications.remind_closing()
