"""What each report says: the sections read from every part of the platform.

The functions return plain data and SVG strings; the PDF templates lay them out. They run
inside ``translation.override(job.language)`` so labels and charts speak the report's
language. Each section reads in a few queries whatever the size of the cluster, except
the per-indicator charts (two queries each), which only the PDF task draws.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Capacity
from clusters.access import ROLE_RANK
from clusters.models import Cluster, Membership
from coherence import findings
from coherence.models import Score
from coherence.pictures import matrix_svg
from coherence.resolutions import Resolution, resolutions
from coherence.scale import CELL_COLOURS, HIGHEST, LOWEST, short_name
from health.figures import PERCENT, Figure, derived_figures
from health.models import PlanAction
from health.pictures import effects_chart_svg, figures_with_sparklines
from health.results import (
    EffectSeries,
    Line,
    RoundResults,
    effects_over_rounds,
    round_results,
)
from health.scales import Effect
from health.scoring import MIN_RESPONSES
from indicators.figures import (
    breakdown,
    indicator_breakdown_svg,
    indicator_line_svg,
    progress_svg,
    status_labels,
)
from indicators.models import Indicator, Objective, ReportingPeriod
from indicators.progress import (
    STATUSES,
    IndicatorProgress,
    ObjectiveProgress,
    indicators_progress,
    objective_progress,
)
from indicators.selectors import periods_until
from meetings.models import AgendaItem, Attendance, FollowUpTask, Meeting, MeetingDecision
from planning.models import Contribution, Decision, JointAction, Position, Stance
from reports import alt
from rights.models import RightsIssue
from rights.selectors import issue_problem_tree

# The badge colour of each progress status in the PDF.
STATUS_CLASSES = {"achieved": "ok", "on_track": "ok", "at_risk": "warn", "off_track": "danger"}


@dataclass
class IndicatorSection:
    indicator: Indicator
    progress: IndicatorProgress
    bar: str
    line: str = ""
    breakdown: str = ""

    @property
    def status_label(self) -> str:
        return status_labels()[self.progress.status]

    @property
    def status_class(self) -> str:
        return STATUS_CLASSES.get(self.progress.status, "")

    @property
    def percent(self) -> int | None:
        fraction = self.progress.fraction
        return None if fraction is None else round(100 * fraction)


@dataclass
class ObjectiveSection:
    objective: Objective
    progress: ObjectiveProgress
    bar: str
    indicators: list[IndicatorSection]


def objectives(
    cluster: Cluster, *, today: date, period: ReportingPeriod | None = None, charts: bool = True
) -> list[ObjectiveSection]:
    """Adopted objectives with their indicators' progress as of ``today`` and their charts
    (values over the periods; by sex and age for the period, or the latest one). Without
    ``charts``, only the progress bars: a fixed number of queries, for pages."""
    found = list(
        cluster.objectives.filter(status=Objective.Status.ADOPTED).prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.select_related("right__instrument").order_by("code"),
            ),
            "sdg_targets",
        )
    )
    progress = indicators_progress([i for o in found for i in o.indicators.all()], today=today)
    periods = {p.pk: p for p in cluster.periods.all()} if charts else {}
    sections = []
    labels = status_labels()
    for objective in found:
        items = []
        for indicator in objective.indicators.all():
            item = progress[indicator.pk]
            disaggregated = charts and (indicator.by_sex or indicator.by_age)
            section = IndicatorSection(indicator=indicator, progress=item, bar="")
            section.bar = alt.with_alt(
                progress_svg(item, f"bar-{indicator.pk}"),
                alt.progress_bar(section.percent, labels[item.status]),
            )
            if charts and indicator.is_numeric:
                section.line = alt.with_alt(
                    indicator_line_svg(indicator, item, periods, f"line-{indicator.pk}"),
                    line_alt(indicator, item, periods),
                )
            if disaggregated and indicator.is_numeric:
                period_id = period.pk if period else None
                svg = indicator_breakdown_svg(indicator, f"sexage-{indicator.pk}", period_id)
                section.breakdown = alt.with_alt(
                    svg,
                    alt.bar_chart(
                        alt.title_of(svg),
                        breakdown(indicator, period_id).rows,
                        indicator.unit,
                    ),
                )
            items.append(section)
        rolled = objective_progress(objective, progress)
        fraction = rolled.fraction
        bar = alt.with_alt(
            progress_svg(rolled, f"obj-{objective.pk}"),
            alt.progress_bar(
                None if fraction is None else round(100 * fraction), labels[rolled.status]
            ),
        )
        sections.append(ObjectiveSection(objective, rolled, bar, items))
    return sections


def line_alt(
    indicator: Indicator, item: IndicatorProgress, periods: dict[int, ReportingPeriod]
) -> str:
    """The indicator's line in words: each period's value, then the target and baseline."""
    title = _("%(indicator)s over the periods") % {"indicator": indicator.name}
    points = [(periods[pk].label, float(value)) for pk, value in item.points]
    if indicator.is_yes_no:
        return alt.yes_no_chart(title, points)
    return alt.line_chart(
        title,
        points,
        unit=indicator.unit,
        target=float(indicator.target_value) if indicator.target_value is not None else None,
        baseline=float(indicator.baseline_value) if indicator.baseline_value is not None else None,
    )


def status_counts(sections: list[ObjectiveSection]) -> list[tuple[str, str, int]]:
    """(status, label, number of indicators) in the order of the statuses."""
    counts = defaultdict(int)
    for section in sections:
        for item in section.indicators:
            counts[item.progress.status] += 1
    labels = status_labels()
    return [(status, labels[status], counts[status]) for status in STATUSES]


@dataclass
class DecisionRecord:
    decision: Decision
    objections: list[Stance] = field(default_factory=list)


def decisions(
    cluster: Cluster, date_from: date | None = None, date_to: date | None = None
) -> list[DecisionRecord]:
    """The decisions taken between the dates (all of them without dates), each with the
    disagreements and blocks of its round and their reasons."""
    found = Decision.objects.filter(proposal__cluster=cluster).select_related(
        "proposal__proposer__actor", "decided_by"
    )
    if date_from:
        found = found.filter(decided_at__date__gte=date_from)
    if date_to:
        found = found.filter(decided_at__date__lte=date_to)
    records = [DecisionRecord(d) for d in found.order_by("decided_at", "pk")]
    by_round = {(r.decision.proposal_id, r.decision.round): r for r in records}
    objections = (
        Stance.objects.filter(
            proposal__in={r.decision.proposal_id for r in records},
            position__in=[Position.DISAGREE, Position.BLOCK],
        )
        .select_related("membership__actor")
        .order_by("membership__actor__name")
    )
    for stance in objections:
        record = by_round.get((stance.proposal_id, stance.round))
        if record is not None:
            record.objections.append(stance)
    return records


@dataclass
class EntityParticipation:
    membership: Membership
    answered: int
    decisions: int

    @property
    def rate(self) -> int:
        return round(100 * self.answered / self.decisions) if self.decisions else 0


def participation(
    cluster: Cluster,
    date_from: date | None = None,
    date_to: date | None = None,
    members: list[Membership] | None = None,
) -> tuple[int, list[EntityParticipation]]:
    """(number of decisions between the dates, each lead and member entity's positions in
    the rounds those decisions closed), by entity name. Aggregated in the database: two
    queries, plus the entities unless given (active ones, and any that answered)."""
    decisions = Decision.objects.filter(proposal__cluster=cluster)
    in_range = Q()
    if date_from:
        decisions = decisions.filter(decided_at__date__gte=date_from)
        in_range &= Q(proposal__decisions__decided_at__date__gte=date_from)
    if date_to:
        decisions = decisions.filter(decided_at__date__lte=date_to)
        in_range &= Q(proposal__decisions__decided_at__date__lte=date_to)
    answered = dict(
        Stance.objects.filter(
            in_range, proposal__cluster=cluster, proposal__decisions__round=F("round")
        )
        .values("membership_id")
        .annotate(n=Count("id"))
        .values_list("membership_id", "n")
    )
    if members is None:
        members = list(
            cluster.memberships.filter(role__in=Membership.VOTING_ROLES)
            .filter(Q(status=Membership.Status.ACTIVE) | Q(pk__in=answered.keys()))
            .select_related("actor")
            .order_by("actor__name")
        )
    total = decisions.count()
    return total, [EntityParticipation(m, answered.get(m.pk, 0), total) for m in members]


def joint_actions(
    cluster: Cluster, date_from: date | None = None, date_to: date | None = None
) -> list[JointAction]:
    """The actions running at some point between the dates (all without dates)."""
    found = cluster.joint_actions.select_related("objective", "lead__actor").prefetch_related(
        Prefetch("participants", queryset=Membership.objects.select_related("actor")),
        Prefetch(
            "contributions", queryset=Contribution.objects.select_related("membership__actor")
        ),
        "indicators",
    )
    if date_from:
        found = found.filter(end__gte=date_from)
    if date_to:
        found = found.filter(start__lte=date_to)
    return list(found.order_by("objective__code", "start", "title"))


@dataclass
class MemberContributions:
    entity: str
    by_kind: dict[str, Decimal]
    actions: int


def contributions_by_member(actions: list[JointAction]) -> list[MemberContributions]:
    """Totals per entity and kind over these actions (uses their prefetched contributions)."""
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    involved: dict[str, set[int]] = defaultdict(set)
    for action in actions:
        for contribution in action.contributions.all():
            name = contribution.membership.actor.name
            totals[name][contribution.kind] += contribution.amount
            involved[name].add(action.pk)
    return [
        MemberContributions(name, dict(totals[name]), len(involved[name]))
        for name in sorted(totals, key=str.casefold)
    ]


def contribution_kinds() -> list[tuple[str, str]]:
    return list(Contribution.Kind.choices)


def rights_issues(cluster: Cluster) -> list[tuple[RightsIssue, str]]:
    """The current version of every issue, with its parts and its problem tree."""
    issues = cluster.rights_issues.current().with_parts().order_by("number")
    return [(issue, described_svg(issue_problem_tree(issue))) for issue in issues]


def described_svg(svg: str) -> str:
    """A drawing whose title and description together say what it shows, with both as its
    alternate text in the PDF (reports.alt)."""
    return alt.with_alt(svg, alt.described(svg))


def members(cluster: Cluster) -> list[Membership]:
    """Active entities, the lead first, then members, observers and institutions."""
    found = (
        cluster.memberships.active()
        .select_related("actor")
        .prefetch_related(
            Prefetch("actor__capacities", queryset=Capacity.objects.order_by("kind", "pk"))
        )
    )
    return sorted(found, key=lambda m: (-ROLE_RANK[m.role], m.actor.name.casefold()))


def consensus_report(cluster: Cluster, date_from: date, date_to: date) -> dict:
    records = decisions(cluster, date_from, date_to)
    return {
        "decisions": records,
        "adopted": sum(r.decision.is_adopted for r in records),
        "participation": participation(cluster, date_from, date_to)[1],
        "meetings": meetings(cluster, date_from, date_to),
        "date_from": date_from,
        "date_to": date_to,
    }


def progress_report(cluster: Cluster, period: ReportingPeriod) -> dict:
    sections = objectives(cluster, today=period.end, period=period)
    actions = joint_actions(cluster, period.start, period.end)
    return {
        "period": period,
        "objectives": sections,
        "status_counts": status_counts(sections),
        "actions": actions,
        "contributions": contributions_by_member(actions),
        "kinds": contribution_kinds(),
        "health": health(cluster),
        "coherence_figure": coherence_figure(cluster, period),
    }


def metadata_sheets(sections: list[ObjectiveSection]) -> list[tuple[Indicator, list]]:
    """Each indicator of the objectives with its metadata sheet, (heading, text) rows, for
    the dossier's annex: no query beyond the sections' own."""
    return [
        (item.indicator, item.indicator.metadata_sheet())
        for section in sections
        for item in section.indicators
    ]


def dossier(cluster: Cluster) -> dict:
    today = timezone.localdate()
    sections = objectives(cluster, today=today)
    actions = joint_actions(cluster)
    records = decisions(cluster)
    return {
        "members": members(cluster),
        "areas": list(cluster.thematic_areas.all()),
        "issues": rights_issues(cluster),
        "objectives": sections,
        "status_counts": status_counts(sections),
        "sheets": metadata_sheets(sections),
        "decisions": records,
        "participation": participation(cluster)[1],
        "actions": actions,
        "contributions": contributions_by_member(actions),
        "kinds": contribution_kinds(),
        "periods": list(cluster.periods.order_by("start")),
        "health": health(cluster),
        "coherence": coherence(cluster),
        "meetings": meetings(cluster),
    }


# Cluster health: the survey rounds' results


@dataclass
class HealthSection:
    chart: str
    # The latest closed round with results shown, or None (then ``any_closed`` says why).
    results: RoundResults | None = None
    any_closed: bool = False
    effects: list[Line] = field(default_factory=list)
    functions: list[Line] = field(default_factory=list)
    plan: list[PlanAction] = field(default_factory=list)
    minimum: int = MIN_RESPONSES
    # The derived figures by effect, each with its sparkline (health.pictures).
    figures: list = field(default_factory=list)

    @property
    def tables(self) -> list[tuple[str, list[Line]]]:
        return [(_("The five effects"), self.effects), (_("Core functions"), self.functions)]


def health(cluster: Cluster) -> HealthSection:
    """The effects over the last rounds, and the latest closed round with results shown:
    its effects and functions, how many answered, its plan and the round before's plan
    followed up. Comments stay out (see _health.html). Queries: 3 for the chart (rounds,
    questions, answers), then 6 for the latest round's results (health.results.
    round_results: the round before, questions, answers, eligible entities, the round
    before's plan, comments) and 1 for its plan; with no round shown, 1 to say why. The
    derived figures add health.figures.derived_figures' own fixed count."""
    series = effects_over_rounds(cluster)
    chart = effects_chart_svg(series, id_prefix="health-effects")
    section = HealthSection(
        chart=alt.with_alt(chart, effects_alt(series, alt.title_of(chart))),
        figures=[
            (
                effect,
                [
                    (figure, alt.with_alt(spark, sparkline_alt(figure, spark)))
                    for figure, spark in items
                ],
            )
            for effect, items in figures_with_sparklines(derived_figures(cluster), "pdf-figure")
        ],
    )
    if not series.rounds:
        section.any_closed = cluster.survey_rounds.closed().exists()
        return section
    results = round_results(series.rounds[-1])
    section.results = results
    section.any_closed = True
    section.effects = results.effects
    section.functions = results.functions
    section.plan = list(results.round.plan.select_related("lead__actor").order_by("due", "pk"))
    return section


