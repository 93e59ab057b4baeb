"""Survey rounds for tests, made through the services as the pages make them, with dates
derived from the suite's one "today"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from accounts.models import User
from clusters.models import Cluster, Membership
from health import services
from health.models import Question, SurveyRound
from tests.clock import NOW


def make_round(
    cluster: Cluster, by: User, *, year: int = NOW.year, opened_days_ago: int = 1, open: bool = True
) -> SurveyRound:
    """A yearly round that opened ``opened_days_ago`` days ago and closes in ten days."""
    round = services.round_create(
        cluster=cluster,
        by=by,
        cadence=SurveyRound.Cadence.YEARLY,
        year=year,
        opens_at=NOW - timedelta(days=opened_days_ago),
        closes_at=NOW + timedelta(days=10),
    )
    return services.round_open(round=round, by=by) if open else round


def answer_all(
    round: SurveyRound, by: User, membership: Membership | None, value: int, comment: str = ""
) -> None:
    """The same answer to every question of the entity's (or the coordinator's) part."""
    audience = Question.Audience.COORDINATOR if membership is None else Question.Audience.PARTNERS
    questions = round.questions.filter(audience=audience)
    services.response_save(
        round=round,
        by=by,
        membership=membership,
        answers={q.pk: (value, comment) for q in questions},
    )


def close(round: SurveyRound) -> SurveyRound:
    """Closed as the beat task closes it once its date has passed."""
    services.rounds_close_due(now=round.closes_at)
    round.refresh_from_db()
    return round


def answered_round(
    cluster: Cluster, by: User, entities: Sequence[tuple[Membership, User, int]], **kwargs
) -> SurveyRound:
    """A closed round in which each (entity, person, value) answered every question."""
    round = make_round(cluster, by, **kwargs)
    for membership, person, value in entities:
        answer_all(round, person, membership, value)
    return close(round)
