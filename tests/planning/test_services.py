from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation

from clusters.audit import details_of
from clusters.models import AuditEntry
from core.errors import DomainError
from indicators import services as indicator_services
from indicators.models import Objective
from planning import proposal_services
from planning.models import Decision, Proposal, Stance, StanceChange
from planning.tasks import close_due_proposals
from rights.models import Cause, Consequence, DutyBearer, RightsIssue
from rights.services import rights_issue_validate
from tests.conftest import World, build_world
from tests.factories import ActorUserFactory, holder_group, write_gender_analysis


def proposal(world: World, **fields) -> Proposal:
    created = proposal_services.proposal_create(
        membership=world.member_membership,
        by=world.users["member"],
        title=fields.pop("title", "Emergency housing fund"),
        description="A shared fund for families evicted without alternative",
        **fields,
    )
    proposal_services.proposal_submit(proposal=created, by=world.users["member"])
    return proposal_services.proposal_open(
        proposal=created,
        by=world.users["coordinator"],
        closes_at=timezone.now() + timedelta(days=7),
    )


def take(world: World, p: Proposal, membership, position: str, reason: str = "", person="member"):
    return proposal_services.stance_take(
        proposal=p, membership=membership, by=world.users[person], position=position, reason=reason
    )


def test_the_lifecycle_from_draft_to_adoption(world: World):
    p = proposal(world)
    lead = world.cluster.memberships.get(role="lead")
    take(world, p, world.member_membership, "agree")
    take(world, p, lead, "agree", person="coordinator")
    decision = proposal_services.proposal_decide(
        proposal=p, by=world.users["coordinator"], minutes="Agreed"
    )
    p.refresh_from_db()
    assert p.status == Proposal.Status.DECIDED
    # 2 voting entities (lead and member), both agree: quorum and threshold met.
    assert (decision.outcome, decision.agree, decision.eligible, decision.quorum_reached) == (
        "adopted",
        2,
        2,
        True,
    )
    actions = set(AuditEntry.objects.filter(cluster=world.cluster).values_list("action", flat=True))
    assert {
        "proposal_created",
        "proposal_submitted",
        "proposal_opened",
        "stance_taken",
        "decision_recorded",
    } <= actions


def test_a_block_with_its_reason_rejects(world: World):
    p = proposal(world)
    take(world, p, world.member_membership, "agree")
    lead = world.cluster.memberships.get(role="lead")
    take(world, p, lead, "block", reason="It duplicates the council's fund", person="coordinator")
    decision = proposal_services.proposal_decide(proposal=p, by=world.users["coordinator"])
    assert (decision.outcome, decision.reason) == ("rejected", "blocked")


@pytest.mark.parametrize("position", ["disagree", "block"])
def test_objections_need_a_reason(world: World, position):
    p = proposal(world)
    with pytest.raises(DomainError, match="needs its reason"):
        take(world, p, world.member_membership, position, reason="   ")
    assert not Stance.objects.filter(proposal=p).exists()


def test_observers_take_no_position(world: World):
    p = proposal(world)
    with pytest.raises(DomainError, match="lead and member entities"):
        take(world, p, world.observer_membership, "agree", person="observer")


def test_another_clusters_entity_takes_no_position(world: World):
    p = proposal(world)
    theirs = world.other_cluster.memberships.get()
    with pytest.raises(DomainError, match="lead and member entities"):
        take(world, p, theirs, "agree", person="outsider")


def test_no_position_once_closed_and_no_closing_twice(world: World):
    p = proposal(world)
    proposal_services.proposal_decide(proposal=p, by=world.users["coordinator"])
    with pytest.raises(DomainError, match="not open"):
        take(world, p, world.member_membership, "agree")
    with pytest.raises(DomainError, match="already been decided"):
        proposal_services.proposal_decide(proposal=p, by=world.users["coordinator"])
    assert Decision.objects.filter(proposal=p).count() == 1


