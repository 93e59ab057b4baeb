"""What the cells of a report add up to: the arithmetic of disaggregated values, in one
place for the form, the import, the validation queue, the charts and the exports.

A report holds a value per disaggregation cell ("sex=female|age=children") and its total
(cell ""). A cell without a value is "no data", never zero: a sum that would need it is no
data too, rather than a part passing for the whole. Percentages do not add up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core import words
from indicators.models import Indicator, parse_cell

# (cell key, its parts): ("sex=female|age=children", {"sex": "female", "age": "children"})
Cell = tuple[str, dict[str, str]]


def cells_of(indicator: Indicator) -> list[Cell]:
    return [(key, parse_cell(key)) for key, _label in indicator.cells()]


def group(cells: Sequence[Cell], **parts: str) -> list[str]:
    """The keys of the cells that are part of the group: ``group(cells, sex="female")`` is
    every cell of women and girls, whatever their age, disability or territory."""
    return [
        key
        for key, cell_parts in cells
        if all(cell_parts.get(dimension) == value for dimension, value in parts.items())
    ]


def combined(
    indicator: Indicator, values: Mapping[str, Decimal], keys: Sequence[str]
) -> Decimal | None:
    """The value of a group of cells: their sum when every one has a value (the one value,
    for percentages, which do not add up); None, no data, otherwise."""
    if not keys or any(values.get(key) is None for key in keys):
        return None
    if len(keys) > 1 and not indicator.adds_up:
        return None
    return sum((values[key] for key in keys), Decimal(0))


def shown(value: Decimal | int) -> str:
    """A value as the person's language writes it: "1.500" or "7,5" in Catalan."""
    return words.number(value, places=14)


def value_shown(indicator: Indicator, value: Decimal | int) -> str:
    """A value of the indicator as a page writes it: "Yes" or "No" for a yes/no
    indicator (stored as 1 or 0), the number otherwise."""
    if indicator.is_yes_no:
        return str(_("Yes") if value == 1 else _("No"))
    return shown(value)


def count_problem(value: Decimal | int) -> str | None:
    """Why the value cannot be a count of people, households or cases, if it cannot."""
    value = Decimal(value)
    if value < 0 or value != value.to_integral_value():
        return _("%(value)s is not a count: a count is a whole number, never negative.") % {
            "value": shown(value)
        }
    return None


def validate_count(value: Decimal | None) -> None:
    """The form field's validator for a count."""
    if value is not None and (problem := count_problem(value)):
        raise ValidationError(problem, code="count")


# How a message names the cells of one dimension, reported on its own.
DIMENSION_GROUPS = {
    "sex": _lazy("by sex"),
    "age": _lazy("by age band"),
    "disability": _lazy("by disability"),
    "territory": _lazy("by territory"),
}


def partitions(indicator: Indicator) -> list[tuple[str, list[str]]]:
    """The groups of cells that each add up to the total, as (dimension, keys): every
    combination together (dimension ""), or, reported each on its own, each dimension's
    values."""
    cells = cells_of(indicator)
    if not cells:
        return []
    if not indicator.is_separate:
        return [("", [key for key, _parts in cells])]
    return [
        (name, [key for key, parts in cells if name in parts])
        for name, _values in indicator.dimensions()
    ]


def total_problem(
    indicator: Indicator, cells: Mapping[str, Decimal | None], total: Decimal | None
) -> str | None:
    """Why the cells and the total do not go together, if they do not. The cells of a
    number are parts of its total: all of them add up to it exactly, and some of them, when
    none is negative, to no more than it. Reported each on its own, each dimension's cells
    are such parts (the women, men and non-binary people; the children, adolescents...)."""
    if total is None or not indicator.adds_up:
        return None
    for dimension, keys in partitions(indicator):
        given = [cells[key] for key in keys if cells.get(key) is not None]
        added = sum(given, Decimal(0))
        numbers = {"total": shown(total), "sum": shown(added)}
        if dimension:
            numbers["dimension"] = DIMENSION_GROUPS.get(dimension, dimension)
        if len(given) == len(keys) and added != total:
            if dimension:
                return (
                    _(
                        "The total (%(total)s) does not agree with the sum of the cells "
                        "%(dimension)s (%(sum)s)."
                    )
                    % numbers
                )
            return (
                _("The total (%(total)s) does not agree with the sum of the cells (%(sum)s).")
                % numbers
            )
        if given and min(given) >= 0 and added > total:
            if dimension:
                return (
                    _(
                        "The cells %(dimension)s add up to %(sum)s, more than the total "
                        "(%(total)s): each cell is a part of the total."
                    )
                    % numbers
                )
            return (
                _(
                    "The cells add up to %(sum)s, more than the total (%(total)s): each cell is a "
                    "part of the total."
                )
                % numbers
            )
    return None


def derived_total(indicator: Indicator, cells: Mapping[str, Decimal | None]) -> Decimal | None:
    """The total a report without one has: the sum of its cells, when it has them all (of
    one dimension at least, for dimensions reported each on its own)."""
    if not indicator.adds_up:
        return None
    given = {key: value for key, value in cells.items() if value is not None}
    for _dimension, keys in partitions(indicator):
        if (found := combined(indicator, given, keys)) is not None:
            return found
    return None