def sparkline_alt(figure: Figure, spark: str) -> str:
    """A derived figure's line in words: its value in each period, then how it is computed."""
    unit = "%" if figure.unit == PERCENT else ""
    return f"{alt.line_chart(alt.title_of(spark), figure.points, unit=unit)} {figure.how}"


def effects_alt(series: EffectSeries, title: str) -> str:
    """The effects chart in words: each effect's score in each round."""
    rounds = [round.label for round in series.rounds]
    rows = [
        (str(label), list(zip(rounds, series.scores[effect], strict=True)))
        for effect, label in Effect.choices
    ]
    return alt.bar_chart(title, rows if rounds else [], "%")


# Policy coherence: the members' strategies against the common objectives

# How many of the last periods the dossier gives the coherence figure of.
COHERENCE_PERIODS = 4


@dataclass(frozen=True)
class Incoherence:
    score: Score
    resolution: Resolution | None

    @property
    def score_label(self) -> str:
        return short_name(self.score.value)


@dataclass
class CoherenceSection:
    # The heat map; empty when the strategies are too many to print (see ``spread``).
    heat_map: str
    strategies: int
    objectives: list[Objective]
    # The worst incoherences (at most PRINT_INCOHERENCES), of ``incoherence_count``.
    incoherences: list[Incoherence]
    incoherence_count: int
    # Of all the incoherences, those an adopted proposal addresses.
    addressed: int
    unsupported: list[Objective]
    # The figure of each of the last periods that have started, oldest first.
    figures: list[findings.CoherenceFigure]
    # Instead of the map of a large cluster: per objective, how many strategies score
    # each point of the scale, as (objective, [(value, count, fill, ink), ...]).
    spread: list[tuple[Objective, list[tuple[int, int, str, str]]]] = field(default_factory=list)


