"""The charts of indicators, shared by the pages and the PDF reports.

Each SVG gets an ``id_prefix`` so that several can live in one document.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import get_format
from django.utils.translation import gettext as _

from indicators import charts
from indicators.cells import cells_of, combined, group
from indicators.models import Indicator, Report, ReportingPeriod
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
    """Validated values by age band and sex, of the given period or the latest with data.

    Each value is the sum over the period's validated reports (the average, for
    percentages, which do not add up); None, no data, when a report lacks a cell it needs,
    rather than a part passing for the whole."""
    if period_id is None:
        period_id = (
            Report.objects.filter(indicator=indicator, status=Report.Status.VALIDATED)
            .order_by("-period__start")
            .values_list("period_id", flat=True)
            .first()
        )
    reports = [
        {m.cell: m.value for m in report.measurements.all()}
        for report in Report.objects.filter(
            indicator=indicator, status=Report.Status.VALIDATED, period_id=period_id
        ).prefetch_related("measurements")
    ]
    cells = cells_of(indicator)

    def value(age: str, sex: str) -> float | None:
        keys = group(cells, **{name: v for name, v in (("age", age), ("sex", sex)) if v})
        each = [combined(indicator, values, keys) for values in reports]
        if not each or None in each:
            return None
        total = sum(each, Decimal(0))
        return float(total if indicator.adds_up else total / len(each))

    ages = list(AGE_BANDS) if indicator.by_age else [("", _("All ages"))]
    sexes = list(SEXES) if indicator.by_sex else [("", _("All"))]
    return [
        (str(age_label), [(str(sex_label), value(age, sex)) for sex, sex_label in sexes])
        for age, age_label in ages
    ]


def indicator_breakdown_svg(
    indicator: Indicator, id_prefix: str, period_id: int | None = None
) -> str:
    return charts.breakdown_chart_svg(
        rows=breakdown_rows(indicator, period_id),
        title=_("%(indicator)s by sex and age") % {"indicator": indicator.name},
        description=_(
            "Validated values of the latest period with data, by age band and sex; "
            "“no data” where an entity gave no figure."
        ),
        no_data=_("no data"),
        id_prefix=id_prefix,
        unit=indicator.unit,
        decimal_mark=get_format("DECIMAL_SEPARATOR"),
    )
