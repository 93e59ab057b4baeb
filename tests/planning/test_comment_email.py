"""A comment on a proposal is emailed to the people of the entity that made it."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from accounts.models import User
from planning.proposal_services import comment_add
from tests.conftest import World


def recipients() -> set[str]:
    return {message.to[0] for message in mail.outbox}


def test_the_proposing_entitys_people_get_the_comment(
    world: World, django_capture_on_commit_callbacks
):
    lead = world.cluster.memberships.get(actor=world.lead)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(
            proposal=world.proposal,
            by=world.users["coordinator"],
            membership=lead,
            body="Which families first?",
        )
    # The member entity made the proposal: its two people, not the author nor the others.
    assert recipients() == {"member@example.org", "representative@example.org"}
    message = mail.outbox[0]
    assert "Shared emergency housing fund" in message.subject
    assert "Which families first?" in message.body
    assert "Lead Foundation" in message.body
    assert reverse("planning:proposal-detail", args=[world.cluster.slug, world.proposal.pk]) in (
        message.body
    )


def test_the_author_is_not_told_of_their_own_comment(
    world: World, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(
            proposal=world.proposal,
            by=world.users["member"],
            membership=world.member_membership,
            body="We answer here",
        )
    assert recipients() == {"representative@example.org"}


def test_people_who_turned_emails_off_get_none(world: World, django_capture_on_commit_callbacks):
    User.objects.filter(email="representative@example.org").update(notify_by_email=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(
            proposal=world.proposal,
            by=world.users["observer"],
            membership=world.observer_membership,
            body="From the university",
        )
    assert recipients() == {"member@example.org"}


def test_the_comment_page_sends_it_after_commit(world: World, django_capture_on_commit_callbacks):
    url = reverse("planning:comment-add", args=[world.cluster.slug, world.proposal.pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        world.client("coordinator").post(url, {"body": "Posted from the page"})
    assert "member@example.org" in recipients()


def test_an_entity_that_left_is_no_longer_told(world: World, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from clusters.models import Membership

    Membership.objects.filter(pk=world.member_membership.pk).update(
        status=Membership.Status.LEFT, left_at=timezone.now()
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(
            proposal=world.proposal,
            by=world.users["coordinator"],
            membership=world.cluster.memberships.get(actor=world.lead),
            body="Which families first?",
        )
    assert recipients() == set()
