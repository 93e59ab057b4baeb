"""What the coherence matrix finds, worked out by hand on a small world.

Three entities of the shared world's cluster (the City Council, added here, the Lead
Foundation and the Neighbours Association), five strategies (one a draft, one ended),
three adopted objectives and one proposed, scored at three moments so that the figure of
each period reads the scores as they stood then:

                         O1      O2      O3     territory      SDG targets
  City Council
    Housing plan         +1→+2   +1      −1     Nou Barris     11.1 1.4 7.1
    Emergency budget     0→+1    −1→−2   ·      Nou Barris     7.1
  Lead Foundation
    Strategic plan       +3      ·       0      nou barris     11.1
  Neighbours Association
    Old programme        −2      ·       +2     Nou Barris     11.1 1.4   (ended 2025)
    Tenants' protocol…   ·       +1      −3     Nóu  Barris    11.1 1.4   (draft)

The first scores are given in the fourth quarter of 2025 (Q4), the next in the first
quarter of 2026 (Q1), the two revisions today (Q2). O4 is proposed: a score on it (written
straight to the database, the services refuse it) must appear nowhere.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest
from django.utils import timezone

from actors.models import Actor
from clusters.models import Membership
from coherence import findings, services
from coherence.charts import CELL_W, HEADER_H, LABEL_W
from coherence.findings import Filters
from coherence.models import Score, ScoreRevision, Strategy
from coherence.pictures import matrix_svg
from core import svg
from indicators.models import Objective, ReportingPeriod
from rights.models import SDGTarget
from tests.clock import MADRID
from tests.factories import ActorFactory, MembershipFactory

SVG = "{http://www.w3.org/2000/svg}"
Q3_2025 = (date(2025, 7, 1), date(2025, 9, 30))
Q4 = (date(2025, 10, 1), date(2025, 12, 31))
Q1 = (date(2026, 1, 1), date(2026, 3, 31))
Q2 = (date(2026, 4, 1), date(2026, 6, 30))
LONG_TITLE = (
    "Tenants' protocol for collective bargaining with the large landlords of every "
    "neighbourhood of the district"
)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, tzinfo=MADRID)


class Small:
    """The small world's rows, by the names the table above gives them."""

    def __init__(self, world, clock):
        cluster = world.cluster
        self.cluster = cluster
        coordinator = world.users["coordinator"]
        council = ActorFactory(name="City Council", kind=Actor.Kind.PUBLIC_ADMINISTRATION)
        self.council = MembershipFactory(cluster=cluster, actor=council)
        self.lead = Membership.objects.get(cluster=cluster, actor=world.lead)
        self.neighbours = world.member_membership
        self.o1 = Objective.objects.get(cluster=cluster, code="O1")
        self.o2 = Objective.objects.create(cluster=cluster, code="O2", statement="Energy")
        self.o3 = Objective.objects.create(cluster=cluster, code="O3", statement="Women")
        self.o4 = Objective.objects.create(
            cluster=cluster, code="O4", statement="Youth", status=Objective.Status.PROPOSED
        )
        targets = {t.code: t for t in SDGTarget.objects.filter(code__in=["11.1", "1.4", "7.1"])}
        assert len(targets) == 3

        def strategy(membership, title, starts_on, territory, codes, **fields):
            return services.strategy_create(
                membership=membership,
                by=coordinator,
                sdg_targets=[targets[c] for c in codes],
                title=title,
                kind=fields.pop("kind", Strategy.Kind.PUBLIC_POLICY),
                starts_on=starts_on,
                territory=territory,
                summary=f"Summary of {title}",
                **fields,
            )

        self.plan = strategy(
            self.council, "Housing plan", date(2025, 1, 1), "Nou Barris", ["11.1", "1.4", "7.1"]
        )
        self.budget = strategy(
            self.council,
            "Emergency budget",
            date(2026, 1, 1),
            "Nou Barris",
            ["7.1"],
            kind=Strategy.Kind.BUDGET_LINE,
        )
        self.strategic = strategy(
            self.lead,
            "Strategic plan",
            date(2024, 1, 1),
            "nou barris",
            ["11.1"],
            kind=Strategy.Kind.STRATEGIC_PLAN,
        )
        self.old = strategy(
            self.neighbours,
            "Old programme",
            date(2022, 1, 1),
            "Nou Barris",
            ["11.1", "1.4"],
            ends_on=date(2025, 12, 31),
            status=Strategy.Status.ENDED,
            kind=Strategy.Kind.PROGRAMME,
        )
        self.protocol = strategy(
            self.neighbours,
            LONG_TITLE,
            date(2026, 3, 1),
            "Nóu  Barris ",
            ["11.1", "1.4"],
            status=Strategy.Status.DRAFT,
            kind=Strategy.Kind.PROTOCOL,
        )

        def score(strategy, objective, value):
            services.score_set(
                strategy=strategy,
                objective=objective,
                membership=strategy.membership,
                by=coordinator,
                value=value,
                reason="" if value == 0 else f"Reason for {value}",
            )

        clock.move_to(at(date(2025, 11, 15)))
        score(self.plan, self.o1, 1)
        score(self.strategic, self.o1, 3)
        score(self.old, self.o1, -2)
        score(self.old, self.o3, 2)
        clock.move_to(at(date(2026, 2, 15)))
        score(self.plan, self.o2, 1)
        score(self.plan, self.o3, -1)
        score(self.budget, self.o1, 0)
        score(self.budget, self.o2, -1)
        score(self.strategic, self.o3, 0)
        score(self.protocol, self.o2, 1)
        score(self.protocol, self.o3, -3)
        clock.move_to(at(date(2026, 5, 13)))
        score(self.plan, self.o1, 2)
        score(self.budget, self.o1, 1)
        score(self.budget, self.o2, -2)
        # A score on the proposed objective, as if it had been adopted and taken back.
        on_proposed = Score.objects.create(
            strategy=self.strategic,
            objective=self.o4,
            value=2,
            reason="Youth",
            scored_at=timezone.now(),
        )
        ScoreRevision.objects.create(score=on_proposed, value=2, reason="Youth", at=at(Q1[0]))


