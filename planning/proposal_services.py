"""Changes to proposals, stances and decisions.

Each function runs in one transaction, writes one entry in the cluster's audit log (none
for a change that changes nothing), and raises DomainError with a message for the person
when the change is not allowed. What may happen to a proposal next is asked of the
proposal (Proposal.can_submit, can_open, ...), as the pages ask it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clusters.audit import audit
from clusters.models import AuditEntry, Cluster, Membership
from coherence.models import Score, Strategy
from core.errors import DomainError
from core.tasks import enqueue_on_commit
from indicators.models import Objective
from indicators.services import objectives_adopt
from planning import notifications
from planning.consensus import Rule, RuleKind, Tally, decide
from planning.editing import set_values
from planning.models import (
    REASON_REQUIRED,
    Comment,
    CommentRevision,
    Decision,
    Position,
    Proposal,
    Stance,
    StanceChange,
)
from rights.models import RightsIssue
from rights.services import rights_issue_validate, validation_problems

# What the proposing entity writes, and may change while the proposal is a draft.
PROPOSAL_FIELDS = (
    "title",
    "subject",
    "rights_issue_to_validate",
    "description",
    "rationale",
    "estimated_cost",
    "is_new_practice",
    "rights_issues",
    "objectives",
)


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("cluster").get(pk=proposal.pk)


def incoherence_to_resolve(*, cluster: Cluster, raw: str | None) -> Score | None:
    """The incoherence a page asks to open a proposal for (``raw``, a score's id as
    typed in the address): a negative score of this cluster, with both its sides, or
    None for anything else."""
    try:
        pk = int(raw or "")
    except ValueError:
        return None
    return (
        Score.objects.select_related("strategy__membership__actor", "objective")
        .filter(pk=pk, strategy__cluster=cluster, value__lt=0)
        .filter(strategy__in=Strategy.objects.in_play())
        .first()
    )


def convergence_to_join(*, cluster: Cluster, raw: str | None) -> list[Strategy] | None:
    """The strategies a page offers as a joint action (``raw``: their ids, "4,9"): in
    play, of this cluster, of two entities or more; None for anything else."""
    ids = [part for part in (raw or "").split(",") if part.strip()]
    if not 2 <= len(ids) <= 50 or not all(part.strip().isdigit() for part in ids):
        return None
    strategies = list(
        Strategy.objects.in_play()
        .filter(cluster=cluster, pk__in=[int(part) for part in ids])
        .select_related("membership__actor")
        .prefetch_related("sdg_targets")
        .order_by("membership__actor__name", "title", "pk")
    )
    if len(strategies) != len(set(ids)) or len({s.membership_id for s in strategies}) < 2:
        return None
    return strategies


def _check_incoherence(cluster: Cluster, score: Score) -> None:
    # Read again: the score may have been revised since the form was shown.
    current = Score.objects.filter(pk=score.pk).values_list(
        "strategy__cluster_id", "value", "strategy__status"
    )
    found = current.first()
    if found is None or found[0] != cluster.pk:
        raise DomainError(_("That incoherence is not one of this cluster's."))
    if found[2] == Strategy.Status.ENDED:
        raise DomainError(_("That strategy has ended: there is no incoherence left to resolve."))
    if found[1] >= 0:
        raise DomainError(
            _("That score is no longer negative: there is no incoherence left to resolve.")
        )


@transaction.atomic
def proposal_create(
    *,
    membership: Membership,
    by: User,
    rights_issues: Iterable[RightsIssue] = (),
    objectives: Iterable[Objective] = (),
    resolves: Score | None = None,
    **fields: Any,
) -> Proposal:
    """A draft of the entity's, with the rights issues and objectives it serves, and the
    incoherence it resolves if it was opened from one."""
    if not membership.takes_positions:
        raise DomainError(_("Only lead and member entities make proposals."))
    if resolves is not None:
        _check_incoherence(membership.cluster, resolves)
    proposal = Proposal.objects.create(
        cluster=membership.cluster,
        proposer=membership,
        created_by=by,
        resolves=resolves,
        **fields,
    )
    proposal.rights_issues.set(rights_issues)
    proposal.objectives.set(objectives)
    audit(
        cluster=membership.cluster,
        by=by,
        action=AuditEntry.Action.PROPOSAL_CREATED,
        target=proposal,
    )
    return proposal


@transaction.atomic
def proposal_update(*, proposal: Proposal, by: User, **values: Any) -> Proposal:
    """Change a draft: any of PROPOSAL_FIELDS, the rights issues and objectives as the
    rows to link. Records each changed value, before and after; saved unchanged, it
    writes nothing and records nothing."""
    unknown = sorted(set(values) - set(PROPOSAL_FIELDS))
    if unknown:
        raise TypeError(f"proposal_update() does not change {', '.join(unknown)}")
    proposal = _locked(proposal)
    if not proposal.can_edit:
        raise DomainError(_("Only a draft can be changed."))
    changes = set_values(proposal, values)
    if changes:
        audit(
            cluster=proposal.cluster,
            by=by,
            action=AuditEntry.Action.PROPOSAL_CHANGED,
            target=proposal,
            changes=changes,
        )
    return proposal


@transaction.atomic
def proposal_submit(*, proposal: Proposal, by: User) -> Proposal:
    proposal = _locked(proposal)
    if not proposal.can_submit:
        raise DomainError(_("Only a draft can be submitted."))
    proposal.status = Proposal.Status.SUBMITTED
    proposal.save(update_fields=["status"])
    audit(
        cluster=proposal.cluster,
        by=by,
        action=AuditEntry.Action.PROPOSAL_SUBMITTED,
        target=proposal,
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, by: User) -> Proposal:
    """Its entity takes it back before the decision; positions taken stay on record, and
    nobody is reminded of it any more."""
    proposal = _locked(proposal)
    if not proposal.can_withdraw:
        raise DomainError(_("A decided proposal cannot be withdrawn."))
    previous = proposal.status
    proposal.status = Proposal.Status.WITHDRAWN
    proposal.save(update_fields=["status"])
    audit(
        cluster=proposal.cluster,
        by=by,
        action=AuditEntry.Action.PROPOSAL_WITHDRAWN,
        target=proposal,
        changes={"status": [previous, proposal.status]},
    )
    return proposal


@transaction.atomic
def proposal_open(*, proposal: Proposal, by: User, closes_at: datetime) -> Proposal:
    proposal = _locked(proposal)
    if not proposal.can_open:
        raise DomainError(_("Only a submitted proposal can be opened for positions."))
    if closes_at <= timezone.now():
        raise DomainError(_("The closing date must be in the future."))
    issue = proposal.rights_issue_to_validate
    if issue is not None and (problems := validation_problems(issue)):
        raise DomainError(
            " ".join([_("The rights issue cannot be put to a decision yet."), *problems])
        )
    proposal.status = Proposal.Status.OPEN
    proposal.opens_at = timezone.now()
    proposal.closes_at = closes_at
    proposal.save(update_fields=["status", "opens_at", "closes_at"])
    audit(
        cluster=proposal.cluster,
        by=by,
        action=AuditEntry.Action.PROPOSAL_OPENED,
        target=proposal,
        closes_at=closes_at,
    )
    enqueue_on_commit(notifications.notify_proposal_opened, proposal.pk)
    return proposal


@transaction.atomic
def proposal_send_back(*, proposal: Proposal, by: User, reason: str) -> Proposal:
    proposal = _locked(proposal)
    if not proposal.can_send_back:
        raise DomainError(_("Only a submitted proposal can be sent back."))
    if not reason.strip():
        raise DomainError(_("Say why the proposal is sent back."))
    proposal.status = Proposal.Status.DRAFT
    proposal.sent_back_reason = reason.strip()
    proposal.save(update_fields=["status", "sent_back_reason"])
    audit(
        cluster=proposal.cluster,
        by=by,
        action=AuditEntry.Action.PROPOSAL_SENT_BACK,
        target=proposal,
        reason=proposal.sent_back_reason,
    )
    return proposal


def stance_take(
    *, proposal: Proposal, membership: Membership, by: User, position: str, reason: str = ""
) -> Stance:
    """Take or change an entity's position. Two representatives saving at once leave
    exactly one current stance: the unique constraint decides, and the loser updates."""
    try:
        return _stance_take(proposal, membership, by, position, reason)
    except IntegrityError:
        # The other request created the row first: this one becomes a change of it.
        return _stance_take(proposal, membership, by, position, reason)


@transaction.atomic
def _stance_take(
    proposal: Proposal, membership: Membership, by: User, position: str, reason: str
) -> Stance:
    proposal = _locked_open(proposal)
    if membership.cluster_id != proposal.cluster_id or not membership.takes_positions:
        raise DomainError(_("Only the cluster's lead and member entities take positions."))
    if position not in Position.values:
        raise DomainError(_("Choose a valid position."))
    reason = reason.strip()
    if position in REASON_REQUIRED and not reason:
        raise DomainError(_("Say why: a disagreement or a block needs its reason."))
    stance, created = Stance.objects.select_for_update().get_or_create(
        proposal=proposal,
        membership=membership,
        round=proposal.round,
        defaults={"position": position, "reason": reason, "by": by},
    )
    if not created:
        stance.position, stance.reason, stance.by = position, reason, by
        stance.save(update_fields=["position", "reason", "by", "updated_at"])
    StanceChange.objects.create(stance=stance, position=position, reason=reason, by=by)
    audit(
        cluster=proposal.cluster,
        by=by,
        action=AuditEntry.Action.STANCE_TAKEN,
        target=proposal,
        entity=membership.actor.name,
        position=position,
    )
    return stance


def _locked_open(proposal: Proposal) -> Proposal:
    proposal = _locked(proposal)
    if not proposal.can_take_stance:
        raise DomainError(_("This proposal is not open for positions."))
    if proposal.closing_passed:
        raise DomainError(_("The time for positions on this proposal is over."))
    return proposal


def tally_for(proposal: Proposal) -> Tally:
    counts = {position: 0 for position in Position.values}
    for position in proposal.stances.filter(
        round=proposal.round, membership__status=Membership.Status.ACTIVE
    ).values_list("position", flat=True):
        counts[position] += 1
    eligible = proposal.cluster.memberships.voting().count()
    return Tally(eligible=eligible, **counts)


def rule_for(proposal: Proposal) -> Rule:
    return cluster_rule(proposal.cluster)


def cluster_rule(cluster: Cluster) -> Rule:
    """The cluster's decision rule as it stands now."""
    return Rule(
        RuleKind(cluster.decision_rule),
        quorum=cluster.quorum,
        threshold=cluster.consensus_threshold,
        majority=cluster.qualified_majority,
    )


