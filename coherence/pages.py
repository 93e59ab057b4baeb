"""What the coherence pages show, read in a fixed number of queries whatever the number
of strategies and scores."""

from __future__ import annotations

from dataclasses import dataclass

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
    incoherent = findings.incoherences(everything)
    resolved = resolutions(cluster, incoherent)
    today = timezone.localdate()
    periods = [p for p in periods_until(cluster, today) if p.start <= today][-FIGURE_PERIODS:]
    return {
        "cluster": cluster,
        "access": access,
        "form": form,
        "filtering": filters != findings.Filters(),
        "data": shown,
        "has_strategies": bool(everything.strategies),
        "heat_map": matrix_svg(shown),
        "incoherences": [Incoherence(s, resolved.get(s.pk)) for s in incoherent],
        "unsupported": findings.unsupported_objectives(everything),
        "convergences": findings.convergences(everything.strategies),
        "figures": list(reversed(findings.figures(cluster, periods))),
        # Proposals are made for an entity: a coordinator who represents none cannot.
        "can_resolve": access.is_member,
    }


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
