"""A cluster's IATI 2.03 file: the cluster as one iati-activity, its adopted common
objectives as outcome results, their indicators with a period per reporting period, and
each joint action as an activity of its own, related to the cluster's.

What is read: the cluster's data in a fixed number of queries whatever its size
(``load``); what is written follows the schema's element order (api/iati/schema). The
actual of a period is the validated total that the pages and the dashboard show
(indicators.progress.period_values); its breakdown by sex and age is made of the
validated reports' cells by the same rules (indicators.cells). Nothing else reaches the
file: a submitted, returned or draft report is not an actual.

The cluster's texts (its name, its goal, its objectives and indicators) are written in
one language, the platform's (settings.LANGUAGE_CODE), so each narrative is given once,
in the activity's default language.

The file is only built from data that ``api.iati.validation.data_problems`` accepts:
build after checking (``api.iati.validation.checked_file`` does both)."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from lxml import etree

from actors.models import Actor
from clusters.models import Cluster, Membership
from core.svg import xml_text
from indicators.cells import Pool, cells_of, combined, group, reported
from indicators.models import (
    Indicator,
    Measurement,
    MeasurementReport,
    Objective,
    ReportingPeriod,
)
from indicators.progress import period_values
from planning.models import JointAction

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# IATI OrganisationType codes for the kinds of entity. Community groups and networks are
# civil society, as NGOs are (22, national NGO); "other" is IATI's 90.
ORGANISATION_TYPE = {
    Actor.Kind.NGO: "22",
    Actor.Kind.PUBLIC_ADMINISTRATION: "10",  # government
    Actor.Kind.UNIVERSITY: "80",  # academic, training and research
    Actor.Kind.COMPANY: "70",  # private sector
    Actor.Kind.COMMUNITY_GROUP: "22",
    Actor.Kind.NETWORK: "22",
    Actor.Kind.OTHER: "90",
}
# IATI OrganisationRole: 1 funding, 4 implementing. Observers take no part in the work.
ORGANISATION_ROLE = {
    Membership.Role.LEAD: "4",
    Membership.Role.MEMBER: "4",
    Membership.Role.INSTITUTION: "1",
}
# IATI ActivityStatus: 1 pipeline, 2 implementation, 4 closed, 5 cancelled.
CLUSTER_STATUS = {
    Cluster.Status.FORMING: "1",
    Cluster.Status.ACTIVE: "2",
    Cluster.Status.CLOSED: "4",
}
ACTION_STATUS = {
    JointAction.Status.PLANNED: "1",
    JointAction.Status.IN_PROGRESS: "2",
    JointAction.Status.COMPLETED: "4",
    JointAction.Status.CANCELLED: "5",
}
# IATI IndicatorMeasure: 1 unit, 2 percentage, 5 qualitative. A yes/no is the unit 1 or 0.
MEASURE = {
    Indicator.Measure.NUMBER: "1",
    Indicator.Measure.YES_NO: "1",
    Indicator.Measure.PERCENTAGE: "2",
    Indicator.Measure.QUALITATIVE: "5",
}
# The dimensions IATI readers know by these names; the values are our cells' values.
DIMENSIONS = ("sex", "age")


@dataclass
class ClusterData:
    """Everything the file says, read at once."""

    cluster: Cluster
    today: date
    memberships: list[Membership]
    objectives: list[Objective]
    periods: list[ReportingPeriod]
    actions: list[JointAction]
    # {indicator id: {period id: total}}
    totals: dict[int, dict[int, Decimal]] = field(default_factory=dict)
    # {(indicator id, period id): [{cell: reported value}, one per validated report]}
    cells: dict[tuple[int, int], list[dict]] = field(default_factory=dict)
    # {(indicator id, period id): [text of each validated qualitative report]}
    texts: dict[tuple[int, int], list[str]] = field(default_factory=dict)

    @property
    def lead(self) -> Membership | None:
        return next((m for m in self.memberships if m.role == Membership.Role.LEAD), None)

    @property
    def participants(self) -> list[Membership]:
        return [m for m in self.memberships if m.role in ORGANISATION_ROLE]

    @property
    def indicators(self) -> list[Indicator]:
        return [i for o in self.objectives for i in o.indicators.all()]

    @property
    def results(self) -> list[Objective]:
        """The objectives a result can be made of: IATI asks each result for an indicator."""
        return [o for o in self.objectives if o.indicators.all()]

    def periods_of(self, indicator: Indicator) -> list[ReportingPeriod]:
        return [p for p in self.periods if indicator.asks_for(p)]


def load(cluster: Cluster, today: date | None = None) -> ClusterData:
    # The cluster's today, in its own zone: which periods have started.
    today = today or timezone.localdate(timezone=zoneinfo.ZoneInfo(cluster.zone))
    memberships = list(
        Membership.objects.active()
        .filter(cluster=cluster, role__in=list(ORGANISATION_ROLE))
        .select_related("actor")
        .order_by("role", "actor__name", "pk")
    )
    # The lead first, then members, then institutions, each by name.
    order = list(ORGANISATION_ROLE)
    memberships.sort(key=lambda m: order.index(m.role))
    objectives = list(
        Objective.objects.filter(cluster=cluster, status=Objective.Status.ADOPTED)
        .order_by("code", "pk")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("code", "pk")))
    )
    periods = list(cluster.periods.filter(start__lte=today).order_by("start"))
    actions = list(
        JointAction.objects.filter(cluster=cluster)
        .select_related("lead__actor", "objective")
        .order_by("start", "pk")
    )
    data = ClusterData(cluster, today, memberships, objectives, periods, actions)
    indicators = data.indicators
    if indicators:
        _load_values(data, indicators)
    return data


def _load_values(data: ClusterData, indicators: list[Indicator]) -> None:
    for indicator_id, rows in period_values(indicators, until=data.today).items():
        data.totals[indicator_id] = {period_id: value for period_id, _s, value, _w in rows}
    validated = {
        "report__indicator__in": [i.pk for i in indicators],
        "report__status": MeasurementReport.Status.VALIDATED,
    }
    by_report: dict[int, dict] = defaultdict(dict)
    where: dict[int, tuple[int, int]] = {}
    # Plain rows, not model instances: a large cluster holds tens of thousands of cells.
    rows = (
        Measurement.objects.filter(**validated)
        .exclude(cell="")
        .order_by("report_id", "pk")
        .values_list(
            "report_id",
            "report__indicator_id",
            "report__period_id",
            "cell",
            "value",
            "numerator",
            "denominator",
        )
    )
    for report_id, indicator_id, period_id, cell, value, numerator, denominator in rows:
        stored = Measurement(value=value, numerator=numerator, denominator=denominator)
        by_report[report_id][cell] = reported(stored)
        where[report_id] = (indicator_id, period_id)
    for report_id, values in by_report.items():
        data.cells.setdefault(where[report_id], []).append(values)
    for report in MeasurementReport.objects.filter(
        indicator__in=[i.pk for i in indicators],
        indicator__measure=Indicator.Measure.QUALITATIVE,
        status=MeasurementReport.Status.VALIDATED,
    ).order_by("membership__actor__name", "pk"):
        text = report.text_value.strip()
        texts = data.texts.setdefault((report.indicator_id, report.period_id), [])
        if text and text not in texts:  # entities that describe it alike: said once
            texts.append(text)


def activity_identifier(cluster: Cluster, lead: Membership) -> str:
    return f"{lead.actor.iati_identifier}-{cluster.slug}"


def action_identifier(cluster: Cluster, lead: Membership, action: JointAction) -> str:
    return f"{activity_identifier(cluster, lead)}-action-{action.pk}"


def number(value: Decimal) -> str:
    """A decimal as IATI reads it: a point, no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text


