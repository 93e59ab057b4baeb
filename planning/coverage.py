"""Who does what, where and when (the 4W table), and where the action plan leaves gaps
or overlaps.

A gap is a territory where an objective's rights issues were found and no joint action of
that objective runs; an overlap is an objective with several actions in one territory.
Only running actions count (planned or in progress): completed and cancelled ones cover
no present need.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from clusters.models import Cluster, Membership
from indicators.models import Objective
from planning.models import JointAction
from rights.models import RightsIssue

# The HXL hashtags of the CSV export, column by column (https://hxlstandard.org).
HXL_ROW = (
    "#org+impl",
    "#meta+role",
    "#sector",
    "#activity+name",
    "#adm1+name",
    "#date+start",
    "#date+end",
    "#status",
    "#indicator+progress",
)


@dataclass(frozen=True)
class Row:
    """One entity's part in one action: the unit of a 4W table."""

    entity: str
    leads: bool
    action: JointAction


def actions_for_table(actions: QuerySet[JointAction]) -> QuerySet[JointAction]:
    """The related rows a 4W table reads, fetched with the actions (three queries)."""
    return actions.select_related("objective", "lead__actor", "cluster").prefetch_related(
        Prefetch("participants", queryset=Membership.objects.select_related("actor"))
    )


def rows_for(actions: Iterable[JointAction], member: Membership | None = None) -> list[Row]:
    """An action's lead first, then its participants; only the member's rows if one is given."""
    rows = []
    for action in actions:
        entities = [(action.lead, True)] + [
            (m, False) for m in sorted(action.participants.all(), key=lambda m: m.actor.name)
        ]
        rows += [
            Row(entity=m.actor.name, leads=leads, action=action)
            for m, leads in entities
            if member is None or m.pk == member.pk
        ]
    return rows


def csv_rows(rows: Iterable[Row]) -> Iterator[list[object]]:
    """The 4W table for a spreadsheet: a header in the reader's language, the HXL row,
    the rows."""
    yield (
        [
            _("Entity"),
            _("Role"),
            _("Objective"),
            _("Action"),
            _("Territory"),
            _("Start"),
            _("End"),
            _("Status"),
            _("Progress (%)"),
        ]
    )
    yield HXL_ROW
    for row in rows:
        action = row.action
        yield [
            row.entity,
            _("Lead") if row.leads else _("Participant"),
            f"{action.objective.code} · {action.objective.statement}",
            action.title,
            action.territory,
            action.start.isoformat(),
            action.end.isoformat(),
            action.get_status_display(),
            action.progress,
        ]


# How much an issue's spelling of a territory outweighs the actions' spellings.
ISSUE_WEIGHT = 10**9


@dataclass
class ObjectiveCoverage:
    objective: Objective
    # territory shown -> number of running actions of the objective there
    counts: dict[str, int] = field(default_factory=dict)
    needed: set[str] = field(default_factory=set)

    @property
    def gaps(self) -> list[str]:
        return [t for t in sorted(self.needed) if not self.counts.get(t)]

    @property
    def overlaps(self) -> list[tuple[str, int]]:
        return [(t, n) for t, n in sorted(self.counts.items()) if n > 1]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Coverage:
    territories: list[str]
    objectives: list[ObjectiveCoverage]

    @property
    def has_gaps(self) -> bool:
        return any(item.gaps for item in self.objectives)

    @property
    def has_overlaps(self) -> bool:
        return any(item.overlaps for item in self.objectives)

    def cells(self) -> Iterator[tuple[ObjectiveCoverage, list[tuple[str, int, bool]]]]:
        """Per objective, per territory: the count and whether the territory needs it."""
        for item in self.objectives:
            yield item, [(t, item.counts.get(t, 0), t in item.needed) for t in self.territories]


def coverage(cluster: Cluster) -> Coverage:
    """Four queries whatever the size: objectives with their issues, the issues' newest
    territories, and the count of running actions per objective and territory, aggregated
    in the database."""
    objectives = list(
        cluster.objectives.filter(status=Objective.Status.ADOPTED).prefetch_related(
            Prefetch(
                "rights_issues",
                queryset=RightsIssue.objects.only("id", "number", "territory"),
            )
        )
    )
    # The same territory typed in several ways ("Ciutat Vella", " ciutat vella") is one;
    # it is shown as the issues spell it, else as most actions do.
    spellings: dict[str, Counter[str]] = defaultdict(Counter)

    def key(territory: str, weight: int) -> str:
        tidy = " ".join(territory.split())
        spellings[tidy.casefold()][tidy] += weight
        return tidy.casefold()

    by_objective = {o.pk: ObjectiveCoverage(objective=o) for o in objectives}
    # An objective may name an issue revised since: its newest version says where it is.
    current = dict(cluster.rights_issues.current().values_list("number", "territory"))
    needed: dict[int, set[str]] = {}
    for pk, item in by_objective.items():
        territories = [
            current.get(i.number, i.territory) for i in item.objective.rights_issues.all()
        ]
        found = [t for t in territories if t.strip()]
        if not found and cluster.territory.strip():
            found = [cluster.territory]
        needed[pk] = {key(t, ISSUE_WEIGHT) for t in found}
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    running = (
        JointAction.objects.running()
        .filter(cluster=cluster, objective__in=by_objective)
        .values("objective_id", "territory")
        .annotate(n=Count("id"))
    )
    for row in running:
        counts[row["objective_id"]][key(row["territory"], row["n"])] += row["n"]

    def shown(k: str) -> str:
        return min(spellings[k].items(), key=lambda item: (-item[1], item[0]))[0]

    for pk, item in by_objective.items():
        item.needed = {shown(k) for k in needed[pk]}
        item.counts = {shown(k): n for k, n in counts[pk].items()}
    territories = sorted({shown(k) for k in spellings}, key=str.casefold)
    return Coverage(territories=territories, objectives=list(by_objective.values()))