# A printed map of more strategies than this runs over pages that nobody reads: the
# dossier prints the spread of the scores instead, and the worst incoherences.
PRINT_MATRIX_STRATEGIES = 40
PRINT_INCOHERENCES = 30


def score_spread(data: findings.CoherenceData) -> list[tuple[Objective, list]]:
    counts = Counter((score.objective_id, score.value) for score in data.scores.values())
    points = range(HIGHEST, LOWEST - 1, -1)
    return [
        (o, [(v, counts[(o.pk, v)], *CELL_COLOURS[v]) for v in points]) for o in data.objectives
    ]


def coherence(cluster: Cluster, *, today: date | None = None) -> CoherenceSection:
    """The heat map, the incoherences with the proposals that resolve them, the
    unsupported objectives and the coherence figure of the last periods. Queries: 4 for
    the matrix (coherence.findings.load), 2 for the resolutions (planning's resolver),
    1 for the periods and 3 for their figures (coherence.findings.figures)."""
    today = today or timezone.localdate()
    data = findings.load(cluster)
    found = findings.incoherences(data)
    resolved = resolutions(cluster, found)
    periods = [p for p in periods_until(cluster, today) if p.start <= today][-COHERENCE_PERIODS:]
    printable = 0 < len(data.strategies) <= PRINT_MATRIX_STRATEGIES
    return CoherenceSection(
        heat_map=described_svg(matrix_svg(data, id_prefix="pdf-coherence")) if printable else "",
        strategies=len(data.strategies),
        objectives=data.objectives,
        incoherences=[
            Incoherence(score, resolved.get(score.pk)) for score in found[:PRINT_INCOHERENCES]
        ],
        incoherence_count=len(found),
        addressed=sum(1 for r in resolved.values() if r.addressed),
        unsupported=findings.unsupported_objectives(data) if data.strategies else [],
        figures=findings.figures(cluster, periods),
        spread=score_spread(data) if len(data.strategies) > PRINT_MATRIX_STRATEGIES else [],
    )


