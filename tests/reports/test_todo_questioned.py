"""A member entity's to-do page lists its scores another entity questioned since their
last revision, each linked to the score page where the entity revises it; a revision
takes it off the list, and the list costs one query whatever its length."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import Membership
from coherence import services
from coherence.models import Score, Strategy
from indicators.models import Objective
from tests.conftest import World


@pytest.fixture
def lead(world: World) -> Membership:
    return Membership.objects.get(cluster=world.cluster, actor=world.lead)


def strategy(world: World, membership: Membership, person: str, title: str) -> Strategy:
    return services.strategy_create(
        membership=membership,
        by=world.users[person],
        title=title,
        kind=Strategy.Kind.PROGRAMME,
        starts_on=date(2025, 1, 1),
        territory="Nou Barris",
        summary="A programme of the entity",
    )


def scored(world: World, of: Strategy, person: str, value: int = 2, code: str = "O1") -> Score:
    return services.score_set(
        strategy=of,
        objective=Objective.objects.get(cluster=world.cluster, code=code),
        membership=of.membership,
        by=world.users[person],
        value=value,
        reason=f"Reason for {value}",
    )


def ask(world: World, score: Score, membership: Membership, person: str, comment: str = "Why?"):
    services.score_question(
        score=score, membership=membership, by=world.users[person], comment=comment
    )


def todo(world: World, person: str = "member"):
    response = world.client(person).get(reverse("reports:todo", args=["housing"]))
    assert response.status_code == 200
    return response


def test_a_questioned_score_waits_on_the_entitys_todo_with_a_link_to_it(
    world: World, lead: Membership, clock
):
    score = scored(
        world, strategy(world, world.member_membership, "member", "Tenants' advice"), "member"
    )
    assert todo(world).context["questioned"] == []
    clock.shift(timedelta(minutes=5))
    ask(world, score, lead, "coordinator")
    clock.shift(timedelta(minutes=5))
    ask(world, score, lead, "coordinator", "And why not +1?")
    response = todo(world, "representative")
    assert response.context["questioned"] == [score]
    row = response.context["questioned"][0]
    assert (row.waiting, row.questioned_by) == (2, "Lead Foundation")
    page = response.content.decode()
    assert reverse("coherence:score-detail", args=["housing", score.pk]) in page
    assert "Tenants&#x27; advice against O1" in page
    assert "2 questions, the last by Lead Foundation" in page
    assert "Nothing pending" not in page
    # The lead entity asked: nothing waits on its own to-do.
    assert todo(world, "coordinator").context["questioned"] == []


def test_a_revision_answers_the_question_and_a_new_question_brings_it_back(
    world: World, lead: Membership, clock
):
    score = scored(world, strategy(world, world.member_membership, "member", "Advice"), "member")
    clock.shift(timedelta(minutes=5))
    ask(world, score, lead, "coordinator")
    assert todo(world).context["questioned"] == [score]
    clock.shift(timedelta(minutes=5))
    scored(world, score.strategy, "member", value=1)
    assert todo(world).context["questioned"] == []
    clock.shift(timedelta(minutes=5))
    ask(world, score, lead, "coordinator", "Still too high")
    [row] = todo(world).context["questioned"]
    assert (row.waiting, row.value) == (1, 1)
    page = todo(world).content.decode()
    assert "questioned by Lead Foundation" in page


def test_only_the_entitys_own_questioned_scores_are_listed(world: World, lead: Membership, clock):
    own = scored(world, strategy(world, world.member_membership, "member", "Ours"), "member")
    theirs = scored(world, strategy(world, lead, "coordinator", "The lead's"), "coordinator")
    clock.shift(timedelta(minutes=5))
    ask(world, own, lead, "coordinator")
    ask(world, theirs, world.member_membership, "member")
    assert todo(world).context["questioned"] == [own]
    assert todo(world, "coordinator").context["questioned"] == [theirs]
    # The other cluster's questioned strategy never shows here.
    assert "Secret" not in todo(world).content.decode()


def test_the_list_costs_the_same_queries_whatever_its_length(
    world: World, lead: Membership, clock, django_assert_num_queries
):
    client = world.client("member")
    url = reverse("reports:todo", args=["housing"])
    first = scored(world, strategy(world, world.member_membership, "member", "One"), "member")
    clock.shift(timedelta(minutes=5))
    ask(world, first, lead, "coordinator")
    client.get(url)  # the session's first read out of the way
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(4):
        more = scored(
            world, strategy(world, world.member_membership, "member", f"More {n}"), "member", -1
        )
        ask(world, more, lead, "coordinator")
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    assert len(response.context["questioned"]) == 5
