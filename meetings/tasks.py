"""The meetings part's periodic work, run by Celery beat (config.settings)."""

from __future__ import annotations

from celery import shared_task

from meetings.services import minutes_approve_by_consent


@shared_task
def approve_minutes_by_consent() -> int:
    return minutes_approve_by_consent()


@shared_task
def send_weekly_digests() -> int:
    # Imported here: the digest reads every part, which the task module need not load.
    from meetings.digest import digests_send

    return digests_send()