def coherence_figure(cluster: Cluster, period: ReportingPeriod) -> findings.CoherenceFigure:
    """The coherence figure of one period: three queries (coherence.findings.figures)."""
    [figure] = findings.figures(cluster, [period])
    return figure


# Meetings: who came, what was decided and the minutes

# A report prints at most this many meetings (the latest of the span) and this many
# entities per meeting: the large cluster's record would otherwise run over pages.
PRINT_MEETINGS = 10
PRINT_ATTENDING_ENTITIES = 30


@dataclass
class MeetingRecord:
    meeting: Meeting
    # (entity name, how many of its people attended), by name; at most
    # PRINT_ATTENDING_ENTITIES of ``entity_count``.
    attendance: list[tuple[str, int]] = field(default_factory=list)
    entity_count: int = 0
    people: int = 0
    decisions: list[Decision] = field(default_factory=list)
    items: list[AgendaItem] = field(default_factory=list)
    tasks: list[FollowUpTask] = field(default_factory=list)

    @property
    def more_entities(self) -> int:
        return self.entity_count - len(self.attendance)

    @property
    def approved_by_consent(self) -> bool:
        meeting = self.meeting
        return not meeting.minutes_are_draft and (
            meeting.minutes_approved_how == Meeting.Approval.CONSENT
        )

    @property
    def approved_at(self) -> Meeting | None:
        """The later meeting that approved these minutes."""
        return None if self.meeting.minutes_are_draft else self.meeting.approved_at_meeting