def _decidable(proposal: Proposal, review_date: date | None) -> None:
    if not proposal.can_decide:
        raise DomainError(_("This proposal is not open: it has already been decided or withdrawn."))
    if review_date is not None and review_date < timezone.localdate():
        raise DomainError(_("The review date cannot be before the decision."))


def _outcome(proposal: Proposal, **fields: object) -> Decision:
    rule = rule_for(proposal)
    tally = tally_for(proposal)
    outcome = decide(rule, tally, second_round=proposal.round > 1)
    return Decision.of(proposal, rule, tally, outcome, **fields)


def decision_preview(
    *, proposal: Proposal, minutes: str = "", review_date: date | None = None
) -> Decision:
    """The decision that proposal_decide would record now, not saved: what the coordinator
    confirms. Refused like the decision itself."""
    _decidable(proposal, review_date)
    return _outcome(proposal, minutes=minutes, review_date=review_date)


@transaction.atomic
def proposal_decide(
    *,
    proposal: Proposal,
    by: User | None,
    minutes: str = "",
    review_date: date | None = None,
    expected: str = "",
) -> Decision:
    """Close the current round: record the decision and apply it when adopted.

    ``expected`` is the tally the coordinator confirmed (Decision.tally_key): when the
    positions moved since, nothing is recorded and they look again."""
    proposal = _locked(proposal)
    _decidable(proposal, review_date)
    decision = _outcome(proposal, minutes=minutes, review_date=review_date, decided_by=by)
    if expected and expected != decision.tally_key:
        raise DomainError(
            _(
                "The positions changed after you saw the outcome: nothing was recorded. "
                "Look at the outcome again before you confirm it."
            )
        )
    decision.save()
    tally = decision.tally
    proposal.status = Proposal.Status.DECIDED
    proposal.save(update_fields=["status"])
    applied = _apply(proposal, decision, by) if decision.is_adopted else []
    # One entry for the decision and what it carried out: the objectives it adopted or the
    # issue it validated, or (None) what could not be carried out.
    audit(
        cluster=proposal.cluster,
        by=by,
        action=AuditEntry.Action.DECISION_RECORDED,
        target=proposal,
        round=decision.round,
        outcome=decision.outcome,
        tally=[tally.agree, tally.abstain, tally.disagree, tally.block, tally.eligible],
        **({"applied": applied} if applied else {}),
        **({"not_applied": proposal.subject} if applied is None else {}),
    )
    enqueue_on_commit(notifications.notify_proposal_decided, decision.pk)
    return decision


