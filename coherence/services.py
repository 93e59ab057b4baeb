"""Strategies, their scores and the questions on them: every write of the coherence part.

Each runs in one transaction, writes one entry in the cluster's audit log and raises
DomainError with a message for the person when it is not allowed. Only a representative
of the strategy's own entity (a lead or member entity, acting for it) records, changes and
scores it; another lead or member entity may question a score; observers and institutions
write nothing here. The forms check the same rules first; these hold whatever calls them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clusters.audit import audit, changed, snapshot
from clusters.models import AuditEntry, Membership
from coherence import notifications
from coherence.models import MAX_REASON, Score, ScoreQuestion, ScoreRevision, Strategy
from coherence.scale import HIGHEST, LOWEST
from core.errors import DomainError
from core.tasks import enqueue_on_commit
from indicators.models import Objective
from rights.models import Right, SDGTarget

# What strategy_update changes (the document is replaced through the same call).
STRATEGY_FIELDS = (
    "title",
    "kind",
    "starts_on",
    "ends_on",
    "territory",
    "summary",
    "url",
    "status",
    "sdg_targets",
    "rights",
)


def _check_entity(membership: Membership | None) -> Membership:
    if membership is None or not membership.takes_positions:
        raise DomainError(_("Only representatives of a lead or member entity record strategies."))
    return membership


def _check_period(starts_on: date, ends_on: date | None, status: str) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_("A strategy ends after it starts."))
    # Without it, an ended strategy would count in the figure of every period to come.
    if status == Strategy.Status.ENDED and ends_on is None:
        raise DomainError(_("Say when the strategy ended."))


def _check_own(strategy: Strategy, membership: Membership | None) -> None:
    if membership is None or membership.pk != strategy.membership_id:
        raise DomainError(_("Only the entity whose strategy it is may change or score it."))


def _attach(strategy: Strategy, upload: Any, content_type: str) -> None:
    strategy.document = upload
    strategy.original_name = upload.name[:200]
    strategy.content_type = content_type
    strategy.size = upload.size


@transaction.atomic
def strategy_create(
    *,
    membership: Membership | None,
    by: User,
    sdg_targets: Iterable[SDGTarget] = (),
    rights: Iterable[Right] = (),
    upload: Any = None,
    content_type: str = "",
    **fields: Any,
) -> Strategy:
    """A strategy of the entity the person acts for, in that entity's cluster."""
    membership = _check_entity(membership)
    _check_period(
        fields["starts_on"], fields.get("ends_on"), fields.get("status", Strategy.Status.IN_FORCE)
    )
    strategy = Strategy(cluster=membership.cluster, membership=membership, created_by=by, **fields)
    if upload is not None:
        _attach(strategy, upload, content_type)
    strategy.save()
    strategy.sdg_targets.set(sdg_targets)
    strategy.rights.set(rights)
    audit(
        cluster=membership.cluster,
        by=by,
        action=AuditEntry.Action.STRATEGY_RECORDED,
        target=strategy,
    )
    return strategy


@transaction.atomic
def strategy_update(
    *,
    strategy: Strategy,
    membership: Membership | None,
    by: User,
    upload: Any = None,
    content_type: str = "",
    **values: Any,
) -> Strategy:
    """Change any of STRATEGY_FIELDS, or replace the document. Saved unchanged, it writes
    nothing and records nothing."""
    unknown = sorted(set(values) - set(STRATEGY_FIELDS))
    if unknown:
        raise TypeError(f"strategy_update() does not change {', '.join(unknown)}")
    strategy = Strategy.objects.select_for_update().select_related("cluster").get(pk=strategy.pk)
    _check_own(strategy, membership)
    _check_period(
        values.get("starts_on", strategy.starts_on),
        values.get("ends_on", strategy.ends_on),
        values.get("status", strategy.status),
    )
    before = snapshot(strategy, values)
    many = {name: values.pop(name) for name in ("sdg_targets", "rights") if name in values}
    for name, value in values.items():
        setattr(strategy, name, value)
    stored = strategy.document.name if upload is not None and strategy.document else ""
    replaced = strategy.original_name if stored else None
    if upload is not None:
        _attach(strategy, upload, content_type)
    strategy.save()
    for name, items in many.items():
        getattr(strategy, name).set(items)
    changes = changed(before, snapshot(strategy, before))
    if upload is not None:
        changes["document"] = [replaced, strategy.original_name]
    if changes:
        audit(
            cluster=strategy.cluster,
            by=by,
            action=AuditEntry.Action.STRATEGY_CHANGED,
            target=strategy,
            changes=changes,
        )
    if stored:
        storage = strategy.document.storage
        transaction.on_commit(lambda: storage.delete(stored))
    return strategy


