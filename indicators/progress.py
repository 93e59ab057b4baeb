"""Progress of indicators and objectives: one computation for pages, dashboard and PDFs.

Validated values are read from their totals per indicator and period (ValidatedTotal, kept
by indicators.totals as each report is validated: one query for any number of indicators,
whatever the number of reports); the few period values are then combined here.

What is weighted where: within a period, the entities' totals of a number add up; those
of a percentage pool their numerators and denominators (indicators.cells.Pool: the sum of
the numerators over the sum of the denominators, or, when a report of the period gives no
denominator, the unweighted mean of the period's percentages, flagged as such). Across
periods, the period figures combine by the indicator's rule (combine: sum, average or
latest), each period counting once, as before.

A yes/no indicator (Indicator.Measure.YES_NO, "the protocol is approved") rolls up by one
rule, here and nowhere else: a period's answer is yes when every responsible entity that
answered in it, validated, said yes, and no when any said no; the indicator's answer is
its latest period's (it reads its latest period, the form and a constraint hold it there).
Yes is achieved (progress 1), no is off track (progress 0), and no validated answer is no
data. Its target is yes, so an objective counts it with its weight like any other.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone

from clusters.audit import data_version
from indicators.cells import Pool, value_shown
from indicators.models import Indicator, Objective, ValidatedTotal
from indicators.totals import SUMS

ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = (
    "achieved",
    "on_track",
    "at_risk",
    "off_track",
    "no_data",
)
STATUSES = (ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA)
# Progress at least this share of the time elapsed is on track; at least AT_RISK_SHARE of
# it is at risk; below, off track.
ON_TRACK_SHARE = 0.9
AT_RISK_SHARE = 0.6


def progress_fraction(
    *, baseline: Decimal | None, target: Decimal | None, current: Decimal | None
) -> float | None:
    """(current - baseline) / (target - baseline); None when it cannot be computed.

    The formula serves both directions: for a decrease the target is below the baseline,
    so a fall gives a positive progress.
    """
    if current is None or target is None:
        return None
    baseline = baseline if baseline is not None else Decimal(0)
    if target == baseline:
        return None
    return float((current - baseline) / (target - baseline))


def progress_status(
    *,
    baseline: Decimal | None,
    target: Decimal | None,
    current: Decimal | None,
    direction: str,
    expected: float,
) -> tuple[float | None, str]:
    """The progress fraction and its status.

    ``expected`` is the share of the way from baseline date to target date already elapsed
    (0..1): progress is judged against where the indicator should be by now.
    """
    if current is None:
        return None, NO_DATA
    if target is None:
        return None, NO_DATA
    if baseline is None and direction == Indicator.Direction.DECREASE:
        # A fall is measured from somewhere: without a baseline there is no progress to show.
        return None, NO_DATA
    baseline_value = baseline if baseline is not None else Decimal(0)
    if target == baseline_value:
        # No distance to cover: the target is met or it is not.
        met = current >= target if direction == Indicator.Direction.INCREASE else current <= target
        return (1.0 if met else 0.0), (ACHIEVED if met else OFF_TRACK)
    fraction = progress_fraction(baseline=baseline_value, target=target, current=current)
    if fraction >= 1:
        return fraction, ACHIEVED
    if fraction >= expected * ON_TRACK_SHARE:
        return fraction, ON_TRACK
    if fraction >= expected * AT_RISK_SHARE:
        return fraction, AT_RISK
    return fraction, OFF_TRACK


def yes_no_value(mean: Decimal | float | None) -> Decimal | None:
    """A period's answer from the mean of its validated answers (1 yes, 0 no): yes only
    when every one of them is yes."""
    if mean is None:
        return None
    return Decimal(1) if Decimal(mean) == 1 else Decimal(0)


def yes_no_status(current: Decimal | None) -> tuple[float | None, str]:
    """Progress of a yes/no indicator from its answer: yes achieved, no off track."""
    if current is None:
        return None, NO_DATA
    return (1.0, ACHIEVED) if current == 1 else (0.0, OFF_TRACK)


def elapsed_share(start: date | None, end: date | None, today: date | None = None) -> float:
    """How far today is between start and end (0..1); 1 without dates (judge as due)."""
    if start is None or end is None or end <= start:
        return 1.0
    today = today or timezone.localdate()
    return min(1.0, max(0.0, (today - start).days / (end - start).days))


@dataclass
class IndicatorProgress:
    indicator: Indicator
    current: Decimal | None
    fraction: float | None
    status: str
    # The validated value of each period on its own: (period id, value), oldest first.
    periods: list[tuple[int, Decimal]] = field(default_factory=list)
    reporting_members: int = 0
    # The indicator's value as of each period by its rule (indicator.current_rule): what
    # the chart draws. The last one is ``current``, the figure progress is judged on.
    points: list[tuple[int, Decimal]] = field(default_factory=list)
    # A percentage of which some period is the unweighted mean of the entities' values,
    # because a report of it gives no denominator (indicators.cells.Pool).
    unweighted: bool = False

    @property
    def current_shown(self) -> str | None:
        """The current value as the person's language writes it ("1.500", "49,38")."""
        return None if self.current is None else value_shown(self.indicator, self.current)