def build(data: ClusterData) -> etree._Element:
    """The iati-activities element of the cluster (data checked beforehand)."""
    now = timezone.now().replace(microsecond=0).isoformat()
    root = etree.Element("iati-activities", version=VERSION, **{"generated-datetime": now})
    root.append(_cluster_activity(data, now))
    for action in data.actions:
        root.append(_action_activity(data, action, now))
    return root


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str):
    element = etree.SubElement(parent, tag, **attrs)
    if text is not None:
        # Without the characters XML cannot hold (a vertical tab pasted from a word
        # processor), which lxml would refuse.
        element.text = xml_text(text)
    return element


def _narrative(parent: etree._Element, tag: str, text: str, **attrs: str):
    element = _sub(parent, tag, **attrs)
    _sub(element, "narrative", text)
    return element


def _activity(data: ClusterData, now: str, identifier: str, hierarchy: str) -> etree._Element:
    # The cluster is the parent (hierarchy 1), each joint action a child (2).
    attributes = {
        "last-updated-datetime": now,
        XML_LANG: settings.LANGUAGE_CODE,
        "default-currency": "EUR",
        "hierarchy": hierarchy,
    }
    activity = etree.Element("iati-activity", attributes)
    _sub(activity, "iati-identifier", identifier)
    lead = data.lead.actor
    reporting = _sub(activity, "reporting-org", ref=lead.iati_identifier, type=_type(lead))
    _sub(reporting, "narrative", lead.name)
    return activity


