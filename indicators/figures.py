"""The charts of indicators, shared by the pages and the PDF reports.

Each SVG gets an ``id_prefix`` so that several can live in one document.
"""

from __future__ import annotations

from django.db.models import Sum
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from indicators import charts
from indicators.models import Indicator, Measurement, Report, ReportingPeriod, parse_cell
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
    """Validated values by period against the baseline and the target."""
    points = [(periods[pk].label, float(value)) for pk, value in item.periods]
    return charts.line_chart_svg(
        points=points,
        target=float(indicator.target_value) if indicator.target_value is not None else None,
        baseline=float(indicator.baseline_value) if indicator.baseline_value is not None else None,
        title=_("%(indicator)s over the periods") % {"indicator": indicator.name},
        description=_("Validated values by period, against the baseline and the target."),
        labels={"target": _("Target"), "baseline": _("Baseline"), "no_data": _("No data")},
        unit=indicator.unit,
        id_prefix=id_prefix,
        decimal_mark=get_format("DECIMAL_SEPARATOR"),
    )


def breakdown_rows(indicator: Indicator, period_id: int | None = None) -> list:
    """Validated values by age band and sex, of the given period or the latest with data."""
    if period_id is None:
        period_id = (
            Report.objects.filter(indicator=indicator, status=Report.Status.VALIDATED)
            .order_by("-period__start")
            .values_list("period_id", flat=True)
            .first()
        )
    sums = (
        Measurement.objects.filter(
            report__indicator=indicator,
            report__status=Report.Status.VALIDATED,
            report__period_id=period_id,
        )
        .exclude(cell="")
        .values("cell")
        .annotate(total=Sum("value"))
    )
    by = {}
    for row in sums:
        cell = parse_cell(row["cell"])
        key = (cell.get("age", ""), cell.get("sex", ""))
        by[key] = by.get(key, 0) + float(row["total"])
    ages = list(AGE_BANDS) if indicator.by_age else [("", _("All ages"))]
    sexes = list(SEXES) if indicator.by_sex else [("", _("All"))]
    return [
        (str(age_label), [(str(sex_label), by.get((age, sex), 0.0)) for sex, sex_label in sexes])
        for age, age_label in ages
    ]


def indicator_breakdown_svg(
    indicator: Indicator, id_prefix: str, period_id: int | None = None
) -> str:
    return charts.breakdown_chart_svg(
        rows=breakdown_rows(indicator, period_id),
        title=_("%(indicator)s by sex and age") % {"indicator": indicator.name},
        description=_("Validated values of the latest period with data, by age band and sex."),
        id_prefix=id_prefix,
        unit=indicator.unit,
        decimal_mark=get_format("DECIMAL_SEPARATOR"),
    )
