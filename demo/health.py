"""Demo data of the health part: two closed yearly rounds with a visible trend between
them (coordination and innovation improving, new initiatives falling back, opportunism
staying unsatisfactory), the current year's round open for answers, and the action plan
that the latest closed round left. Idempotent: a cluster with rounds is left alone.

The answers are fixed, not random, so that every score and band is known in advance
(tests/demo/test_health_demo.py reads them back): each question has a typical answer, and
the entities spread around it so that the median stays on it.

Rounds only take answers while they are open, and the services refuse closing dates in
the past; so a past round is made as it really happens (created, opened and answered
through the services, with a closing date tomorrow), then moved back to its dates with a
queryset update and closed by the periodic closing at its own closing date. The same
trick as demo/indicators.py uses for the cluster's creation date.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.utils import timezone

from accounts.models import User
from clusters.models import Cluster, Membership
from health import services
from health.models import Answer, PlanAction, Question, Response, SurveyRound
from health.questionnaire import COORDINATOR, PARTNERS

# The typical answer to each standard question (1 never / strongly disagree ... 4 very
# regularly / strongly agree), per round: two years ago, last year, this year.
# Effect scores are the mean of their questions' medians over 4, so for instance
# coordination goes from (1 + 1) / 2 → 25 % (weak) to (3 + 4) / 2 → 87.5 % (strong).
PARTNER_ANSWERS = {
    "p-impact-1": (3, 3, 3),
    "p-impact-2": (3, 3, 3),
    "p-innovation-1": (2, 3, 3),
    "p-innovation-2": (2, 3, 3),
    "p-initiatives-1": (3, 2, 3),
    "p-initiatives-2": (3, 2, 2),
    "p-opportunism-1": (2, 2, 2),
    "p-opportunism-2": (2, 2, 3),
    "p-coordination-1": (1, 3, 3),
    "p-coordination-2": (1, 4, 4),
    "p-information-1": (2, 3, 3),
    "p-strategy-1": (2, 3, 3),
    "p-monitoring-1": (2, 2, 3),
    "p-advocacy-1": (3, 3, 3),
    "p-accountability-1": (1, 2, 2),
}
# The coordinator sees the cluster more kindly than the entities on opportunism: the
# coordinator's view column of the results has something to say.
COORDINATOR_ANSWERS = {
    "c-impact-1": (3, 4, 4),
    "c-innovation-1": (2, 3, 3),
    "c-initiatives-1": (3, 3, 3),
    "c-opportunism-1": (3, 3, 3),
    "c-coordination-1": (2, 4, 4),
    "c-information-1": (3, 4, 4),
    "c-strategy-1": (3, 3, 3),
    "c-monitoring-1": (2, 3, 3),
    "c-advocacy-1": (4, 4, 4),
    "c-accountability-1": (2, 2, 2),
}
# How the entities spread around the typical answer, one after another: over the nine
# that answer a closed round the median is the typical answer itself.
SPREAD = (0, 1, 0, -1, 0)
# Entities that leave the accountability question at "Don't know" (it asks about
# rights-holders' complaints, which not every entity sees).
DONT_KNOW = {"p-accountability-1": {"oficina-habitatge", "coop-la-teulada"}}

# Who leaves a round unanswered: all the lead and member entities but these.
SILENT = ("acces-total",)
# The open round has the answers of the first few only.
OPEN_ROUND_ANSWERS = 4

COMMENTS = {
    (0, "p-coordination-1"): [
        "Ens assabentem de les reunions per WhatsApp i sovint massa tard.",
        "No hi ha un calendari compartit de les activitats del clúster.",
    ],
    (0, "p-innovation-1"): ["Cadascú continua treballant com sempre."],
    (1, "p-coordination-2"): [
        "El calendari compartit i l'acta de cada reunió han canviat molt la coordinació.",
    ],
    (1, "p-opportunism-1"): [
        "Algunes entitats encara presenten sol·licituds pel seu compte a les mateixes "
        "convocatòries que el clúster.",
        "Costa que les entitats grans comparteixin els contactes amb l'Ajuntament.",
    ],
    (1, "p-initiatives-2"): ["Aquest any hem consolidat el que teníem més que no pas innovar."],
    (1, "p-innovation-1"): ["Hem adoptat el protocol d'acompanyament als llançaments."],
    (2, "p-opportunism-2"): ["El protocol de convocatòries conjuntes ja es nota."],
}


def _answers(
    questions: Iterable[Question], table: dict, index: int, position: int, slug: str = ""
) -> dict[int, tuple[int, str]]:
    answers = {}
    for question in questions:
        if slug in DONT_KNOW.get(question.code, ()):
            value = 0
        else:
            typical = table[question.code][index]
            value = min(4, max(1, typical + SPREAD[position % len(SPREAD)]))
        comments = COMMENTS.get((index, question.code), [])
        comment = comments[position] if position < len(comments) else ""
        answers[question.pk] = (value, comment)
    return answers


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _new_round(cluster: Cluster, coordinator: User, year: int, opens_at: datetime) -> SurveyRound:
    round = services.round_create(
        cluster=cluster,
        by=coordinator,
        cadence=SurveyRound.Cadence.YEARLY,
        year=year,
        opens_at=opens_at,
        closes_at=max(opens_at, timezone.now()) + timedelta(days=14),
    )
    return services.round_open(round=round, by=coordinator)


def _back_in_time(round: SurveyRound, opens_at: datetime, closes_at: datetime) -> SurveyRound:
    """A round answered today, moved back to the dates it really had, then closed by the
    periodic closing as it would have been at its closing date."""
    SurveyRound.objects.filter(pk=round.pk).update(opens_at=opens_at, closes_at=closes_at)
    Response.objects.filter(round=round).update(
        created_at=opens_at + timedelta(days=3), updated_at=opens_at + timedelta(days=3)
    )
    services.rounds_close_due(now=closes_at)
    round.refresh_from_db()
    return round


def seed_health(cluster: Cluster, coordinator: User) -> None:
    if cluster.survey_rounds.exists():
        return
    today = timezone.localdate()
    year = today.year
    entities = [
        m
        for m in cluster.memberships.voting().select_related("actor").order_by("actor__name")
        if m.actor.slug not in SILENT
    ]
    people = {m.pk: m.actor.people.select_related("user").first() for m in entities}

    def by(membership: Membership) -> User:
        # Entities without an account of their own answer through the coordinator here.
        link = people.get(membership.pk)
        return link.user if link else coordinator

    def answer(round: SurveyRound, index: int, who: list[Membership]) -> None:
        partner_qs = list(round.questions.filter(audience=PARTNERS))
        for position, membership in enumerate(who):
            services.response_save(
                round=round,
                by=by(membership),
                membership=membership,
                answers=_answers(
                    partner_qs, PARTNER_ANSWERS, index, position, membership.actor.slug
                ),
            )
        services.response_save(
            round=round,
            by=coordinator,
            membership=None,
            answers=_answers(
                round.questions.filter(audience=COORDINATOR), COORDINATOR_ANSWERS, index, 0
            ),
        )

    lead = {m.actor.slug: m for m in entities}
    # Two years ago: coordination came out weak; its plan was followed and done.
    opened = _at(date(year - 2, 11, 4), 9)
    older = _new_round(cluster, coordinator, year - 2, timezone.now() - timedelta(minutes=5))
    answer(older, 0, entities)
    older = _back_in_time(older, opened, opened + timedelta(days=21))
    calendar = services.plan_action_add(
        round=older,
        by=coordinator,
        effect="coordination",
        what="Un calendari compartit de les activitats i una acta breu de cada reunió.",
        lead=lead["llar-solidaria"],
        due=date(year - 1, 3, 31),
    )
    services.plan_action_update(
        action=calendar,
        by=coordinator,
        status=PlanAction.Status.DONE,
        note="En marxa des de febrer: totes les entitats reben l'acta en dos dies.",
    )

    # Last year: coordination and innovation up, initiatives down, opportunism still
    # unsatisfactory: the plan of this round answers the last two.
    opened = _at(date(year - 1, 11, 3), 9)
    latest = _new_round(cluster, coordinator, year - 1, timezone.now() - timedelta(minutes=4))
    answer(latest, 1, entities)
    latest = _back_in_time(latest, opened, opened + timedelta(days=21))
    calls = services.plan_action_add(
        round=latest,
        by=coordinator,
        effect="opportunism",
        what="Un protocol de convocatòries conjuntes: cap entitat no es presenta sola a una "
        "convocatòria on es presenta el clúster.",
        lead=lead["av-nou-barris"],
        due=today + timedelta(days=45),
    )
    services.plan_action_update(
        action=calls,
        by=coordinator,
        status=PlanAction.Status.IN_PROGRESS,
        note="Esborrany debatut en l'última assemblea; falten les aportacions de dues entitats.",
    )
    services.plan_action_add(
        round=latest,
        by=coordinator,
        effect="initiatives",
        what="Una jornada anual de propostes noves entre entitats, amb un petit fons inicial.",
        lead=lead["sindicat-llogateres"],
        due=today + timedelta(days=120),
    )

    # This year's round: open since a few days ago, closing in two weeks, a few answers in.
    current = _new_round(cluster, coordinator, year, timezone.now() - timedelta(days=4))
    answer(current, 2, entities[:OPEN_ROUND_ANSWERS])


def seed_large_health(
    cluster: Cluster, voting: list[Membership], coordinator: User, rng: random.Random
) -> None:
    """Two closed rounds answered by most of the large cluster's entities, written in bulk
    (a service call per response would take minutes): the pages' and the PDFs' query
    counts are measured against them. The answers are random but seeded."""
    today = timezone.localdate()
    # Two closed rounds, then this year's, open with a few answers in (as on the demo, so
    # that the pages compare the same things on both clusters).
    for index, back in enumerate((2, 1, 0)):
        current = back == 0
        opened = (
            timezone.now() - timedelta(days=4)
            if current
            else _at(date(today.year - back, 11, 3), 9)
        )
        round = services.round_create(
            cluster=cluster,
            by=coordinator,
            cadence=SurveyRound.Cadence.YEARLY,
            year=today.year - back,
            opens_at=opened,
            closes_at=timezone.now() + timedelta(days=14 if current else 1),
        )
        round = services.round_open(round=round, by=coordinator)
        questions = list(round.questions.all())
        answering = rng.sample(voting, OPEN_ROUND_ANSWERS if current else len(voting) * 3 // 4)
        responses = Response.objects.bulk_create(
            [Response(round=round, membership=m, answered_by=coordinator) for m in answering]
            + [Response(round=round, membership=None, answered_by=coordinator)]
        )
        answers = []
        for response in responses:
            audience = COORDINATOR if response.membership is None else PARTNERS
            for question in questions:
                if question.audience != audience:
                    continue
                typical = (PARTNER_ANSWERS if audience == PARTNERS else COORDINATOR_ANSWERS)[
                    question.code
                ][min(index, 1)]
                value = 0 if rng.random() < 0.05 else min(4, max(1, typical + rng.randint(-1, 1)))
                answers.append(Answer(response=response, question=question, value=value))
        Answer.objects.bulk_create(answers, batch_size=2000)
        if current:
            continue
        _back_in_time(round, opened, opened + timedelta(days=21))