def _type(actor: Actor) -> str:
    return ORGANISATION_TYPE.get(actor.kind, "90")


def _participant(activity: etree._Element, membership: Membership, role: str) -> None:
    actor = membership.actor
    org = _sub(activity, "participating-org", ref=actor.iati_identifier, role=role)
    org.set("type", _type(actor))
    _sub(org, "narrative", actor.name)


def _place(activity: etree._Element, cluster: Cluster) -> None:
    _sub(activity, "recipient-country", code=cluster.country, percentage="100")
    _sub(activity, "sector", vocabulary="1", code=cluster.dac_sector, percentage="100")


def _gender(activity: etree._Element, significance: int) -> None:
    _sub(activity, "policy-marker", vocabulary="1", code="1", significance=str(significance))


def _cluster_activity(data: ClusterData, now: str) -> etree._Element:
    cluster = data.cluster
    identifier = activity_identifier(cluster, data.lead)
    activity = _activity(data, now, identifier, hierarchy="1")
    _narrative(activity, "title", cluster.name)
    _narrative(activity, "description", cluster.common_goal, type="1")
    for membership in data.participants:
        _participant(activity, membership, ORGANISATION_ROLE[membership.role])
    _sub(activity, "activity-status", code=CLUSTER_STATUS.get(cluster.status, "2"))
    zone = zoneinfo.ZoneInfo(cluster.zone)
    started = timezone.localtime(cluster.created_at, zone).date().isoformat()
    _sub(activity, "activity-date", type="2", **{"iso-date": started})
    _place(activity, cluster)
    running = [a for a in data.actions if a.status != JointAction.Status.CANCELLED]
    if running:
        _gender(activity, max(a.gender_marker for a in running))
    for action in data.actions:
        ref = action_identifier(cluster, data.lead, action)
        _sub(activity, "related-activity", ref=ref, type="2")  # a child
    for objective in data.results:
        _result(activity, data, objective)
    return activity


def _action_activity(data: ClusterData, action: JointAction, now: str) -> etree._Element:
    cluster = data.cluster
    identifier = action_identifier(cluster, data.lead, action)
    activity = _activity(data, now, identifier, hierarchy="2")
    _narrative(activity, "title", action.title)
    # IATI asks every activity for a description: an action without one of its own is
    # described by the objective it serves.
    objective = action.objective
    about = action.description.strip() or f"{objective.code} · {objective.statement}"
    _narrative(activity, "description", about, type="1")
    _participant(activity, action.lead, "4")
    _sub(activity, "activity-status", code=ACTION_STATUS[action.status])
    _sub(activity, "activity-date", type="1", **{"iso-date": action.start.isoformat()})
    _sub(activity, "activity-date", type="3", **{"iso-date": action.end.isoformat()})
    _place(activity, cluster)
    _gender(activity, action.gender_marker)
    parent = activity_identifier(cluster, data.lead)
    _sub(activity, "related-activity", ref=parent, type="1")  # its parent
    return activity


