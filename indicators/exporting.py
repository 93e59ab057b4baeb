"""Measurements out to spreadsheets: the template a member entity fills in (its open
periods and cells, with the values already stored), and the export of validated values
with HXL hashtags, as CSV or XLSX. Every cell written is made safe (core.spreadsheets):
no program runs a name as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from clusters.models import Cluster, Membership
from indicators.cells import (
    Cell,
    Ratio,
    Reported,
    cells_of,
    combined,
    group,
    plain,
    reported,
    value_shown,
)
from indicators.models import DISABILITY, HXL_SEX, Indicator, MeasurementReport, cell_label
from indicators.rules import can_report
from indicators.selectors import open_periods
from rights.models import AGE_BANDS, SEXES

TEMPLATE_HEADER = (
    "indicator",
    "indicator_name",
    "period",
    "period_label",
    "cell",
    "cell_label",
    "value",
    "text",
    "comment",
    # A percentage's cells: what it is made of (the value is then the percentage).
    "numerator",
    "denominator",
)
TEMPLATE_WIDTHS = (12, 40, 12, 12, 34, 40, 12, 40, 40, 12, 12)

# HXL hashtags of the export, from the HXL 1.1 hashtag dictionary
# (https://hxlstandard.org/standard/1-1final/dictionary/). The total has no attribute:
# the dictionary has no +total, and a #reached column without disaggregation attributes
# is the overall figure. A row is a report of the whole cluster (#adm1, no #adm2), or a
# territory of an indicator by territory (#adm2); a qualitative report's text is its
# #description, and so is a yes/no answer.
HXL_HEAD = (
    "#org",
    "#org+code",
    "#indicator+code",
    "#indicator+name",
    "#date+start",
    "#date+end",
    "#adm1+name",
    "#adm2+name",
    "#reached",
)
# One column per group of cells: each dimension's values, then sex by age. The dictionary
# has no attribute for disability: +disabled and +nondisabled are the export's own (HXL
# allows them), as a person reading the column would guess.
HXL_DISABILITY = {"yes": "disabled", "no": "nondisabled"}
HXL_GROUPS: tuple[tuple[dict[str, str], str], ...] = (
    *(({"sex": sex}, f"#reached+{HXL_SEX[sex]}") for sex, _s in SEXES),
    *(({"age": age}, f"#reached+{age}") for age, _a in AGE_BANDS),
    *(({"disability": d}, f"#reached+{HXL_DISABILITY[d]}") for d, _label in DISABILITY),
    *(
        ({"sex": sex, "age": age}, f"#reached+{HXL_SEX[sex]}+{age}")
        for sex, _s in SEXES
        for age, _a in AGE_BANDS
    ),
)
# A percentage's row gives what its #reached is made of: the numerator and the
# denominator, attributes of the export's own (the dictionary has none for them), on
# #indicator rather than #reached so that no tool adds them up with the figures.
HXL_RATIO = ("#indicator+numerator", "#indicator+denominator")
HXL_TAGS = (*HXL_HEAD, *(tag for _parts, tag in HXL_GROUPS), "#description", *HXL_RATIO)
EXPORT_WIDTHS = (30, 18, 14, 40, 12, 12, 20, 20, 12, *(14 for _group in HXL_GROUPS), 50, 12, 12)


def template_rows(cluster: Cluster, membership: Membership) -> list[list[object]]:
    """The header, then one row per indicator the entity reports on, open period and cell
    (the total first), with the values already stored. The current period is offered even
    before it is saved: the import makes it."""
    indicators = [
        indicator
        for indicator in cluster.indicators.prefetch_related("responsible")
        if can_report(indicator, membership)
    ]
    periods = open_periods(cluster)[::-1]
    reports = {
        (r.indicator_id, r.period_id): r
        for r in MeasurementReport.objects.filter(
            membership=membership,
            indicator__in=indicators,
            period__in=[period.pk for period in periods if period.pk is not None],
        ).prefetch_related("measurements")
    }
    rows: list[list[object]] = [list(TEMPLATE_HEADER)]
    total_label = _("Total")
    for indicator in indicators:
        # Qualitative indicators are described in words: no cells to give numbers in.
        cells = indicator.cells() if indicator.is_numeric else []
        for period in [period for period in periods if indicator.asks_for(period)]:
            report = reports.get((indicator.pk, period.pk))
            values = {m.cell: reported(m) for m in report.measurements.all()} if report else {}
            head = [indicator.code, indicator.name, period.start, period.label]
            rows.append(
                [
                    *head,
                    "",
                    total_label,
                    _template_total(indicator, plain(values.get(""))),
                    report.text_value if report else "",
                    report.comment if report else "",
                    *_ratio(values.get("")),
                ]
            )
            rows.extend(
                [
                    *head,
                    key,
                    str(label),
                    _number(plain(values.get(key))),
                    "",
                    "",
                    *_ratio(values.get(key)),
                ]
                for key, label in cells
            )
    return rows


def _template_total(indicator: Indicator, value: Decimal | None) -> object:
    """The total as the template shows it: a yes/no answer in words ("Sí", "No"), which
    the import reads back (importing.parse_yes_no)."""
    if indicator.is_yes_no and value is not None:
        return value_shown(indicator, value)
    return _number(value)


def template_xlsx(cluster: Cluster, membership: Membership) -> bytes:
    return _xlsx(
        template_rows(cluster, membership), title=_("Values"), header_rows=1, widths=TEMPLATE_WIDTHS
    )


# ---------------------------------------------------------------------------------------
# The HXL export


def export_rows(cluster: Cluster) -> list[list[object]]:
    """Validated values of the cluster: a header of names, the HXL hashtag row, then the
    rows of each report (one, or one per territory: see _export_report_rows).

    The total is the report's own, broken down or not. Each group column (women, children,
    women children, with disability...) is the sum of the report's cells in it; it is empty
    when the indicator is not broken down that way, when one of those cells has no data (a
    part would pass for the whole) or when it would add up percentages. A qualitative
    report has its text and no number."""
    reports = (
        MeasurementReport.objects.filter(
            indicator__cluster=cluster, status=MeasurementReport.Status.VALIDATED
        )
        .select_related("indicator", "period", "membership__actor")
        .prefetch_related("measurements")
        .order_by("indicator__code", "period__start", "membership__actor__name")
    )
    rows: list[list[object]] = [_export_header(), list(HXL_TAGS)]
    cells: dict[int, list[Cell]] = {}
    for report in reports:
        indicator = report.indicator
        if indicator.pk not in cells:
            cells[indicator.pk] = cells_of(indicator)
        rows.extend(_export_report_rows(report, cells[indicator.pk], cluster.territory))
    return rows


def export_xlsx(cluster: Cluster) -> bytes:
    return _xlsx(export_rows(cluster), title=_("Indicators"), header_rows=2, widths=EXPORT_WIDTHS)


def _export_header() -> list[object]:
    return [
        _("Entity"),
        _("Entity code"),
        _("Indicator code"),
        _("Indicator"),
        _("Period start"),
        _("Period end"),
        _("Territory"),
        _("Area of the territory"),
        _("Total"),
        *(
            cell_label("|".join(f"{name}={value}" for name, value in parts.items()))
            for parts, _tag in HXL_GROUPS
        ),
        _("Situation (qualitative and yes/no indicators)"),
        _("Numerator"),
        _("Denominator"),
    ]


def _export_report_rows(
    report: MeasurementReport, cells: list[Cell], cluster_territory: str
) -> list[list[object]]:
    """The rows of one report. A number's rows add up to its total, so that summing the
    #reached column counts nobody twice: one row for the whole cluster, or, by territory,
    one per territory it gives and one for the rest of the total. Percentages by territory,
    which do not add up, have the whole cluster's row and each territory's."""
    indicator, period, actor = report.indicator, report.period, report.membership.actor
    head = [actor.name, actor.slug, indicator.code, indicator.name, period.start, period.end]
    head.append(cluster_territory)
    if not indicator.is_numeric:
        return [[*head, "", "", *("" for _group in HXL_GROUPS), report.text_value, "", ""]]
    values = {m.cell: reported(m) for m in report.measurements.all()}
    if indicator.is_yes_no:
        # An answer, not people reached: #reached stays empty so that summing it counts
        # nobody; the answer is its #description (no numerator or denominator either).
        answer = value_shown(indicator, values[""]) if "" in values else ""
        return [[*head, "", "", *("" for _group in HXL_GROUPS), answer, "", ""]]
    total = values.get("")
    whole = [*head, "", _number(plain(total)), *_groups(indicator, cells, values), ""]
    whole += _ratio(total)
    territories = [
        (territory, [(key, parts) for key, parts in cells if parts.get("territory") == territory])
        for territory in indicator.territory_list()
    ]
    given = [(name, own) for name, own in territories if any(key in values for key, _p in own)]
    if not given:
        return [whole]
    rows = [] if indicator.adds_up else [whole]
    known = Decimal(0)
    for name, own in given:
        part = combined(indicator, values, [key for key, _parts in own])
        known += plain(part) or 0
        rows.append(
            [*head, name, _number(plain(part)), *_groups(indicator, own, values), "", *_ratio(part)]
        )
    if indicator.adds_up and total is not None and total != known:
        rest = [*head, _("The rest, not given by territory"), _number(total - known)]
        rows.append([*rest, *("" for _group in HXL_GROUPS), "", "", ""])
    return rows


def _groups(indicator: Indicator, cells: list[Cell], values: Mapping[str, Reported]) -> list:
    """Each group's value: a sum, or for a percentage its cells' pooled percentage."""
    return [
        _number(plain(combined(indicator, values, group(cells, **parts))))
        for parts, _tag in HXL_GROUPS
    ]


def _ratio(value: Reported | None) -> list[object]:
    """The numerator and denominator columns: empty but for a percentage given by them."""
    if isinstance(value, Ratio):
        return [_number(value.numerator), _number(value.denominator)]
    return ["", ""]


# ---------------------------------------------------------------------------------------
# Writing files


def _number(value: Decimal | None) -> object:
    """12 rather than 12.00; empty for no value."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return int(value)
    return value.quantize(Decimal("0.01"))


def _xlsx(
    rows: list[list[object]], *, title: str, header_rows: int, widths: Sequence[int]
) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = f"A{header_rows + 1}"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        sheet.append(
            [_xlsx_cell(sheet, value, bold if number < header_rows else None) for value in row]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet: object, value: object, font: Font | None) -> WriteOnlyCell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Stored as text even when it starts with "=": a name is never run as a formula.
        cell.data_type = "s"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if font is not None:
        cell.font = font
    return cell
