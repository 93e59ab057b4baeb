"""The coherence section of the dossier and the coherence figure of the progress report:
what a reader of the PDF finds (read back with pdftotext), and the queries it costs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusters.models import Membership
from indicators.models import Objective
from reports import content
from reports.models import ReportJob
from tests.conftest import World
from tests.factories import ActorFactory, MembershipFactory
from tests.planning.test_incoherence_proposal import (
    adopted,
    incoherence,
    opened,
    resolving,
    scored,
)
from tests.reports.test_reports import ask, pdf_text, render


def matrix(world: World) -> dict:
    """The member's protocol counteracts O1 (an open proposal resolves it), the lead's
    housing plan reinforces O1 and is consistent with O2: O2 is supported by nobody."""
    o1 = world.indicator.objective
    o2 = Objective.objects.create(
        cluster=world.cluster, code="O2", statement="Energy poverty eradicated"
    )
    lead = world.cluster.memberships.get(role=Membership.Role.LEAD)
    bad = incoherence(world)
    plan = scored(
        lead,
        world.users["coordinator"],
        o1,
        2,
        title="Municipal housing plan",
        reason="Builds social rent homes",
    )
    scored_again = plan.strategy
    from coherence import services

    services.score_set(
        strategy=scored_again,
        objective=o2,
        membership=lead,
        by=world.users["coordinator"],
        value=0,
    )
    proposal = opened(world, resolving(world, bad, "A protocol that waits for a home"))
    return {"o2": o2, "bad": bad, "proposal": proposal}


def test_the_dossier_has_the_coherence_chapter(world: World):
    matrix(world)
    text = pdf_text(render(ask(world, ReportJob.Kind.DOSSIER)))
    chapter = text.split("9. Policy coherence")[-1].split("10. Meetings")[0]
    # Read as one line; the reason wraps in its column, read beside the next columns.
    chapter = " ".join(chapter.split())
    for said in (
        "The coherence matrix",
        "Incoherences and how they are being resolved",
        "Fast-track eviction protocol",
        "Neighbours Association",
        "−2 Counteracting",
        "It shortens the time families",
        "A protocol that waits for a home",
        "Open for positions",
        "Objectives no strategy supports",
        "O2 · Energy poverty eradicated",
        "The coherence figure by period",
    ):
        assert said in chapter, said
    assert "1 strategy works against a common objective; 0 being addressed" in chapter
    # The table of contents has the chapter, and the annexes come after it.
    assert "9. Policy coherence" in text.split("1. Goal and scope")[1]
    assert "10. Meetings" in text and "11. Annexes" in text
    # The heat map writes each score in its cell, and the lead's plan is a row of it.
    assert "Municipal housing plan" in chapter and "+2" in chapter


def test_an_adopted_proposal_shows_the_incoherence_as_addressed(world: World):
    bad = incoherence(world)
    adopted(world, resolving(world, bad, "The agreed protocol"))
    text = pdf_text(render(ask(world, ReportJob.Kind.DOSSIER)))
    assert "The agreed protocol" in text and "Adopted: being addressed" in text
    assert "1 strategy works against a common objective; 1 being addressed" in text


def test_with_no_strategy_the_chapter_says_so(world: World):
    text = pdf_text(render(ask(world, ReportJob.Kind.DOSSIER)))
    assert "9. Policy coherence" in text
    assert "No member entity has recorded a strategy yet." in text


def test_nothing_of_another_cluster_reaches_the_chapter(world: World):
    from tests.planning.test_incoherence_proposal import other_clusters_incoherence

    other_clusters_incoherence(world)
    matrix(world)
    text = pdf_text(render(ask(world, ReportJob.Kind.DOSSIER)))
    assert "Secret policy" not in text and "Secret goal" not in text


def test_the_section_lists_incoherences_resolutions_and_unsupported(world: World):
    made = matrix(world)
    section = content.coherence(world.cluster)
    assert section.strategies == 2
    [item] = section.incoherences
    assert item.score == made["bad"] and item.resolution.title == made["proposal"].title
    assert not item.resolution.addressed and section.addressed == 0
    assert section.unsupported == [made["o2"]]
    assert 'id="pdf-coherence' in section.heat_map
    # The current quarter: three pairs scored (−2, +2, 0), one positive, one negative.
    latest = section.figures[-1]
    assert (latest.scored, latest.positive, latest.negative) == (3, 1, 1)


@pytest.mark.parametrize("more", [0, 4])
def test_the_section_reads_in_a_fixed_number_of_queries(
    world: World, django_assert_num_queries, more
):
    matrix(world)
    for n in range(more):
        membership = MembershipFactory(cluster=world.cluster, actor=ActorFactory())
        from accounts.models import User

        person = User.objects.create(email=f"extra{n}@example.org")
        membership.actor.people.create(user=person, role="admin")
        bad = scored(membership, person, world.indicator.objective, -1, title=f"Extra plan {n}")
        opened(world, resolving(world, bad, f"Resolve extra {n}"))
    # 4 for the matrix (strategies, their SDG targets, objectives, scores); 1 for the
    # resolutions (the proposals, with whether each was adopted); 1 for the periods; 3 for
    # the figures (strategies, adopted objectives, revisions).
    with django_assert_num_queries(9):
        section = content.coherence(world.cluster)
    assert len(section.incoherences) == 1 + more


def test_the_progress_report_has_the_coherence_figure_of_its_period(world: World):
    matrix(world)
    text = pdf_text(render(ask(world, ReportJob.Kind.PROGRESS, period=world.period)))
    part = text.split("Policy coherence")[-1]
    label = world.period.label
    assert f"In {label}, 33 % of the 3 scored pairs were positive; 1 was negative." in part


def test_the_progress_report_without_scores_shows_no_share(world: World):
    text = pdf_text(render(ask(world, ReportJob.Kind.PROGRESS, period=world.period)))
    part = text.split("Policy coherence")[-1]
    label = world.period.label
    assert f"No strategy in force in {label} was scored against the common objectives." in part


# --- The dashboard ----------------------------------------------------------------------------


def dashboard_page(world: World):
    response = world.client("coordinator").get(reverse("reports:dashboard", args=["housing"]))
    assert response.status_code == 200
    return response


def test_the_dashboard_shows_the_coherence_figure_of_the_current_period(world: World):
    matrix(world)
    response = dashboard_page(world)
    figure = response.context["coherence"]
    assert (figure.scored, figure.positive, figure.negative) == (3, 1, 1)
    assert figure.period.start == world.period.start and figure.period.end == world.period.end
    html = " ".join(response.content.decode().split())
    link = reverse("coherence:coherence", args=["housing"])
    assert f'<a href="{link}"><strong>33 %</strong>' in html
    assert f"of the scored pairs positive in {world.period.label}; 1 negative" in html


def test_the_dashboard_without_scores_shows_a_dash(world: World):
    html = " ".join(dashboard_page(world).content.decode().split())
    link = reverse("coherence:coherence", args=["housing"])
    assert f'<a href="{link}"><strong>—</strong>' in html


def test_the_dashboard_never_counts_another_clusters_scores(world: World):
    from tests.planning.test_incoherence_proposal import other_clusters_incoherence

    other_clusters_incoherence(world)
    figure = dashboard_page(world).context["coherence"]
    assert figure.scored == 0


def test_a_large_matrix_prints_the_spread_of_its_scores_and_its_worst_incoherences(
    world: World, monkeypatch
):
    """The map of hundreds of strategies would run over pages nobody reads."""
    monkeypatch.setattr(content, "PRINT_MATRIX_STRATEGIES", 1)
    monkeypatch.setattr(content, "PRINT_INCOHERENCES", 1)
    matrix(world)
    incoherence(world, -3, title="Rent-raising rule")
    section = content.coherence(world.cluster)
    assert section.heat_map == ""
    # O1: the −3, the −2 and the lead's +2; O2: the lead's 0.
    spread = {
        objective.code: {v: n for v, n, *_colours in points} for objective, points in section.spread
    }
    assert spread["O1"] == {3: 0, 2: 1, 1: 0, 0: 0, -1: 0, -2: 1, -3: 1}
    assert spread["O2"] == {3: 0, 2: 0, 1: 0, 0: 1, -1: 0, -2: 0, -3: 0}
    assert [item.score.strategy.title for item in section.incoherences] == ["Rent-raising rule"]
    assert section.incoherence_count == 2
    text = " ".join(pdf_text(render(ask(world, ReportJob.Kind.DOSSIER))).split())
    assert "With 3 strategies the matrix is too large to print" in text
    assert "The 1 worst of 2; the others are on the cluster's coherence page." in text
    assert "2 strategies work against a common objective; 0 being addressed" in text