def _result(activity: etree._Element, data: ClusterData, objective: Objective) -> None:
    result = _sub(activity, "result", type="2", **{"aggregation-status": "0"})
    _narrative(result, "title", f"{objective.code} · {objective.statement}")
    for indicator in objective.indicators.all():
        _indicator(result, data, indicator)


def _indicator(result: etree._Element, data: ClusterData, indicator: Indicator) -> None:
    element = _sub(result, "indicator", measure=MEASURE[indicator.measure])
    if indicator.measure != Indicator.Measure.QUALITATIVE:
        ascending = indicator.direction == Indicator.Direction.INCREASE
        element.set("ascending", "1" if ascending else "0")
    _narrative(element, "title", f"{indicator.code} · {indicator.name}")
    if indicator.definition.strip():
        _narrative(element, "description", indicator.definition)
    if indicator.baseline_date is not None:
        baseline = _sub(
            element,
            "baseline",
            year=str(indicator.baseline_date.year),
            **{"iso-date": indicator.baseline_date.isoformat()},
        )
        if indicator.is_numeric and indicator.baseline_value is not None:
            baseline.set("value", number(indicator.baseline_value))
    for period in data.periods_of(indicator):
        _period(element, data, indicator, period)


def _period(
    element: etree._Element, data: ClusterData, indicator: Indicator, period: ReportingPeriod
) -> None:
    node = _sub(element, "period")
    _sub(node, "period-start", **{"iso-date": period.start.isoformat()})
    _sub(node, "period-end", **{"iso-date": period.end.isoformat()})
    target = period_target(indicator, period)
    if target is not None:
        _sub(node, "target", value=number(target))
    key = (indicator.pk, period.pk)
    if not indicator.is_numeric:
        for text in data.texts.get(key, []):
            actual = _sub(node, "actual")
            _narrative(actual, "comment", text)
        return
    total = data.totals.get(indicator.pk, {}).get(period.pk)
    if total is None:
        return
    _sub(node, "actual", value=number(total))
    for (name, value), figure in breakdown(indicator, data.cells.get(key, [])):
        actual = _sub(node, "actual", value=number(figure))
        _sub(actual, "dimension", name=name, value=value)


def period_target(indicator: Indicator, period: ReportingPeriod) -> Decimal | None:
    """A per-period target is every period's; a cumulative one is the period's that holds
    its date (none when the indicator gives no date)."""
    if indicator.target_value is None or not indicator.is_numeric:
        return None
    if indicator.target_kind == Indicator.TargetKind.PER_PERIOD:
        return indicator.target_value
    date_ = indicator.target_date
    if date_ is not None and period.start <= date_ <= period.end:
        return indicator.target_value
    return None


def breakdown(indicator: Indicator, reports: list[dict]) -> list[tuple[tuple[str, str], Decimal]]:
    """The period's validated figure for each value of sex and of age: within a report,
    the cells of the value combined (indicators.cells.combined); across reports, numbers
    add up and percentages pool. A value some validated report gives no figure for is left
    out rather than shown as the part of the whole it would be."""
    if not reports:
        return []
    cells = cells_of(indicator)
    figures = []
    for name, values in indicator.dimensions():
        if name not in DIMENSIONS:
            continue
        for value, _label in values:
            keys = group(cells, **{name: value})
            parts = [combined(indicator, report, keys) for report in reports]
            if any(part is None for part in parts):
                continue
            if indicator.is_percentage:
                figure = Pool.of(parts).value
            else:
                figure = sum((p for p in parts), Decimal(0))
            if figure is not None:
                figures.append(((name, value), figure))
    return figures
