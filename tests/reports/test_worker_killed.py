"""A report survives the loss of its task: real Celery workers (separate processes) on
Redis and PostgreSQL. The worker rendering it is killed with SIGKILL mid-render; or Redis
restarts, without persistence, while the task waits in the queue."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from clusters.models import AuditEntry
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


def process_env(media_root: Path, **extra: str) -> dict[str, str]:
    """What a worker or a management command needs to share this test's database."""
    database = connection.settings_dict
    return {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        "MEDIA_ROOT": str(media_root),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def start_worker(media_root: Path, **extra: str) -> subprocess.Popen:
    env = process_env(media_root, **extra)
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


@pytest.mark.django_db(transaction=True)
def test_a_report_whose_worker_died_says_it_stalled_and_a_retry_makes_it_at_once(clock):
    world = build_world()
    for n in range(12):
        RightsIssueFactory(cluster=world.cluster, title=f"Issue {n}")
    celery_app.conf.task_always_eager = False  # the shared fixture restores it
    celery_app.control.purge()
    media = Path(settings.MEDIA_ROOT)
    # The broker never hands the killed task back within the test: only the retry can
    # make the report.
    never_again = {"CELERY_VISIBILITY_TIMEOUT": "3600"}
    first = start_worker(media, **never_again)
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
    job.refresh_from_db()
    assert job.status == "running" and job.heartbeat_at is not None

    # On the web's clock, the dead worker has been silent for longer than the threshold.
    clock.move_to(job.heartbeat_at + timedelta(seconds=settings.REPORT_STALLED_AFTER + 1))
    coordinator = world.client("coordinator")
    page = coordinator.get(job.get_absolute_url()).content.decode()
    assert "This report has stalled." in page
    retried = coordinator.post(
        reverse("reports:retry", args=[world.cluster.slug, job.pk]), follow=True
    )
    assert "The report is asked for again" in retried.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REPORT_RETRIED).count() == 1

    second = start_worker(media, **never_again)
    try:
        assert wait_for(lambda: status(job) == "done", timeout=120)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)
    job.refresh_from_db()
    assert job.attempts == 2 and job.pages and job.progress == 100
    assert sorted(p.name for p in media.rglob(f"*-{job.pk}*")) == [f"dossier-{job.pk}.pdf"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    """A Redis of this test's own, configured like the machine's: nothing kept on disk."""
    server = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if not wait_for(lambda: queued_messages(port) == 0, timeout=10):
        server.kill()
        raise AssertionError(f"redis-server did not start on port {port}")
    return server


def queued_messages(port: int) -> int | None:
    answer = subprocess.run(
        ["redis-cli", "-p", str(port), "llen", "celery"], capture_output=True, text=True
    )
    return (
        int(answer.stdout) if answer.returncode == 0 and answer.stdout.strip().isdigit() else None
    )


REQUEST_DOSSIER = """
from accounts.models import User
from clusters.models import Cluster
from reports import services
job, _ = services.report_request(
    cluster=Cluster.objects.get(pk={cluster}),
    kind="dossier",
    language="ca",
    by=User.objects.get(pk={person}),
)
print(job.pk)
"""


def worker_answers(env: dict[str, str]) -> bool:
    """Whether a worker listens on the broker of ``env`` (it answers a ping)."""
    ping = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "inspect", "ping", "--timeout", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        timeout=60,
    )
    return ping.returncode == 0


def manage_shell(code: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server to restart")
@pytest.mark.django_db(transaction=True)
def test_a_report_queued_when_redis_restarts_is_made_once():
    world = build_world()
    port = free_port()
    media = Path(settings.MEDIA_ROOT)
    env = process_env(media, REDIS_URL=f"redis://127.0.0.1:{port}/0")
    redis = start_redis(port)
    worker = None
    try:
        # The coordinator asks for a dossier while no worker runs: the task waits in Redis.
        request = REQUEST_DOSSIER.format(
            cluster=world.cluster.pk, person=world.users["coordinator"].pk
        )
        job_id = int(manage_shell(request, env).splitlines()[-1])
        assert queued_messages(port) == 1

        # Redis restarts; it kept nothing on disk, so the message is gone.
        redis.terminate()
        redis.wait(timeout=10)
        redis = start_redis(port)
        assert queued_messages(port) == 0

        worker = start_worker(media, **env)
        assert wait_for(lambda: worker_answers(env), timeout=60)
        time.sleep(VISIBILITY_TIMEOUT + 1)  # long enough for a message to be handed out
        job = ReportJob.objects.get(pk=job_id)
        assert job.status == ReportJob.Status.QUEUED  # nothing to run: the task was lost

        # Ten minutes later, beat's sweeper queues it again; the worker makes it.
        ReportJob.objects.filter(pk=job_id).update(
            requested_at=job.requested_at - timedelta(minutes=11)
        )
        sweep = "from reports.services import requeue_stalled; print(requeue_stalled())"
        assert manage_shell(sweep, env).splitlines()[-1] == "1"
        assert wait_for(lambda: status(job) == "done", timeout=120)
        # The next sweep finds nothing lost: the report is made once.
        assert manage_shell(sweep, env).splitlines()[-1] == "0"
        time.sleep(1)
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=10)
    job.refresh_from_db()
    assert job.attempts == 1 and job.status == ReportJob.Status.DONE and job.pages
    assert sorted(p.name for p in media.rglob(f"*-{job.pk}*")) == [f"dossier-{job.pk}.pdf"]
