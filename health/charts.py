"""The sparkline of a derived figure: a small trend line over the reporting periods.

Pure, like the indicators' charts (indicators/charts): plain values and translated texts
in, one inline ``<svg>`` string out, for the page and the PDF alike, built with the same
helpers (core/svg.py for elements, indicators.charts.common for the palette and the root
element with its ``<title>`` and ``<desc>``). A None value is a gap in the line; without
any value the line is a dashed rule, so that the row keeps its shape.
"""

from __future__ import annotations

from collections.abc import Sequence

from core import svg
from indicators.charts.common import (
    BRAND,
    GRID,
    MUTED,
    WHITE,
    chart_document,
    chart_ids,
    finite,
)

SPARK_W = 120
SPARK_H = 32
PAD = 4  # room for the last point's circle


def _y_range(values: Sequence[float], percent: bool) -> tuple[float, float]:
    """Percentages on their whole scale, 0 to 100 (a change of 2 points looks small);
    counts from 0 to their highest value (at least 1)."""
    if percent:
        return 0.0, max(100.0, *values)
    return min(0.0, *values), max(1.0, *values)


def sparkline_svg(
    *,
    points: Sequence[tuple[str, float | None]],
    title: str,
    description: str,
    percent: bool,
    id_prefix: str,
) -> str:
    """``points`` are (period label, value), oldest first. The latest value has a dot, and
    so has a value with no neighbour to draw a line to."""
    values = [finite(value) for _label, value in points]
    present = [value for value in values if value is not None]
    left, right, top, bottom = PAD, SPARK_W - PAD, PAD, SPARK_H - PAD
    parts = [svg.line(left, bottom, right, bottom, stroke=GRID, class_="axis")]
    if not present:
        middle = (top + bottom) / 2
        parts.append(
            svg.line(
                left, middle, right, middle, stroke=MUTED, stroke_dasharray="3 3", class_="no-data"
            )
        )
    else:
        low, high = _y_range(present, percent)
        step = (right - left) / max(len(values) - 1, 1)
        xs = [
            left + step * index if len(values) > 1 else (left + right) / 2
            for index in range(len(values))
        ]

        def y_of(value: float) -> float:
            return bottom - (value - low) / (high - low) * (bottom - top)

        run: list[str] = []
        runs = [run]
        for x, value in zip(xs, values, strict=True):
            if value is None:
                run = []
                runs.append(run)
            else:
                run.append(f"{svg.num(x)},{svg.num(y_of(value))}")
        for coordinates in (r for r in runs if len(r) > 1):
            parts.append(
                f'<polyline class="series-line" points="{" ".join(coordinates)}" fill="none" '
                f'stroke="{BRAND}" stroke-width="2" stroke-linejoin="round" '
                'stroke-linecap="round"/>'
            )
        latest = max(i for i, value in enumerate(values) if value is not None)

        def alone(i: int) -> bool:  # no line reaches it
            return all(not 0 <= j < len(values) or values[j] is None for j in (i - 1, i + 1))

        for index, (x, value) in enumerate(zip(xs, values, strict=True)):
            if value is not None and (index == latest or alone(index)):
                circle = svg.attrs(
                    class_="point", cx=x, cy=y_of(value), r=3, fill=BRAND, stroke=WHITE
                )
                parts.append(f"<circle {circle}/>")
    return chart_document(
        parts,
        css_class="chart sparkline",
        width=SPARK_W,
        height=SPARK_H,
        ids=chart_ids(id_prefix),
        title=title,
        description=description,
    )
