"""The weekly digest: what waits for each person, in their language, once a week."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from config.celery import app as celery_app
from indicators.models import Indicator
from meetings.digest import build_digest, digests_send, iso_week
from planning.models import Decision
from tests.clock import MADRID, NOW, days
from tests.conftest import World, build_world
from tests.meetings.calendar_data import schedule

THIS_FRIDAY = datetime(2026, 5, 15, 18, 0, tzinfo=MADRID)
NEXT_WEDNESDAY = datetime(2026, 5, 20, 18, 0, tzinfo=MADRID)


def second_indicator(world: World) -> Indicator:
    return Indicator.objects.create(
        cluster=world.cluster,
        objective=world.indicator.objective,
        code="I2",
        name="Hearings attended",
        type="process",
        measure="number",
        direction="increase",
        aggregation="sum",
        data_source="administrative",
    )


def mail_to(email: str) -> list:
    return [message for message in mail.outbox if message.to == [email]]


def test_member_gets_positions_to_take_reports_due_and_actions_to_update(world: World):
    second_indicator(world)
    digest = build_digest(world.users["member"], NOW)
    [section] = digest.sections
    assert [row.proposal for row in section.positions] == [world.proposal]
    assert [(row.period.pk, row.count) for row in section.reports_due] == [(world.period.pk, 1)]
    assert section.returned == []
    assert [row.item for row in section.actions] == [world.action]
    assert section.meetings == []


def test_a_returned_report_is_in_the_digest(world: World):
    from indicators.services import report_return

    report_return(report=world.report, by=world.users["coordinator"], reason="Check the total")
    [section] = build_digest(world.users["member"], NOW).sections
    assert [row.report.pk for row in section.returned] == [world.report.pk]


def test_a_position_taken_leaves_the_digest(world: World):
    from planning.proposal_services import stance_take

    stance_take(
        proposal=world.proposal,
        membership=world.member_membership,
        by=world.users["member"],
        position="agree",
        reason="",
    )
    [section] = build_digest(world.users["member"], NOW).sections
    assert section.positions == []


def test_meetings_this_week_only_monday_to_sunday(world: World):
    schedule(world.cluster, world.users["coordinator"], "Friday assembly", THIS_FRIDAY)
    schedule(world.cluster, world.users["coordinator"], "Next week's assembly", NEXT_WEDNESDAY)
    [section] = build_digest(world.users["observer"], NOW).sections
    assert [row.item.title for row in section.meetings] == ["Friday assembly"]
    # The observer takes no positions and owes no reports.
    assert section.positions == section.reports_due == section.actions == []


def test_coordinator_gets_the_lead_entitys_part_and_decisions_to_review(world: World):
    from planning.proposal_services import proposal_decide

    proposal_decide(proposal=world.proposal, by=world.users["coordinator"], minutes="Adopted")
    Decision.objects.filter(proposal=world.proposal).update(review_date=days(3))
    [section] = build_digest(world.users["coordinator"], NOW).sections
    assert section.positions == []  # decided: no longer open
    assert [row.item.proposal for row in section.decisions] == [world.proposal]
    # The lead entity reports on the indicator too, and has not.
    assert [row.count for row in section.reports_due] == [1]
    observer = build_digest(world.users["observer"], NOW)
    assert observer.is_empty


def test_institution_and_outsider_get_nothing_of_the_cluster(world: World):
    schedule(world.cluster, world.users["coordinator"], "Friday assembly", THIS_FRIDAY)
    assert build_digest(world.users["institution"], NOW).is_empty
    outsider = build_digest(world.users["outsider"], NOW)
    assert all(s.cluster == world.other_cluster for s in outsider.sections)


def test_digest_email_content_and_nothing_when_nothing_waits(world: World):
    schedule(world.cluster, world.users["coordinator"], "Friday assembly", THIS_FRIDAY)
    mail.outbox.clear()
    digests_send(NOW)
    member = mail_to("member@example.org")
    assert len(member) == 1
    body = member[0].body
    assert "Shared emergency housing fund" in body
    assert "Friday assembly" in body
    assert world.action.title in body
    assert settings.SITE_URL in body
    assert "Housing rights cluster" in member[0].subject
    observer = mail_to("observer@example.org")
    assert len(observer) == 1 and "Shared emergency housing fund" not in observer[0].body
    assert mail_to("institution@example.org") == []


def test_nobody_gets_an_empty_digest(world: World):
    from planning.proposal_services import proposal_withdraw

    proposal_withdraw(proposal=world.proposal, by=world.users["member"])
    mail.outbox.clear()
    digests_send(NOW)
    assert mail_to("observer@example.org") == []
    assert mail_to("institution@example.org") == []


def test_turned_off_digest_is_not_sent(world: World):
    User.objects.filter(email="member@example.org").update(weekly_digest=False)
    mail.outbox.clear()
    digests_send(NOW)
    assert mail_to("member@example.org") == []
    assert mail_to("representative@example.org")


def test_digest_is_in_the_persons_language(world: World):
    User.objects.filter(email="member@example.org").update(language="ca")
    second_indicator(world)
    mail.outbox.clear()
    digests_send(NOW)
    [message] = mail_to("member@example.org")
    with translation.override("ca"):
        subject = gettext("What waits for you this week: %(clusters)s") % {
            "clusters": world.cluster.name
        }
    assert message.subject == subject
    assert "2026 T2" in message.body  # the quarter as Catalan writes it ("Q2 2026" in English)
    [english] = mail_to("representative@example.org")
    assert english.subject.startswith("What waits for you this week")


def test_sent_once_per_week_and_again_the_next(world: World):
    mail.outbox.clear()
    first = digests_send(NOW)
    assert first >= 3  # coordinator, member, representative
    assert digests_send(NOW + timedelta(hours=1)) == 0
    assert len(mail_to("member@example.org")) == 1
    assert User.objects.get(email="member@example.org").digest_week == iso_week(NOW)
    assert digests_send(NOW + timedelta(days=7)) == first
    assert len(mail_to("member@example.org")) == 2


def test_digest_reads_a_fixed_number_of_queries(world: World, django_assert_max_num_queries):
    member = User.objects.get(email="member@example.org")
    second_indicator(world)
    # Clusters, memberships, coordinated; proposals, stances; saved periods, indicators and
    # their responsible entities, reports; meetings; decisions; actions; follow-up tasks.
    with django_assert_max_num_queries(13):
        build_digest(member, NOW)
    for n in range(3):
        from tests.factories import ClusterFactory, MembershipFactory

        other = ClusterFactory(name=f"Cluster number {n}")
        MembershipFactory(cluster=other, actor=world.member_actor)
        schedule(other, world.users["coordinator"], f"Meeting {n}", THIS_FRIDAY)
    with django_assert_max_num_queries(13):
        digest = build_digest(member, NOW)
    assert len(digest.sections) == 4


@pytest.mark.django_db(transaction=True)
def test_two_beat_processes_at_once_send_each_digest_once():
    build_world()
    mail.outbox.clear()
    results: list[int] = []
    barrier = threading.Barrier(2)

    def beat() -> None:
        try:
            barrier.wait()
            results.append(digests_send(NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients)) == sum(results)
    assert "member@example.org" in recipients


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs a Redis broker (REDIS_URL), as in CI")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_running_the_beat_task_twice_sends_once():
    from meetings.tasks import send_weekly_digests

    build_world()
    mail.outbox.clear()
    celery_app.conf.task_always_eager = False  # the shared fixture restores it
    celery_app.control.purge()
    claimed = User.objects.filter(digest_week=iso_week(NOW))
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        send_weekly_digests.delay()
        send_weekly_digests.delay()
        for _ in range(200):  # up to 20 s; no result backend: the rows say it is done
            if claimed.count() >= 6 and len(mail.outbox) >= 3:
                break
            time.sleep(0.1)
        time.sleep(1)
    recipients = [message.to[0] for message in mail.outbox]
    assert recipients and len(recipients) == len(set(recipients))


def test_a_cluster_behind_madrid_gets_the_week_beginning(world: World):
    # Beat sends on Monday 07:00 in Madrid: 23:00 on Sunday in Mexico City. Its cluster's
    # digest is for the week that begins, not the one ending that night.
    world.cluster.time_zone = "America/Mexico_City"
    world.cluster.save(update_fields=["time_zone"])
    monday = datetime(2026, 5, 18, 7, 0, tzinfo=MADRID)
    schedule(world.cluster, world.users["coordinator"], "Tuesday assembly", monday + timedelta(1))
    schedule(world.cluster, world.users["coordinator"], "Saturday assembly", monday - timedelta(2))
    [section] = build_digest(world.users["observer"], monday).sections
    assert [row.item.title for row in section.meetings] == ["Tuesday assembly"]
