"""The periodic tasks of indicators (Celery beat)."""

from __future__ import annotations

from celery import shared_task

from indicators import services


@shared_task
def ensure_periods() -> int:
    """Periodic (Celery beat, daily just after midnight): every open cluster's reporting
    periods up to the one that has just begun. The writes that need a period create it
    too, and pages show the ones not made yet without saving them."""
    return services.periods_ensure_all()
