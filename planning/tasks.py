from __future__ import annotations

from celery import shared_task

from planning import services


@shared_task
def close_due_proposals() -> int:
    """Periodic (Celery beat): decide the proposals whose closing date has passed."""
    return services.proposals_close_due()