@dataclass
class MeetingsSection:
    # The latest closed meetings of the span, oldest first; at most PRINT_MEETINGS.
    records: list[MeetingRecord]
    count: int
    # The cluster's zone, the times' (the template shows them in it).
    time_zone: str

    @property
    def more(self) -> int:
        return self.count - len(self.records)


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def meetings(
    cluster: Cluster, date_from: date | None = None, date_to: date | None = None
) -> MeetingsSection:
    """The meetings held between the dates (all of them without dates; days as the
    cluster's time zone counts them), each with its attendance per entity, the decisions
    taken in it, the minutes of its agenda items and its follow-up tasks. Queries: 1 to
    count, 1 for the meetings (with the meeting that approved their minutes), then 1 each
    for the attendance, the decisions, the items and the tasks: 6 whatever the number."""
    zone = ZoneInfo(cluster.zone)
    held = cluster.meetings.filter(status=Meeting.Status.CLOSED)
    if date_from:
        held = held.filter(starts_at__gte=_day_start(date_from, zone))
    if date_to:
        held = held.filter(starts_at__lt=_day_start(date_to + timedelta(days=1), zone))
    count = held.count()
    found = list(
        held.select_related("approved_at_meeting").order_by("-starts_at", "-pk")[:PRINT_MEETINGS]
    )
    found.reverse()
    records = {m.pk: MeetingRecord(m) for m in found}
    if records:
        attended = (
            Attendance.objects.filter(meeting__in=records, attended=True)
            .values_list("meeting_id", "membership__actor__name")
            .annotate(n=Count("id"))
            .order_by("meeting_id", "membership__actor__name")
        )
        for meeting_id, name, n in attended:
            record = records[meeting_id]
            record.entity_count += 1
            record.people += n
            if len(record.attendance) < PRINT_ATTENDING_ENTITIES:
                record.attendance.append((name, n))
        links = MeetingDecision.objects.filter(meeting__in=records).select_related(
            "decision__proposal"
        )
        for link in links.order_by("decision__decided_at", "pk"):
            records[link.meeting_id].decisions.append(link.decision)
        items = AgendaItem.objects.filter(meeting__in=records, status=AgendaItem.Status.ACCEPTED)
        for item in items.order_by("order", "pk"):
            records[item.meeting_id].items.append(item)
        tasks = FollowUpTask.objects.filter(meeting__in=records).select_related("membership__actor")
        for task in tasks.order_by("due_on", "pk"):
            records[task.meeting_id].tasks.append(task)
    return MeetingsSection(list(records.values()), count, cluster.zone)