@pytest.fixture
def small(world, clock) -> Small:
    return Small(world, clock)


def cells(data: findings.CoherenceData) -> dict[tuple[str, str], int]:
    return {
        (score.strategy.title, score.objective.code): score.value for score in data.scores.values()
    }


def describe(score: Score) -> tuple[str, str, int]:
    return (score.strategy.title, score.objective.code, score.value)


# --- The matrix -------------------------------------------------------------------------


def test_the_matrix_groups_the_strategies_by_entity_against_the_adopted_objectives(
    small, django_assert_num_queries
):
    with django_assert_num_queries(4):
        data = findings.load(small.cluster)
    assert [o.code for o in data.objectives] == ["O1", "O2", "O3"]
    rows = findings.rows_by_entity(data)
    assert [(group.name, [s.title for s in group.strategies]) for group in rows] == [
        ("City Council", ["Housing plan", "Emergency budget"]),
        ("Lead Foundation", ["Strategic plan"]),
        # By the date each starts: the ended programme first. Ended strategies are rows too.
        ("Neighbours Association", ["Old programme", LONG_TITLE]),
    ]
    assert [group.membership_id for group in rows] == [
        small.council.pk,
        small.lead.pk,
        small.neighbours.pk,
    ]
    assert cells(data) == {
        ("Housing plan", "O1"): 2,
        ("Housing plan", "O2"): 1,
        ("Housing plan", "O3"): -1,
        ("Emergency budget", "O1"): 1,
        ("Emergency budget", "O2"): -2,
        ("Strategic plan", "O1"): 3,
        ("Strategic plan", "O3"): 0,
        ("Old programme", "O1"): -2,
        ("Old programme", "O3"): 2,
        (LONG_TITLE, "O2"): 1,
        (LONG_TITLE, "O3"): -3,
    }
    assert data.score(small.budget, small.o3) is None
    # The rows already read name both sides: no query more.
    with django_assert_num_queries(0):
        assert [describe(s) for s in findings.incoherences(data)]


def test_the_filters_narrow_rows_and_columns(small):
    data = findings.load(small.cluster, Filters(entity=small.council.pk))
    assert [s.title for s in data.strategies] == ["Housing plan", "Emergency budget"]
    data = findings.load(small.cluster, Filters(kind=Strategy.Kind.BUDGET_LINE))
    assert [s.title for s in data.strategies] == ["Emergency budget"]
    data = findings.load(small.cluster, Filters(objective=small.o2.pk))
    assert [o.code for o in data.objectives] == ["O2"]
    assert cells(data) == {
        ("Housing plan", "O2"): 1,
        ("Emergency budget", "O2"): -2,
        (LONG_TITLE, "O2"): 1,
    }
    # The proposed objective is no column, even asked for.
    data = findings.load(small.cluster, Filters(objective=small.o4.pk))
    assert data.objectives == [] and data.scores == {}


