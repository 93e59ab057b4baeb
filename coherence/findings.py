"""What the coherence matrix finds: the matrix itself, incoherences, unsupported
objectives, convergences, and the coherence figure of each period.

``load`` reads a cluster's strategies, objectives and scores in a fixed number of
queries; everything else is a pure function of what it read, so each finding is tested
on a small world by hand and costs nothing more on a large cluster.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Prefetch
from django.utils import timezone

from clusters.models import Cluster
from coherence.models import Score, ScoreRevision, Strategy
from indicators.models import Objective, ReportingPeriod
from rights.models import SDGTarget


@dataclass(frozen=True)
class Filters:
    """The heat map's filters: None means all."""

    entity: int | None = None  # a membership id
    kind: str | None = None
    objective: int | None = None


@dataclass
class CoherenceData:
    strategies: list[Strategy]
    objectives: list[Objective]
    # (strategy id, objective id) → the score in force
    scores: dict[tuple[int, int], Score] = field(default_factory=dict)

    def score(self, strategy: Strategy, objective: Objective) -> Score | None:
        return self.scores.get((strategy.pk, objective.pk))


def load(cluster: Cluster, filters: Filters = Filters()) -> CoherenceData:
    """The cluster's strategies (with their entity and SDG targets), its adopted
    objectives, and the scores between them: four queries."""
    strategies = (
        Strategy.objects.filter(cluster=cluster)
        .for_listing()
        .prefetch_related(Prefetch("sdg_targets", queryset=SDGTarget.objects.order_by("position")))
    )
    if filters.entity is not None:
        strategies = strategies.filter(membership_id=filters.entity)
    if filters.kind:
        strategies = strategies.filter(kind=filters.kind)
    objectives = Objective.objects.filter(cluster=cluster, status=Objective.Status.ADOPTED)
    if filters.objective is not None:
        objectives = objectives.filter(pk=filters.objective)
    data = CoherenceData(strategies=list(strategies), objectives=list(objectives.order_by("code")))
    # By the cluster and the same filters, not by a list of ids: one short query however
    # many strategies there are.
    # Only what the matrix and its findings read: a large cluster has thousands of scores.
    scores = Score.objects.only("strategy_id", "objective_id", "value", "reason").filter(
        strategy__cluster=cluster,
        objective__cluster=cluster,
        objective__status=Objective.Status.ADOPTED,
    )
    if filters.entity is not None:
        scores = scores.filter(strategy__membership_id=filters.entity)
    if filters.kind:
        scores = scores.filter(strategy__kind=filters.kind)
    if filters.objective is not None:
        scores = scores.filter(objective_id=filters.objective)
    by_pk = {s.pk: s for s in data.strategies}
    by_objective = {o.pk: o for o in data.objectives}
    for score in scores:
        if score.strategy_id not in by_pk or score.objective_id not in by_objective:
            continue
        # The rows already read: a list of findings names both sides without a query.
        score.strategy = by_pk[score.strategy_id]
        score.objective = by_objective[score.objective_id]
        data.scores[(score.strategy_id, score.objective_id)] = score
    return data


def load_page(cluster: Cluster, strategies: Sequence[Strategy]) -> CoherenceData:
    """The matrix of some of the cluster's strategies (a page of the heat map): their
    scores against the adopted objectives, two queries whatever the cluster's size."""
    objectives = list(
        Objective.objects.filter(cluster=cluster, status=Objective.Status.ADOPTED).order_by("code")
    )
    data = CoherenceData(strategies=list(strategies), objectives=objectives)
    by_pk = {s.pk: s for s in data.strategies}
    by_objective = {o.pk: o for o in objectives}
    scores = Score.objects.only("strategy_id", "objective_id", "value", "reason").filter(
        strategy_id__in=list(by_pk), objective_id__in=list(by_objective)
    )
    for score in scores:
        score.strategy = by_pk[score.strategy_id]
        score.objective = by_objective[score.objective_id]
        data.scores[(score.strategy_id, score.objective_id)] = score
    return data


# --- The matrix -------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityRows:
    """The strategies of one entity: a group of rows of the heat map."""

    name: str
    membership_id: int
    strategies: list[Strategy]


def rows_by_entity(data: CoherenceData) -> list[EntityRows]:
    groups: dict[int, EntityRows] = {}
    for strategy in data.strategies:
        group = groups.get(strategy.membership_id)
        if group is None:
            group = groups[strategy.membership_id] = EntityRows(
                strategy.entity_name, strategy.membership_id, []
            )
        group.strategies.append(strategy)
    return list(groups.values())


# --- Findings ---------------------------------------------------------------------------


def incoherences(data: CoherenceData) -> list[Score]:
    """Every negative score of a strategy in play, the worst first."""
    found = [
        score for score in data.scores.values() if score.value < 0 and score.strategy.is_in_play
    ]
    return sorted(found, key=lambda s: (s.value, s.objective.code, s.strategy.entity_name, s.pk))


