from __future__ import annotations

import smtplib

from celery import shared_task

from clusters import services

# A mail server that is down or drops the connection may recover; a refused address won't.
TRANSIENT_MAIL_ERRORS = (
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    ConnectionError,
    TimeoutError,
)


@shared_task(autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int) -> None:
    services.invitation_send_email(invitation_id=invitation_id)
