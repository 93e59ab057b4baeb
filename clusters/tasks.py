from __future__ import annotations

from celery import shared_task

from clusters import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int) -> None:
    services.invitation_send_email(invitation_id=invitation_id)