def _apply(proposal: Proposal, decision: Decision, by: User | None) -> list[str] | None:
    """Carry out what an adopted proposal asked the cluster to decide: the names of what
    changed (the objectives adopted, the issue validated), or None when it could not be.

    The decision stands whatever happens here: if the issue changed since it was opened
    (validated meanwhile, say), nothing is applied."""
    try:
        with transaction.atomic():
            if proposal.subject == Proposal.Subject.VALIDATE_RIGHTS_ISSUE:
                issue = rights_issue_validate(
                    issue=proposal.rights_issue_to_validate, by=by, decision=decision
                )
                return [issue.label]
            if proposal.subject == Proposal.Subject.ADOPT_OBJECTIVES:
                adopted = objectives_adopt(objectives=proposal.objectives.all())
                return [objective.code for objective in adopted]
    except DomainError:
        return None
    return []


@transaction.atomic
def proposal_second_round(*, proposal: Proposal, by: User, closes_at: datetime) -> Proposal:
    """After a block under "consensus, then qualified majority", reopen for a vote."""
    proposal = _locked(proposal)
    if not proposal.can_second_round:
        raise DomainError(
            _("A second round is only possible after a block under consensus then majority.")
        )
    if closes_at <= timezone.now():
        raise DomainError(_("The closing date must be in the future."))
    proposal.round += 1
    proposal.status = Proposal.Status.OPEN
    proposal.closes_at = closes_at
    proposal.save(update_fields=["round", "status", "closes_at"])
    audit(
        cluster=proposal.cluster,
        by=by,
        action=AuditEntry.Action.PROPOSAL_SECOND_ROUND,
        target=proposal,
        round=proposal.round,
        closes_at=closes_at,
    )
    enqueue_on_commit(notifications.notify_proposal_opened, proposal.pk)
    return proposal


