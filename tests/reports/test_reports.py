"""PDF reports: what each kind says (read back with pdftotext), in the language asked;
who sees them; the job's life (dedupe, idempotent reruns, failures, publication); and the
reports made at the end of each period."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from clusters.models import AuditEntry, Membership
from core.errors import DomainError
from indicators import services as indicator_services
from indicators.models import ReportingPeriod
from planning import proposal_services
from reports import jobs, services
from reports.models import ReportJob
from tests.clock import TODAY, days, quarter_start, year_start
from tests.conftest import World

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs pdftotext (Debian's poppler-utils)"
)


def pdf_text(job: ReportJob) -> str:
    job.refresh_from_db()
    result = subprocess.run(
        ["pdftotext", job.file.path, "-"], capture_output=True, check=True, text=True
    )
    return " ".join(result.stdout.split())


def decide_with_a_block(world: World) -> None:
    lead = world.cluster.memberships.get(role=Membership.Role.LEAD)
    proposal_services.stance_take(
        proposal=world.proposal,
        membership=lead,
        by=world.users["coordinator"],
        position="agree",
    )
    proposal_services.stance_take(
        proposal=world.proposal,
        membership=world.member_membership,
        by=world.users["member"],
        position="block",
        reason="The fund has no rules for who receives it",
    )
    proposal_services.proposal_decide(
        proposal=world.proposal, by=world.users["coordinator"], minutes="Assembly of March"
    )


def ask(world: World, kind: str, language: str = "en", **params) -> ReportJob:
    job, created = services.report_request(
        cluster=world.cluster, kind=kind, language=language, by=world.users["coordinator"], **params
    )
    assert created
    return job


def render(job: ReportJob) -> ReportJob:
    assert jobs.report_render(job.pk)
    job.refresh_from_db()
    return job


def this_year() -> dict:
    return {"date_from": year_start(), "date_to": TODAY}


def test_the_consensus_report_has_every_decision_its_block_and_participation(world: World):
    decide_with_a_block(world)
    job = render(ask(world, ReportJob.Kind.CONSENSUS, "es", **this_year()))
    assert job.status == ReportJob.Status.DONE and job.pages >= 2 and len(job.checksum) == 64
    text = pdf_text(job)
    assert "Housing rights cluster" in text
    assert "Shared emergency housing fund" in text
    assert "The fund has no rules for who receives it" in text
    assert "Assembly of March" in text
    assert "Informe de consenso" in text and "Participación de las entidades miembro" in text
    # Two voting entities, both took a position in the one decision.
    assert "Neighbours Association" in text and "Miembro 1/1 100 %" in text


def test_the_progress_report_has_the_indicators_values_and_actions_in_catalan(world: World):
    indicator_services.report_validate(report=world.report, by=world.users["coordinator"])
    job = render(ask(world, ReportJob.Kind.PROGRESS, "ca", period=world.period))
    text = pdf_text(job)
    assert "Informe de progrés" in text and "Objectius i indicadors" in text
    assert "I1 · Families advised" in text
    # The validated total (6 women, 4 men), as Catalan writes a whole number: no ",00".
    assert " 10 " in text and "10,00" not in text
    assert "Legal joint action in the district" in text
    assert "Neighbours Association" in text and " 120 " in text  # its staff hours


def test_the_dossier_covers_the_whole_cluster_in_english(world: World):
    decide_with_a_block(world)
    job = render(ask(world, ReportJob.Kind.DOSSIER))
    text = pdf_text(job)
    for heading in (
        "Contents",
        "Goal and scope",
        "Members and their capacities",
        "Rights analysis",
        "Objectives and indicators",
        "Decisions",
        "Action plan",
        "Contributions by member",
        "Annexes",
    ):
        assert heading in text, heading
    assert "Evictions in the district" in text and "Shared emergency housing fund" in text
    # Page numbers in the footer ("11 / 11"): pdftotext keeps or drops the spaces around
    # the slash as the glyphs' widths fall.
    assert f"{job.pages}/{job.pages}" in text.replace(" / ", "/")


def test_a_second_request_while_one_runs_returns_the_same_job(world: World):
    first = ask(world, ReportJob.Kind.DOSSIER)
    again, created = services.report_request(
        cluster=world.cluster, kind="dossier", language="en", by=world.users["coordinator"]
    )
    assert (again, created) == (first, False)
    other_language, created = services.report_request(
        cluster=world.cluster, kind="dossier", language="ca", by=world.users["coordinator"]
    )
    assert created and other_language != first


def lose_the_worker(job: ReportJob) -> None:
    """The job as a worker killed mid-render leaves it: running, since long ago."""
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.RUNNING, started_at=timezone.now() - timedelta(hours=2)
    )


def test_a_rerun_overwrites_the_file_and_a_finished_job_is_not_made_again(world: World):
    job = ask(world, ReportJob.Kind.DOSSIER)
    assert jobs._claim(job.pk) == 1
    lose_the_worker(job)
    render(job)
    folder = Path(job.file.path).parent
    lose_the_worker(job)
    render(job)
    assert sorted(p.name for p in folder.glob(f"*-{job.pk}*")) == [f"dossier-{job.pk}.pdf"]
    assert jobs.report_render(job.pk) is False  # done: nothing to do
    assert ReportJob.objects.get(pk=job.pk).attempts == 3


def test_a_job_being_rendered_is_not_taken_by_a_second_run(world: World):
    job = ask(world, ReportJob.Kind.DOSSIER)
    assert jobs._claim(job.pk) == 1  # a worker is rendering it right now
    assert jobs.report_render(job.pk) is False  # a duplicate delivery does nothing
    job.refresh_from_db()
    assert (job.status, job.attempts, bool(job.file)) == ("running", 1, False)


def test_asking_again_for_a_queued_report_queues_it_again(
    world: World, django_capture_on_commit_callbacks
):
    job = ask(world, ReportJob.Kind.DOSSIER)  # its task lost: the broker was down
    with django_capture_on_commit_callbacks(execute=True):
        again, created = services.report_request(
            cluster=world.cluster, kind="dossier", language="en", by=world.users["coordinator"]
        )
    assert (again, created) == (job, False)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE


def test_a_failing_render_is_recorded_with_its_reason_and_changes_nothing_else(
    world: World, settings, tmp_path
):
    # Storage that cannot be written (its folder is a file): a real failure, even as root.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"
    counts = (ReportJob.objects.count(), AuditEntry.objects.count())
    job = ask(world, ReportJob.Kind.CONSENSUS, **this_year())
    assert jobs.report_render(job.pk) is False
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert "could not be made" in job.error and "Not a directory" in job.error
    assert not job.file and job.finished_at
    # Only the request itself was recorded.
    assert (ReportJob.objects.count(), AuditEntry.objects.count()) == (
        counts[0] + 1,
        counts[1] + 1,
    )
    page = world.client("coordinator").get(job.get_absolute_url()).content.decode()
    assert "Not a directory" in page and "Try again" in page


def test_publishing_emails_the_institutions_a_link_not_the_file(
    world: World, django_capture_on_commit_callbacks
):
    job = render(ask(world, ReportJob.Kind.CONSENSUS, **this_year()))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        jobs.report_publish(job=job, by=world.users["coordinator"])
    assert [m.to for m in mail.outbox] == [["institution@example.org"]]
    message = mail.outbox[0]
    assert job.get_absolute_url() in message.body and not message.attachments
    with pytest.raises(DomainError, match="already published"):
        jobs.report_publish(job=job, by=world.users["coordinator"])


def test_an_unfinished_report_cannot_be_published(world: World):
    job = ask(world, ReportJob.Kind.DOSSIER)
    with pytest.raises(DomainError, match="Only a finished report"):
        jobs.report_publish(job=job, by=world.users["coordinator"])
    assert not ReportJob.objects.get(pk=job.pk).is_published


def test_a_published_report_is_never_rendered_again(world: World):
    job = world.published_report
    assert jobs.report_render(job.pk) is False
    # Nor can it be put back in the queue: the database refuses an unfinished publication.
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING)
    job.refresh_from_db()
    assert job.file.read() == b"%PDF-1.4 dossier"


def test_the_end_of_a_period_brings_a_published_progress_report(
    world: World, django_capture_on_commit_callbacks
):
    ended = world.period.end + timedelta(days=1)
    mail.outbox.clear()
    # Rendering, publishing and emailing run in their own tasks (eager here), each after
    # the commit of the one before.
    with django_capture_on_commit_callbacks(execute=True):
        # One per cluster: the world's and the other one.
        assert services.schedule_period_reports(today=ended) == 2
    job = ReportJob.objects.get(scheduled=True, cluster=world.cluster)
    assert (job.kind, job.period, job.status, job.is_published) == (
        "progress",
        world.period,
        "done",
        True,
    )
    assert [m.to for m in mail.outbox] == [["institution@example.org"]]
    assert services.schedule_period_reports(today=ended) == 0  # once per period


# Pages


def test_the_coordinator_asks_for_a_report_and_follows_it(world: World):
    client = world.client("coordinator")
    response = client.post(
        reverse("reports:request", args=["housing"]),
        {"kind": "consensus", "language": "ca", **{k: str(v) for k, v in this_year().items()}},
    )
    job = ReportJob.objects.get(kind="consensus")
    assert response.url == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page  # queued: the page follows it
    render(job)
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in page and "Download the PDF" in page
    download = client.get(reverse("reports:download", args=["housing", job.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "progress", "language": "ca"}, "Choose the reporting period"),
        (
            {
                "kind": "consensus",
                "language": "ca",
                "date_from": days(-10).isoformat(),
                "date_to": days(-40).isoformat(),
            },
            "cannot come before the first",
        ),
        ({"kind": "dossier", "language": "xx"}, "Select a valid choice"),
        ({"kind": "pamphlet", "language": "ca"}, "Select a valid choice"),
        ({"kind": "progress", "language": "ca", "period": "abc"}, "Select a valid choice"),
    ],
)
def test_a_bad_request_says_why_and_queues_nothing(world: World, data, message):
    before = ReportJob.objects.count()
    response = world.client("coordinator").post(reverse("reports:request", args=["housing"]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ReportJob.objects.count() == before


def test_another_clusters_period_is_refused(world: World):
    secret = ReportingPeriod.objects.create(
        cluster=world.other_cluster,
        start=quarter_start(-1),
        end=quarter_start() - timedelta(days=1),
        due=quarter_start() + timedelta(days=14),
    )
    response = world.client("coordinator").post(
        reverse("reports:request", args=["housing"]),
        {"kind": "progress", "language": "en", "period": secret.pk},
    )
    assert response.status_code == 400
    assert not ReportJob.objects.filter(period=secret).exists()


@pytest.mark.parametrize("person", ["member", "observer", "institution"])
def test_unpublished_reports_are_for_the_coordinator_only(world: World, person):
    job = render(ask(world, ReportJob.Kind.CONSENSUS, **this_year()))
    client = world.client(person)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:download", args=["housing", job.pk])).status_code == 404
    listed = client.get(reverse("reports:list", args=["housing"])).context["page"]
    assert list(listed) == [world.published_report]


def test_an_outsider_gets_404_on_the_file_of_a_published_report(world: World):
    url = reverse("reports:download", args=["housing", world.published_report.pk])
    assert world.client("outsider").get(url).status_code == 404


def test_an_institution_reads_the_published_reports_of_its_clusters_only(world: World):
    page = world.client("institution").get(reverse("reports:published")).content.decode()
    assert "Housing rights cluster" in page and "Secret other cluster" not in page
    other = ReportJob.objects.get(cluster=world.other_cluster)
    url = reverse("reports:download", args=[world.other_cluster.slug, other.pk])
    assert world.client("institution").get(url).status_code == 404


def test_reports_whose_task_was_lost_go_back_to_the_queue(
    world: World, django_capture_on_commit_callbacks
):
    queued = ask(world, ReportJob.Kind.CONSENSUS, **this_year())
    running = ask(world, ReportJob.Kind.DOSSIER)
    lose_the_worker(running)
    later = timezone.now() + timedelta(minutes=11)
    fresh = ask(world, ReportJob.Kind.DOSSIER, language="ca")
    # Asked for five minutes before the sweep: its task may still be on its way.
    ReportJob.objects.filter(pk=fresh.pk).update(requested_at=later - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_stalled(now=later) == 2
    statuses = dict(ReportJob.objects.values_list("pk", "status"))
    assert statuses[queued.pk] == statuses[running.pk] == "done"
    assert statuses[fresh.pk] == "queued"


def test_a_report_interrupted_three_times_is_given_up(world: World):
    job = ask(world, ReportJob.Kind.DOSSIER)
    ReportJob.objects.filter(pk=job.pk).update(attempts=3)
    lose_the_worker(job)
    assert services.requeue_stalled() == 0
    job.refresh_from_db()
    assert job.status == "failed" and "interrupted 3 times" in job.error
