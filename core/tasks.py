"""Queueing Celery tasks from services."""

from __future__ import annotations

import smtplib

from celery import Task
from django.db import transaction

# A mail server that is down or drops the connection may recover; a refused address won't.
TRANSIENT_MAIL_ERRORS = (
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    ConnectionError,
    TimeoutError,
)


def enqueue_on_commit(task: Task, *ids: int) -> None:
    """Queue ``task(*ids)`` once the change is committed, and never if it is rolled back.
    Robust: a broker outage is logged (the row stays as the change left it, and the page
    or a periodic task offers to try again) rather than turning a change that happened
    into an error page."""
    transaction.on_commit(lambda: task.delay(*ids), robust=True)
