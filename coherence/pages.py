"""What the coherence pages show, read in a fixed number of queries whatever the number
of strategies and scores."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils import timezone

from clusters.access import ClusterAccess
from clusters.models import Cluster, Membership
from coherence import findings
from coherence.forms import MatrixFilterForm
from coherence.models import Score, Strategy
from coherence.pictures import matrix_svg
from coherence.resolutions import Resolution, resolutions
from indicators.models import Objective
from indicators.selectors import periods_until

# How many of the latest reporting periods the coherence figure is shown for.
FIGURE_PERIODS = 4
# The heat map shows its strategies a page at a time; the lists show the first findings
# (the worst incoherences, the widest convergences) and say how many there are: a large
# cluster has hundreds of each, which the filters narrow down.
MATRIX_PAGE = 30
SHOWN_INCOHERENCES = 20
SHOWN_CONVERGENCES = 10


@dataclass(frozen=True)
class Incoherence:
    score: Score
    resolution: Resolution | None


@dataclass(frozen=True)
class StrategyRow:
    """A strategy with its score against each common objective (None: not scored)."""

    strategy: Strategy
    scores: list[tuple[Objective, Score | None]]


def coherence_context(cluster: Cluster, access: ClusterAccess, query: QueryDict) -> dict:
    memberships = (
        cluster.memberships.active()
        .filter(role__in=Membership.VOTING_ROLES)
        .select_related("actor")
        .order_by("actor__name", "pk")
    )
    objectives = Objective.objects.filter(
        cluster=cluster, status=Objective.Status.ADOPTED
    ).order_by("code")
    form = MatrixFilterForm(query, memberships=memberships, objectives=objectives)
    everything = findings.load(cluster)
    filters = form.filters()
    shown = everything if filters == findings.Filters() else findings.load(cluster, filters)
    page = Paginator(shown.strategies, MATRIX_PAGE).get_page(query.get("page"))
    incoherent = findings.incoherences(shown)
    first = incoherent[:SHOWN_INCOHERENCES]
    resolved = resolutions(cluster, first)
    converging = findings.convergences(everything.strategies)
    rest = query.copy()
    rest.pop("page", None)
    today = timezone.localdate()
    periods = [p for p in periods_until(cluster, today) if p.start <= today][-FIGURE_PERIODS:]
    return {
        "cluster": cluster,
        "access": access,
        "form": form,
        "filtering": filters != findings.Filters(),
        "data": shown,
        "page": page,
        "query": rest.urlencode(),
        "has_strategies": bool(everything.strategies),
        "heat_map": matrix_svg(on_page(shown, page.object_list)),
        "incoherences": [Incoherence(s, resolved.get(s.pk)) for s in first],
        "incoherence_count": len(incoherent),
        "unsupported": findings.unsupported_objectives(everything),
        "convergences": converging[:SHOWN_CONVERGENCES],
        "convergence_count": len(converging),
        "figures": list(reversed(findings.figures(cluster, periods))),
        # Proposals are made for an entity: a coordinator who represents none cannot.
        "can_resolve": access.is_member,
    }


def on_page(data: findings.CoherenceData, strategies: list[Strategy]) -> findings.CoherenceData:
    """The matrix of one page of strategies."""
    ids = {strategy.pk for strategy in strategies}
    scores = {key: score for key, score in data.scores.items() if key[0] in ids}
    return findings.CoherenceData(list(strategies), data.objectives, scores)


def strategy_rows(data: findings.CoherenceData) -> list[StrategyRow]:
    return [
        StrategyRow(strategy, [(o, data.score(strategy, o)) for o in data.objectives])
        for strategy in data.strategies
    ]


def entity_context(cluster: Cluster, access: ClusterAccess, membership: Membership) -> dict:
    """An entity's strategies and their scores: its coherence profile in the cluster."""
    data = findings.load(cluster, findings.Filters(entity=membership.pk))
    return {
        "cluster": cluster,
        "access": access,
        "membership": membership,
        "data": data,
        "rows": strategy_rows(data),
        "heat_map": matrix_svg(data, id_prefix="entity-map") if data.strategies else "",
        "is_own": access.is_member and access.membership.pk == membership.pk,
    }
