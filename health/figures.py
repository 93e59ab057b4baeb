"""The figures of the five effects that the cluster's own data gives, period by period,
beside what the survey says of them (health.scoring).

For each of the last reporting periods that have started, per effect:

* impact: the progress of the adopted objectives and the share of indicators on track,
  as of the period's end (indicators.progress, as every page computes progress);
* innovation: proposals and joint actions marked as a new practice in the sector
  (``is_new_practice``), and those proposals adopted;
* new initiatives: proposals put forward and joint actions started;
* opportunism: the share of lead and member entities that take positions without
  reporting, contributing or taking part in an action (lower is better);
* coordination: answers to decisions, reports on time, actions shared by several
  entities, overlaps between actions resolved, and the coherence of the members' own
  strategies with the common objectives (coherence.findings.figures).

Each figure says in its ``how`` how it is computed, in the reader's language. Every count
is aggregated in the database, one query per kind of row with a column per period
(conditional aggregation), so the number of queries does not grow with the cluster's
data; the impact figures read the validated values once per period (indicators.progress,
cached until the next validation).

"In the period" means on a day from its start to its end, in the site's time zone. A
period still running is judged as of today ("by its end" is "so far").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, Lower, Trim, TruncDate
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from clusters.models import Cluster, Membership
from coherence.findings import figures as coherence_figures
from core.svg import format_number
from health.charts import sparkline_svg
from health.scales import Effect
from health.scoring import EQUAL, UP, Trending, trend
from indicators.models import Indicator, MeasurementReport, Objective, ReportingPeriod
from indicators.progress import ACHIEVED, NO_DATA, ON_TRACK, indicators_progress, objective_progress
from indicators.selectors import periods_until
from planning.models import (
    ActionUpdate,
    Contribution,
    Decision,
    JointAction,
    Proposal,
    StanceChange,
)

PERCENT, COUNT = "percent", "count"
ENDED = (JointAction.Status.COMPLETED, JointAction.Status.CANCELLED)


@dataclass(frozen=True)
class Figure(Trending):
    code: str  # stable ("impact.objectives"), the prefix of the page's ids
    effect: str  # an Effect value
    label: str
    how: str  # one sentence: how it is computed
    unit: str  # PERCENT or COUNT
    lower_is_better: bool
    points: list[tuple[str, float | None]]  # (period label, value), oldest first

    @property
    def latest(self) -> float | None:
        return self.points[-1][1] if self.points else None

    @property
    def previous(self) -> float | None:
        return self.points[-2][1] if len(self.points) > 1 else None

    @property
    def trend(self) -> str | None:
        """Up, down or equal since the period before (health.scoring.trend); whether up
        is good says ``lower_is_better``."""
        return trend(self.latest, self.previous)

    @property
    def latest_shown(self) -> str:
        return _shown(self, self.latest)

    @property
    def improved(self) -> bool | None:
        """Whether the figure moved the good way since the period before (None: it did
        not move, or cannot tell)."""
        if self.trend in (None, EQUAL):
            return None
        return (self.trend == UP) != self.lower_is_better

    @property
    def tone(self) -> str:
        """The badge of its trend: green when it moved the good way, amber the other."""
        return {True: "ok", False: "warn"}.get(self.improved, "neutral")


@dataclass(frozen=True)
class EntityRow:
    """One active lead or member entity in the latest period."""

    membership: Membership
    proposals: int  # proposals created in the period and submitted (drafts left out)
    positions: int  # proposals it took a position on in the period
    reports: int  # measurement reports submitted in the period
    contributions: int  # contributions recorded in the period
    actions: int  # joint actions it leads or takes part in, running in the period
    # Contributions minus the actions it leads or takes part in: below zero, it is on more
    # actions than it has recorded contributions for (it takes more than it gives).
    balance: int
    # Takes positions, but neither reports, contributes nor takes part in an action.
    is_passive: bool


@dataclass(frozen=True)
class DerivedFigures:
    periods: list[ReportingPeriod]  # those the points are for, oldest first
    figures: list[Figure]  # by effect, in Effect order
    entities: list[EntityRow]

    def by_effect(self) -> list[tuple[str, str, list[Figure]]]:
        """(effect value, effect label, its figures) for each effect, in Effect order."""
        return [
            (effect.value, str(effect.label), [f for f in self.figures if f.effect == effect])
            for effect in Effect
        ]


# --- Periods as times and conditions ----------------------------------------------------------


def _midnight(day: date) -> datetime:
    """The first moment of the day in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class _Window:
    """A period as the queries read it: from its start to its end, or to today when it
    is still running."""

    start: date
    until: date  # the period's last day, or today if sooner

    @property
    def since(self) -> datetime:
        return _midnight(self.start)

    @property
    def before(self) -> datetime:  # the first moment after the window
        return _midnight(self.until + timedelta(days=1))

    def moment(self, field: str) -> Q:
        """A date-time field within the window."""
        return Q(**{f"{field}__gte": self.since, f"{field}__lt": self.before})

    def day(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start, f"{field}__lte": self.until})

    def runs(self) -> Q:
        """A joint action ran some day of the window: its dates meet it, and it was not
        completed or cancelled before (``ended_on``, see _ended_on), nor before it
        started."""
        return Q(start__lte=self.until, end__gte=self.start) & (
            Q(ended_on__isnull=True) | (Q(ended_on__gte=self.start) & Q(ended_on__gte=F("start")))
        )

    def still_runs(self) -> Q:
        """A joint action still ran on the window's last day (one that ends that day does
        not)."""
        return Q(start__lte=self.until, end__gte=self.until) & (
            Q(ended_on__isnull=True) | Q(ended_on__gt=self.until)
        )


