"""The health section of the dossier and of the progress report: what a reader of the PDF
finds (read back with pdftotext), and the queries it costs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clusters.models import Membership
from health import services as health
from health.models import SurveyRound
from reports import content
from reports.models import ReportJob
from tests.clock import NOW
from tests.conftest import World
from tests.factories import MembershipFactory
from tests.reports.test_reports import ask, pdf_text, render

# The typical answer of every partner question (4: very regularly / strongly agree), but
# opportunism, never / strongly disagree: a strong and a weak effect.
LOW = "opportunism"


def answers(
    round: SurveyRound, audience: str, value: int = 4, low: str = LOW
) -> dict[int, tuple[int, str]]:
    return {
        q.pk: (1 if q.effect == low else value, "Our own secret remark")
        for q in round.questions.filter(audience=audience)
    }


def closed_round(
    world: World, clock, entities: int, year: int = NOW.year, low: str = LOW
) -> SurveyRound:
    """A round of ``year`` answered by ``entities`` lead or member entities and the
    coordinator, then closed by the periodic closing a day after its date (the clock
    moves on eight days)."""
    now = timezone.now()
    coordinator = world.users["coordinator"]
    voting = list(world.cluster.memberships.voting().order_by("pk"))
    while len(voting) < entities:
        voting.append(MembershipFactory(cluster=world.cluster))
    round = health.round_create(
        cluster=world.cluster,
        by=coordinator,
        cadence=SurveyRound.Cadence.YEARLY,
        year=year,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
    )
    health.round_open(round=round, by=coordinator)
    for membership in voting[:entities]:
        health.response_save(
            round=round,
            by=coordinator,
            membership=membership,
            answers=answers(round, "partners", low=low),
        )
    health.response_save(
        round=round, by=coordinator, membership=None, answers=answers(round, "coordinator", 3)
    )
    clock.shift(timedelta(days=8))
    health.rounds_close_due()
    round.refresh_from_db()
    assert round.is_closed
    return round


def test_the_dossier_shows_the_latest_rounds_effects_bands_and_plan(world: World, clock):
    round = closed_round(world, clock, entities=3)
    health.plan_action_add(
        round=round,
        by=world.users["coordinator"],
        effect=LOW,
        what="A protocol for joint calls",
        lead=world.member_membership,
        due=(NOW + timedelta(days=60)).date(),
    )
    text = pdf_text(render(ask(world, ReportJob.Kind.DOSSIER)))
    for heading in (
        "Cluster health",
        "The five effects over the survey rounds",
        f"Results of the {NOW.year} round",
        "The five effects",
        "Core functions",
        "Action plan of the round",
    ):
        assert heading in text, heading
    assert "3 of 3 lead and member entities answered" in text
    # Bands in words, beside their score; the coordinator's view (3 of 4) beside them.
    assert "More coordination 100 % Strong" in text
    assert "Less opportunism 25 % Weak" in text
    assert "75 %" in text
    assert "A protocol for joint calls" in text and "Planned" in text
    # No round before: no trend to show. And no comment reaches the PDF.
    assert "Compared with the round before" in text
    assert "Our own secret remark" not in text


def test_a_second_round_shows_its_trend_in_words(world: World, clock):
    closed_round(world, clock, entities=3, year=NOW.year - 1)
    closed_round(world, clock, entities=3, low="coordination")
    text = pdf_text(render(ask(world, ReportJob.Kind.PROGRESS, period=world.period)))
    assert "Cluster health" in text and f"Compared with {NOW.year - 1}" in text
    assert "More coordination 25 % Weak ↓ Down (from 100 %)" in text
    assert "Less opportunism 100 % Strong ↑ Up (from 25 %)" in text
    assert "More impact 100 % Strong = Equal (from 100 %)" in text
    assert f"The {NOW.year - 1} round's plan, followed up" in text


def test_with_fewer_than_three_answers_no_score_is_shown(world: World, clock):
    closed_round(world, clock, entities=2)
    text = pdf_text(render(ask(world, ReportJob.Kind.DOSSIER)))
    assert "Cluster health" in text
    assert "No results are shown: no closed round had at least 3 entities answering" in text
    # The survey's part: the derived figures after it have percentages of their own.
    health_part = text.split("8. Cluster health")[-1].split("What the cluster's own work shows")[0]
    assert "%" not in health_part
    for band in ("Strong", "Weak", "Satisfactory"):
        assert band not in health_part


def test_with_no_round_closed_the_section_says_so(world: World):
    text = pdf_text(render(ask(world, ReportJob.Kind.DOSSIER)))
    assert "No results yet: no survey round has closed." in text


@pytest.mark.parametrize("more", [0, 5])
def test_the_section_reads_in_a_fixed_number_of_queries(
    world: World, clock, django_assert_num_queries, more
):
    closed_round(world, clock, entities=3 + more, year=NOW.year - 1)
    closed_round(world, clock, entities=3 + more)
    # 3 for the chart (closed rounds, their questions, their answers); 6 for the latest
    # round's results (the round before, questions of both, answers of both, the eligible
    # entities, the round before's plan, the comments); 1 for the round's own plan; then
    # the derived figures' 17 (health.figures lists them) and 1 for the one reporting
    # period the world has begun (its validated values as of its end).
    with django_assert_num_queries(10 + 17 + 1):
        section = content.health(world.cluster)
    assert section.results.answered == 3 + more
    assert Membership.objects.filter(cluster=world.cluster).count() >= 3
