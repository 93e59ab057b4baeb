"""What a round's results are, read from its answers: the scores (health.scoring), the
comparison with the round before, and the action plan that round left. The same reads
serve the pages and the reports, in a fixed number of queries.

Anonymity is kept here, not in templates: results never carry which entity answered
what, and a questionnaire's scores are withheld below health.scoring.MIN_RESPONSES.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from clusters.models import Cluster
from health.models import Answer, PlanAction, Question, SurveyRound
from health.scales import Effect, Function
from health.scoring import (
    BAND_LABELS,
    BAND_TONES,
    NEEDS_ACTION,
    QuestionKey,
    Scores,
    Trending,
    band,
    scores,
    trend,
)


class Banded:
    """The band of a score in words and as a badge's tone, for pages and PDFs."""

    band: str | None

    @property
    def band_label(self) -> str:
        return str(BAND_LABELS[self.band]) if self.band else ""

    @property
    def tone(self) -> str:
        return BAND_TONES[self.band] if self.band else "neutral"


# The last rounds the chart compares (the renderer paints at most four series apart).
CHART_ROUNDS = 4


@dataclass(frozen=True)
class Line(Banded, Trending):
    """One effect or function of a result: its score, its band, and how it moved."""

    key: str
    label: str
    score: float | None
    band: str | None
    previous: float | None = None
    trend: str | None = None
    coordinator: float | None = None

    @property
    def needs_action(self) -> bool:
        return self.band in NEEDS_ACTION


@dataclass(frozen=True)
class QuestionResult(Banded):
    question: Question
    score: float | None
    band: str | None
    # The comments given, without their entity, in an order that says nothing of who.
    comments: list[str]


@dataclass
class RoundResults:
    round: SurveyRound
    partners: Scores
    coordinator: Scores
    # Active lead and member entities that could answer.
    eligible: int
    effects: list[Line] = field(default_factory=list)
    functions: list[Line] = field(default_factory=list)
    questions: list[QuestionResult] = field(default_factory=list)
    previous_round: SurveyRound | None = None
    # The plan the round before left: what was done about its weak effects.
    previous_plan: list[PlanAction] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.partners.shown

    @property
    def answered(self) -> int:
        return self.partners.responses

    @property
    def effects_needing_action(self) -> list[Line]:
        return [line for line in self.effects if line.needs_action]


def _keys(questions: Sequence[Question]) -> list[QuestionKey]:
    return [QuestionKey(q.pk, q.effect, q.function) for q in questions]


def _answers_by_round(round_ids: Sequence[int]) -> dict[int, dict[str, dict]]:
    """{round: {audience: {"values": {question: [values]}, "responses": n}}}: one query."""
    result: dict[int, dict[str, dict]] = defaultdict(
        lambda: defaultdict(lambda: {"values": defaultdict(list), "responses": set()})
    )
    rows = Answer.objects.filter(response__round_id__in=round_ids).values_list(
        "response__round_id", "question__audience", "question_id", "response_id", "value"
    )
    for round_id, audience, question_id, response_id, value in rows:
        bucket = result[round_id][audience]
        bucket["values"][question_id].append(value)
        bucket["responses"].add(response_id)
    return result


def _scores_of(questions: Sequence[Question], answers: dict[str, dict]) -> tuple[Scores, Scores]:
    partner_qs = [q for q in questions if q.audience == Question.Audience.PARTNERS]
    coordinator_qs = [q for q in questions if q.audience == Question.Audience.COORDINATOR]
    partners = answers.get(Question.Audience.PARTNERS, {"values": {}, "responses": set()})
    coordinator = answers.get(Question.Audience.COORDINATOR, {"values": {}, "responses": set()})
    return (
        scores(_keys(partner_qs), partners["values"], len(partners["responses"])),
        scores(_keys(coordinator_qs), coordinator["values"], len(coordinator["responses"]), 1),
    )


