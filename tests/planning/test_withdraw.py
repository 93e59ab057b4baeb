"""A proposing entity takes its proposal back before the cluster decides; a decision is
not reviewed before it is taken."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from clusters.models import AuditEntry
from planning import proposal_services
from planning.models import Proposal
from tests.conftest import World


def detail(world: World, person: str) -> str:
    url = reverse("planning:proposal-detail", args=[world.cluster.slug, world.proposal.pk])
    return world.client(person).get(url).content.decode()


def withdraw(world: World, person: str, follow: bool = True):
    url = reverse("planning:proposal-withdraw", args=[world.cluster.slug, world.proposal.pk])
    return world.client(person).post(url, follow=follow)


def test_the_proposing_entity_withdraws_an_open_proposal(world: World):
    assert "Withdraw the proposal" in detail(world, "representative")
    page = withdraw(world, "representative").content.decode()
    assert "The proposal has been withdrawn" in page
    world.proposal.refresh_from_db()
    assert world.proposal.status == Proposal.Status.WITHDRAWN
    assert "Withdraw the proposal" not in page  # nothing more to withdraw
    assert "Your entity's position" not in page  # and no position to take
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PROPOSAL_WITHDRAWN)
    assert entry.by == world.users["representative"]
    assert entry.data["changes"] == {"status": ["open", "withdrawn"]}


def test_a_withdrawn_proposal_is_never_decided_when_its_date_passes(world: World, clock):
    withdraw(world, "member")
    clock.shift(timedelta(days=8))  # past its closing date
    assert proposal_services.proposals_close_due() == 0
    world.proposal.refresh_from_db()
    assert world.proposal.status == Proposal.Status.WITHDRAWN
    assert not world.proposal.decisions.exists()


def test_only_the_proposing_entity_is_offered_it_and_may_do_it(world: World):
    assert "Withdraw the proposal" not in detail(world, "coordinator")
    assert withdraw(world, "coordinator", follow=False).status_code == 403
    world.proposal.refresh_from_db()
    assert world.proposal.status == Proposal.Status.OPEN


def test_a_decided_proposal_cannot_be_withdrawn(world: World):
    proposal_services.proposal_decide(proposal=world.proposal, by=world.users["coordinator"])
    assert "Withdraw the proposal" not in detail(world, "member")
    page = withdraw(world, "member").content.decode()
    assert "A decided proposal cannot be withdrawn." in page
    world.proposal.refresh_from_db()
    assert world.proposal.status == Proposal.Status.DECIDED
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PROPOSAL_WITHDRAWN).exists()


def test_a_review_date_before_the_decision_is_refused(world: World):
    from tests.clock import days

    url = reverse("planning:proposal-decide", args=[world.cluster.slug, world.proposal.pk])
    client = world.client("coordinator")
    page = client.post(url, {"review_date": days(-1).isoformat()}, follow=True)
    assert "The review date cannot be before the decision." in page.content.decode()
    world.proposal.refresh_from_db()
    assert world.proposal.status == Proposal.Status.OPEN
    client.post(url, {"review_date": days(0).isoformat()})
    world.proposal.refresh_from_db()
    assert world.proposal.status == Proposal.Status.DECIDED
    assert world.proposal.decisions.get().review_date == days(0)
