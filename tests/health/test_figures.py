"""The figures the cluster's own data gives for each effect, checked against values worked
out by hand on a small cluster built period by period (two quarters: the last one and the
current one, up to the suite's today), with the world's two clusters beside it, whose
data must never count."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache

from clusters.models import Cluster, Membership
from health.figures import DerivedFigures, Figure, derived_figures, figure_sparkline_svg
from health.scales import Effect
from indicators import services as indicator_services
from indicators.models import Indicator, Objective
from planning import action_services, proposal_services
from planning.models import Contribution, JointAction
from tests.clock import MADRID, NOW, TODAY, quarter_start
from tests.conftest import World
from tests.factories import ActorFactory, ClusterFactory, MembershipFactory

# The two quarters, and the days things happen in them.
Q1 = quarter_start(-1)
Q2 = quarter_start(0)
Q1_END = Q2 - timedelta(days=1)


def q1(n: int) -> date:
    return Q1 + timedelta(days=n)


def q2(n: int) -> date:
    return Q2 + timedelta(days=n)


@dataclass
class Small:
    cluster: Cluster
    a: Membership  # the lead entity
    b: Membership
    c: Membership
    d: Membership  # joins in the second quarter
    e: Membership  # left in the first quarter
    observer: Membership


def build_small(world: World, clock) -> Small:
    """Entities A (lead), B, C from the first quarter on, E who left in it, D from the
    second one, and an observer. Everything happens on its day: the clock is moved there
    and the services do what they do (the clock is back at NOW at the end)."""
    coordinator = world.users["coordinator"]

    def on(day: date) -> None:
        clock.move_to(datetime.combine(day, time(10, 0), tzinfo=MADRID))

    on(q1(1))
    cluster = ClusterFactory(name="Figures cluster", slug="figures")

    def entity(name: str, **fields) -> Membership:
        return MembershipFactory(cluster=cluster, actor=ActorFactory(name=name), **fields)

    a = entity("Alba", role=Membership.Role.LEAD)
    b, c = entity("Bosc"), entity("Cingle")
    e = entity(
        "Era",
        status=Membership.Status.LEFT,
        left_at=datetime.combine(q1(40), time(10), tzinfo=MADRID),
    )
    observer = entity("Observa", role=Membership.Role.OBSERVER)
    o1 = Objective.objects.create(cluster=cluster, code="O1", statement="Housing")
    o2 = Objective.objects.create(cluster=cluster, code="O2", statement="Health")
    # A proposed objective does not count, with all its data.
    o3 = Objective.objects.create(
        cluster=cluster, code="O3", statement="Later", status=Objective.Status.PROPOSED
    )

    def indicator(objective: Objective, code: str, target: int, weight: int = 1) -> Indicator:
        return Indicator.objects.create(
            cluster=cluster,
            objective=objective,
            code=code,
            name=f"Indicator {code}",
            type="outcome",
            measure="number",
            direction="increase",
            aggregation="sum",
            baseline_value=0,
            target_value=target,
            weight=weight,
            data_source="administrative",
        )

    i1, i2 = indicator(o1, "I1", 100), indicator(o1, "I2", 10, weight=3)
    indicator(o2, "I3", 50)  # never reported
    i4 = indicator(o3, "I4", 10)
    indicator_services.periods_ensure(cluster)
    first = cluster.periods.get(start=Q1)

    def report(ind, period, membership, value, *, submit=True, validate=True):
        saved = indicator_services.report_save(
            indicator=ind,
            period=period,
            membership=membership,
            by=coordinator,
            cells={},
            total=value,
            submit=submit,
        )
        if validate:
            indicator_services.report_validate(report=saved, by=coordinator)

    def propose(membership, title, *, new=False, submit=True):
        p = proposal_services.proposal_create(
            membership=membership,
            by=coordinator,
            title=title,
            description="Described",
            is_new_practice=new,
        )
        if submit:
            proposal_services.proposal_submit(proposal=p, by=coordinator)
        return p

    def position(p, membership, value, reason=""):
        proposal_services.stance_take(
            proposal=p, membership=membership, by=coordinator, position=value, reason=reason
        )

    def action(lead, title, territory, start, end, participants=(), **fields):
        return action_services.action_create(
            cluster=cluster,
            by=coordinator,
            title=title,
            objective=o1,
            lead=lead,
            participants=list(participants),
            territory=territory,
            start=start,
            end=end,
            **fields,
        )

    def give(act, membership):
        action_services.contribution_add(
            action=act,
            membership=membership,
            by=coordinator,
            kind=Contribution.Kind.STAFF_HOURS,
            amount=Decimal("10"),
        )

    def open_(p, days_open=20):
        proposal_services.proposal_open(
            proposal=p, by=coordinator, closes_at=datetime.now(MADRID) + timedelta(days=days_open)
        )

    on(q1(31))
    p1 = propose(a, "Housing first", new=True)
    open_(p1)
    on(q1(40))
    position(p1, a, "agree")
    position(p1, c, "agree")
    on(q1(45))
    j1 = action(a, "J1", "Sants", q1(45), q2(180), [b], is_new_practice=True)
    on(q1(50))
    give(j1, a)
    on(q1(59))
    assert proposal_services.proposal_decide(proposal=p1, by=coordinator).is_adopted
    j2 = action(b, "J2", " sants ", q1(59), q2(120))
    on(q1(68))
    report(i1, first, a, 50)
    report(i4, first, a, 10)  # of the proposed objective: no impact, but reported on time
    on(q1(73))
    p2 = propose(b, "Rent office")

    on(q2(1))
    propose(c, "Cooperative housing", new=True)
    indicator_services.periods_ensure(cluster)
    second = cluster.periods.get(start=Q2)
    on(q2(4))
    action(a, "J3", "Gràcia", q2(4), q2(80), is_new_practice=True)
    on(q2(5))
    d = entity("Duna")
    on(q2(9))
    open_(p2)
    on(q2(11))
    position(p2, b, "agree")
    on(q2(12))
    position(p2, c, "disagree", "Too dear")
    on(q2(14))
    give(j2, b)
    on(q2(19))
    action_services.update_post(
        action=j2,
        by=coordinator,
        membership=None,
        is_coordinator=True,
        note="Done",
        status=JointAction.Status.COMPLETED,
    )
    proposal_services.proposal_decide(proposal=p2, by=coordinator)
    on(q2(24))
    # Cancelled before its start: it never ran, it never started.
    action(
        a,
        "J4",
        "Gràcia",
        q2(30),
        q2(60),
        status=JointAction.Status.CANCELLED,
        is_new_practice=True,
    )
    on(q2(34))
    report(i2, first, b, 4)  # the first quarter's, after its due date
    clock.move_to(NOW)
    report(i1, second, a, 40)
    report(i2, second, c, 3, submit=False, validate=False)  # a draft
    propose(c, "Draft idea", new=True, submit=False)
    return Small(cluster=cluster, a=a, b=b, c=c, d=d, e=e, observer=observer)


def figures_of(cluster: Cluster, **kwargs) -> dict[str, Figure]:
    return {f.code: f for f in derived_figures(cluster, **kwargs).figures}


def values(figure: Figure) -> list[float | None]:
    return [None if v is None else round(v, 2) for _label, v in figure.points]


def test_each_figure_is_the_one_worked_out_by_hand(world: World, clock):
    small = build_small(world, clock)
    derived = derived_figures(small.cluster)
    assert [p.start for p in derived.periods] == [Q1, Q2]
    found = {f.code: f for f in derived.figures}
    assert [label for label, _value in found["impact.objectives"].points] == [
        p.label for p in derived.periods
    ]
    expected = {
        # O1: I1 at 50 of 100 (weight 1) and I2 at 4 of 10 (weight 3): (0.5 + 3 * 0.4) / 4;
        # then I1 at 90: (0.9 + 1.2) / 4. O2 has no data; O3 is only proposed.
        "impact.objectives": [42.5, 52.5],
        # I1 and I2 are off track (50 %, 40 % of the way, all the time gone); then I1 on
        # track (90 %): 1 of 2. I3 has no data.
        "impact.on_track": [0.0, 50.0],
        # P1 (A, new practice); then P4 (C, new practice), not C's draft.
        "innovation.proposals": [1, 1],
        "innovation.adopted": [1, 0],  # P1; P2 was decided in Q2 but is no new practice
        "innovation.actions": [1, 2],  # J1; J3 and J4 (cancelled, but created)
        "initiatives.proposals": [2, 1],  # P1 and P2; P4
        "initiatives.actions": [2, 1],  # J1 and J2; J3 (J4 was cancelled before it started)
        # Q1: A, B, C and E were in the cluster; C took a position and did nothing else.
        # Q2: A, B, C and D; C again (its report is a draft).
        "opportunism.passive": [25.0, 25.0],
        # P1: A and C of A, B, C; P2: B and C of A, B, C, D.
        "coordination.answers": [66.67, 50.0],
        # Q1 is due: A's two reports on time, B's late. Q2 is not due yet: A's submitted,
        # on time (C's draft does not count yet).
        "coordination.reports_on_time": [66.67, 100.0],
        # Q1: J1 (A with B) and J2 (B alone); Q2: J1, J2 (till its completion), J3 (A).
        "coordination.shared_actions": [50.0, 33.33],
        # J1 and J2 in Sants (one spelt " sants "): both still ran at the end of Q1; J2
        # completed in Q2. J3 and J4 in Gràcia never ran together.
        "coordination.overlaps_resolved": [0.0, 100.0],
        # No strategy is recorded (tests/health/test_coherence_figure.py has them).
        "coordination.coherence": [None, None],
    }
    assert {code: values(f) for code, f in found.items()} == expected
    assert found["opportunism.passive"].lower_is_better
    assert not found["coordination.answers"].lower_is_better
    assert found["impact.objectives"].trend == "up"
    assert found["innovation.adopted"].trend == "down"
    assert found["opportunism.passive"].trend == "equal"
    objectives = found["impact.objectives"]
    assert (objectives.latest, objectives.previous) == pytest.approx((52.5, 42.5))


def test_each_entity_in_the_latest_period(world: World, clock):
    small = build_small(world, clock)
    rows = derived_figures(small.cluster).entities
    # Active lead and member entities by name: not the observer, not E who left.
    assert [row.membership for row in rows] == [small.a, small.b, small.c, small.d]
    table = [
        (r.proposals, r.positions, r.reports, r.contributions, r.actions, r.balance, r.is_passive)
        for r in rows
    ]
    assert table == [
        # A: its Q2 report; leads J1 and J3 (J4 never ran); gave nothing this quarter.
        (0, 0, 1, 0, 2, -2, False),
        # B: a position on P2, the late Q1 report sent in Q2, gave to J2; on J1 and J2.
        (0, 1, 1, 1, 2, -1, False),
        # C: proposed P4 (its draft does not count), a position on P2, nothing else.
        (1, 1, 0, 0, 0, 0, True),
        # D: joined, has done nothing yet, and is not passive for that.
        (0, 0, 0, 0, 0, 0, False),
    ]


def test_fewer_periods_are_the_latest_ones(world: World, clock):
    small = build_small(world, clock)
    one = derived_figures(small.cluster, periods=1)
    assert [p.start for p in one.periods] == [Q2]
    assert values({f.code: f for f in one.figures}["impact.objectives"]) == [52.5]
    # As of the end of the first quarter, the second has not started.
    back = derived_figures(small.cluster, today=Q1_END)
    assert [p.start for p in back.periods] == [Q1]
    assert values({f.code: f for f in back.figures}["initiatives.actions"]) == [2]


def test_the_figures_come_grouped_by_effect_in_order(world: World):
    derived = derived_figures(world.cluster)
    grouped = derived.by_effect()
    assert [effect for effect, _label, _figures in grouped] == list(Effect.values)
    assert grouped[0][1] == "More impact"
    assert all(f.effect == effect for effect, _l, figures in grouped for f in figures)
    assert all(figures for _e, _l, figures in grouped)
    codes = [f.code for f in derived.figures]
    assert len(codes) == len(set(codes))
    assert all(f.how.endswith(".") and f.label for f in derived.figures)


def test_an_empty_cluster_has_no_figures_but_zero_counts(world: World):
    cluster = ClusterFactory(name="Empty cluster")
    derived = derived_figures(cluster)
    assert len(derived.periods) == 1 and derived.periods[0].pk is None  # not saved yet
    assert derived.entities == []
    for figure in derived.figures:
        expected = [None] if figure.unit == "percent" else [0.0]
        assert values(figure) == expected, figure.code
        assert figure.trend is None and figure.previous is None


def test_another_clusters_data_never_counts(world: World, clock):
    small = build_small(world, clock)
    before = {code: values(f) for code, f in figures_of(small.cluster).items()}
    # The other cluster gets the same kinds of rows, today.
    other = world.other_cluster
    outsider = other.memberships.get()
    proposal_services.proposal_submit(
        proposal=proposal_services.proposal_create(
            membership=outsider,
            by=world.users["outsider"],
            title="Secret",
            description="Secret",
            is_new_practice=True,
        ),
        by=world.users["outsider"],
    )
    objective = other.objectives.get()
    action_services.action_create(
        cluster=other,
        by=world.users["outsider"],
        title="Secret in Sants",
        objective=objective,
        lead=outsider,
        territory="Sants",
        start=TODAY,
        end=q2(80),
        is_new_practice=True,
    )
    assert {code: values(f) for code, f in figures_of(small.cluster).items()} == before
    # And the world's clusters count only their own: the world's cluster has its one open
    # proposal and its one action, shared by its lead and its member entity.
    mine = figures_of(world.cluster)
    assert values(mine["initiatives.proposals"]) == [1]
    assert values(mine["innovation.proposals"]) == [0]
    assert values(mine["coordination.shared_actions"]) == [100.0]
    theirs = figures_of(other)
    assert values(theirs["innovation.proposals"]) == [1]
    assert values(theirs["innovation.actions"]) == [1]
    assert values(theirs["coordination.overlaps_resolved"]) == [None]


def grow(small: Small, world: World) -> None:
    """Ten times the rows of every kind, in the current quarter."""
    coordinator = world.users["coordinator"]
    cluster = small.cluster
    objective = cluster.objectives.get(code="O1")
    period = cluster.periods.get(start=Q2)
    indicator = cluster.indicators.get(code="I2")
    for n in range(10):
        m = MembershipFactory(cluster=cluster, actor=ActorFactory(name=f"More {n}"))
        p = proposal_services.proposal_create(
            membership=m, by=coordinator, title=f"P{n}", description="More", is_new_practice=True
        )
        proposal_services.proposal_submit(proposal=p, by=coordinator)
        proposal_services.proposal_open(
            proposal=p, by=coordinator, closes_at=datetime.now(MADRID) + timedelta(days=3)
        )
        proposal_services.stance_take(proposal=p, membership=m, by=coordinator, position="agree")
        proposal_services.proposal_decide(proposal=p, by=coordinator)
        act = action_services.action_create(
            cluster=cluster,
            by=coordinator,
            title=f"A{n}",
            objective=objective,
            lead=m,
            participants=[small.a],
            territory=f"Place {n % 3}",
            start=TODAY,
            end=q2(80),
        )
        action_services.contribution_add(
            action=act, membership=m, by=coordinator, kind="money", amount=Decimal(5)
        )
        indicator_services.report_save(
            indicator=indicator,
            period=period,
            membership=m,
            by=coordinator,
            cells={},
            total=n,
            submit=True,
        )


def count_queries(cluster: Cluster, django_assert_num_queries, n: int) -> DerivedFigures:
    cache.clear()  # the validated values are cached until the next validation
    # 1 the periods, 2 the lead and member entities with their actors, 3 proposals per
    # proposing entity, 4 positions per entity, 5 reports submitted per entity,
    # 6 contributions per entity, 7 and 8 actions per lead and per participant, 9 the
    # actions' figures, 10 the decisions, 11 and 12 the adopted objectives and their
    # indicators, then the validated values as of each period's end (one per period),
    # 13 reports on time, 14 overlaps, 15 to 17 the coherence figures (strategies in
    # force, adopted objectives, score revisions: coherence.findings.figures).
    with django_assert_num_queries(17 + n):
        return derived_figures(cluster)


def test_the_queries_do_not_grow_with_the_data(world: World, clock, django_assert_num_queries):
    small = build_small(world, clock)
    few = count_queries(small.cluster, django_assert_num_queries, 2)
    grow(small, world)
    many = count_queries(small.cluster, django_assert_num_queries, 2)
    assert len(many.entities) == len(few.entities) + 10
    assert values({f.code: f for f in many.figures}["initiatives.proposals"]) == [2, 11]


def test_cached_values_save_the_per_period_queries(world: World, clock, django_assert_num_queries):
    small = build_small(world, clock)
    derived_figures(small.cluster)
    with django_assert_num_queries(17):
        derived_figures(small.cluster)


# --- The sparkline ----------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def a_figure(points, unit="percent") -> Figure:
    return Figure(
        code="coordination.answers",
        effect=Effect.COORDINATION,
        label="Answers <to> decisions",
        how="Pooled & counted.",
        unit=unit,
        lower_is_better=False,
        points=points,
    )


@pytest.mark.parametrize(
    "points",
    [
        [("Q1 2026", 40.0), ("Q2 2026", 55.5)],
        [("Q1 2026", None), ("Q2 2026", None)],
        [("Q1 2026", 10.0), ("Q2 2026", None), ("Q3 2026", 30.0)],
        [("Q1 2026", 120.0)],
        [],
    ],
)
def test_the_sparkline_is_valid_svg_with_a_title_and_description(points):
    root = ET.fromstring(figure_sparkline_svg(a_figure(points), "fig-answers"))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Answers <to> decisions over the periods"
    assert root.get("aria-labelledby") == "fig-answers-title fig-answers-desc"
    assert desc.text.startswith("Pooled & counted.")
    for label, value in points:
        shown = "no data" if value is None else f"{value:.0f} %"
        assert f"{label}: {shown}" in desc.text


def test_the_sparkline_draws_the_values_it_has():
    drawn = ET.fromstring(figure_sparkline_svg(a_figure([("a", 10.0), ("b", 20.0)]), "x"))
    assert len(drawn.findall(f"{SVG}polyline")) == 1
    assert len(drawn.findall(f"{SVG}circle")) == 1  # the latest value
    empty = ET.fromstring(figure_sparkline_svg(a_figure([("a", None), ("b", None)]), "y"))
    assert not empty.findall(f"{SVG}polyline")
    assert empty.find(f"{SVG}line[@class='no-data']") is not None
    counts = a_figure([("a", 0.0), ("b", 3.0)], unit="count")
    # A count is written without a unit.
    assert "a: 0; b: 3</desc>" in figure_sparkline_svg(counts, "z")
