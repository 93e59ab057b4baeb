"""The survey's scores as the CCPM (Cluster Coordination Performance Monitoring) computes
them, as pure functions: the pages, the dossier and the tests call the same ones.

Per question, the median of the answers ("Don't know" left out) over the scale's top
answer, as a percentage: with four answers a median of "Very regularly" is 100 %, "Fairly
often" 75 %, "Rarely" 50 %, "Never" 25 %, so each answer falls in the band of its name.
Per effect and per function, the mean of its questions that have a score. Results are
shown only when at least MIN_RESPONSES entities answered: with fewer, a score could tell
who answered what.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from health.scales import DONT_KNOW, TOP

MIN_RESPONSES = 3

STRONG, SATISFACTORY, UNSATISFACTORY, WEAK = "strong", "satisfactory", "unsatisfactory", "weak"
BANDS = (STRONG, SATISFACTORY, UNSATISFACTORY, WEAK)
BAND_LABELS = {
    STRONG: _("Strong"),
    SATISFACTORY: _("Satisfactory"),
    UNSATISFACTORY: _("Unsatisfactory"),
    WEAK: _("Weak"),
}
# The badge each band wears (static/css/app.css): its word is always written beside.
BAND_TONES = {STRONG: "ok", SATISFACTORY: "", UNSATISFACTORY: "warn", WEAK: "danger"}
# The bands an action plan answers.
NEEDS_ACTION = frozenset({UNSATISFACTORY, WEAK})

UP, DOWN, EQUAL = "up", "down", "equal"
TREND_LABELS = {UP: _("Up"), DOWN: _("Down"), EQUAL: _("Equal")}
TREND_ARROWS = {UP: "↑", DOWN: "↓", EQUAL: "="}


class Trending:
    """A trend (UP, DOWN, EQUAL or None) in words and as an arrow, for pages and PDFs."""

    trend: str | None

    @property
    def trend_label(self) -> str:
        return str(TREND_LABELS[self.trend]) if self.trend else ""

    @property
    def trend_arrow(self) -> str:
        return TREND_ARROWS[self.trend] if self.trend else ""


def question_score(values: Iterable[int]) -> float | None:
    """The median answer as a percentage of the top one; None when nobody knew."""
    known = [value for value in values if value != DONT_KNOW]
    if not known:
        return None
    return statistics.median(known) / TOP * 100


def mean_score(scores: Iterable[float | None]) -> float | None:
    """The mean of the scores there are; None when there is none."""
    known = [score for score in scores if score is not None]
    return sum(known) / len(known) if known else None


def band(score: float | None) -> str | None:
    """Strong above 75 %, Satisfactory 51-75 %, Unsatisfactory 26-50 %, Weak 25 % or less."""
    if score is None:
        return None
    if score > 75:
        return STRONG
    if score > 50:
        return SATISFACTORY
    if score > 25:
        return UNSATISFACTORY
    return WEAK


def whole(score: float) -> int:
    """A score in whole percentage points, rounded half up as the pages and PDFs write it
    (Django's floatformat), not to the even neighbour as Python's round()."""
    return int(Decimal(str(score)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def trend(current: float | None, previous: float | None) -> str | None:
    """Up, down or equal, as the pages write them: by whole percentage points."""
    if current is None or previous is None:
        return None
    now, before = whole(current), whole(previous)
    return UP if now > before else DOWN if now < before else EQUAL


@dataclass(frozen=True)
class QuestionKey:
    """What the scoring needs of a question: which effect or function it scores."""

    pk: int
    effect: str = ""
    function: str = ""


@dataclass
class Scores:
    responses: int
    minimum: int = MIN_RESPONSES
    questions: dict[int, float | None] = field(default_factory=dict)
    effects: dict[str, float | None] = field(default_factory=dict)
    functions: dict[str, float | None] = field(default_factory=dict)

    @property
    def shown(self) -> bool:
        return self.responses >= self.minimum


def _grouped(
    questions: Sequence[QuestionKey], by_question: Mapping[int, float | None], attribute: str
) -> dict[str, float | None]:
    groups: dict[str, list[float | None]] = {}
    for question in questions:
        key = getattr(question, attribute)
        if key:
            groups.setdefault(key, []).append(by_question[question.pk])
    return {key: mean_score(scores) for key, scores in groups.items()}


def scores(
    questions: Sequence[QuestionKey],
    answers: Mapping[int, Sequence[int]],
    responses: int,
    minimum: int = MIN_RESPONSES,
) -> Scores:
    """The scores of one questionnaire: ``answers`` are the values given to each question
    (by question pk), ``responses`` how many answered it. With fewer than ``minimum``, no
    score at all: nothing to show, nothing to leak. (The coordinator's own questionnaire
    has one respondent who is no secret: its minimum is 1.)"""
    if responses < minimum:
        return Scores(responses=responses, minimum=minimum)
    by_question = {q.pk: question_score(answers.get(q.pk, ())) for q in questions}
    return Scores(
        responses=responses,
        minimum=minimum,
        questions=by_question,
        effects=_grouped(questions, by_question, "effect"),
        functions=_grouped(questions, by_question, "function"),
    )
