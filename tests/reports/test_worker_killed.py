"""A report survives the death of the worker rendering it: real Celery workers (separate
processes) on Redis and PostgreSQL, the first one killed with SIGKILL mid-render."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from reports import services
from reports.models import ReportJob
from tests.conftest import build_world
from tests.factories import RightsIssueFactory

pytestmark = pytest.mark.skipif(
    not settings.REDIS_URL or connection.vendor != "postgresql",
    reason="needs Redis and PostgreSQL (worker processes share the test database), as in CI",
)

# Short here so the test need not wait an hour for the broker to hand the task back.
VISIBILITY_TIMEOUT = 4


def start_worker(media_root: Path) -> subprocess.Popen:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        "MEDIA_ROOT": str(media_root),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        start_new_session=True,  # its own process group, killed as a whole
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def status(job: ReportJob) -> str:
    return ReportJob.objects.values_list("status", flat=True).get(pk=job.pk)


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_the_report_to_the_next_one_with_exactly_one_file():
    world = build_world()
    # Enough to analyse that the render takes a few seconds: time to kill it midway.
    for n in range(12):
        RightsIssueFactory(cluster=world.cluster, title=f"Issue {n}")
    celery_app.conf.task_always_eager = False  # the shared fixture restores it
    celery_app.control.purge()
    media = Path(settings.MEDIA_ROOT)
    first = start_worker(media)
    try:
        job, _created = services.report_request(
            cluster=world.cluster, kind="dossier", language="ca", by=world.users["coordinator"]
        )
        assert wait_for(lambda: status(job) == "running", timeout=60)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert status(job) == "running"  # killed before it finished
    time.sleep(VISIBILITY_TIMEOUT + 1)

    second = start_worker(media)
    try:
        assert wait_for(lambda: status(job) == "done", timeout=120)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)
    job.refresh_from_db()
    assert job.attempts == 2 and job.pages and job.progress == 100
    files = sorted(p.name for p in media.rglob(f"*-{job.pk}*"))
    assert files == [f"dossier-{job.pk}.pdf"]
    assert Path(job.file.path).read_bytes().startswith(b"%PDF")