def _check_score(value: int, reason: str) -> str:
    if not isinstance(value, int) or isinstance(value, bool) or not LOWEST <= value <= HIGHEST:
        raise DomainError(_("Choose a score on the scale, from −3 to +3."))
    reason = reason.strip()
    if value != 0 and not reason:
        raise DomainError(_("Say why: a score other than 0 needs a reason."))
    if len(reason) > MAX_REASON:
        raise DomainError(_("The reason is too long."))
    return reason


@transaction.atomic
def score_set(
    *,
    strategy: Strategy,
    objective: Objective,
    membership: Membership | None,
    by: User,
    value: int,
    reason: str = "",
) -> Score | None:
    """Score the strategy against one common objective of its cluster, or revise the
    score: a changed value or reason is a new revision, the one before is kept. The same
    score and reason again changes nothing (None is returned when nothing was ever
    scored and nothing is asked)."""
    strategy = Strategy.objects.select_for_update().select_related("cluster").get(pk=strategy.pk)
    _check_own(strategy, membership)
    if objective.cluster_id != strategy.cluster_id or not objective.is_adopted:
        raise DomainError(_("Choose one of this cluster's common objectives."))
    reason = _check_score(value, reason)
    score = Score.objects.filter(strategy=strategy, objective=objective).first()
    if score is not None and (score.value, score.reason) == (value, reason):
        return score
    now = timezone.now()
    if score is None:
        score = Score.objects.create(
            strategy=strategy,
            objective=objective,
            value=value,
            reason=reason,
            scored_by=by,
            scored_at=now,
        )
        changes = None
    else:
        changes = changed(
            {"value": score.value, "reason": score.reason}, {"value": value, "reason": reason}
        )
        score.value, score.reason, score.scored_by, score.scored_at = value, reason, by, now
        score.save(update_fields=["value", "reason", "scored_by", "scored_at"])
    ScoreRevision.objects.create(score=score, value=value, reason=reason, by=by, at=now)
    audit(
        cluster=strategy.cluster,
        by=by,
        action=AuditEntry.Action.COHERENCE_SCORED,
        target=score,
        changes=changes,
        **({} if changes else {"value": value}),
    )
    return score


@transaction.atomic
def score_question(
    *, score: Score, membership: Membership | None, by: User, comment: str
) -> ScoreQuestion:
    """Another lead or member entity asks the strategy's entity to reconsider a score."""
    score = Score.objects.select_for_update().select_related("strategy__cluster").get(pk=score.pk)
    if membership is None or not membership.takes_positions:
        raise DomainError(_("Only representatives of a lead or member entity question a score."))
    if membership.cluster_id != score.strategy.cluster_id:
        raise DomainError(_("Only representatives of a lead or member entity question a score."))
    if membership.pk == score.strategy.membership_id:
        raise DomainError(_("Your entity scored it: revise the score instead of questioning it."))
    comment = comment.strip()
    if not comment:
        raise DomainError(_("Say what you question about the score."))
    if len(comment) > MAX_REASON:
        raise DomainError(_("The comment is too long."))
    question = ScoreQuestion.objects.create(
        score=score,
        membership=membership,
        comment=comment,
        value_questioned=score.value,
        by=by,
        at=timezone.now(),
    )
    audit(
        cluster=score.strategy.cluster,
        by=by,
        action=AuditEntry.Action.SCORE_QUESTIONED,
        target=score,
        entity=membership.actor.name,
    )
    enqueue_on_commit(notifications.email_score_questioned, question.pk)
    return question
