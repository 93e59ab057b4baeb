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


def weak_round(world, year: int = NOW.year) -> SurveyRound:
    """A closed round of the world's cluster in which three entities answered "Never" to
    everything: every effect comes out weak, so an action plan may answer any."""
    from tests.factories import ActorFactory, ActorUserFactory, MembershipFactory, UserFactory

    actor = ActorFactory(name="Tenants Union")
    person = UserFactory(email="tenants@example.org")
    ActorUserFactory(user=person, actor=actor)
    third = MembershipFactory(cluster=world.cluster, actor=actor)
    lead = world.cluster.memberships.get(actor=world.lead)
    entities = [
        (lead, world.users["coordinator"], 1),
        (world.member_membership, world.users["member"], 1),
        (third, person, 1),
    ]
    return answered_round(world.cluster, world.users["coordinator"], entities, year=year)


def partner_answers(round: SurveyRound, value: int) -> dict[str, str]:
    """The answer form's data: ``value`` to every question of the member entities."""
    return answers_data(round, Question.Audience.PARTNERS, value)


def answers_data(round: SurveyRound, audience: str, value: int) -> dict[str, str]:
    data = {}
    for question in round.questions.filter(audience=audience):
        data[f"q{question.pk}"], data[f"c{question.pk}"] = str(value), ""
    return data
