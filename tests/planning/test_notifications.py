"""Emails about proposals, sent after the commit: who gets them, in which language, once."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from clusters.models import Membership
from config.celery import app as celery_app
from planning import notifications, proposal_services
from planning.models import Proposal
from tests.conftest import World, build_world

# The people of the world's lead and member entities (observers and institutions take no
# position and get no email).
MEMBER_PEOPLE = ["coordinator@example.org", "member@example.org", "representative@example.org"]


def new_proposal(world: World) -> Proposal:
    proposal = proposal_services.proposal_create(
        membership=world.member_membership,
        by=world.users["member"],
        title="Rent observatory",
        description="Collect rents from every member's casework",
    )
    return proposal_services.proposal_submit(proposal=proposal, by=world.users["member"])


def open_it(world: World, proposal: Proposal, hours: int = 24 * 7) -> Proposal:
    return proposal_services.proposal_open(
        proposal=proposal,
        by=world.users["coordinator"],
        closes_at=timezone.now() + timedelta(hours=hours),
    )


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_opening_emails_every_member_entitys_people_after_the_commit(
    world: World, django_capture_on_commit_callbacks
):
    proposal = new_proposal(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        open_it(world, proposal)
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert recipients() == MEMBER_PEOPLE
    message = mail.outbox[0]
    assert "Rent observatory" in message.subject
    assert reverse("planning:proposal-detail", args=["housing", proposal.pk]) in message.body


def test_a_person_who_turned_them_off_gets_none(world: World, django_capture_on_commit_callbacks):
    User.objects.filter(email="representative@example.org").update(notify_by_email=False)
    proposal = new_proposal(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        open_it(world, proposal)
    assert "representative@example.org" not in recipients()
    assert len(mail.outbox) == 2


def test_emails_are_in_each_persons_language(
    world: World, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "ca"  # for the coordinator, who has not chosen one
    User.objects.filter(email="member@example.org").update(language="es")
    User.objects.filter(email="representative@example.org").update(language="en")
    proposal = new_proposal(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        open_it(world, proposal)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects["member@example.org"].startswith("[Housing rights cluster] Se pide")
    assert subjects["representative@example.org"].startswith(
        "[Housing rights cluster] Your position is asked"
    )
    assert subjects["coordinator@example.org"].startswith("[Housing rights cluster] Es demana")


def test_the_turn_off_setting_is_on_the_persons_settings_page(world: World):
    client = world.client("member")
    response = client.post(
        reverse("preferences"),
        {"first_name": "Marta", "last_name": "", "language": "ca", "notify_by_email": ""},
    )
    assert response.status_code == 302
    user = User.objects.get(email="member@example.org")
    assert (user.first_name, user.language, user.notify_by_email) == ("Marta", "ca", False)
    bad = client.post(reverse("preferences"), {"language": "xx", "first_name": "x" * 200})
    assert bad.status_code == 200
    assert User.objects.get(email="member@example.org").first_name == "Marta"


def test_the_decision_is_emailed(world: World, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decision = proposal_services.proposal_decide(
            proposal=world.proposal, by=world.users["coordinator"], minutes="Not enough answers"
        )
    assert recipients() == MEMBER_PEOPLE
    assert decision.get_outcome_display() in mail.outbox[0].subject
    assert "Not enough answers" in mail.outbox[0].body


def test_the_48_hour_reminder_goes_once_to_entities_without_a_position(world: World):
    lead = world.cluster.memberships.get(role=Membership.Role.LEAD)
    proposal_services.stance_take(
        proposal=world.proposal, membership=lead, by=world.users["coordinator"], position="agree"
    )
    mail.outbox.clear()
    a_week_early = world.proposal.closes_at - timedelta(days=6)
    assert notifications.remind_closing(now=a_week_early) == 0  # not yet within 48 hours
    a_day_before = world.proposal.closes_at - timedelta(hours=24)
    assert notifications.remind_closing(now=a_day_before) == 2
    # The lead entity (coordinator) answered; the member entity's two people are reminded.
    assert recipients() == ["member@example.org", "representative@example.org"]
    assert notifications.remind_closing(now=a_day_before) == 0
    assert len(mail.outbox) == 2


def test_a_second_round_is_reminded_again(world: World):
    world.proposal.reminded_round = 1
    world.proposal.save()
    Proposal.objects.filter(pk=world.proposal.pk).update(round=2)
    mail.outbox.clear()
    now = world.proposal.closes_at - timedelta(hours=1)
    assert notifications.remind_closing(now=now) == 3


def test_an_opened_email_for_a_proposal_decided_meanwhile_is_not_sent(world: World):
    proposal_services.proposal_decide(proposal=world.proposal, by=world.users["coordinator"])
    mail.outbox.clear()
    assert notifications.proposal_opened(world.proposal.pk) == 0
    assert mail.outbox == []


def wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs a Redis broker (REDIS_URL), as in CI")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_opened_and_decided_emails():
    world = build_world()
    proposal = new_proposal(world)
    celery_app.conf.task_always_eager = False  # the shared fixture restores it
    celery_app.control.purge()
    mail.outbox.clear()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        open_it(world, proposal)
        assert wait_for(lambda: len(mail.outbox) == 3)
        proposal_services.proposal_decide(proposal=proposal, by=world.users["coordinator"])
        assert wait_for(lambda: len(mail.outbox) == 6)
        time.sleep(0.5)  # a duplicate delivery would arrive now
    assert len(mail.outbox) == 6
    assert sorted(m.to[0] for m in mail.outbox[:3]) == MEMBER_PEOPLE
    assert all("Rent observatory" in m.subject for m in mail.outbox)