def _ended_on() -> TruncDate:
    """The day a completed or cancelled action ended: its last update that set that
    status, else its last change. None while it runs (an action reopened runs again)."""
    last = (
        ActionUpdate.objects.filter(action=OuterRef("pk"), status__in=ENDED)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    return TruncDate(
        Case(
            When(status__in=ENDED, then=Coalesce(Subquery(last), F("updated_at"))),
            default=None,
            output_field=DateTimeField(),
        )
    )


def _columns(windows: Sequence[_Window], **conditions: object) -> dict[str, Count]:
    """``{f"{name}{i}": Count("pk", filter=condition(window i))}`` for each named
    condition (a function of the window) and window: one column per period. Distinct,
    since a join to a many-to-many relation repeats the rows."""
    return {
        f"{name}{i}": Count("pk", filter=condition(window), distinct=True)
        for name, condition in conditions.items()
        for i, window in enumerate(windows)
    }


def _per_row(
    rows: Iterable[dict], key: str, names: Sequence[str], n: int
) -> dict[object, dict[str, list[int]]]:
    """{row[key]: {name: [value per window]}} of a grouped query's rows."""
    return {
        row[key]: {name: [row[f"{name}{i}"] or 0 for i in range(n)] for name in names}
        for row in rows
    }


def _share(part: float, whole: float) -> float | None:
    return 100 * part / whole if whole else None


# --- The queries ------------------------------------------------------------------------------


def _impact(cluster: Cluster, windows: Sequence[_Window]) -> tuple[list, list]:
    """Per window: the mean progress of the adopted objectives that have data (each
    objective its indicators' weighted progress, indicators.progress.objective_progress),
    and the share of indicators with data that are achieved or on track. Two queries, plus
    the validated values as of each window's end (indicators.progress.period_values)."""
    objectives = list(
        cluster.objectives.filter(status=Objective.Status.ADOPTED).prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("code"))
        )
    )
    indicators = [i for o in objectives for i in o.indicators.all()]
    progress_points, on_track_points = [], []
    for window in windows:
        progress = indicators_progress(indicators, today=window.until) if indicators else {}
        rolled = [objective_progress(o, progress).fraction for o in objectives]
        known = [fraction for fraction in rolled if fraction is not None]
        progress_points.append(100 * sum(known) / len(known) if known else None)
        statuses = [item.status for item in progress.values() if item.status != NO_DATA]
        good = sum(1 for status in statuses if status in (ACHIEVED, ON_TRACK))
        on_track_points.append(_share(good, len(statuses)))
    return progress_points, on_track_points