def test_changing_a_stance_keeps_every_change(world: World):
    p = proposal(world)
    take(world, p, world.member_membership, "disagree", reason="Too expensive")
    stance = take(world, p, world.member_membership, "agree")
    assert Stance.objects.filter(proposal=p).count() == 1
    assert stance.position == "agree" and stance.reason == ""
    assert list(StanceChange.objects.filter(stance=stance).values_list("position", flat=True)) == [
        "disagree",
        "agree",
    ]


def test_a_decision_is_never_edited(world: World):
    decision = proposal_services.proposal_decide(
        proposal=proposal(world), by=world.users["coordinator"]
    )
    decision.minutes = "Rewritten"
    with pytest.raises(ValueError, match="never edited"):
        decision.save()


def test_no_quorum_when_too_few_take_a_position(world: World):
    world.cluster.quorum = 100
    world.cluster.save()
    p = proposal(world)
    take(world, p, world.member_membership, "agree")
    decision = proposal_services.proposal_decide(proposal=p, by=world.users["coordinator"])
    assert (decision.outcome, decision.quorum_reached) == ("no_quorum", False)


def test_consensus_then_majority_second_round(world: World):
    world.cluster.decision_rule = "consensus_then_majority"
    world.cluster.qualified_majority = 50
    world.cluster.save()
    p = proposal(world)
    lead = world.cluster.memberships.get(role="lead")
    take(world, p, world.member_membership, "agree")
    take(world, p, lead, "block", reason="Not now", person="coordinator")
    first = proposal_services.proposal_decide(proposal=p, by=world.users["coordinator"])
    assert first.outcome == "rejected" and first.second_round_possible
    proposal_services.proposal_second_round(
        proposal=p, by=world.users["coordinator"], closes_at=timezone.now() + timedelta(days=3)
    )
    p.refresh_from_db()
    take(world, p, world.member_membership, "agree")
    second = proposal_services.proposal_decide(proposal=p, by=world.users["coordinator"])
    # One of two entities agrees: 50% of the members, the qualified majority here.
    assert (second.round, second.outcome) == (2, "adopted")


def complete_issue(issue: RightsIssue) -> None:
    consequence = Consequence.objects.create(issue=issue, description="Overcrowding")
    Cause.objects.create(issue=issue, level="immediate", description="Arrears").consequences.add(
        consequence
    )
    holder_group(issue)
    DutyBearer.objects.create(issue=issue, outside_body="City council", obligation="fulfil")
    write_gender_analysis(issue)


def test_an_adopted_proposal_validates_its_rights_issue(world: World):
    complete_issue(world.issue)
    p = proposal(world, subject="validate_rights_issue", rights_issue_to_validate=world.issue)
    lead = world.cluster.memberships.get(role="lead")
    take(world, p, world.member_membership, "agree")
    take(world, p, lead, "agree", person="coordinator")
    decision = proposal_services.proposal_decide(proposal=p, by=world.users["coordinator"])
    world.issue.refresh_from_db()
    assert world.issue.status == RightsIssue.Status.VALIDATED
    assert world.issue.changes.get(action="validated").details["decision"] == decision.pk
    entry = AuditEntry.objects.get(action="decision_recorded", object_id=p.pk)
    assert entry.data["applied"] == [world.issue.label]
    assert not AuditEntry.objects.filter(action="rights_issue_validated").exists()