def test_another_clusters_strategies_never_appear(small, world):
    outsider = Membership.objects.get(cluster=world.other_cluster, actor=world.outsider_actor)
    services.strategy_create(
        membership=outsider,
        by=world.users["outsider"],
        title="Secret strategy",
        kind=Strategy.Kind.PROGRAMME,
        starts_on=date(2025, 1, 1),
        territory="Nou Barris",
        summary="Secret",
        sdg_targets=SDGTarget.objects.filter(code="11.1"),
    )
    data = findings.load(small.cluster)
    assert "Secret strategy" not in [s.title for s in data.strategies]
    assert all(
        "Secret strategy" not in [s.title for s in c.strategies]
        for c in findings.convergences(data.strategies)
    )


# --- Findings ---------------------------------------------------------------------------


def test_incoherences_are_the_negative_scores_of_strategies_in_play_the_worst_first(small):
    data = findings.load(small.cluster)
    # The ended programme's −2 is history; the draft's −3 is in play.
    assert [describe(s) for s in findings.incoherences(data)] == [
        (LONG_TITLE, "O3", -3),
        ("Emergency budget", "O2", -2),
        ("Housing plan", "O3", -1),
    ]


def test_unsupported_objectives_have_no_score_above_zero_of_a_strategy_in_play(small):
    data = findings.load(small.cluster)
    # O3's only positive score is the ended programme's; the proposed O4 is no column.
    assert [o.code for o in findings.unsupported_objectives(data)] == ["O3"]


def test_a_score_of_zero_supports_nothing(small):
    services.score_set(
        strategy=small.plan,
        objective=small.o2,
        membership=small.council,
        by=None,
        value=0,
    )
    services.score_set(
        strategy=small.protocol,
        objective=small.o2,
        membership=small.neighbours,
        by=None,
        value=0,
    )
    data = findings.load(small.cluster)
    assert [o.code for o in findings.unsupported_objectives(data)] == ["O2", "O3"]


def test_convergences_are_shared_targets_in_one_territory_across_two_entities_or_more(small):
    data = findings.load(small.cluster)
    found = [
        (c.territory, [t.code for t in c.targets], [s.title for s in c.strategies])
        for c in findings.convergences(data.strategies)
    ]
    # "Nou Barris", "nou barris" and "Nóu  Barris " are one territory. The widest first:
    # 11.1 is shared by three entities, 1.4 by two (the ended programme is history); 7.1
    # by the City Council's two strategies alone, which is no convergence.
    assert found == [
        ("Nou Barris", ["11.1"], ["Housing plan", "Strategic plan", LONG_TITLE]),
        ("Nou Barris", ["1.4"], ["Housing plan", LONG_TITLE]),
    ]
    first = findings.convergences(data.strategies)[0]
    assert first.entity_names == ["City Council", "Lead Foundation", "Neighbours Association"]


def test_strategies_sharing_several_targets_are_one_convergence_listing_them_all(small):
    small.strategic.sdg_targets.add(SDGTarget.objects.get(code="1.4"))
    data = findings.load(small.cluster)
    found = [
        ([t.code for t in c.targets], [s.title for s in c.strategies])
        for c in findings.convergences(data.strategies)
    ]
    # Both targets now shared by the same three strategies: one convergence, the targets
    # in the catalogue's order.
    assert found == [(["1.4", "11.1"], ["Housing plan", "Strategic plan", LONG_TITLE])]


def test_territories_are_compared_case_spaces_and_accents_aside():
    assert findings.same_territory("Nóu  Barris ") == findings.same_territory("nou barris")
    assert findings.same_territory("L'Hospitalet") != findings.same_territory("Hospitalet")


# --- The coherence figure ---------------------------------------------------------------


def period(bounds: tuple[date, date], cluster) -> ReportingPeriod:
    return ReportingPeriod(cluster=cluster, start=bounds[0], end=bounds[1])


def test_the_figure_of_each_period_reads_the_scores_as_they_stood_at_its_end(
    small, django_assert_num_queries
):
    periods = [period(bounds, small.cluster) for bounds in (Q4, Q1, Q2)]
    with django_assert_num_queries(3):
        q4, q1, q2 = findings.figures(small.cluster, periods)
    # Q4 2025: the housing plan (+1), the strategic plan (+3) and the old programme, in
    # force until the end of 2025 (−2, +2). The emergency budget starts in 2026.
    assert (q4.scored, q4.positive, q4.negative) == (4, 3, 1)
    assert q4.positive_share == 75
    # Q1 2026: the old programme has ended; the draft protocol counts nothing; the budget
    # was 0 on O1 and −1 on O2 then, the housing plan +1 on O1.
    assert (q1.scored, q1.positive, q1.negative) == (7, 3, 2)
    assert q1.positive_share == pytest.approx(300 / 7)
    # Q2 2026: today's revisions (the budget +1 on O1) count; the proposed O4 never does.
    assert (q2.scored, q2.positive, q2.negative) == (7, 4, 2)
    assert q2.positive_share == pytest.approx(400 / 7)
    assert [f.period for f in (q4, q1, q2)] == periods