def proposals_close_due(now: datetime | None = None) -> int:
    """Decide every open proposal whose closing time has passed (run by Celery beat)."""
    now = now or timezone.now()
    closed = 0
    for proposal in Proposal.objects.open().filter(closes_at__lte=now):
        try:
            proposal_decide(
                proposal=proposal, by=None, minutes=_("Closed automatically at its closing date.")
            )
        except DomainError:
            continue  # decided meanwhile by the coordinator
        closed += 1
    return closed


@transaction.atomic
def comment_add(
    *,
    proposal: Proposal,
    by: User,
    membership: Membership | None,
    body: str,
    parent: Comment | None = None,
) -> Comment:
    proposal = _locked(proposal)
    if not proposal.can_comment:
        raise DomainError(_("Comments are taken while the proposal is open."))
    body = body.strip()
    if not body:
        raise DomainError(_("Write the comment first."))
    if parent is not None:
        if parent.proposal_id != proposal.pk:
            raise DomainError(_("That comment is not on this proposal."))
        # One level of replies: answering a reply answers its thread.
        parent = parent.parent or parent
    comment = Comment.objects.create(
        proposal=proposal, parent=parent, membership=membership, author=by, body=body
    )
    audit(
        cluster=proposal.cluster,
        by=by,
        action=AuditEntry.Action.COMMENT_ADDED,
        target=proposal,
        comment=comment.pk,
        **({"reply_to": parent.pk} if parent else {}),
    )
    enqueue_on_commit(notifications.email_comment_added, comment.pk)
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, by: User, body: str) -> Comment:
    comment = Comment.objects.select_for_update().select_related("proposal").get(pk=comment.pk)
    if comment.author_id != by.pk:
        raise DomainError(_("Only its author can edit a comment."))
    if not comment.proposal.can_comment:
        raise DomainError(_("Comments are taken while the proposal is open."))
    body = body.strip()
    if not body:
        raise DomainError(_("Write the comment first."))
    if body == comment.body:
        return comment  # saved unchanged: nothing to keep, nothing to record
    CommentRevision.objects.create(comment=comment, body=comment.body)
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    audit(
        cluster=comment.proposal.cluster,
        by=by,
        action=AuditEntry.Action.COMMENT_EDITED,
        target=comment.proposal,
        comment=comment.pk,
    )
    return comment
