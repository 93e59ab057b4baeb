"""The charts of indicators, shared by the pages and the PDF reports.

Each SVG gets an ``id_prefix`` so that several can live in one document.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Subquery
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from indicators import charts
from indicators.cells import Pool, cells_of, combined, group, plain, reported
from indicators.models import Indicator, Measurement, MeasurementReport, ReportingPeriod
from indicators.progress import IndicatorProgress, ObjectiveProgress
from rights.models import AGE_BANDS, SEXES


def status_labels() -> dict[str, str]:
    return {
        "achieved": _("Achieved"),
        "on_track": _("On track"),
        "at_risk": _("At risk"),
        "off_track": _("Off track"),
        "no_data": _("No data"),
    }


def unweighted_note() -> str:
    """What a page says of a percentage some report of which gives no denominator."""
    return _(
        "Some reports give no denominator: their percentages are averaged unweighted, each "
        "entity counting the same."
    )


def progress_svg(item: IndicatorProgress | ObjectiveProgress, id_prefix: str) -> str:
    labels = status_labels()
    return charts.progress_bar_svg(
        progress=item.fraction,
        status=item.status,
        title=_("Progress: %(status)s") % {"status": labels[item.status]},
        description=_("Progress towards the target: %(status)s.") % {"status": labels[item.status]},
        labels=labels,
        id_prefix=id_prefix,
        decimal_mark=get_format("DECIMAL_SEPARATOR"),
    )


def indicator_line_svg(
    indicator: Indicator,
    item: IndicatorProgress,
    periods: dict[int, ReportingPeriod],
    id_prefix: str,
) -> str:
    """The indicator's value as of each period, by its rule, against the baseline and the
    target: the last point is the current value the page and the progress show."""
    points = [(periods[pk].label, float(value)) for pk, value in item.points]
    if indicator.is_yes_no:
        return _yes_no_line_svg(indicator, points, id_prefix)
    return charts.line_chart_svg(
        points=points,
        target=float(indicator.target_value) if indicator.target_value is not None else None,
        baseline=float(indicator.baseline_value) if indicator.baseline_value is not None else None,
        title=_("%(indicator)s over the periods") % {"indicator": indicator.name},
        description=_(
            "%(rule)s as of each period, from the validated reports, against the baseline "
            "and the target."
        )
        % {"rule": indicator.current_label},
        labels={"target": _("Target"), "baseline": _("Baseline"), "no_data": _("No data")},
        unit=indicator.unit,
        id_prefix=id_prefix,
        decimal_mark=get_format("DECIMAL_SEPARATOR"),
        group_mark=get_format("THOUSAND_SEPARATOR"),
    )


def _yes_no_line_svg(indicator: Indicator, points: list, id_prefix: str) -> str:
    """Each period's answer, No or Yes on the axis and by each point, against the target
    yes (stored as 1 for yes and 0 for no)."""
    return charts.line_chart_svg(
        points=points,
        target=1.0,
        baseline=None,
        title=_("%(indicator)s over the periods") % {"indicator": indicator.name},
        description=_(
            "The answer of each period, 1 for yes and 0 for no, from the validated reports: "
            "yes when every entity that answered said yes."
        ),
        labels={"target": _("Target"), "baseline": _("Baseline"), "no_data": _("No data")},
        value_words={0.0: str(_("No")), 1.0: str(_("Yes"))},
        id_prefix=id_prefix,
        decimal_mark=get_format("DECIMAL_SEPARATOR"),
        group_mark=get_format("THOUSAND_SEPARATOR"),
    )


@dataclass
class Breakdown:
    rows: list  # [(age band, [(sex, value or None)])]
    broken_down: int  # validated reports that give every cell of the chart
    reported: int  # validated reports of the period
    # False for a percentage of which some report gives no denominator: its bars are the
    # unweighted means of the entities' percentages (indicators.cells.Pool).
    weighted: bool = True


def breakdown(indicator: Indicator, period_id: int | None = None) -> Breakdown:
    """Validated values by age band and sex, of the given period or the latest with data.

    Only the reports that give every cell of the chart count: their values are added up
    (for percentages, their numerators and denominators: indicators.cells.Pool). A report
    with its total alone, or some cells, would make a part pass for the whole; the chart
    says how many counted."""
    # One query: the cells of the period's validated reports, the period found by a
    # subquery when not given (the latest with a validated report).
    validated = {
        "report__indicator": indicator,
        "report__status": MeasurementReport.Status.VALIDATED,
    }
    if period_id is None:
        latest = (
            MeasurementReport.objects.filter(
                indicator=indicator, status=MeasurementReport.Status.VALIDATED
            )
            .order_by("-period__start")
            .values("period_id")[:1]
        )
        period = {"report__period_id": Subquery(latest)}
    else:
        period = {"report__period_id": period_id}
    by_report: dict[int, dict] = defaultdict(dict)
    rows = (
        Measurement.objects.filter(**validated, **period)
        .order_by("report_id", "pk")
        .values_list("report_id", "cell", "value", "numerator", "denominator")
    )
    for report_id, cell, value, numerator, denominator in rows:
        stored = Measurement(value=value, numerator=numerator, denominator=denominator)
        by_report[report_id][cell] = reported(stored)
    reports = list(by_report.values())
    cells = cells_of(indicator)
    # [(row label, [(series label, the keys of its cells)])]
    layout: list[tuple[str, list[tuple[str, list[str]]]]]
    if indicator.is_separate:
        # Each dimension on its own: a bar per value of each, one series per dimension.
        dimensions = [
            (name, values, series)
            for name, values, series in (
                ("sex", SEXES, _("By sex")),
                ("age", AGE_BANDS, _("By age band")),
            )
            if getattr(indicator, f"by_{name}")
        ]
        layout = [
            (str(label), [(str(series), group(cells, **{name: value}))])
            for name, values, series in dimensions
            for value, label in values
        ]
    else:
        ages = list(AGE_BANDS) if indicator.by_age else [("", _("All ages"))]
        sexes = list(SEXES) if indicator.by_sex else [("", _("All"))]
        layout = [
            (
                str(age_label),
                [
                    (
                        str(sex_label),
                        group(cells, **{n: v for n, v in (("age", age), ("sex", sex)) if v}),
                    )
                    for sex, sex_label in sexes
                ],
            )
            for age, age_label in ages
        ]
    groups = [keys for _row, bars in layout for _series, keys in bars]
    complete = [
        values
        for values in reports
        if all(combined(indicator, values, keys) is not None for keys in groups)
    ]

    weighted = True

    def value(keys: list[str]) -> float | None:
        nonlocal weighted
        if not complete:
            return None
        found = [combined(indicator, v, keys) for v in complete]
        if indicator.is_percentage:
            pool = Pool.of(found)
            weighted = weighted and pool.weighted
            return float(pool.value)
        return float(sum((plain(v) for v in found), Decimal(0)))

    rows = [(row, [(series, value(keys)) for series, keys in bars]) for row, bars in layout]
    return Breakdown(rows, len(complete), len(reports), weighted)


def indicator_breakdown_svg(
    indicator: Indicator, id_prefix: str, period_id: int | None = None
) -> str:
    found = breakdown(indicator, period_id)
    note = ""
    if 0 < found.broken_down < found.reported:
        note = _(
            "The figures of %(counted)s of the %(reported)s entities that reported: the "
            "others did not give every one."
        ) % {"counted": found.broken_down, "reported": found.reported}
    if not found.weighted:
        note = " ".join(filter(None, [note, str(unweighted_note())]))
    if found.reported and not found.broken_down:
        description = _("No entity gave its validated values broken down by age band and sex.")
    else:
        description = _("Validated values of the latest period with data, by age band and sex.")
    return charts.breakdown_chart_svg(
        rows=found.rows,
        title=_("%(indicator)s by sex and age") % {"indicator": indicator.name},
        description=description,
        id_prefix=id_prefix,
        unit=indicator.unit,
        decimal_mark=get_format("DECIMAL_SEPARATOR"),
        group_mark=get_format("THOUSAND_SEPARATOR"),
        no_data=_("no data"),
        note=note,
    )
