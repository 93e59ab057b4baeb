"""Two service calls at the same moment, on SQLite (each transaction takes the write lock
when it begins) and on PostgreSQL (row locks and unique constraints)."""

from __future__ import annotations

import pytest

from clusters import services
from clusters.models import Invitation, Membership
from core.errors import DomainError
from tests.conftest import build_world
from tests.factories import InvitationFactory, UserFactory
from tests.test_concurrent_requests import at_once


def run_together(*calls):
    return at_once(list(calls))


@pytest.mark.django_db(transaction=True)
def test_accepting_one_invitation_twice_at_once_creates_one_membership():
    world = build_world()
    person = UserFactory(email="racer@example.org")
    invitation = InvitationFactory(cluster=world.cluster, email=person.email)

    results = run_together(
        lambda: services.invitation_accept(invitation=invitation, user=person),
        lambda: services.invitation_accept(invitation=invitation, user=person),
    )

    assert sum(isinstance(r, Membership) for r in results) == 1
    assert sum(isinstance(r, DomainError) for r in results) == 1
    assert world.cluster.memberships.filter(actor__name=invitation.actor_name).count() == 1
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.ACCEPTED


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_inviting_the_same_email_at_once_leave_one_invitation():
    world = build_world()
    coordinator = world.users["coordinator"]

    def invite():
        return services.invitation_create(
            cluster=world.cluster,
            by=coordinator,
            email="same@example.org",
            role="member",
            actor_name="Same Entity",
            actor_kind="ngo",
        )

    results = run_together(invite, invite)

    assert sum(isinstance(r, Invitation) for r in results) == 1
    assert sum(isinstance(r, DomainError) for r in results) == 1
    assert world.cluster.invitations.filter(email="same@example.org").count() == 1


@pytest.mark.django_db(transaction=True)
def test_naming_two_leads_at_once_leaves_exactly_one_lead():
    world = build_world()
    coordinator = world.users["coordinator"]
    results = run_together(
        lambda: services.membership_change_role(
            membership=world.member_membership, role="lead", by=coordinator
        ),
        lambda: services.membership_change_role(
            membership=world.observer_membership, role="lead", by=coordinator
        ),
    )
    assert all(isinstance(r, Membership) for r in results), results
    assert world.cluster.memberships.filter(role="lead", status="active").count() == 1