def _lines(
    choices: Sequence[tuple[str, object]],
    partners: Scores,
    coordinator: Scores,
    previous: Scores | None,
    attr: str,
) -> list[Line]:
    lines = []
    for key, label in choices:
        score = getattr(partners, attr).get(key)
        before = getattr(previous, attr).get(key) if previous else None
        lines.append(
            Line(
                key=key,
                label=str(label),
                score=score,
                band=band(score),
                previous=before,
                trend=trend(score, before),
                coordinator=getattr(coordinator, attr).get(key),
            )
        )
    return lines


def _comments(round: SurveyRound) -> dict[int, list[str]]:
    """Comments by question, sorted by their text: neither the entity nor the order in
    which entities answered can be read from them."""
    comments: dict[int, list[str]] = defaultdict(list)
    rows = (
        Answer.objects.filter(response__round=round, question__audience=Question.Audience.PARTNERS)
        .exclude(comment="")
        .values_list("question_id", "comment")
        .order_by("question_id", "comment")
    )
    for question_id, comment in rows:
        comments[question_id].append(comment)
    return comments


def round_results(round: SurveyRound) -> RoundResults:
    """The results of one round, compared with the closed round before it (7 queries:
    questions of both rounds, the previous round, answers of both, comments, the plan,
    the eligible count)."""
    cluster = round.cluster
    previous = (
        cluster.survey_rounds.closed()
        .filter(opens_at__lt=round.opens_at)
        .order_by("-opens_at")
        .first()
    )
    round_ids = [round.pk] + ([previous.pk] if previous else [])
    questions_by_round: dict[int, list[Question]] = defaultdict(list)
    for question in Question.objects.filter(round_id__in=round_ids):
        questions_by_round[question.round_id].append(question)
    answers = _answers_by_round(round_ids)
    partners, coordinator = _scores_of(questions_by_round[round.pk], answers[round.pk])
    before = (
        _scores_of(questions_by_round[previous.pk], answers[previous.pk])[0] if previous else None
    )
    if before is not None and not before.shown:
        before = None
    results = RoundResults(
        round=round,
        partners=partners,
        coordinator=coordinator,
        eligible=cluster.memberships.voting().count(),
        previous_round=previous,
    )
    if previous:
        results.previous_plan = list(
            previous.plan.select_related("lead__actor").order_by("due", "pk")
        )
    if not partners.shown:
        return results
    results.effects = _lines(Effect.choices, partners, coordinator, before, "effects")
    results.functions = _lines(Function.choices, partners, coordinator, before, "functions")
    comments = _comments(round)
    results.questions = [
        QuestionResult(
            q,
            partners.questions.get(q.pk),
            band(partners.questions.get(q.pk)),
            comments.get(q.pk, []),
        )
        for q in questions_by_round[round.pk]
        if q.audience == Question.Audience.PARTNERS
    ]
    return results


@dataclass(frozen=True)
class EffectSeries:
    """The effects' scores over the last closed rounds with results, oldest first."""

    rounds: list[SurveyRound]
    # {effect: [score per round]}
    scores: dict[str, list[float | None]]


def effects_over_rounds(cluster: Cluster, limit: int = CHART_ROUNDS) -> EffectSeries:
    """Three queries: the rounds, their questions, their answers."""
    rounds = list(cluster.survey_rounds.closed().order_by("-opens_at")[: limit * 2])
    questions_by_round: dict[int, list[Question]] = defaultdict(list)
    for question in Question.objects.filter(round__in=rounds):
        questions_by_round[question.round_id].append(question)
    answers = _answers_by_round([r.pk for r in rounds])
    shown = []
    for round in rounds:
        partners = _scores_of(questions_by_round[round.pk], answers[round.pk])[0]
        if partners.shown:
            shown.append((round, partners))
    shown = list(reversed(shown[:limit]))
    return EffectSeries(
        rounds=[round for round, _ in shown],
        scores={effect: [p.effects.get(effect) for _, p in shown] for effect in Effect.values},
    )


def rounds_with_counts(cluster: Cluster) -> QuerySet[SurveyRound]:
    """The cluster's rounds, newest first, each with ``answered`` (entities' responses)."""
    return (
        cluster.survey_rounds.select_related("period")
        .annotate(answered=Count("responses", filter=Q(responses__membership__isnull=False)))
        .order_by("-opens_at", "-pk")
    )
