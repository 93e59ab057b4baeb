"""Every change made in planning leaves exactly one entry in the cluster's audit log, about
the row it changed and with what changed; a form saved unchanged leaves none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import AuditEntry, Membership
from core.errors import DomainError
from indicators.models import Objective
from planning import proposal_services
from planning.models import Comment, Proposal
from tests.conftest import World
from tests.html_forms import refused_with_a_message

A = AuditEntry.Action
# Every change through planning's pages writing exactly one entry is checked with the
# rest of the project's, in tests/test_audit_coverage.py.


def in_a_week() -> str:
    return (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


def draft(world: World, **fields) -> Proposal:
    return proposal_services.proposal_create(
        membership=world.member_membership,
        by=world.users["member"],
        title=fields.pop("title", "Tenants' union in every block"),
        description="Organised tenants negotiate better",
        **fields,
    )


def submitted(world: World) -> Proposal:
    p = draft(world)
    return proposal_services.proposal_submit(proposal=p, by=world.users["member"])


def blocked(world: World) -> Proposal:
    """Decided after a block under "consensus, then qualified majority"."""
    world.cluster.decision_rule = "consensus_then_majority"
    world.cluster.save()
    lead = world.cluster.memberships.get(role=Membership.Role.LEAD)
    proposal_services.stance_take(
        proposal=world.proposal,
        membership=lead,
        by=world.users["coordinator"],
        position="block",
        reason="Not now",
    )
    proposal_services.proposal_decide(proposal=world.proposal, by=world.users["coordinator"])
    return world.proposal


def comment(world: World) -> Comment:
    return proposal_services.comment_add(
        proposal=world.proposal,
        by=world.users["member"],
        membership=world.member_membership,
        body="Who manages the fund?",
    )


# URL name -> (sets the scene and returns (person, URL arguments, data), the action logged)
Case = Callable[[World], tuple[str, dict, dict]]


@pytest.mark.parametrize(
    ("name", "case"),
    [
        (
            "proposal-edit",
            lambda w: (
                {"pk": draft(w, rationale="Because").pk},
                {
                    "title": "Tenants' union in every block",
                    "subject": "action",
                    "description": "Organised tenants negotiate better",
                    "rationale": "Because",
                },
                "member",
            ),
        ),
        (
            "comment-edit",
            lambda w: (
                {"pk": w.proposal.pk, "comment_pk": comment(w).pk},
                {"body": "Who manages the fund?"},
                "member",
            ),
        ),
    ],
)
def test_a_change_saved_unchanged_writes_no_entry(world: World, name, case):
    kwargs, data, person = case(world)
    count = AuditEntry.objects.count()
    response = world.client(person).post(
        reverse(f"planning:{name}", kwargs={"slug": world.cluster.slug, **kwargs}), data
    )
    assert response.status_code == 302 and not refused_with_a_message(response)
    assert AuditEntry.objects.count() == count


def test_proposal_update_records_each_changed_value_before_and_after(world: World):
    proposed = Objective.objects.create(
        cluster=world.cluster, code="O2", statement="Rent caps", status="proposed"
    )
    p = draft(world, estimated_cost=Decimal("1500.50"), objectives=[world.indicator.objective])
    assert list(p.objectives.all()) == [world.indicator.objective]
    count = AuditEntry.objects.count()
    proposal_services.proposal_update(
        proposal=p,
        by=world.users["member"],
        title="Tenants' unions",
        estimated_cost=Decimal("1500.5"),  # the same amount: not a change
        objectives=[world.indicator.objective, proposed],
        rights_issues=[world.issue],
    )
    entry = AuditEntry.objects.get(action=A.PROPOSAL_CHANGED)
    assert AuditEntry.objects.count() == count + 1
    assert (entry.object_type, entry.object_id) == ("planning.proposal", p.pk)
    assert entry.data["changes"] == {
        "title": ["Tenants' union in every block", "Tenants' unions"],
        "objectives": [
            [str(world.indicator.objective)],
            sorted([str(world.indicator.objective), str(proposed)]),
        ],
        "rights_issues": [[], [str(world.issue)]],
    }
    p.refresh_from_db()
    assert p.title == "Tenants' unions" and set(p.objectives.all()) == {
        world.indicator.objective,
        proposed,
    }
    assert list(p.rights_issues.all()) == [world.issue]
    # Saved again unchanged: nothing written, nothing recorded.
    proposal_services.proposal_update(proposal=p, by=world.users["member"], title="Tenants' unions")
    assert AuditEntry.objects.count() == count + 1


def test_proposal_update_changes_only_a_draft_and_only_its_fields(world: World):
    with pytest.raises(DomainError, match="Only a draft"):
        proposal_services.proposal_update(
            proposal=world.proposal, by=world.users["member"], title="Late change"
        )
    with pytest.raises(TypeError, match="status"):
        proposal_services.proposal_update(
            proposal=draft(world), by=world.users["member"], status="decided"
        )
    world.proposal.refresh_from_db()
    assert world.proposal.title == "Shared emergency housing fund"
    assert not AuditEntry.objects.filter(action=A.PROPOSAL_CHANGED).exists()


def test_the_links_of_a_new_proposal_are_set_in_its_one_transaction(world: World):
    p = draft(world, rights_issues=[world.issue], objectives=[world.indicator.objective])
    assert list(p.rights_issues.all()) == [world.issue]
    assert list(p.objectives.all()) == [world.indicator.objective]
    assert AuditEntry.objects.filter(action=A.PROPOSAL_CREATED, object_id=p.pk).count() == 1


def test_a_decision_not_applied_says_why_in_its_one_entry(world: World):
    from rights.services import rights_issue_validate
    from tests.planning.test_services import agree_all, complete_issue, proposal

    complete_issue(world.issue)
    p = proposal(world, subject="validate_rights_issue", rights_issue_to_validate=world.issue)
    agree_all(world, p)
    rights_issue_validate(issue=world.issue, by=world.users["coordinator"])
    count = AuditEntry.objects.count()
    proposal_services.proposal_decide(proposal=p, by=world.users["coordinator"])
    entry = AuditEntry.objects.get(action=A.DECISION_RECORDED, object_id=p.pk)
    assert AuditEntry.objects.count() == count + 1
    assert entry.data["outcome"] == "adopted" and entry.data["not_applied"]


def test_the_second_round_and_comments_name_what_they_are_about(world: World):
    blocked(world)
    closes = timezone.now() + timedelta(days=3)
    proposal_services.proposal_second_round(
        proposal=world.proposal, by=world.users["coordinator"], closes_at=closes
    )
    entry = AuditEntry.objects.get(action=A.PROPOSAL_SECOND_ROUND)
    assert entry.data == {"round": 2, "closes_at": closes.isoformat()}
    assert not AuditEntry.objects.filter(action=A.PROPOSAL_OPENED, data__has_key="round")
    thread = comment(world)
    reply = proposal_services.comment_add(
        proposal=world.proposal,
        by=world.users["coordinator"],
        membership=None,
        body="The lead entity.",
        parent=thread,
    )
    proposal_services.comment_edit(comment=thread, by=world.users["member"], body="Who, and how?")
    added = AuditEntry.objects.filter(action=A.COMMENT_ADDED).order_by("id")
    assert [e.data for e in added] == [
        {"comment": thread.pk},
        {"comment": reply.pk, "reply_to": thread.pk},
    ]
    edited = AuditEntry.objects.get(action=A.COMMENT_EDITED)
    assert edited.data == {"comment": thread.pk}
    assert {e.object_id for e in [*added, edited]} == {world.proposal.pk}
