"""What the planning app holds about a person: the proposals they drafted, the positions
they recorded for their entity (and every change), their comments, the decisions they
recorded, the joint actions, contributions and updates they entered
(accounts.personal_data). All of it is the entity's or the cluster's and stays when the
account goes, by the emptied account."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.personal_data import Part, rows
from planning.models import (
    ActionUpdate,
    Comment,
    Contribution,
    Decision,
    JointAction,
    Proposal,
    Stance,
    StanceChange,
)


def export(user: User) -> dict[str, Any]:
    return {
        "proposals": rows(
            Proposal.objects.filter(created_by=user).order_by("created_at"),
            cluster="cluster__name",
            entity="proposer__actor__name",
            title="title",
            status="status",
            created_at="created_at",
        ),
        "positions": rows(
            Stance.objects.filter(by=user).order_by("updated_at"),
            cluster="proposal__cluster__name",
            proposal="proposal__title",
            entity="membership__actor__name",
            round="round",
            position="position",
            reason="reason",
            updated_at="updated_at",
        ),
        "position_changes": rows(
            StanceChange.objects.filter(by=user).order_by("at"),
            cluster="stance__proposal__cluster__name",
            proposal="stance__proposal__title",
            entity="stance__membership__actor__name",
            position="position",
            reason="reason",
            at="at",
        ),
        "comments": rows(
            Comment.objects.filter(author=user).order_by("created_at"),
            cluster="proposal__cluster__name",
            proposal="proposal__title",
            entity="membership__actor__name",
            comment="body",
            created_at="created_at",
            edited_at="edited_at",
        ),
        "decisions_recorded": rows(
            Decision.objects.filter(decided_by=user).order_by("decided_at"),
            cluster="proposal__cluster__name",
            proposal="proposal__title",
            round="round",
            outcome="outcome",
            minutes="minutes",
            review_date="review_date",
            decided_at="decided_at",
        ),
        "joint_actions_created": rows(
            JointAction.objects.filter(created_by=user).order_by("pk"),
            cluster="cluster__name",
            title="title",
        ),
        "contributions_recorded": rows(
            Contribution.objects.filter(created_by=user).order_by("created_at"),
            cluster="action__cluster__name",
            joint_action="action__title",
            entity="membership__actor__name",
            kind="kind",
            amount="amount",
            description="description",
            created_at="created_at",
        ),
        "joint_action_updates": rows(
            ActionUpdate.objects.filter(author=user).order_by("created_at"),
            cluster="action__cluster__name",
            joint_action="action__title",
            entity="membership__actor__name",
            note="note",
            progress="progress",
            created_at="created_at",
        ),
    }


PART = Part("planning", export=export)
