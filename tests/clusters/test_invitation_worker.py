"""The invitation email goes through a real Celery worker and Redis, after the commit."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from clusters import services
from config.celery import app as celery_app
from tests.conftest import build_world

pytestmark = pytest.mark.skipif(
    not settings.REDIS_URL, reason="needs a Redis broker (REDIS_URL), as in CI"
)


def wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_invitation_email_once():
    world = build_world()
    mail.outbox.clear()  # the world's proposal was announced when it opened
    celery_app.conf.task_always_eager = False  # the shared fixture restores it
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        invitation = services.invitation_create(
            cluster=world.cluster,
            by=world.users["coordinator"],
            email="worker@example.org",
            role="member",
            actor_name="Worker Entity",
            actor_kind="ngo",
            language="en",
        )
        assert wait_for(lambda: len(mail.outbox) == 1)
        time.sleep(0.5)  # a duplicate delivery would arrive now
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [invitation.email]
    assert "Worker Entity" in mail.outbox[0].body
