"""The report form's cells laid out as tables, as DHIS2's data entry does.

Every combination of the dimensions is one table: the first two dimensions (sex and age
band) are the rows, the others (disability, territory) the columns; an indicator by two
dimensions has the first as rows and the second as columns, one by a single dimension a
column of its values. Dimensions reported each on their own are one small table each.

Numbers that add up get row, column and grand totals: computed here from the values the
form holds (so that the page says them without a script), and again as one types by
static/js/report-grid.js. The server checks the cells against the report's total when it
saves (indicators.cells.total_problem); these totals only show the sums.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.forms import BoundField
from django.utils.translation import gettext as _

from indicators.cells import DIMENSION_GROUPS, shown
from indicators.models import Indicator


def _dimension_name(name: str) -> str:
    """What a row header column of the dimension says it is."""
    return {
        "sex": _("Sex"),
        "age": _("Age band"),
        "disability": _("Disability"),
        "territory": _("Territory"),
    }.get(name, name)


@dataclass
class GridCell:
    key: str
    field: BoundField
    label: str  # the row's labels and the column's: "Women, Children, With disability"
    column: int
    # A percentage's cell: ``field`` is its numerator, and it has a denominator and the
    # percentage they make (indicators.forms.RatioFields).
    ratio: Any = None


@dataclass
class GridRow:
    # The row's headers: (label, rowspan); a label of the first dimension spans the rows of
    # its group and is left out of the rows under it.
    headers: list[tuple[str, int]]
    cells: list[GridCell]
    total: str | None = None


@dataclass
class GridGroup:
    """The rows under one value of the first dimension (a <tbody>)."""

    rows: list[GridRow] = field(default_factory=list)


@dataclass
class GridTable:
    ident: str
    caption: str
    row_heads: list[str]  # what each row header column is ("Sex", "Age band")
    columns: list[str]
    groups: list[GridGroup]
    adds_up: bool
    column_totals: list[str | None] = field(default_factory=list)
    grand_total: str | None = None

    @property
    def row_totals(self) -> bool:
        """Whether each row has its total: numbers that add up, in more than one column."""
        return self.adds_up and len(self.columns) > 1


def _number(field: BoundField) -> Decimal | None:
    """The value a cell holds now (posted, or stored), None when empty or not a number."""
    value = field.value()
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None


def _sum(values: list[Decimal | None]) -> str | None:
    """The sum of the values given, as the language writes it; None when none is."""
    given = [value for value in values if value is not None]
    return shown(sum(given, Decimal(0))) if given else None


def report_grid(
    indicator: Indicator, fields: dict[str, BoundField], ratios: dict | None = None
) -> list[GridTable]:
    """The tables of the report form's cells ({cell key: its field}); for a percentage,
    ``ratios`` are its cells' numerators and denominators ({cell key: RatioFields})."""
    dimensions = indicator.dimensions()
    if not dimensions or not fields:
        return []
    if indicator.is_separate:
        return [
            _table(
                indicator,
                fields,
                ratios or {},
                f"grid-{name}",
                _("Values %(dimension)s") % {"dimension": DIMENSION_GROUPS.get(name, name)},
                [(name, values)],
                [],
            )
            for name, values in dimensions
        ]
    split = 2 if len(dimensions) >= 3 else 1
    times = " \N{MULTIPLICATION SIGN} "
    names = times.join(_dimension_name(name).lower() for name, _values in dimensions)
    return [
        _table(
            indicator,
            fields,
            ratios or {},
            "grid",
            _("Values by %(dimensions)s") % {"dimensions": names},
            dimensions[:split],
            dimensions[split:],
        )
    ]


def _table(
    indicator: Indicator,
    fields: dict[str, BoundField],
    ratios: dict,
    ident: str,
    caption: str,
    row_dimensions: list,
    column_dimensions: list,
) -> GridTable:
    column_combos = list(itertools.product(*(values for _name, values in column_dimensions)))
    if column_dimensions:
        columns = [" · ".join(str(label) for _value, label in combo) for combo in column_combos]
    else:
        columns = [
            f"{indicator.numerator_name} / {indicator.denominator_name}"
            if indicator.is_percentage
            else indicator.unit or _("Value")
        ]
    row_names = [name for name, _values in row_dimensions]
    column_names = [name for name, _values in column_dimensions]
    adds_up = indicator.adds_up
    per_column: list[list[Decimal | None]] = [[] for _c in columns]
    everything: list[Decimal | None] = []
    groups: list[GridGroup] = []
    _first_name, first_values = row_dimensions[0]
    rest = row_dimensions[1:]
    for first_value, first_label in first_values:
        group = GridGroup()
        rest_combos = list(itertools.product(*(values for _name, values in rest)))
        for position, rest_combo in enumerate(rest_combos):
            row_combo = ((first_value, first_label), *rest_combo)
            headers = [] if position else [(str(first_label), len(rest_combos))]
            headers += [(str(label), 1) for _value, label in rest_combo]
            row_labels = [str(label) for _value, label in row_combo]
            row_parts = [f"{n}={v}" for n, (v, _l) in zip(row_names, row_combo, strict=True)]
            cells, row_values = [], []
            for index, combo in enumerate(column_combos):
                parts = row_parts + [
                    f"{n}={v}" for n, (v, _l) in zip(column_names, combo, strict=True)
                ]
                key = "|".join(parts)
                bound = fields[key]
                label = ", ".join(row_labels + ([columns[index]] if column_dimensions else []))
                cells.append(GridCell(key, bound, label, index, ratios.get(key)))
                number = _number(bound)
                row_values.append(number)
                per_column[index].append(number)
                everything.append(number)
            group.rows.append(GridRow(headers, cells, _sum(row_values) if adds_up else None))
        groups.append(group)
    heads = [_dimension_name(name) for name in row_names]
    table = GridTable(ident, caption, heads, columns, groups, adds_up)
    if adds_up:
        table.column_totals = [_sum(values) for values in per_column]
        table.grand_total = _sum(everything)
    return table