def unsupported_objectives(data: CoherenceData) -> list[Objective]:
    """The common objectives that no strategy in play supports (no score above 0)."""
    supported = {
        objective_id
        for (_strategy_id, objective_id), score in data.scores.items()
        if score.value > 0 and score.strategy.is_in_play
    }
    return [objective for objective in data.objectives if objective.pk not in supported]


@dataclass(frozen=True)
class Convergence:
    """Strategies of two or more entities on the same SDG targets in the same territory:
    a candidate for a joint action."""

    territory: str
    targets: tuple[SDGTarget, ...]
    strategies: tuple[Strategy, ...]

    @property
    def entity_names(self) -> list[str]:
        return sorted({strategy.entity_name for strategy in self.strategies})

    @property
    def strategy_ids(self) -> str:
        """Its strategies as the address of a proposal that takes it up ("4,9")."""
        return ",".join(str(strategy.pk) for strategy in self.strategies)


def same_territory(text: str) -> str:
    """Territories compared as people write them: case, spaces and accents aside."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())


def convergences(strategies: Iterable[Strategy]) -> list[Convergence]:
    """Per territory, the SDG targets that strategies of two or more entities share. The
    strategies that share the same targets are one convergence, listing all the targets
    they share; the widest first."""
    by_place: dict[tuple[str, int], list[Strategy]] = defaultdict(list)
    targets: dict[int, SDGTarget] = {}
    places: dict[str, str] = {}
    for strategy in strategies:
        if not strategy.is_in_play:
            continue
        place = same_territory(strategy.territory)
        places.setdefault(place, strategy.territory.strip())
        for target in strategy.sdg_targets.all():
            targets[target.pk] = target
            by_place[(place, target.pk)].append(strategy)
    grouped: dict[tuple[str, tuple[int, ...]], list[int]] = defaultdict(list)
    for (place, target_id), sharing in by_place.items():
        if len({strategy.membership_id for strategy in sharing}) < 2:
            continue
        key = (place, tuple(sorted(strategy.pk for strategy in sharing)))
        grouped[key].append(target_id)
    by_pk = {s.pk: s for sharing in by_place.values() for s in sharing}
    found = [
        Convergence(
            territory=places[place],
            targets=tuple(sorted((targets[t] for t in target_ids), key=lambda t: t.position)),
            strategies=tuple(
                sorted((by_pk[pk] for pk in pks), key=lambda s: (s.entity_name, s.title, s.pk))
            ),
        )
        for (place, pks), target_ids in grouped.items()
    ]
    return sorted(found, key=lambda c: (-len(c.strategies), -len(c.targets), c.territory))


# --- The coherence figure ---------------------------------------------------------------


@dataclass(frozen=True)
class CoherenceFigure:
    """The scores as they stood at the end of a period, over the strategies in force in
    it (not drafts: a policy that is not in force bears on nothing yet)."""

    period: ReportingPeriod
    scored: int
    positive: int
    negative: int

    @property
    def positive_share(self) -> float | None:
        """The share of scored pairs that are positive, in percent; None with none."""
        return 100 * self.positive / self.scored if self.scored else None


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def _overlaps(strategy: Strategy, period: ReportingPeriod) -> bool:
    return strategy.starts_on <= period.end and (
        strategy.ends_on is None or strategy.ends_on >= period.start
    )


def figures(cluster: Cluster, periods: Sequence[ReportingPeriod]) -> list[CoherenceFigure]:
    """One coherence figure per period, oldest first: three queries whatever the number
    of periods and scores."""
    strategies = {
        s.pk: s
        for s in Strategy.objects.filter(cluster=cluster).exclude(status=Strategy.Status.DRAFT)
    }
    adopted = set(
        Objective.objects.filter(cluster=cluster, status=Objective.Status.ADOPTED).values_list(
            "pk", flat=True
        )
    )
    if not periods:
        return []
    # Nothing after the last period's end can count: the revisions up to it only.
    last_end = _end_of(max(period.end for period in periods))
    revisions = ScoreRevision.objects.filter(
        score__strategy__cluster=cluster, at__lte=last_end
    ).values_list("score_id", "score__strategy_id", "score__objective_id", "value", "at")
    history: dict[int, list[tuple[datetime, int, int]]] = defaultdict(list)
    for score_id, strategy_id, objective_id, value, at in revisions:
        if strategy_id in strategies and objective_id in adopted:
            history[score_id].append((at, strategy_id, value))
    for entries in history.values():
        entries.sort()
    return [_figure(period, history, strategies) for period in periods]


def _figure(
    period: ReportingPeriod,
    history: dict[int, list[tuple[datetime, int, int]]],
    strategies: dict[int, Strategy],
) -> CoherenceFigure:
    end = _end_of(period.end)
    scored = positive = negative = 0
    for entries in history.values():
        standing = [value for at, _s, value in entries if at <= end]
        if not standing or not _overlaps(strategies[entries[0][1]], period):
            continue
        scored += 1
        positive += standing[-1] > 0
        negative += standing[-1] < 0
    return CoherenceFigure(period=period, scored=scored, positive=positive, negative=negative)
