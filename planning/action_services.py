"""Joint actions: creating and changing them, contributions and progress updates.

Like proposal_services.py, each change runs in one transaction, writes one entry in the
cluster's audit log (none for a change that changes nothing) and raises DomainError with
a message for the person when it is not allowed. The forms check the same rules first;
these checks hold whatever calls them.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from clusters.audit import audit
from clusters.models import AuditEntry, Cluster, Membership
from core.errors import DomainError
from indicators.models import Indicator
from planning.editing import set_values
from planning.models import ActionUpdate, Contribution, JointAction, Proposal

ACTION_FIELDS = (
    "title",
    "description",
    "objective",
    "lead",
    "territory",
    "start",
    "end",
    "budget",
    "status",
    "progress",
    "gender_marker",
    "is_new_practice",
)


def _check(
    cluster: Cluster,
    fields: dict[str, Any],
    participants: Iterable[Membership],
    indicators: Iterable[Indicator],
    already: set[int] = frozenset(),
) -> None:
    """The rules the database cannot see across tables: everything is of this cluster, and
    entities joining the action are active members (those already on it may have left)."""
    if fields["objective"].cluster_id != cluster.pk:
        raise DomainError(_("Choose one of this cluster's objectives."))
    members = [fields["lead"], *participants]
    if any(m.cluster_id != cluster.pk for m in members) or any(
        not m.takes_positions for m in members if m.pk not in already
    ):
        raise DomainError(_("The lead and the participants must be active member entities."))
    if any(i.objective_id != fields["objective"].pk for i in indicators):
        raise DomainError(_("Choose indicators of the action's objective."))
    if fields["end"] < fields["start"]:
        raise DomainError(_("The action cannot end before it starts."))
    proposal = fields.get("proposal")
    if proposal is not None and not cluster.proposals.adopted().filter(pk=proposal.pk).exists():
        raise DomainError(_("An action can only come from an adopted proposal of this cluster."))


@transaction.atomic
def action_create(
    *,
    cluster: Cluster,
    by: User,
    participants: Iterable[Membership] = (),
    indicators: Iterable[Indicator] = (),
    proposal: Proposal | None = None,
    **fields: Any,
) -> JointAction:
    participants, indicators = list(participants), list(indicators)
    _check(cluster, {**fields, "proposal": proposal}, participants, indicators)
    action = JointAction.objects.create(cluster=cluster, proposal=proposal, created_by=by, **fields)
    action.participants.set([m for m in participants if m.pk != action.lead_id])
    action.indicators.set(indicators)
    audit(cluster=cluster, by=by, action=AuditEntry.Action.ACTION_CREATED, target=action)
    return action


@transaction.atomic
def action_change(
    *,
    action: JointAction,
    by: User,
    participants: Iterable[Membership] | None = None,
    indicators: Iterable[Indicator] | None = None,
    **fields: Any,
) -> JointAction:
    """Change any of ACTION_FIELDS and the links (those not given stay as they are).
    Records each changed value, before and after; saved unchanged, it writes nothing and
    records nothing."""
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:  # the cluster, the proposal, the author are not changed afterwards
        raise TypeError(f"action_change cannot change {sorted(unknown)}")
    action = JointAction.objects.select_for_update().get(pk=action.pk)
    # Links not given stay as they are, as the fields not given do.
    participants = list(action.participants.all() if participants is None else participants)
    indicators = list(action.indicators.all() if indicators is None else indicators)
    already = {action.lead_id, *action.participants.values_list("pk", flat=True)}
    # A change of some fields is checked with the stored values of the others.
    stored = {name: getattr(action, name) for name in ("objective", "lead", "start", "end")}
    _check(action.cluster, stored | fields, participants, indicators, already)
    lead = fields.get("lead", action.lead)
    participants = [m for m in participants if m.pk != lead.pk]
    changes = set_values(action, {**fields, "participants": participants, "indicators": indicators})
    if changes:
        audit(
            cluster=action.cluster,
            by=by,
            action=AuditEntry.Action.ACTION_CHANGED,
            target=action,
            changes=changes,
        )
    return action


def takes_part(action: JointAction, membership: Membership | None) -> bool:
    """Whether the entity leads the action or participates in it."""
    if membership is None:
        return False
    return membership.pk == action.lead_id or action.participants.filter(pk=membership.pk).exists()


@transaction.atomic
def contribution_add(
    *,
    action: JointAction,
    membership: Membership,
    by: User,
    kind: str,
    amount: Decimal,
    description: str = "",
) -> Contribution:
    action = JointAction.objects.select_for_update().get(pk=action.pk)
    if not takes_part(action, membership):
        raise DomainError(_("Only the lead and the participating entities contribute."))
    if kind not in Contribution.Kind.values:
        raise DomainError(_("Choose a valid kind of contribution."))
    if amount < 0:
        raise DomainError(_("A contribution cannot be below zero."))
    contribution = Contribution.objects.create(
        action=action,
        membership=membership,
        kind=kind,
        amount=amount,
        description=description.strip(),
        created_by=by,
    )
    audit(
        cluster=action.cluster,
        by=by,
        action=AuditEntry.Action.CONTRIBUTION_ADDED,
        target=action,
        entity=membership.actor.name,
        kind=kind,
        amount=str(amount),
    )
    return contribution


@transaction.atomic
def contribution_remove(*, contribution: Contribution, by: User) -> None:
    contribution = (
        Contribution.objects.select_for_update()
        .select_related("action__cluster", "membership__actor")
        .filter(pk=contribution.pk)
        .first()
    )
    if contribution is None:  # removed by a request a moment before: nothing to do
        return
    action = contribution.action
    audit(
        cluster=action.cluster,
        by=by,
        action=AuditEntry.Action.CONTRIBUTION_REMOVED,
        target=action,
        entity=contribution.membership.actor.name,
        kind=contribution.kind,
        amount=str(contribution.amount),
    )
    contribution.delete()


@transaction.atomic
def update_post(
    *,
    action: JointAction,
    by: User,
    membership: Membership | None,
    is_coordinator: bool,
    note: str,
    progress: int | None = None,
    status: str = "",
) -> ActionUpdate:
    """A progress note. The lead entity and the coordinator may also move the action's
    progress and status with it; participants add notes."""
    action = JointAction.objects.select_for_update().get(pk=action.pk)
    leads = is_coordinator or (membership is not None and membership.pk == action.lead_id)
    if not leads and not takes_part(action, membership):
        raise DomainError(_("Only the entities of the action post updates on it."))
    note = note.strip()
    if not note:
        raise DomainError(_("Write what has happened."))
    if (progress is not None or status) and not leads:
        raise DomainError(_("Only the lead entity or the coordinator changes the progress."))
    if progress is not None and not 0 <= progress <= 100:
        raise DomainError(_("Progress is a percentage from 0 to 100."))
    if status and status not in JointAction.Status.values:
        raise DomainError(_("Choose a valid status."))
    update = ActionUpdate.objects.create(
        action=action,
        # The entity is named only when it takes part (a coordinator may not).
        membership=membership if takes_part(action, membership) else None,
        author=by,
        note=note,
        progress=progress,
        status=status,
    )
    changed = []
    if progress is not None:
        action.progress = progress
        changed.append("progress")
    if status:
        action.status = status
        changed.append("status")
    if changed:
        action.save(update_fields=[*changed, "updated_at"])
    audit(
        cluster=action.cluster,
        by=by,
        action=AuditEntry.Action.ACTION_UPDATE_POSTED,
        target=action,
        progress=progress,
        status=status,
    )
    return update
