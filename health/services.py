"""Survey rounds, answers and the action plan: every write of the health part.

Like planning's services, each runs in one transaction, writes one entry in the cluster's
audit log and raises DomainError with a message for the person when it is not allowed;
the forms check the same rules first, these hold whatever calls them. The log says who
answered, never what: the answers of an entity are not the coordinator's to read.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clusters.audit import audit, changed, snapshot
from clusters.models import AuditEntry, Cluster, Membership
from core.errors import DomainError
from health.models import (
    MAX_COMMENT,
    Answer,
    PlanAction,
    Question,
    Response,
    ResponseRevision,
    SurveyRound,
)
from health.questionnaire import STANDARD
from health.results import round_results
from health.scales import SCALE_CHOICES, Effect, Function, Scale
from indicators.models import ReportingPeriod

# What one answer is: (value on the question's scale, optional comment).
Answers = Mapping[int, tuple[int, str]]


def _check_dates(opens_at: datetime, closes_at: datetime) -> None:
    if closes_at <= opens_at:
        raise DomainError(_("A round closes after it opens."))
    if closes_at <= timezone.now():
        raise DomainError(_("Choose a closing date in the future."))


@transaction.atomic
def round_create(
    *,
    cluster: Cluster,
    by: User,
    cadence: str,
    opens_at: datetime,
    closes_at: datetime,
    year: int | None = None,
    period: ReportingPeriod | None = None,
) -> SurveyRound:
    """A round being prepared, with the platform's standard questionnaire."""
    _check_dates(opens_at, closes_at)
    if cadence == SurveyRound.Cadence.YEARLY:
        if year is None:
            raise DomainError(_("Say which year the round looks back on."))
        period = None
    elif cadence == SurveyRound.Cadence.PERIOD:
        if period is None or period.cluster_id != cluster.pk:
            raise DomainError(_("Choose one of this cluster's reporting periods."))
        year = None
    else:
        raise DomainError(_("Choose what the round looks back on."))
    duplicate = cluster.survey_rounds.filter(year=year) if year else None
    if period is not None:
        duplicate = cluster.survey_rounds.filter(period=period)
    if duplicate is not None and duplicate.exists():
        raise DomainError(_("This cluster already has a round for that time."))
    round = SurveyRound.objects.create(
        cluster=cluster,
        cadence=cadence,
        year=year,
        period=period,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=by,
    )
    Question.objects.bulk_create(
        Question(
            round=round,
            audience=standard.audience,
            effect=standard.effect,
            function=standard.function,
            scale=standard.scale,
            code=standard.code,
            order=index,
        )
        for index, standard in enumerate(STANDARD)
    )
    audit(cluster=cluster, by=by, action=AuditEntry.Action.SURVEY_ROUND_CREATED, target=round)
    return round


def _locked(round: SurveyRound) -> SurveyRound:
    return SurveyRound.objects.select_for_update().select_related("cluster").get(pk=round.pk)


@transaction.atomic
def round_reschedule(
    *, round: SurveyRound, by: User, opens_at: datetime, closes_at: datetime
) -> SurveyRound:
    """New dates for a round not closed yet (an open round keeps its opening date)."""
    round = _locked(round)
    if round.is_closed:
        raise DomainError(_("This round is closed."))
    if round.is_open:
        opens_at = round.opens_at
    _check_dates(opens_at, closes_at)
    if (opens_at, closes_at) == (round.opens_at, round.closes_at):
        # The same instants, whatever time zone they were written in: nothing to log.
        return round
    before = snapshot(round, ["opens_at", "closes_at"])
    round.opens_at, round.closes_at = opens_at, closes_at
    changes = changed(before, snapshot(round, ["opens_at", "closes_at"]))
    if not changes:
        return round
    # Moved later, the "3 days left" reminder is due again.
    round.reminded_at = None
    round.save(update_fields=["opens_at", "closes_at", "reminded_at"])
    audit(
        cluster=round.cluster,
        by=by,
        action=AuditEntry.Action.SURVEY_ROUND_CHANGED,
        target=round,
        changes=changes,
    )
    return round