def _proposals(cluster: Cluster, windows: Sequence[_Window]) -> dict:
    """Per proposing entity: proposals created in each window and submitted since, and
    those marked as a new practice. One query."""
    submitted = ~Q(status=Proposal.Status.DRAFT)
    rows = (
        Proposal.objects.filter(cluster=cluster)
        .values("proposer_id")
        .annotate(
            **_columns(
                windows,
                put=lambda w: submitted & w.moment("created_at"),
                new=lambda w: submitted & w.moment("created_at") & Q(is_new_practice=True),
            )
        )
        .order_by()
    )
    return _per_row(rows, "proposer_id", ("put", "new"), len(windows))


def _positions(cluster: Cluster, windows: Sequence[_Window]) -> dict:
    """Per entity: the proposals (rounds) it took or changed a position on in each window
    (StanceChange keeps every one). One query."""
    rows = (
        StanceChange.objects.filter(stance__proposal__cluster=cluster)
        .values("stance__membership_id")
        .annotate(
            **{
                f"took{i}": Count("stance", filter=w.moment("at"), distinct=True)
                for i, w in enumerate(windows)
            }
        )
        .order_by()
    )
    return _per_row(rows, "stance__membership_id", ("took",), len(windows))


def _reports_submitted(cluster: Cluster, windows: Sequence[_Window]) -> dict:
    """Per entity: the measurement reports it submitted (last) in each window. One query."""
    rows = (
        MeasurementReport.objects.filter(indicator__cluster=cluster)
        .values("membership_id")
        .annotate(**_columns(windows, sent=lambda w: w.moment("submitted_at")))
        .order_by()
    )
    return _per_row(rows, "membership_id", ("sent",), len(windows))


def _contributions(cluster: Cluster, windows: Sequence[_Window]) -> dict:
    """Per entity: the contributions recorded in each window. One query."""
    rows = (
        Contribution.objects.filter(action__cluster=cluster)
        .values("membership_id")
        .annotate(**_columns(windows, gave=lambda w: w.moment("created_at")))
        .order_by()
    )
    return _per_row(rows, "membership_id", ("gave",), len(windows))


def _actions_by_entity(cluster: Cluster, windows: Sequence[_Window]) -> dict[int, list[int]]:
    """Per entity: the joint actions it leads or takes part in that ran in each window.
    Two queries (leads, participants)."""
    actions = JointAction.objects.filter(cluster=cluster).alias(ended_on=_ended_on())
    result: dict[int, list[int]] = {}
    for key in ("lead_id", "participants"):
        rows = (
            actions.filter(**{f"{key}__isnull": False})
            .values(key)
            .annotate(**_columns(windows, ran=lambda w: w.runs()))
            .order_by()
        )
        for entity, values in _per_row(rows, key, ("ran",), len(windows)).items():
            totals = result.setdefault(entity, [0] * len(windows))
            result[entity] = [a + b for a, b in zip(totals, values["ran"], strict=True)]
    return result


def _actions(cluster: Cluster, windows: Sequence[_Window]) -> dict[str, list[int]]:
    """Per window: actions started (not those ended before their start), actions marked as a new
    practice created, actions running, and those of them with two entities or more. One
    query."""
    shared = JointAction.participants.through.objects.filter(jointaction_id=OuterRef("pk")).exclude(
        membership_id=OuterRef("lead_id")
    )
    found = (
        JointAction.objects.filter(cluster=cluster)
        .alias(ended_on=_ended_on(), shared=Exists(shared))
        .aggregate(
            **_columns(
                windows,
                started=lambda w: (
                    w.day("start") & (Q(ended_on__isnull=True) | Q(ended_on__gte=F("start")))
                ),
                new=lambda w: w.moment("created_at") & Q(is_new_practice=True),
                ran=lambda w: w.runs(),
                shared=lambda w: w.runs() & Q(shared=True),
            )
        )
    )
    names = ("started", "new", "ran", "shared")
    return {name: [found[f"{name}{i}"] for i in range(len(windows))] for name in names}


