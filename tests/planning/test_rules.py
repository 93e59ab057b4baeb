"""The rules of planning, each written once and asked everywhere: which joint actions are
late, who sees which proposal, and what may happen to a proposal next (the pages offer a
change exactly when its service accepts it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.access import ClusterAccess
from clusters.models import Membership
from core.errors import DomainError
from planning import proposal_services
from planning.models import JointAction, Proposal
from reports.dashboard import coordinator_dashboard
from tests.clock import TODAY, days
from tests.conftest import World

# Late joint actions


def test_late_is_running_past_the_end_date_wherever_it_is_asked(world: World):
    cluster = world.cluster
    cluster.joint_actions.all().delete()
    for status in JointAction.Status.values:
        for offset in (-1, 0, 1):
            JointAction.objects.create(
                cluster=cluster,
                title=f"{status} {offset:+d}",
                objective=world.indicator.objective,
                lead=world.member_membership,
                territory="Sants",
                start=days(-400),
                end=days(offset),
                status=status,
            )
    running = {"planned", "in_progress"}
    late = {f"{status} -1" for status in running}
    actions = cluster.joint_actions.all()

    def titles(queryset) -> set[str]:
        return set(queryset.values_list("title", flat=True))

    assert titles(actions.running()) == {a.title for a in actions if a.status in running}
    assert titles(actions.late(TODAY)) == late
    assert titles(actions.late()) == late  # today by default
    assert titles(actions.late(days(1))) == late | {f"{status} +0" for status in running}
    assert {a.title for a in actions.with_late(TODAY) if a.late} == late
    assert {a.title for a in actions if a.is_late} == late
    # The pages that ask: the action plan's filter and the coordinator's dashboard.
    page = world.client("observer").get(
        reverse("planning:action-list", args=[cluster.slug]), {"late": "on"}
    )
    assert {a.title for a in page.context["page"]} == late
    dashboard = coordinator_dashboard(cluster)
    assert dashboard["late_count"] == len(late)
    assert {a.title for a in dashboard["late_actions"]} == late


# Who sees which proposal


def test_who_sees_which_proposal(world: World):
    lead = world.cluster.memberships.get(role=Membership.Role.LEAD)
    closes = timezone.now() + timedelta(days=3)
    made = {}
    for entity, membership in (("member", world.member_membership), ("lead", lead)):
        for status in Proposal.Status.values:
            made[(entity, status)] = Proposal.objects.create(
                cluster=world.cluster,
                proposer=membership,
                title=f"{entity} {status}",
                description="D",
                status=status,
                closes_at=closes if status == Proposal.Status.OPEN else None,
            )
    published = {f"{e} {s}" for e in ("member", "lead") for s in ("open", "decided", "withdrawn")}
    everything = {p.title for p in made.values()} | {world.proposal.title}

    def seen(is_coordinator: bool, membership: Membership | None) -> set[str]:
        access = ClusterAccess(world.cluster, is_coordinator, membership)
        return set(Proposal.objects.visible_to(access).values_list("title", flat=True))

    assert seen(True, lead) == everything
    assert seen(True, None) == everything  # a coordinator representing no entity
    own = {"member draft", "member submitted"}
    assert seen(False, world.member_membership) == published | own | {world.proposal.title}
    assert seen(False, lead) == published | {"lead draft", "lead submitted", world.proposal.title}
    assert seen(False, world.observer_membership) == published | {world.proposal.title}
    assert seen(False, world.institution_membership) == set()  # they read published reports
    # Another cluster's proposals are never among them, even for its coordinator's access.
    theirs = world.other_cluster.memberships.get()
    other = ClusterAccess(world.other_cluster, True, theirs)
    assert not Proposal.objects.visible_to(other).filter(cluster=world.cluster).exists()
    # The open ones are the same for everyone who reads.
    assert set(world.cluster.proposals.open().values_list("title", flat=True)) == {
        "member open",
        "lead open",
        world.proposal.title,
    }


# What may happen to a proposal next

PREDICATES = (
    "can_edit",
    "can_submit",
    "can_open",
    "can_send_back",
    "can_take_stance",
    "can_comment",
    "can_decide",
    "can_second_round",
)
# state -> the predicates that hold in it
ALLOWED = {
    "draft": {"can_edit", "can_submit"},
    "submitted": {"can_open", "can_send_back"},
    "open": {"can_take_stance", "can_comment", "can_decide"},
    "adopted": set(),
    "blocked": {"can_second_round"},  # a block under consensus, then qualified majority
    "no_quorum": set(),
    "withdrawn": set(),
}


def in_state(world: World, state: str) -> Proposal:
    member, coordinator = world.users["member"], world.users["coordinator"]
    lead = world.cluster.memberships.get(role=Membership.Role.LEAD)
    p = proposal_services.proposal_create(
        membership=world.member_membership, by=member, title=state, description="D"
    )
    if state == "draft":
        return p
    proposal_services.proposal_submit(proposal=p, by=member)
    if state == "withdrawn":
        Proposal.objects.filter(pk=p.pk).update(status=Proposal.Status.WITHDRAWN)
    if state in ("submitted", "withdrawn"):
        return Proposal.objects.get(pk=p.pk)
    p = proposal_services.proposal_open(
        proposal=p, by=coordinator, closes_at=timezone.now() + timedelta(days=3)
    )
    if state == "open":
        return p
    stances = {"adopted": ("agree", ""), "blocked": ("block", "Not now")}
    if state in stances:
        position, reason = stances[state]
        for membership, person in ((world.member_membership, member), (lead, coordinator)):
            proposal_services.stance_take(
                proposal=p, membership=membership, by=person, position=position, reason=reason
            )
    proposal_services.proposal_decide(proposal=p, by=coordinator)
    return Proposal.objects.get(pk=p.pk)


def attempt(world: World, p: Proposal, predicate: str) -> None:
    """The service of the change the predicate allows, as the person who would make it."""
    member, coordinator = world.users["member"], world.users["coordinator"]
    later = timezone.now() + timedelta(days=5)
    services = {
        "can_edit": lambda: proposal_services.proposal_update(
            proposal=p, by=member, title="Renamed"
        ),
        "can_submit": lambda: proposal_services.proposal_submit(proposal=p, by=member),
        "can_open": lambda: proposal_services.proposal_open(
            proposal=p, by=coordinator, closes_at=later
        ),
        "can_send_back": lambda: proposal_services.proposal_send_back(
            proposal=p, by=coordinator, reason="Say more"
        ),
        "can_take_stance": lambda: proposal_services.stance_take(
            proposal=p, membership=world.member_membership, by=member, position="agree"
        ),
        "can_comment": lambda: proposal_services.comment_add(
            proposal=p, by=member, membership=world.member_membership, body="A point"
        ),
        "can_decide": lambda: proposal_services.proposal_decide(proposal=p, by=coordinator),
        "can_second_round": lambda: proposal_services.proposal_second_round(
            proposal=p, by=coordinator, closes_at=later
        ),
    }
    services[predicate]()


@pytest.fixture
def majority_world(world: World) -> World:
    world.cluster.decision_rule = "consensus_then_majority"
    world.cluster.save()
    return world


@pytest.mark.parametrize("state", ALLOWED)
def test_each_change_is_allowed_exactly_when_its_predicate_holds(majority_world, state):
    world = majority_world
    expected = {name: name in ALLOWED[state] for name in PREDICATES}
    assert {name: getattr(in_state(world, state), name) for name in PREDICATES} == expected
    for name in PREDICATES:
        p = in_state(world, state)
        if expected[name]:
            attempt(world, p, name)
        else:
            with pytest.raises(DomainError):
                attempt(world, p, name)


@pytest.mark.parametrize("state", ALLOWED)
def test_the_page_offers_exactly_the_changes_the_predicates_allow(majority_world, state):
    world = majority_world
    p = in_state(world, state)
    offers = {
        # the coordinator also represents the lead entity, which takes positions
        "coordinator": {
            "proposal-open": "can_open",
            "proposal-send-back": "can_send_back",
            "proposal-decide": "can_decide",
            "proposal-second-round": "can_second_round",
            "stance-take": "can_take_stance",
            "comment-add": "can_comment",
        },
        # the proposing entity
        "member": {
            "proposal-edit": "can_edit",
            "proposal-submit": "can_submit",
            "stance-take": "can_take_stance",
            "comment-add": "can_comment",
        },
    }
    for person, links in offers.items():
        page = world.client(person).get(
            reverse("planning:proposal-detail", args=[world.cluster.slug, p.pk])
        )
        body = page.content.decode()
        shown = {
            name
            for name in links
            if reverse(f"planning:{name}", args=[world.cluster.slug, p.pk]) in body
        }
        assert shown == {name for name, predicate in links.items() if getattr(p, predicate)}, person


def test_adopted_is_the_last_rounds_adoption(majority_world):
    world = majority_world
    states = {state: in_state(world, state) for state in ALLOWED}
    adopted = set(world.cluster.proposals.adopted().values_list("title", flat=True))
    assert adopted == {"adopted"}
    assert {state for state, p in states.items() if p.is_adopted} == {"adopted"}