def test_a_period_before_the_first_scores_counts_nothing(small):
    (figure,) = findings.figures(small.cluster, [period(Q3_2025, small.cluster)])
    assert (figure.scored, figure.positive, figure.negative) == (0, 0, 0)
    assert figure.positive_share is None


# --- The heat map -----------------------------------------------------------------------


def shown_text(element: ET.Element) -> str:
    """Visible text of a text element (its tooltip <title> left out)."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != f"{SVG}title":
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)


def cell_texts(root: ET.Element) -> list[str]:
    """What each cell of the matrix writes, row by row (the legend left out)."""
    legend = {id(t) for g in root.iter(f"{SVG}g") if g.get("class") == "legend" for t in g.iter()}
    found = []
    for group in root.iter(f"{SVG}g"):
        if id(group) in legend:
            continue
        if any(rect.get("class") == "cell" for rect in group.findall(f"{SVG}rect")):
            (text,) = group.findall(f"{SVG}text")
            found.append(shown_text(text))
    return found


def test_the_heat_map_writes_every_score_in_its_cell(small):
    root = ET.fromstring(matrix_svg(findings.load(small.cluster)))
    # Five rows of three columns, in the matrix's order; unscored cells a dash.
    assert cell_texts(root) == [
        *["+2", "+1", "−1"],
        *["+1", "−2", "–"],
        *["+3", "–", "0"],
        *["−2", "–", "+2"],
        *["–", "+1", "−3"],
    ]
    # A true minus sign, never a hyphen.
    assert all("-" not in text for text in cell_texts(root))
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    assert [shown_text(t) for t in legend.iter(f"{SVG}text")][::2] == [
        "+3",
        "+2",
        "+1",
        "0",
        "−1",
        "−2",
        "−3",
        "–",
    ]


def test_the_heat_map_says_its_counts_in_words(small):
    root = ET.fromstring(matrix_svg(findings.load(small.cluster)))
    description = root.find(f"{SVG}desc").text
    assert description == (
        "5 strategies against 3 common objectives: 6 positive, 4 negative, 1 consistent, "
        "4 not scored."
    )
    assert root.find(f"{SVG}title").text == (
        "Coherence of the members' strategies with the common objectives"
    )
    # Every cell's tooltip names its strategy, objective and point of the scale.
    tooltips = [
        g.find(f"{SVG}title").text
        for g in root.iter(f"{SVG}g")
        if g.find(f"{SVG}rect") is not None and g.find(f"{SVG}title") is not None
    ]
    assert "Housing plan · O3: −1 Constraining" in tooltips
    assert "Emergency budget · O3: not scored" in tooltips


def test_a_long_title_is_shortened_and_stays_in_its_column(small):
    root = ET.fromstring(matrix_svg(findings.load(small.cluster)))
    (label,) = [
        t
        for t in root.iter(f"{SVG}text")
        if t.find(f"{SVG}title") is not None and t.find(f"{SVG}title").text == LONG_TITLE
    ]
    shown = shown_text(label)
    assert shown.endswith("…") and len(shown) < len(LONG_TITLE)
    assert LONG_TITLE.startswith(shown[:-1].rstrip())
    x, size = float(label.get("x")), float(label.get("font-size"))
    # The cells start where the column headings (the objectives' codes) are centred less
    # half a cell: the label ends before them, and the column is at least LABEL_W wide.
    headings = [
        float(t.get("x"))
        for t in root.iter(f"{SVG}text")
        if t.get("text-anchor") == "middle" and float(t.get("y")) < HEADER_H
    ]
    cells_start = min(headings) - CELL_W / 2
    assert cells_start >= LABEL_W
    assert x + svg.text_width(shown, size) <= cells_start


def test_an_empty_matrix_is_a_well_formed_map(world):
    root = ET.fromstring(matrix_svg(findings.load(world.cluster)))
    assert root.tag == f"{SVG}svg"
    assert cell_texts(root) == []
    assert root.find(f"{SVG}desc").text.startswith("0 strategies against 1 common objective:")