def _overlaps(cluster: Cluster, windows: Sequence[_Window]) -> list[float | None]:
    """Per window: of the overlaps during it (an adopted objective with two or more
    actions running in one territory, planning.coverage), the share where at most one
    of them still ran at its end. One query, grouped by objective and territory (written
    in any case, without the spaces around it)."""
    rows = list(
        JointAction.objects.filter(cluster=cluster, objective__status=Objective.Status.ADOPTED)
        .alias(ended_on=_ended_on())
        .annotate(place=Lower(Trim("territory")))
        .values("objective_id", "place")
        .annotate(**_columns(windows, ran=lambda w: w.runs(), left=lambda w: w.still_runs()))
        .order_by()
    )
    shares = []
    for i in range(len(windows)):
        overlapping = [row for row in rows if row[f"ran{i}"] > 1]
        resolved = sum(1 for row in overlapping if row[f"left{i}"] <= 1)
        shares.append(_share(resolved, len(overlapping)))
    return shares


def _decisions(cluster: Cluster, windows: Sequence[_Window]) -> tuple[list, list]:
    """Per window: of the decisions taken in it, the entities that answered over those
    that could (pooled: every decision's answers over every decision's eligible
    entities), and the new-practice proposals adopted. One query."""
    answered = F("agree") + F("abstain") + F("disagree") + F("block")
    adopted = Q(outcome=Decision.Outcome.ADOPTED, proposal__is_new_practice=True)
    found = Decision.objects.filter(proposal__cluster=cluster).aggregate(
        **{
            f"{name}{i}": aggregate
            for i, w in enumerate(windows)
            for name, aggregate in (
                ("answered", Sum(answered, filter=w.moment("decided_at"))),
                ("eligible", Sum("eligible", filter=w.moment("decided_at"))),
                (
                    "adopted",
                    Count("proposal", filter=w.moment("decided_at") & adopted, distinct=True),
                ),
            )
        }
    )
    shares = [
        _share(found[f"answered{i}"] or 0, found[f"eligible{i}"] or 0) for i in range(len(windows))
    ]
    return shares, [found[f"adopted{i}"] for i in range(len(windows))]


def _on_time(
    cluster: Cluster, periods: Sequence[ReportingPeriod], today: date
) -> list[float | None]:
    """Per period: of its measurement reports submitted, and of those still not submitted
    once its due date has passed, the share submitted (last) by the due date. One query
    (none when no period is saved yet: a period not saved has no reports)."""
    saved = [(i, p) for i, p in enumerate(periods) if p.pk is not None]
    if not saved:
        return [None] * len(periods)
    columns = {}
    for i, period in saved:
        mine = Q(period_id=period.pk)
        counted = mine if period.due < today else mine & Q(submitted_at__isnull=False)
        columns[f"counted{i}"] = Count("pk", filter=counted)
        columns[f"on_time{i}"] = Count(
            "pk", filter=mine & Q(submitted_at__lt=_midnight(period.due + timedelta(days=1)))
        )
    found = MeasurementReport.objects.filter(indicator__cluster=cluster).aggregate(**columns)
    return [
        _share(found[f"on_time{i}"], found[f"counted{i}"]) if f"counted{i}" in found else None
        for i in range(len(periods))
    ]


def _members_in(memberships: Iterable[Membership], window: _Window) -> list[Membership]:
    """The lead and member entities that were in the cluster some day of the window."""
    return [
        m
        for m in memberships
        if m.joined_at < window.before and (m.left_at is None or m.left_at >= window.since)
    ]


