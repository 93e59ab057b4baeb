"""The health page's coordination figure from the coherence matrix: per period, the share
of the scored pairs (a member's strategy in force then, a common objective) that are
positive, as the scores stood at the period's end; worked out by hand on two quarters."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from clusters.models import Cluster, Membership
from coherence import services as coherence
from coherence.models import Strategy
from health.figures import derived_figures
from health.scales import Effect
from indicators.models import Objective
from tests.clock import MADRID, NOW, quarter_start
from tests.conftest import World

Q1 = quarter_start(-1)
Q2 = quarter_start(0)
CODE = "coordination.coherence"


def on(clock, day: date) -> None:
    clock.move_to(datetime.combine(day, time(10, 0), tzinfo=MADRID))


def strategy(membership: Membership, by, title: str, starts_on: date, **kwargs) -> Strategy:
    return coherence.strategy_create(
        membership=membership,
        by=by,
        title=title,
        kind=Strategy.Kind.PUBLIC_POLICY,
        starts_on=starts_on,
        territory="Raval",
        summary="A policy of the entity",
        **kwargs,
    )


def score(s: Strategy, objective: Objective, membership: Membership, by, value: int) -> None:
    coherence.score_set(
        strategy=s,
        objective=objective,
        membership=membership,
        by=by,
        value=value,
        reason="" if value == 0 else "As the entity sees it",
    )


def coherence_figure(cluster: Cluster):
    found = {f.code: f for f in derived_figures(cluster).figures}
    return found[CODE]


def build(world: World, clock) -> Cluster:
    """A cluster reporting since Q1. Q1: the member's S1 scores O1 +2 and O2 −1 (2 scored,
    1 positive: 50 %); the lead's draft scores O1 +3 (a draft bears on nothing: left out).
    Q2: S1 revises O2 to +1, the lead's S2 (from Q2 on) scores O1 −3 (3 scored, 2
    positive)."""
    cluster = world.cluster
    Cluster.objects.filter(pk=cluster.pk).update(
        created_at=datetime.combine(Q1, time(9, 0), tzinfo=MADRID)
    )
    cluster.refresh_from_db()
    o1 = world.indicator.objective
    o2 = Objective.objects.create(cluster=cluster, code="O2", statement="Energy poverty gone")
    member, m_user = world.member_membership, world.users["member"]
    lead, l_user = cluster.memberships.get(role=Membership.Role.LEAD), world.users["coordinator"]
    on(clock, Q1 + timedelta(days=10))
    s1 = strategy(member, m_user, "Tenants' advice programme", Q1)
    score(s1, o1, member, m_user, 2)
    score(s1, o2, member, m_user, -1)
    draft = strategy(lead, l_user, "Draft plan", Q1, status=Strategy.Status.DRAFT)
    score(draft, o1, lead, l_user, 3)
    on(clock, Q2 + timedelta(days=5))
    score(s1, o2, member, m_user, 1)
    s2 = strategy(lead, l_user, "Fast evictions protocol", Q2)
    score(s2, o1, lead, l_user, -3)
    clock.move_to(NOW)
    return cluster


def test_the_figure_is_the_share_of_positive_scored_pairs_per_period(world: World, clock):
    cluster = build(world, clock)
    figure = coherence_figure(cluster)
    assert figure.effect == Effect.COORDINATION and figure.unit == "percent"
    assert not figure.lower_is_better
    assert [label for label, _value in figure.points] == [
        p.label for p in derived_figures(cluster).periods
    ]
    q1, q2 = [None if v is None else round(v, 2) for _label, v in figure.points]
    # Q1: S1's +2 and −1 (the draft's +3 does not count); Q2: S1's +2 and +1, S2's −3.
    assert (q1, q2) == (50.0, 66.67)
    assert figure.trend == "up" and figure.improved is True


def test_a_strategy_that_ended_counts_only_in_the_periods_it_ran(world: World, clock):
    cluster = build(world, clock)
    lead = cluster.memberships.get(role=Membership.Role.LEAD)
    on(clock, Q1 + timedelta(days=20))
    old = strategy(
        lead,
        world.users["coordinator"],
        "Old plan",
        Q1,
        ends_on=Q2 - timedelta(days=1),
        status=Strategy.Status.ENDED,
    )
    score(old, world.indicator.objective, lead, world.users["coordinator"], 0)
    clock.move_to(NOW)
    q1, q2 = [round(v, 2) for _label, v in coherence_figure(cluster).points]
    # Q1: +2, −1, 0 (one positive of three); Q2 as before, the old plan had ended.
    assert (q1, q2) == (33.33, 66.67)


def test_no_strategy_scored_is_no_data(world: World):
    figure = coherence_figure(world.cluster)
    assert all(value is None for _label, value in figure.points)
    assert figure.latest_shown == "no data"


def test_another_clusters_scores_never_count(world: World, clock):
    cluster = build(world, clock)
    theirs = Membership.objects.get(cluster=world.other_cluster, role=Membership.Role.LEAD)
    on(clock, Q2 + timedelta(days=6))
    secret = strategy(theirs, world.users["outsider"], "Secret policy", Q1)
    score(secret, world.other_cluster.objectives.get(), theirs, world.users["outsider"], 3)
    clock.move_to(NOW)
    q2 = coherence_figure(cluster).points[-1][1]
    assert round(q2, 2) == 66.67
    other = coherence_figure(world.other_cluster)
    assert other.points[-1][1] == 100.0
