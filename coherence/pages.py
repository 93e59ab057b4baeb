"""What the coherence pages show, read in a fixed number of queries whatever the number
of strategies and scores."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils import timezone

from actors.models import Actor
from clusters.access import ClusterAccess
from clusters.audit import data_version
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
# A convergence names its first strategies and says how many more: the widest of a large
# cluster join twenty or more, all of which its proposal link carries.
CONVERGENCE_STRATEGIES = 5


@dataclass(frozen=True)
class Incoherence:
    score: Score
    resolution: Resolution | None


@dataclass(frozen=True)
class ShownConvergence:
    """A convergence as the page lists it: its first strategies, and how many more."""

    territory: str
    targets: tuple
    entity_names: list[str]
    strategies: list[Strategy]
    more: int
    strategy_ids: str

    @classmethod
    def of(cls, convergence: findings.Convergence) -> ShownConvergence:
        first = convergence.strategies[:CONVERGENCE_STRATEGIES]
        return cls(
            territory=convergence.territory,
            targets=convergence.targets,
            entity_names=convergence.entity_names,
            strategies=[_bare(strategy) for strategy in first],
            more=len(convergence.strategies) - len(first),
            strategy_ids=convergence.strategy_ids,
        )


@dataclass(frozen=True)
class StrategyRow:
    """A strategy with its score against each common objective (None: not scored)."""

    strategy: Strategy
    scores: list[tuple[Objective, Score | None]]


def coherence_context(cluster: Cluster, access: ClusterAccess, query: QueryDict) -> dict:
    memberships = (
        cluster.memberships.active()
        .filter(role__in=Membership.VOTING_ROLES)
        .order_by("actor__name", "pk")
        .values_list("pk", "actor__name")
    )
    objectives = Objective.objects.filter(
        cluster=cluster, status=Objective.Status.ADOPTED
    ).order_by("code")
    form = MatrixFilterForm(query, memberships=memberships, objectives=objectives)
    filters = form.filters()
    filtering = filters != findings.Filters()
    found = whole_cluster_findings(cluster, timezone.localdate())
    if filtering:
        shown = findings.load(cluster, filters)
        page = Paginator(shown.strategies, MATRIX_PAGE).get_page(query.get("page"))
        shown = on_page(shown, page.object_list)
        incoherent = findings.incoherences(shown)
        first, incoherence_count = incoherent[:SHOWN_INCOHERENCES], len(incoherent)
    else:
        # A page of the strategies, read as a page: the findings of them all are cached.
        strategies = (
            Strategy.objects.filter(cluster=cluster)
            .for_listing()
            .only(*SHOWN_FIELDS, "membership__actor_id", "membership__actor__name")
        )
        page = Paginator(strategies, MATRIX_PAGE).get_page(query.get("page"))
        shown = findings.load_page(cluster, page.object_list)
        first, incoherence_count = found["incoherences"], found["incoherence_count"]
    resolved = resolutions(cluster, first)
    rest = query.copy()
    rest.pop("page", None)
    return {
        "cluster": cluster,
        "access": access,
        "form": form,
        "filtering": filtering,
        "data": shown,
        "page": page,
        "query": rest.urlencode(),
        "has_strategies": found["has_strategies"],
        "heat_map": matrix_svg(shown),
        "incoherences": [Incoherence(s, resolved.get(s.pk)) for s in first],
        "incoherence_count": incoherence_count,
        "unsupported": found["unsupported"],
        "convergences": found["convergences"],
        "convergence_count": found["convergence_count"],
        "figures": found["figures"],
        # Proposals are made for an entity: a coordinator who represents none cannot.
        "can_resolve": access.is_member,
    }


# Only bounds the life of entries that no key will ask for again.
FINDINGS_CACHE_SECONDS = 24 * 3600


def whole_cluster_findings(cluster: Cluster, today: date) -> dict:
    """What the page finds over all the cluster's strategies (the worst incoherences, the
    unsupported objectives, the widest convergences, the figure of the latest periods),
    kept in the cache until the data it reads changes: every write to strategies, scores
    and objectives is in the cluster's log, which moves its data version
    (clusters.audit.data_version); an entity's name is not (actors.services says why), so
    the key also holds the names of the cluster's entities, read in one short query."""
    names = list(
        Actor.objects.filter(memberships__cluster=cluster)
        .order_by("pk")
        .distinct()
        .values_list("pk", "name")
    )
    digest = hashlib.sha256(repr(names).encode()).hexdigest()[:32]
    key = f"coherence:findings:{cluster.pk}:{data_version(cluster.pk)}:{today}:{digest}"
    found = cache.get(key)
    if found is None:
        found = _whole_cluster_findings(cluster, today)
        cache.set(key, found, FINDINGS_CACHE_SECONDS)
    return found


def _whole_cluster_findings(cluster: Cluster, today: date) -> dict:
    everything = findings.load(cluster)
    incoherent = findings.incoherences(everything)
    converging = findings.convergences(everything.strategies)
    periods = [p for p in periods_until(cluster, today) if p.start <= today][-FIGURE_PERIODS:]
    first = incoherent[:SHOWN_INCOHERENCES]
    # Kept small: what the page shows of them, not every strategy's SDG targets.
    shown = [ShownConvergence.of(c) for c in converging[:SHOWN_CONVERGENCES]]
    for score in first:
        score.strategy = _bare(score.strategy)
    return {
        "has_strategies": bool(everything.strategies),
        "incoherences": first,
        "incoherence_count": len(incoherent),
        "unsupported": findings.unsupported_objectives(everything),
        "convergences": shown,
        "convergence_count": len(converging),
        "figures": list(reversed(findings.figures(cluster, periods))),
    }


# What the page shows of a strategy: its heat map row, its link, its entity and kind.
SHOWN_FIELDS = ("id", "cluster_id", "membership_id", "title", "kind", "starts_on", "status")


def _bare(strategy: Strategy) -> Strategy:
    """A copy of the strategy with what the page shows of it and no more (not its SDG
    targets, not its entity's whole profile): small to keep in the cache."""
    copy = Strategy.from_db(None, SHOWN_FIELDS, [getattr(strategy, f) for f in SHOWN_FIELDS])
    membership = Membership.from_db(None, ["id", "actor_id"], [strategy.membership_id, None])
    membership.actor = Actor.from_db(None, ["id", "name"], [None, strategy.entity_name])
    copy.membership = membership
    return copy


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
