"""What the three charts share and the problem tree does not: the palette, the root element
and how numbers, units and axis ticks are shown."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence

from core import svg

# --- Colours (the app's palette; every text colour here is >= 4.5:1 on white) -------------

BRAND = "#0b5c6b"
DARK = "#07414c"
OK = "#1d6b35"
WARN = "#7a5200"
DANGER = "#a11d2b"
MUTED = "#5a6272"
GRID = "#d8dce3"
TEXT = svg.TEXT
WHITE = svg.WHITE
TRACK = "#eceef2"  # empty part of a progress bar

AXIS_SIZE = 11  # tick and period labels
ROOT_SIZE = 12  # font size of the root element, for text that sets none


def chart_ids(id_prefix: str) -> str:
    """A prefix safe inside ids and ``url(#…)`` references."""
    prefix = re.sub(r"[^A-Za-z0-9_-]+", "-", svg.one_line(id_prefix)).strip("-")
    return prefix if prefix[:1].isalpha() else f"chart-{prefix}".rstrip("-")


def chart_document(
    parts: Iterable[str],
    *,
    css_class: str,
    width: float,
    height: float,
    ids: str,
    title: str,
    description: str,
) -> str:
    """The root ``<svg>`` of a chart; its title and description are one line each, like
    every chart label."""
    return svg.document(
        parts,
        css_class=css_class,
        width=width,
        height=height,
        font_size=ROOT_SIZE,
        id_prefix=ids,
        title=svg.one_line(title),
        description=svg.one_line(description),
    )


# --- Numbers --------------------------------------------------------------------------------


def finite(value: float | None) -> float | None:
    """``value`` as a float, or None when missing, NaN or infinite (nothing to draw)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def with_unit(shown: str, unit: str) -> str:
    unit = svg.one_line(unit)
    return f"{shown} {unit}" if unit else shown


def value_formatter(unit: str, decimal_mark: str, group_mark: str = "") -> Callable[[float], str]:
    """How a chart prints its values: up to 2 decimals, then the unit ("80 %")."""

    def shown(value: float) -> str:
        number = svg.format_number(value, decimal_mark=decimal_mark, group_mark=group_mark)
        return with_unit(number, unit)

    return shown


def tick_labels(ticks: Sequence[float], decimal_mark: str, group_mark: str = "") -> list[str]:
    """Ticks as printed on their axis; up to 6 decimals, as a "nice" step may need them."""
    return [
        svg.format_number(tick, decimals=6, decimal_mark=decimal_mark, group_mark=group_mark)
        for tick in ticks
    ]


def nice_ticks(low: float, high: float) -> list[float]:
    """4 to 6 evenly spaced "nice" ticks (steps of 1, 2, 2.5 or 5 times 10ⁿ) from at or below
    ``low`` to at or above ``high``: 0..100 → 0, 20, …, 100; 78..80 → 78, 78.5, …, 80."""
    if low > high:
        low, high = high, low
    if low == high:
        low, high = (0.0, 1.0) if low == 0 else (min(0.0, low), max(0.0, high))
    exponent = math.floor(math.log10((high - low) / 6)) - 1
    while True:
        for mantissa in (1, 2, 2.5, 5):
            step = mantissa * 10.0**exponent
            first = math.floor(round(low / step, 9))
            last = math.ceil(round(high / step, 9))
            if last - first + 1 <= 6:
                return [round(k * step, 10) + 0.0 for k in range(first, last + 1)]
        exponent += 1