# --- The figures ------------------------------------------------------------------------------


def derived_figures(
    cluster: Cluster, *, today: date | None = None, periods: int = 8
) -> DerivedFigures:
    """The last ``periods`` reporting periods that have started by ``today`` (default:
    the local date), saved or not yet (indicators.selectors.periods_until)."""
    today = today or timezone.localdate()
    chosen = [p for p in periods_until(cluster, today) if p.start <= today][-periods:]
    windows = [_Window(p.start, min(p.end, today)) for p in chosen]
    n = len(windows)
    memberships = list(
        cluster.memberships.filter(role__in=Membership.VOTING_ROLES)
        .select_related("actor")
        .order_by("actor__name", "pk")
    )
    proposals = _proposals(cluster, windows)
    positions = _positions(cluster, windows)
    reports = _reports_submitted(cluster, windows)
    contributions = _contributions(cluster, windows)
    taking_part = _actions_by_entity(cluster, windows)
    actions = _actions(cluster, windows)
    answers, adopted = _decisions(cluster, windows)
    progress, on_track = _impact(cluster, windows)
    coherence = [figure.positive_share for figure in coherence_figures(cluster, chosen)]

    def of(table: dict, pk: int, name: str) -> list[int]:
        return table.get(pk, {}).get(name, [0] * n)

    def passive(pk: int, i: int) -> bool:
        return (
            of(positions, pk, "took")[i] > 0
            and not of(reports, pk, "sent")[i]
            and not of(contributions, pk, "gave")[i]
            and not taking_part.get(pk, [0] * n)[i]
        )

    passive_share = []
    for i, window in enumerate(windows):
        present = _members_in(memberships, window)
        passive_share.append(_share(sum(passive(m.pk, i) for m in present), len(present)))

    entities = []
    if windows:
        last = n - 1
        for m in memberships:
            if not m.takes_positions:
                continue
            given = of(contributions, m.pk, "gave")[last]
            on_actions = taking_part.get(m.pk, [0] * n)[last]
            entities.append(
                EntityRow(
                    membership=m,
                    proposals=of(proposals, m.pk, "put")[last],
                    positions=of(positions, m.pk, "took")[last],
                    reports=of(reports, m.pk, "sent")[last],
                    contributions=given,
                    actions=on_actions,
                    balance=given - on_actions,
                    is_passive=passive(m.pk, last),
                )
            )

    def total(table: dict, name: str) -> list[int]:
        return [sum(row[name][i] for row in table.values()) for i in range(n)]

    labels = [p.label for p in chosen]

    def figure(
        code: str,
        effect: str,
        label: str,
        how: str,
        values: Sequence,
        *,
        unit: str = COUNT,
        lower: bool = False,
    ) -> Figure:
        return Figure(
            code=code,
            effect=effect,
            label=label,
            how=how,
            unit=unit,
            lower_is_better=lower,
            points=list(
                zip(labels, [None if v is None else float(v) for v in values], strict=True)
            ),
        )

    figures = [
        figure(
            "impact.objectives",
            Effect.IMPACT,
            _("Progress of the common objectives"),
            _(
                "The mean progress of the adopted objectives that have data, each one its "
                "indicators' progress weighted as on the objectives' page, as of the "
                "period's end."
            ),
            progress,
            unit=PERCENT,
        ),
        figure(
            "impact.on_track",
            Effect.IMPACT,
            _("Indicators on track"),
            _(
                "Of the indicators of the adopted objectives that have validated values by "
                "the period's end, the share achieved or on track."
            ),
            on_track,
            unit=PERCENT,
        ),
        figure(
            "innovation.proposals",
            Effect.INNOVATION,
            _("New practices proposed"),
            _(
                "Proposals marked as a new practice in the sector, created in the period and "
                "submitted since (drafts left out)."
            ),
            total(proposals, "new"),
        ),
        figure(
            "innovation.adopted",
            Effect.INNOVATION,
            _("New practices adopted"),
            _("Proposals marked as a new practice that a decision of the period adopted."),
            adopted,
        ),
        figure(
            "innovation.actions",
            Effect.INNOVATION,
            _("New practices planned"),
            _("Joint actions marked as a new practice in the sector, created in the period."),
            actions["new"],
        ),
        figure(
            "initiatives.proposals",
            Effect.INITIATIVES,
            _("Proposals put forward"),
            _("Proposals created in the period and submitted since (drafts left out)."),
            total(proposals, "put"),
        ),
        figure(
            "initiatives.actions",
            Effect.INITIATIVES,
            _("Joint actions started"),
            _(
                "Joint actions whose start date falls in the period, except those cancelled "
                "before they started."
            ),
            actions["started"],
        ),
        figure(
            "opportunism.passive",
            Effect.OPPORTUNISM,
            _("Entities that only take positions"),
            _(
                "Of the lead and member entities in the cluster during the period, the share "
                "that took positions but submitted no report, recorded no contribution and "
                "took part in no joint action running then."
            ),
            passive_share,
            unit=PERCENT,
            lower=True,
        ),
        figure(
            "coordination.answers",
            Effect.COORDINATION,
            _("Answers to decisions"),
            _(
                "The positions taken on the decisions of the period before each one closed, "
                "over the entities that could take one, all the decisions pooled."
            ),
            answers,
            unit=PERCENT,
        ),
        figure(
            "coordination.reports_on_time",
            Effect.COORDINATION,
            _("Reports on time"),
            _(
                "Of the period's measurement reports submitted, and of those still not "
                "submitted once it was due, the share submitted by its due date."
            ),
            _on_time(cluster, chosen, today),
            unit=PERCENT,
        ),
        figure(
            "coordination.shared_actions",
            Effect.COORDINATION,
            _("Actions shared by several entities"),
            _(
                "Of the joint actions running in the period, the share with two entities or "
                "more (the lead and at least one participant)."
            ),
            [_share(s, r) for s, r in zip(actions["shared"], actions["ran"], strict=True)],
            unit=PERCENT,
        ),
        figure(
            "coordination.overlaps_resolved",
            Effect.COORDINATION,
            _("Overlaps resolved"),
            _(
                "Of the overlaps during the period (an objective with two or more joint "
                "actions running in one territory), the share where at most one still ran "
                "at its end; an action ends on the update that completes or cancels it."
            ),
            _overlaps(cluster, windows),
            unit=PERCENT,
        ),
        figure(
            "coordination.coherence",
            Effect.COORDINATION,
            _("Strategies coherent with the objectives"),
            _(
                "Of the pairs of a member's strategy in force during the period and a common "
                "objective that are scored, the share scored positive, as the scores stood "
                "at the period's end (the coherence matrix)."
            ),
            coherence,
            unit=PERCENT,
        ),
    ]
    return DerivedFigures(periods=chosen, figures=figures, entities=entities)


def _shown(figure: Figure, value: float | None) -> str:
    if value is None:
        return _("no data")
    number = format_number(value, decimals=0, decimal_mark=get_format("DECIMAL_SEPARATOR"))
    return f"{number} %" if figure.unit == PERCENT else number


def figure_sparkline_svg(figure: Figure, id_prefix: str) -> str:
    """The figure over the periods as a small line, with a title and a description that
    say every value for those who do not see it."""
    values = "; ".join(f"{label}: {_shown(figure, value)}" for label, value in figure.points)
    return sparkline_svg(
        points=figure.points,
        title=_("%(figure)s over the periods") % {"figure": figure.label},
        description=f"{figure.how} {values}".strip() if values else figure.how,
        percent=figure.unit == PERCENT,
        id_prefix=id_prefix,
    )


__all__ = [
    "DerivedFigures",
    "EntityRow",
    "Figure",
    "derived_figures",
    "figure_sparkline_svg",
]
