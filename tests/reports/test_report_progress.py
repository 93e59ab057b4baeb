"""A report asked for without a worker (the embedded default) is rendered after the
response, in a thread of the web process, and its page follows it; a report whose worker
(or web process) was lost says it stalled, and the coordinator asks for it again at once."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import AuditEntry
from reports import jobs, render, services
from reports.models import ReportJob
from tests.conftest import World, build_world


def ask(world: World, language: str = "en") -> ReportJob:
    job, _created = services.report_request(
        cluster=world.cluster, kind="dossier", language=language, by=world.users["coordinator"]
    )
    return job


def fresh(job: ReportJob) -> ReportJob:
    return ReportJob.objects.get(pk=job.pk)


@pytest.mark.django_db(transaction=True)
def test_embedded_the_request_answers_at_once_and_the_page_follows_the_render(
    settings, monkeypatch
):
    settings.REPORTS_RENDER_AFTER_RESPONSE = True  # the embedded default: no worker
    world = build_world()
    # The render waits until the test has seen the page answer: proof it runs after it.
    answered = threading.Event()
    real_render = render.render_pdf

    def slow_render(job, progress):
        assert answered.wait(timeout=30)
        return real_render(job, progress)

    monkeypatch.setattr(render, "render_pdf", slow_render)
    client = world.client("coordinator")
    response = client.post(
        reverse("reports:request", args=[world.cluster.slug]),
        {"kind": "dossier", "language": "en"},
        follow=True,
    )
    job = ReportJob.objects.filter(cluster=world.cluster).latest("id")
    try:
        page = response.content.decode()
        assert response.redirect_chain == [(job.get_absolute_url(), 302)]
        assert "The report is queued: this page follows it." in page
        assert 'http-equiv="refresh"' in page and "Download the PDF" not in page
        assert fresh(job).status in {"queued", "running"}
    finally:
        answered.set()
        jobs.wait_for_renders()
    job = fresh(job)
    assert (job.status, job.progress, job.attempts) == ("done", 100, 1)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Download the PDF" in page and 'http-equiv="refresh"' not in page


@pytest.mark.django_db(transaction=True)
def test_embedded_a_render_that_fails_in_its_thread_is_recorded(settings, monkeypatch):
    settings.REPORTS_RENDER_AFTER_RESPONSE = True
    world = build_world()

    def broken(job, progress):
        raise ValueError("no fonts")

    monkeypatch.setattr(render, "render_pdf", broken)
    job = ask(world)
    jobs.wait_for_renders()
    job = fresh(job)
    assert job.status == "failed" and "no fonts" in job.error


@pytest.mark.django_db(transaction=True)
def test_a_long_stage_of_a_render_still_gives_signs_of_life(settings, monkeypatch):
    settings.REPORT_HEARTBEAT_EVERY = 0.05
    world = build_world()
    # Queued, its task not yet run: rendered below, as the worker would.
    job = ReportJob.objects.create(cluster=world.cluster, kind="dossier", language="ca")
    beats = []

    def long_stage(job, progress):
        claimed = fresh(job).heartbeat_at
        for _ in range(200):  # up to ten seconds
            beat = fresh(job).heartbeat_at
            if beat > claimed:
                beats.append(beat)
                break
            time.sleep(0.05)
        return b"%PDF-1.4 long", 1

    monkeypatch.setattr(render, "render_pdf", long_stage)
    assert jobs.report_render(job.pk)
    assert beats, "no heartbeat while the stage ran"
    assert fresh(job).status == "done"


def test_a_report_being_made_has_not_stalled_and_its_page_follows_it(world: World, clock):
    job = ask(world)  # queued: its task is on its way
    assert jobs._claim(job.pk) == 1
    clock.shift(timedelta(minutes=3))
    jobs._set_progress(job.pk, 1, 30)  # a stage rendered: a sign of life
    clock.shift(timedelta(minutes=1))
    job = fresh(job)
    assert not job.is_stalled and job.is_following
    page = world.client("coordinator").get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page and "stalled" not in page
    assert reverse("reports:retry", args=[world.cluster.slug, job.pk]) not in page


def test_a_report_silent_too_long_says_it_stalled_and_the_coordinator_retries_it(
    world: World, clock, django_capture_on_commit_callbacks
):
    job = ask(world)
    assert jobs._claim(job.pk) == 1
    jobs._set_progress(job.pk, 1, 30)
    clock.shift(timedelta(minutes=6))  # the worker died after the first stage
    client = world.client("coordinator")
    page = client.get(job.get_absolute_url()).content.decode()
    assert "This report has stalled." in page and "Stalled" in page
    assert 'http-equiv="refresh"' not in page  # nothing to follow any more
    retry = reverse("reports:retry", args=[world.cluster.slug, job.pk])
    assert f'action="{retry}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry, follow=True)
    assert "The report is asked for again" in response.content.decode()
    job = fresh(job)
    assert (job.status, job.attempts, job.progress) == ("done", 2, 100)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REPORT_RETRIED)
    assert entry.by == world.users["coordinator"] and entry.object_id == job.pk
    assert entry.data["changes"] == {"status": ["running", "queued"]}


def test_a_report_queued_and_never_taken_stalls_after_a_longer_wait(world: World, clock):
    job = ask(world)  # its message lost: no worker ever took it
    clock.shift(timedelta(minutes=6))  # it may still be waiting its turn behind others
    assert not fresh(job).is_stalled
    clock.shift(timedelta(minutes=5))
    assert fresh(job).is_stalled


def test_the_run_a_retry_replaced_can_neither_move_nor_finish_the_job(world: World, clock):
    job = ask(world)
    assert jobs._claim(job.pk) == 1
    clock.shift(timedelta(minutes=6))
    services.report_retry(job=job, by=world.users["coordinator"])
    assert jobs._claim(job.pk) == 2  # the new run
    jobs._set_progress(job.pk, 1, 85)  # the old run, only slow after all
    assert fresh(job).progress == 5


@pytest.mark.parametrize("state", ["running", "done", "failed"])
def test_retrying_a_report_that_has_not_stalled_is_refused(
    world: World, clock, django_capture_on_commit_callbacks, state
):
    job = ask(world)
    jobs._claim(job.pk)
    if state != "running":
        ReportJob.objects.filter(pk=job.pk).update(status=state)
        clock.shift(timedelta(hours=1))
    before = fresh(job)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("coordinator").post(
            reverse("reports:retry", args=[world.cluster.slug, job.pk]), follow=True
        )
    assert "This report has not stalled" in response.content.decode()
    after = fresh(job)
    assert (after.status, after.attempts, after.heartbeat_at) == (
        before.status,
        before.attempts,
        before.heartbeat_at,
    )
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REPORT_RETRIED).exists()


def test_only_the_coordinator_retries_and_another_clusters_report_is_not_found(world: World, clock):
    job = ask(world)
    other, _created = services.report_request(
        cluster=world.other_cluster, kind="dossier", language="en", by=None
    )
    clock.shift(timedelta(hours=1))
    url = reverse("reports:retry", args=[world.cluster.slug, job.pk])
    assert world.client("member").post(url).status_code == 403
    assert world.client("outsider").post(url).status_code == 404
    foreign = reverse("reports:retry", args=[world.cluster.slug, other.pk])
    assert world.client("coordinator").post(foreign).status_code == 404
    assert fresh(job).status == fresh(other).status == "queued"


def test_the_stall_threshold_is_a_setting(world: World, clock, settings):
    job = ask(world)
    settings.REPORT_QUEUED_STALLED_AFTER = 30
    clock.shift(timedelta(seconds=31))
    assert fresh(job).is_stalled
    settings.REPORT_QUEUED_STALLED_AFTER = 3600
    assert not fresh(job).is_stalled
    assert timezone.now() - fresh(job).last_sign_of_life > timedelta(seconds=30)
    jobs._claim(job.pk)  # being made: its own threshold
    settings.REPORT_STALLED_AFTER = 30
    clock.shift(timedelta(seconds=31))
    assert fresh(job).is_stalled


# The institution's overview


def test_the_institutions_overview_lists_the_published_reports_with_their_files(
    world: World, django_assert_max_num_queries
):
    from tests.conftest import build_published_report

    unpublished = ask(world, language="ca")
    for _ in range(3):
        build_published_report(world.cluster)
    client = world.client("institution")
    client.get(world.cluster.get_absolute_url())  # the session, warmed
    with django_assert_max_num_queries(12) as captured:
        body = client.get(world.cluster.get_absolute_url()).content.decode()
    queries = len(captured.captured_queries)
    for _ in range(5):
        build_published_report(world.cluster)
    with django_assert_max_num_queries(queries):  # as many, whatever the number of reports
        client.get(world.cluster.get_absolute_url())
    published = world.published_report
    assert "Published reports" in body
    assert reverse("reports:download", args=[world.cluster.slug, published.pk]) in body
    assert published.get_absolute_url() in body
    assert unpublished.get_absolute_url() not in body
    other = ReportJob.objects.get(cluster=world.other_cluster)
    assert reverse("reports:download", args=[world.other_cluster.slug, other.pk]) not in body
    download = client.get(reverse("reports:download", args=[world.cluster.slug, published.pk]))
    assert download.status_code == 200


def test_the_institutions_overview_says_when_nothing_is_published_yet(world: World):
    ReportJob.objects.filter(cluster=world.cluster).delete()
    body = world.client("institution").get(world.cluster.get_absolute_url()).content.decode()
    assert "They will appear here when the cluster publishes them." in body


def test_members_overview_does_not_list_reports_there(world: World):
    body = world.client("member").get(world.cluster.get_absolute_url()).content.decode()
    download = reverse("reports:download", args=[world.cluster.slug, world.published_report.pk])
    assert download not in body