@transaction.atomic
def question_add(
    *,
    round: SurveyRound,
    by: User,
    audience: str,
    scale: str,
    effect: str = "",
    function: str = "",
    text_ca: str = "",
    text_es: str = "",
    text_en: str = "",
) -> Question:
    """One of the cluster's own questions, while the round is being prepared."""
    round = _locked(round)
    if not round.is_draft:
        raise DomainError(_("Questions are added before the round opens."))
    texts = {"text_ca": text_ca.strip(), "text_es": text_es.strip(), "text_en": text_en.strip()}
    if not any(texts.values()):
        raise DomainError(_("Write the question in at least one language."))
    if any(len(text) > 300 for text in texts.values()):
        raise DomainError(_("A question has at most 300 characters."))
    if audience not in Question.Audience.values or scale not in Scale.values:
        raise DomainError(_("Choose who answers the question and its scale."))
    if (
        bool(effect) == bool(function)
        or (effect and effect not in Effect.values)
        or (function and function not in Function.values)
    ):
        raise DomainError(_("Choose one effect or one core function that the question scores."))
    last = round.questions.order_by("-order").values_list("order", flat=True).first() or 0
    question = Question.objects.create(
        round=round,
        audience=audience,
        scale=scale,
        effect=effect,
        function=function,
        order=last + 1,
        **texts,
    )
    audit(
        cluster=round.cluster,
        by=by,
        action=AuditEntry.Action.SURVEY_QUESTION_ADDED,
        target=round,
        title=question.text,
    )
    return question


@transaction.atomic
def question_remove(*, question: Question, by: User) -> None:
    round = _locked(question.round)
    if not round.is_draft:
        raise DomainError(_("Questions are removed before the round opens."))
    if question.is_standard:
        raise DomainError(_("The standard questions stay: they make rounds comparable."))
    title = question.text
    question.delete()
    audit(
        cluster=round.cluster,
        by=by,
        action=AuditEntry.Action.SURVEY_QUESTION_REMOVED,
        target=round,
        title=title,
    )


@transaction.atomic
def round_open(*, round: SurveyRound, by: User) -> SurveyRound:
    round = _locked(round)
    if not round.is_draft:
        raise DomainError(_("This round is already open or closed."))
    if round.closes_at <= timezone.now():
        raise DomainError(_("Its closing date has passed: choose a new one before opening it."))
    round.status = SurveyRound.Status.OPEN
    round.save(update_fields=["status"])
    audit(
        cluster=round.cluster,
        by=by,
        action=AuditEntry.Action.SURVEY_ROUND_OPENED,
        target=round,
        closes_at=round.closes_at,
    )
    return round


def rounds_close_due(now: datetime | None = None) -> int:
    """Periodic: close the open rounds whose closing date has passed. Each is claimed by
    a conditional update, so two runs never close one twice."""
    now = now or timezone.now()
    closed = 0
    due = SurveyRound.objects.filter(status=SurveyRound.Status.OPEN, closes_at__lte=now)
    for round in due.select_related("cluster"):
        with transaction.atomic():
            claimed = SurveyRound.objects.filter(
                pk=round.pk, status=SurveyRound.Status.OPEN
            ).update(status=SurveyRound.Status.CLOSED, closed_at=now)
            if not claimed:
                continue
            audit(
                cluster=round.cluster,
                by=None,
                action=AuditEntry.Action.SURVEY_ROUND_CLOSED,
                target=round,
            )
            closed += 1
    return closed


def _check_answers(questions: list[Question], answers: Answers) -> dict[int, tuple[int, str]]:
    by_pk = {question.pk: question for question in questions}
    if set(answers) - set(by_pk):
        raise DomainError(_("Answer the questions of this round only."))
    if set(by_pk) - set(answers):
        raise DomainError(_("Answer every question (“Don't know” is an answer)."))
    cleaned = {}
    for pk, (value, comment) in answers.items():
        allowed = {choice for choice, _label in SCALE_CHOICES[Scale(by_pk[pk].scale)]}
        if value not in allowed:
            raise DomainError(_("Choose one of the answers of the scale."))
        comment = (comment or "").strip()
        if len(comment) > MAX_COMMENT:
            raise DomainError(
                _("A comment has at most %(count)s characters.") % {"count": MAX_COMMENT}
            )
        cleaned[pk] = (value, comment)
    return cleaned


def response_save(
    *, round: SurveyRound, by: User, membership: Membership | None, answers: Answers
) -> Response:
    """An entity's answers to a round (``membership``), or the coordinator's (None). A
    second answer for the same entity replaces the first: one row, the one before kept.
    Two representatives saving at once: the constraint decides, the loser replaces."""
    try:
        return _response_save(round, by, membership, answers)
    except IntegrityError:
        return _response_save(round, by, membership, answers)


