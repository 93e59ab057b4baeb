"""The demo's health part: what a visitor of the demo cluster finds on its health pages
and in its reports, built the same way twice."""

from __future__ import annotations

from io import StringIO

from django.core.cache import cache
from django.core.management import call_command

from clusters.models import Cluster
from demo.clusters import CLUSTER_SLUG
from health.models import Answer, PlanAction, Response, SurveyRound
from health.results import effects_over_rounds, round_results


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (SurveyRound, Response, Answer, PlanAction))


def test_the_demo_has_two_closed_rounds_with_a_trend_an_open_one_and_a_plan(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    first = counts()
    call_command("seed_demo", force=True, stdout=StringIO())
    assert counts() == first

    cluster = Cluster.objects.get(slug=CLUSTER_SLUG)
    closed = list(cluster.survey_rounds.closed().order_by("opens_at"))
    assert len(closed) == 2
    older, latest = (round_results(r) for r in closed)
    assert older.shown and latest.shown
    # All but one of the lead and member entities answered, and the coordinator too.
    assert latest.answered == latest.eligible - 1 and latest.coordinator.responses == 1

    # The trend the results show: coordination and innovation up, initiatives down,
    # opportunism unsatisfactory both years.
    bands = {line.key: (line.band, line.trend) for line in latest.effects}
    assert bands["coordination"] == ("strong", "up")
    assert bands["innovation"] == ("satisfactory", "up")
    assert bands["initiatives"] == ("unsatisfactory", "down")
    assert bands["opportunism"] == ("unsatisfactory", "equal")
    assert {line.key: line.band for line in older.effects}["coordination"] == "weak"
    # Comments in Catalan, without their entity.
    assert any("calendari compartit" in c for q in latest.questions for c in q.comments)

    # The plan of the latest closed round: one action under way, one planned, on its
    # weak and unsatisfactory effects; the round before's plan shown as followed up.
    plan = {a.effect: a.status for a in latest.round.plan.all()}
    assert plan == {"opportunism": "in_progress", "initiatives": "planned"}
    assert {line.key for line in latest.effects_needing_action} == set(plan)
    assert [a.status for a in latest.previous_plan] == ["done"]

    # This year's round: open, taking answers for about two more weeks, a few answered.
    current = cluster.survey_rounds.get(status="open")
    assert current.takes_answers()
    assert 10 <= (current.closes_at - current.opens_at).days <= 20
    assert 0 < current.responses.filter(membership__isnull=False).count() < latest.answered

    # The chart compares the two closed rounds, oldest first.
    series = effects_over_rounds(cluster)
    assert [r.pk for r in series.rounds] == [r.pk for r in closed]


def test_the_large_cluster_has_rounds_answered_by_many_read_in_as_many_queries(
    db, django_assert_num_queries
):
    from demo.large import SLUG
    from reports import content

    call_command("seed_demo", force=True, large=True, stdout=StringIO())
    demo = Cluster.objects.get(slug=CLUSTER_SLUG)
    large = Cluster.objects.get(slug=SLUG)
    assert large.survey_rounds.closed().count() == 2
    # The report's health section: as many queries on 200 answers as on 11 (see
    # tests/reports/test_health_section.py for the list), the derived figures' 17 and one
    # for each of the 8 reporting periods they show (its validated values as of its end),
    # none of them cached yet (the seed's IATI file read the current ones).
    cache.clear()
    with django_assert_num_queries(10 + 17 + 8):
        on_demo = content.health(demo)
    with django_assert_num_queries(10 + 17 + 8):
        on_large = content.health(large)
    assert on_demo.results.answered == 11
    assert on_large.results.answered >= 200
    assert on_large.results.previous_round is not None