# Validated values change only when a report is validated, a write recorded in the
# cluster's log, which moves the cluster's data version (clusters.audit.data_version):
# the aggregation below is read from the cache (Redis in production, shared by every
# process) until then. The timeout only bounds the life of entries no version will ever
# ask for again.
VALUES_CACHE_SECONDS = 3600


def period_values(
    indicators: Sequence[Indicator], until: date | None = None
) -> dict[int, list[tuple[int, date, Decimal, bool]]]:
    """Validated totals per indicator and period, aggregated in the database:
    {indicator id: [(period id, period start, value, weighted)]} in period order. Numbers
    add up across member entities; percentages pool their numerators and denominators
    (indicators.cells.Pool; ``weighted`` is False where the period falls back to the
    unweighted mean, a report giving no denominator). With ``until``, only the periods
    that start by that date (the state of things at the end of a period). Cached per
    cluster until its next validation."""
    clusters = {i.cluster_id for i in indicators}
    if len(clusters) != 1:
        return _period_values(indicators, until)
    cluster_id = clusters.pop()
    version = data_version(cluster_id)
    ids = ",".join(str(pk) for pk in sorted(i.pk for i in indicators))
    # "w": the entries that carry whether each period is weighted (older ones do not).
    key = (
        f"indicators:values:w:{cluster_id}:{version}:{until}:{zlib.crc32(ids.encode())}:{len(ids)}"
    )
    found = cache.get(key)
    if found is None:
        found = dict(_period_values(indicators, until))
        cache.set(key, found, VALUES_CACHE_SECONDS)
    return found


def _period_values(
    indicators: Sequence[Indicator], until: date | None
) -> dict[int, list[tuple[int, date, Decimal, bool]]]:
    totals = ValidatedTotal.objects.filter(indicator__in=[i.pk for i in indicators], cell="")
    if until is not None:
        totals = totals.filter(period__start__lte=until)
    rows = totals.values("indicator_id", "period_id", "period__start", *SUMS).order_by(
        "indicator_id", "period__start"
    )
    by_id = {i.pk: i for i in indicators}
    result: dict[int, list[tuple[int, date, Decimal, bool]]] = defaultdict(list)
    for row in rows:
        indicator_id = row["indicator_id"]
        value, weighted = _entities_value(by_id[indicator_id], row)
        result[indicator_id].append((row["period_id"], row["period__start"], value, weighted))
    return result


def _entities_value(indicator: Indicator, row: dict) -> tuple[Decimal, bool]:
    """The value of one cell (the total, or a disaggregation cell) of a period from the
    sums of the entities' validated measurements (a ValidatedTotal's fields): numbers add
    up, percentages pool (indicators.cells.Pool), a yes/no is yes only when every answer
    is. With whether it is weighted (False: a percentage's unweighted mean)."""
    if indicator.is_percentage:
        pool = Pool(
            numerators=Decimal(row["numerators"] or 0),
            denominators=Decimal(row["denominators"] or 0),
            percentages=Decimal(row["total"]),
            count=row["count"],
            weighted_count=row["weighted_count"],
        )
        return pool.value, pool.weighted
    if indicator.is_yes_no:
        # The mean of the answers (1 yes, 0 no): yes only when every one is yes.
        return yes_no_value(Decimal(row["total"]) / row["count"]), True
    return Decimal(row["total"]).quantize(Decimal("0.01")), True


@dataclass(frozen=True)
class CellTotal:
    """A disaggregation cell of a period, over the entities' validated reports."""

    value: Decimal
    reports: int  # the validated reports that give this cell
    weighted: bool = True


