"""The demo's coherence part: what a visitor of the demo cluster finds in its matrix, built
the same way twice, and the large cluster's strategies."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from clusters.models import Cluster
from coherence import findings
from coherence.models import Score, ScoreQuestion, ScoreRevision, Strategy
from demo.clusters import CLUSTER_SLUG
from planning.coherence import resolutions_of
from planning.models import Proposal


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (Strategy, Score, ScoreRevision, ScoreQuestion, Proposal)
    )


def test_the_demo_matrix_finds_two_incoherences_one_gap_and_a_convergence(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    first = counts()
    call_command("seed_demo", force=True, stdout=StringIO())
    assert counts() == first

    cluster = Cluster.objects.get(slug=CLUSTER_SLUG)
    data = findings.load(cluster)
    # Six strategies of five entities, the Office's two among them.
    assert len(data.strategies) == 6
    entities = [group.name for group in findings.rows_by_entity(data)]
    assert len(entities) == 5
    assert "Oficina Comarcal d'Habitatge" in entities
    assert {s.kind for s in data.strategies} >= {
        Strategy.Kind.PUBLIC_POLICY,
        Strategy.Kind.BUDGET_LINE,
        Strategy.Kind.STRATEGIC_PLAN,
        Strategy.Kind.PROGRAMME,
        Strategy.Kind.PROTOCOL,
    }
    assert {s.status for s in data.strategies} == {Strategy.Status.IN_FORCE, Strategy.Status.DRAFT}
    assert all(s.sdg_targets.all() and s.rights.exists() for s in data.strategies)
    assert all(s.url or s.document for s in data.strategies)
    (attached,) = [s for s in data.strategies if s.document]
    assert attached.content_type == "application/pdf"
    assert attached.document.open("rb").read(5) == b"%PDF-"
    # Every strategy scored against each of the three adopted objectives, with reasons.
    assert [o.code for o in data.objectives] == ["O1", "O2", "O3"]
    assert len(data.scores) == 6 * 3
    assert all(score.reason for score in data.scores.values() if score.value)

    # Two incoherences: the open proposal takes up one, the adopted one the other.
    incoherent = findings.incoherences(data)
    assert [(s.strategy.kind, s.objective.code, s.value) for s in incoherent] == [
        (Strategy.Kind.BUDGET_LINE, "O1", -2),
        (Strategy.Kind.PROGRAMME, "O2", -1),
    ]
    resolutions = resolutions_of(cluster, incoherent)
    budget, supplies = (resolutions[s.pk] for s in incoherent)
    assert not budget.addressed and budget.status_label == str(Proposal.Status.OPEN.label)
    assert supplies.addressed
    proposals = {p.resolves_id: p for p in Proposal.objects.filter(resolves__in=incoherent)}
    assert proposals[incoherent[0].pk].status == Proposal.Status.OPEN
    assert proposals[incoherent[1].pk].status == Proposal.Status.DECIDED
    assert proposals[incoherent[1].pk].decisions.get().is_adopted

    # O3 is the one objective no strategy supports.
    assert [o.code for o in findings.unsupported_objectives(data)] == ["O3"]

    # Four entities on 11.1 in Nou Barris, and two of them on 7.1.
    found = findings.convergences(data.strategies)
    assert [([t.code for t in c.targets], len(c.entity_names)) for c in found] == [
        (["11.1"], 4),
        (["7.1"], 2),
    ]
    assert found[0].territory == "Nou Barris, Barcelona"

    # Two scores revised after another entity questioned them; the questions keep the
    # value they questioned.
    questions = list(ScoreQuestion.objects.filter(score__strategy__cluster=cluster))
    assert len(questions) == 2
    for question in questions:
        assert question.membership != question.score.strategy.membership
        values = list(question.score.revisions.order_by("at").values_list("value", flat=True))
        assert len(values) == 2 and values[0] == question.value_questioned != values[-1]
        assert values[-1] == question.score.value
        assert question.score.revisions.order_by("at")[0].at < question.at

    # The last ended quarter reads the scores as first given; today's, the revised ones.
    periods = list(cluster.periods.order_by("-end")[:2])[::-1]
    before, now = findings.figures(cluster, periods)
    assert (before.scored, before.positive, before.negative) == (15, 7, 1)
    assert (now.scored, now.positive, now.negative) == (15, 6, 2)


def test_the_large_cluster_has_strategies_scored_against_every_objective(db):
    from demo.large import SLUG

    call_command("seed_demo", force=True, large=True, stdout=StringIO())
    large = Cluster.objects.get(slug=SLUG)
    voting = large.memberships.voting().count()
    strategies = Strategy.objects.filter(cluster=large)
    assert strategies.count() == 3 * voting
    adopted = large.objectives.filter(status="adopted").count()
    assert Score.objects.filter(strategy__cluster=large).count() == 3 * voting * adopted
    assert ScoreRevision.objects.filter(score__strategy__cluster=large).count() > (
        3 * voting * adopted
    )
    data = findings.load(large)
    assert findings.incoherences(data)
    assert findings.convergences(data.strategies)
    # Again: nothing more.
    before = counts()
    call_command("seed_demo", force=True, large=True, stdout=StringIO())
    assert counts() == before
