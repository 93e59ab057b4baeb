"""The periodic closing run by a real Celery worker over Redis, as beat runs it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from config.celery import app as celery_app
from health.models import SurveyRound
from health.tasks import close_due_rounds
from tests.clock import NOW
from tests.conftest import build_world
from tests.health.survey import answer_all, make_round


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs a Redis broker (REDIS_URL), as in CI")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_closes_a_round_whose_date_has_passed():
    world = build_world()
    round = make_round(world.cluster, world.users["coordinator"], opened_days_ago=3)
    answer_all(round, world.users["member"], world.member_membership, 3)
    # Its closing date a day before the suite's "today": past for the worker's real clock
    # too, which is never behind it.
    SurveyRound.objects.filter(pk=round.pk).update(closes_at=NOW - timedelta(days=1))
    celery_app.conf.task_always_eager = False  # the shared fixture restores it
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        close_due_rounds.delay()
        closed = SurveyRound.objects.filter(pk=round.pk, status=SurveyRound.Status.CLOSED)
        for _ in range(200):  # up to 20 s; no result backend: the row says it is done
            if closed.exists():
                break
            time.sleep(0.1)
    round.refresh_from_db()
    assert round.is_closed
    assert round.responses.count() == 1
    assert world.cluster.audit.filter(action="survey_round_closed").count() == 1