def test_the_periodic_task_closes_proposals_past_their_date(world: World):
    p = proposal(world)
    take(world, p, world.member_membership, "agree")
    Proposal.objects.filter(pk=p.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    still_open = proposal(world, title="Later")
    assert close_due_proposals() == 1
    p.refresh_from_db()
    still_open.refresh_from_db()
    assert p.status == "decided" and still_open.status == "open"
    assert p.decisions.get().decided_by is None


@pytest.mark.django_db(transaction=True)
def test_two_representatives_saving_at_once_leave_one_stance():
    world = build_world()
    colleague = ActorUserFactory(actor=world.member_actor, role="representative").user
    p = proposal(world)
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def save(user, position, reason):
        try:
            barrier.wait()
            proposal_services.stance_take(
                proposal=p,
                membership=world.member_membership,
                by=user,
                position=position,
                reason=reason,
            )
        except Exception as error:  # the outcome is what is asserted
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(world.users["member"], "agree", "")),
        threading.Thread(target=save, args=(colleague, "disagree", "Too costly")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Stance.objects.filter(proposal=p).count() == 1
    assert StanceChange.objects.filter(stance__proposal=p).count() == 2


def agree_all(world: World, p: Proposal) -> None:
    lead = world.cluster.memberships.get(role="lead")
    take(world, p, world.member_membership, "agree")
    take(world, p, lead, "agree", person="coordinator")


def test_an_adopted_proposal_adopts_the_proposed_objectives(world: World):
    proposed = Objective.objects.create(
        cluster=world.cluster, code="O2", statement="Rent caps", status="proposed"
    )
    p = proposal(world, subject=Proposal.Subject.ADOPT_OBJECTIVES)
    p.objectives.set([proposed, world.indicator.objective])
    agree_all(world, p)
    proposal_services.proposal_decide(proposal=p, by=world.users["coordinator"])
    proposed.refresh_from_db()
    assert proposed.status == Objective.Status.ADOPTED and proposed.adopted_at
    entry = AuditEntry.objects.get(action="decision_recorded", object_id=p.pk)
    assert entry.data["outcome"] == "adopted"
    assert entry.data["applied"] == ["O2"]  # the objective already adopted is not counted
    assert not AuditEntry.objects.filter(action="objectives_adopted").exists()


def test_a_rejected_proposal_leaves_the_objective_proposed(world: World):
    proposed = Objective.objects.create(
        cluster=world.cluster, code="O2", statement="Rent caps", status="proposed"
    )
    p = proposal(world, subject=Proposal.Subject.ADOPT_OBJECTIVES)
    p.objectives.set([proposed])
    take(world, p, world.member_membership, "block", "Caps are out of our remit")
    proposal_services.proposal_decide(proposal=p, by=world.users["coordinator"])
    proposed.refresh_from_db()
    assert proposed.status == Objective.Status.PROPOSED


def test_an_issue_validated_meanwhile_leaves_the_decision_standing(world: World):
    issue = world.issue
    complete_issue(issue)
    p = proposal(
        world, subject=Proposal.Subject.VALIDATE_RIGHTS_ISSUE, rights_issue_to_validate=issue
    )
    agree_all(world, p)
    rights_issue_validate(issue=issue, by=world.users["coordinator"])
    decision = proposal_services.proposal_decide(proposal=p, by=world.users["coordinator"])
    assert decision.outcome == "adopted"
    entry = AuditEntry.objects.filter(action="decision_recorded", data__has_key="not_applied")
    assert entry.get().data["not_applied"] == "validate_rights_issue"
    with translation.override("ca"):
        assert "No aplicat: Validació d'una problemàtica de drets" in map(
            str, details_of(entry.get())
        )


def test_an_incomplete_issue_cannot_be_put_to_a_decision(world: World):
    created = proposal_services.proposal_create(
        membership=world.member_membership,
        by=world.users["member"],
        title="Validate the bare issue",
        description="D",
        subject=Proposal.Subject.VALIDATE_RIGHTS_ISSUE,
        rights_issue_to_validate=world.issue,
    )
    proposal_services.proposal_submit(proposal=created, by=world.users["member"])
    with pytest.raises(DomainError, match="cannot be put to a decision yet"):
        proposal_services.proposal_open(
            proposal=created,
            by=world.users["coordinator"],
            closes_at=timezone.now() + timedelta(days=3),
        )
    created.refresh_from_db()
    assert created.status == Proposal.Status.SUBMITTED


def test_validations_are_in_the_cluster_audit_trail(world: World):
    indicator_services.report_return(
        report=world.report, by=world.users["coordinator"], reason="Check totals"
    )
    entry = AuditEntry.objects.get(action="report_returned")
    assert entry.data["reason"] == "Check totals" and entry.target.startswith("I1")