@transaction.atomic
def _response_save(
    round: SurveyRound, by: User, membership: Membership | None, answers: Answers
) -> Response:
    round = _locked(round)
    if not round.takes_answers():
        raise DomainError(_("This round is not taking answers."))
    if membership is not None and (
        membership.cluster_id != round.cluster_id or not membership.takes_positions
    ):
        raise DomainError(_("Only the cluster's lead and member entities answer the survey."))
    audience = Question.Audience.COORDINATOR if membership is None else Question.Audience.PARTNERS
    questions = list(round.questions.filter(audience=audience))
    cleaned = _check_answers(questions, answers)
    response, created = Response.objects.select_for_update().get_or_create(
        round=round, membership=membership, defaults={"answered_by": by}
    )
    if not created:
        current = {
            question_id: (value, comment)
            for question_id, value, comment in response.answers.values_list(
                "question_id", "value", "comment"
            )
        }
        if current == cleaned:
            # Saved again unchanged: nothing to keep, nothing to log.
            return response
        _keep_revision(response)
        response.answered_by = by
        response.save(update_fields=["answered_by", "updated_at"])
        response.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(response=response, question_id=pk, value=value, comment=comment)
        for pk, (value, comment) in cleaned.items()
    )
    audit(
        cluster=round.cluster,
        by=by,
        action=AuditEntry.Action.SURVEY_ANSWERED,
        target=round,
        entity=membership.actor.name if membership else _("Coordinator"),
    )
    return response


def _keep_revision(response: Response) -> None:
    ResponseRevision.objects.create(
        response=response,
        answers={
            str(question_id): [value, comment]
            for question_id, value, comment in response.answers.values_list(
                "question_id", "value", "comment"
            )
        },
        answered_by=response.answered_by,
        answered_at=response.updated_at,
    )


PLAN_FIELDS = ("what", "lead", "due", "status", "note")


def _check_plan(round: SurveyRound, lead: Membership, what: str, lead_changed: bool = True) -> None:
    # An entity that has left may stay the lead of an action it already led.
    if lead.cluster_id != round.cluster_id or (lead_changed and not lead.takes_positions):
        raise DomainError(_("The lead must be an active member entity of this cluster."))
    if not what.strip():
        raise DomainError(_("Say what is done."))


@transaction.atomic
def plan_action_add(
    *, round: SurveyRound, by: User, effect: str, what: str, lead: Membership, due: date
) -> PlanAction:
    """An action for an effect that came out weak or unsatisfactory in a closed round."""
    round = _locked(round)
    if not round.is_closed:
        raise DomainError(_("The action plan follows the results: wait until the round closes."))
    weak = {line.key for line in round_results(round).effects_needing_action}
    if effect not in weak:
        raise DomainError(_("Choose an effect that came out weak or unsatisfactory."))
    _check_plan(round, lead, what)
    action = PlanAction.objects.create(
        round=round, effect=effect, what=what.strip(), lead=lead, due=due, created_by=by
    )
    audit(cluster=round.cluster, by=by, action=AuditEntry.Action.HEALTH_ACTION_ADDED, target=action)
    return action


@transaction.atomic
def plan_action_update(*, action: PlanAction, by: User, **fields: object) -> PlanAction:
    """Follow an action up: its state, a note on how it goes, a new date or lead."""
    action = (
        PlanAction.objects.select_for_update().select_related("round__cluster").get(pk=action.pk)
    )
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Not fields of a plan action: {sorted(unknown)}")
    if fields.get("status", action.status) not in PlanAction.Status.values:
        raise DomainError(_("Choose a valid state."))
    before = snapshot(action, PLAN_FIELDS)
    for name, value in fields.items():
        setattr(action, name, value.strip() if isinstance(value, str) else value)
    _check_plan(action.round, action.lead, action.what, "lead" in fields)
    changes = changed(before, snapshot(action, PLAN_FIELDS))
    if not changes:
        return action
    action.save()
    audit(
        cluster=action.round.cluster,
        by=by,
        action=AuditEntry.Action.HEALTH_ACTION_CHANGED,
        target=action,
        changes=changes,
    )
    return action
