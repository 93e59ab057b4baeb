"""What the cells of a report add up to: the arithmetic of disaggregated values, in one
place for the form, the import, the validation queue, the charts and the exports.

A report holds a value per disaggregation cell ("sex=female|age=children") and its total
(cell ""). A cell without a value is "no data", never zero: a sum that would need it is no
data too, rather than a part passing for the whole.

Percentages do not add up, but what they are made of does: a percentage is reported as a
numerator and a denominator (a Ratio), and percentages combine, across cells as across
entities, as the sum of their numerators over the sum of their denominators (Pool holds
that rule, for every place that combines them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core import words
from indicators.models import Indicator, Measurement, parse_cell, percentage_of, ratio_words

# (cell key, its parts): ("sex=female|age=children", {"sex": "female", "age": "children"})
Cell = tuple[str, dict[str, str]]


@dataclass(frozen=True)
class Ratio:
    """A percentage as it is reported: so many (the numerator) of so many (the
    denominator). Two ratios are equal when both parts are, whatever their zeros."""

    numerator: Decimal
    denominator: Decimal

    @property
    def value(self) -> Decimal:
        """The percentage, to two decimals (what Measurement.value stores)."""
        return percentage_of(self.numerator, self.denominator)

    def __str__(self) -> str:
        return ratio_words(self.numerator, self.denominator)


# What a report gives for a cell: a number, or a percentage by its numerator and
# denominator. A Decimal for a percentage is one reported before numerators and
# denominators were asked for (a legacy value: see Pool).
Reported = Decimal | Ratio


def reported(measurement: Measurement) -> Reported:
    """What a stored measurement says: its Ratio when it has a denominator, else its value."""
    if measurement.denominator is not None:
        return Ratio(measurement.numerator, measurement.denominator)
    return measurement.value


def plain(value: Reported | None) -> Decimal | None:
    """The number a value stands for: a Ratio's percentage, or the value itself."""
    return value.value if isinstance(value, Ratio) else value


@dataclass
class Pool:
    """The one rule by which percentages combine, across entities and across cells.

    Weighted: the sum of the numerators over the sum of the denominators, x 100 (entity A
    10 of 20 and entity B 90 of 100 make 100 of 120, 83.33 %, not the 70 % of the mean of
    50 % and 90 %). A value reported without a denominator (a legacy report, kept as it
    was reported) has no weight to give: when any value of a pool has none, the pool
    falls back to the unweighted mean of the percentages, and says so (``weighted`` is
    False), so that the page can tell the reader ("some reports give no denominator").

    It can be filled one value at a time (``add``) or from sums the database made
    (indicators.progress), so that both give the same figure. Periods then combine by the
    indicator's rule (average or latest, indicators.progress.combine), each period's
    figure being its pool's value.
    """

    numerators: Decimal = Decimal(0)
    denominators: Decimal = Decimal(0)
    percentages: Decimal = Decimal(0)  # the sum of the percentages, for the fallback
    count: int = 0
    weighted_count: int = 0  # how many of them have a denominator

    def add(self, value: Reported) -> None:
        if isinstance(value, Ratio):
            self.numerators += value.numerator
            self.denominators += value.denominator
            self.weighted_count += 1
        self.percentages += plain(value)
        self.count += 1

    @classmethod
    def of(cls, values: Iterable[Reported]) -> Pool:
        pool = cls()
        for value in values:
            pool.add(value)
        return pool

    @property
    def weighted(self) -> bool:
        """Whether every value gave its denominator: the figure is the weighted one."""
        return self.weighted_count == self.count

    @property
    def value(self) -> Decimal | None:
        """The percentage of the pool; None when it holds nothing."""
        if not self.count:
            return None
        if self.weighted:
            return percentage_of(self.numerators, self.denominators)
        return (self.percentages / self.count).quantize(Decimal("0.01"))

    @property
    def ratio(self) -> Ratio | None:
        """The pool as one numerator and denominator, when it is weighted."""
        if not self.count or not self.weighted:
            return None
        return Ratio(self.numerators, self.denominators)


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
    indicator: Indicator, values: Mapping[str, Reported], keys: Sequence[str]
) -> Reported | None:
    """The value of a group of cells: their sum when every one has a value; None, no data,
    otherwise. Percentages pool their numerators and denominators (the women of every age
    band: the evicted women over the women with a mortgage); percentages without their
    denominators (legacy values) do not combine across cells: a mean of the cells'
    percentages would weigh a cell of ten people as one of a thousand."""
    if not keys or any(values.get(key) is None for key in keys):
        return None
    if len(keys) == 1:
        return values[keys[0]]
    if indicator.is_percentage:
        return Pool.of(values[key] for key in keys).ratio
    if not indicator.adds_up:
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
    if indicator.is_percentage:
        return _ratio_total_problem(indicator, cells, total)
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


def _ratio_total_problem(
    indicator: Indicator, cells: Mapping[str, Reported | None], total: Reported | None
) -> str | None:
    """A percentage's cells, every one of a dimension given by its numerator and
    denominator, add up to the total's numerator and denominator: the women evicted and the
    men evicted are the households evicted."""
    if not isinstance(total, Ratio):
        return None
    given = {key: value for key, value in cells.items() if value is not None}
    for dimension, keys in partitions(indicator):
        found = combined(indicator, given, keys)
        if not isinstance(found, Ratio):
            continue
        if (found.numerator, found.denominator) != (total.numerator, total.denominator):
            numbers = {"sum": found, "total": total}
            if dimension:
                numbers["dimension"] = DIMENSION_GROUPS.get(dimension, dimension)
                return (
                    _(
                        "The cells %(dimension)s add up to %(sum)s, the total is %(total)s: the "
                        "numerators and the denominators of the cells add up to the total's."
                    )
                    % numbers
                )
            return (
                _(
                    "The cells add up to %(sum)s, the total is %(total)s: the numerators and the "
                    "denominators of the cells add up to the total's."
                )
                % numbers
            )
    return None


def derived_total(indicator: Indicator, cells: Mapping[str, Reported | None]) -> Reported | None:
    """The total a report without one has: the sum of its cells, when it has them all (of
    one dimension at least, for dimensions reported each on its own); for a percentage,
    the sums of their numerators and denominators."""
    if not indicator.adds_up and not indicator.is_percentage:
        return None
    given = {key: value for key, value in cells.items() if value is not None}
    for _dimension, keys in partitions(indicator):
        if (found := combined(indicator, given, keys)) is not None:
            return found
    return None