def period_cells(indicator: Indicator) -> dict[int, dict[str, CellTotal]]:
    """The validated values of each disaggregation cell of the indicator, per period
    ({period id: {cell key: CellTotal}}), combined across entities by the rule of the
    totals (period_values). One query whatever the number of periods and cells."""
    rows = (
        ValidatedTotal.objects.filter(indicator=indicator)
        .exclude(cell="")
        .values("period_id", "cell", *SUMS)
        .order_by("period_id", "cell")
    )
    result: dict[int, dict[str, CellTotal]] = defaultdict(dict)
    for row in rows:
        value, weighted = _entities_value(indicator, row)
        result[row["period_id"]][row["cell"]] = CellTotal(value, row["count"], weighted)
    return dict(result)


def combine(indicator: Indicator, values: Sequence[Decimal]) -> Decimal | None:
    """The indicator's current value from its period values (oldest first), by its rule
    (Indicator.current_rule: latest, sum or average)."""
    if not values:
        return None
    rule = indicator.current_rule
    if rule == Indicator.Aggregation.SUM:
        return sum(values, Decimal(0))
    if rule == Indicator.Aggregation.AVERAGE:
        return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"))
    return values[-1]


def running(indicator: Indicator, values: Sequence[Decimal]) -> list[Decimal]:
    """The indicator's value as of each period (oldest first): what combine gives of the
    periods up to it. The last is the current value, so that the chart ends where the
    page's current value and the progress are."""
    return [combine(indicator, values[: index + 1]) for index in range(len(values))]


def indicators_progress(
    indicators: Iterable[Indicator], today: date | None = None
) -> dict[int, IndicatorProgress]:
    """Progress as of ``today`` (default: now): a past date leaves out later periods."""
    indicators = list(indicators)
    by_indicator = period_values(indicators, until=today)
    result = {}
    for indicator in indicators:
        periods = by_indicator.get(indicator.pk, [])
        values = [value for _pk, _start, value, _weighted in periods]
        points = running(indicator, values) if indicator.is_numeric else []
        current = points[-1] if points else None
        fraction, status = (
            yes_no_status(current)
            if indicator.is_yes_no
            else progress_status(
                baseline=indicator.baseline_value,
                target=indicator.target_value,
                current=current,
                direction=indicator.direction,
                expected=elapsed_share(indicator.baseline_date, indicator.target_date, today),
            )
            if indicator.is_numeric
            else (None, NO_DATA)
        )
        result[indicator.pk] = IndicatorProgress(
            indicator=indicator,
            current=current,
            fraction=fraction,
            status=status,
            periods=[(pk, value) for pk, _start, value, _weighted in periods],
            points=[
                (pk, value) for (pk, _start, _v, _w), value in zip(periods, points, strict=False)
            ],
            unweighted=not all(weighted for *_rest, weighted in periods),
        )
    return result


@dataclass
class ObjectiveProgress:
    objective: Objective
    fraction: float | None
    status: str


def objective_progress(
    objective: Objective, progress: dict[int, IndicatorProgress]
) -> ObjectiveProgress:
    """Weighted roll-up of the objective's indicators with data (each capped at 100%)."""
    weighted, weights, weight_by_status = 0.0, 0, defaultdict(int)
    for indicator in objective.indicators.all():
        item = progress.get(indicator.pk)
        if item is None or item.fraction is None:
            continue
        weighted += min(max(item.fraction, 0.0), 1.0) * indicator.weight
        weights += indicator.weight
        weight_by_status[item.status] += indicator.weight
    if not weights:
        return ObjectiveProgress(objective, None, NO_DATA)
    return ObjectiveProgress(objective, weighted / weights, rolled_up_status(weight_by_status))


def rolled_up_status(weight_by_status: dict[str, int]) -> str:
    """Achieved when every indicator is; off track when at least half the weight is;
    at risk when any indicator is behind; on track otherwise."""
    total = sum(weight_by_status.values())
    if weight_by_status.get(ACHIEVED, 0) == total:
        return ACHIEVED
    if weight_by_status.get(OFF_TRACK, 0) * 2 >= total:
        return OFF_TRACK
    if weight_by_status.get(OFF_TRACK, 0) or weight_by_status.get(AT_RISK, 0):
        return AT_RISK
    return ON_TRACK
