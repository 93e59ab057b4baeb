"""The line chart: values over reporting periods against the target and the baseline."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from xml.sax.saxutils import escape

from core import svg
from indicators.charts.common import (
    AXIS_SIZE,
    BRAND,
    GRID,
    MUTED,
    OK,
    WHITE,
    chart_document,
    chart_ids,
    finite,
    nice_ticks,
    tick_labels,
    value_formatter,
)

LINE_W = 640
PLOT_TOP = 34  # room for the unit caption and for value labels above the highest point
PLOT_H = 200
VALUE_SIZE = 11
REF_SIZE = 11  # target and baseline labels
REF_LINE_H = 13
GUTTER = 112  # right of the plot, for the target and baseline labels
ROTATED_MAX = 96  # longest rotated period label
SIN45 = math.sqrt(0.5)
VALUE_OFFSET = 8  # between a point and its value label
MAX_VALUE_LABELS = 12  # values are printed next to the points up to this many periods
NO_DATA_SIZE = 13

Formatter = Callable[[float], str]
Scale = Callable[[float], float]


@dataclass(frozen=True)
class _Ref:
    key: str  # "target" | "baseline"
    value: float
    colour: str
    width: float
    dash: str


def _references(target: float | None, baseline: float | None) -> list[_Ref]:
    """The target (dashed) and the baseline (dotted) that have a value."""
    return [
        _Ref(key, float(value), colour, width, dash)
        for key, value, colour, width, dash in (
            ("baseline", finite(baseline), MUTED, 2, "2 3"),
            ("target", finite(target), OK, 2, "7 4"),
        )
        if value is not None
    ]


def _value_range(values: Sequence[float], *, zero_share: float = 0.6) -> tuple[float, float]:
    """Min and max of ``values``, stretched to 0 when every value has the same sign and 0 is
    close enough not to squash the differences (the nearest value is at most ``zero_share``
    of the farthest one away from 0)."""
    low, high = min(values), max(values)
    if low >= 0 and (low == high or low <= high * zero_share):
        low = 0.0
    elif high <= 0 and (low == high or high >= low * zero_share):
        high = 0.0
    return low, high


def _y_scale(ticks: Sequence[float], bottom: float, height: float) -> Scale:
    low, high = ticks[0], ticks[-1]
    return lambda value: bottom - (value - low) / (high - low) * height


# --- Period labels (x axis) ---------------------------------------------------------------


def _x_tick(x: float, top: float) -> str:
    return svg.line(x, top, x, top + 4, stroke=MUTED, class_="x-tick")


def _horizontal_period_labels(
    wrapped: Sequence[Sequence[str]], xs: Sequence[float], top: float
) -> tuple[list[str], float]:
    """Labels on one or two lines (tspans, so each label stays one text element)."""
    parts = []
    for lines, x in zip(wrapped, xs, strict=True):
        parts.append(_x_tick(x, top))
        label = svg.attrs(
            class_="x-label",
            x=x,
            y=top + 16,
            font_size=AXIS_SIZE,
            fill=MUTED,
            text_anchor="middle",
        )
        if len(lines) == 1:
            parts.append(f"<text {label}>{escape(lines[0])}</text>")
        else:
            spans = "".join(
                f"<tspan {svg.attrs(x=x, dy=0 if i == 0 else AXIS_SIZE * 1.25)}>{escape(line)}"
                "</tspan>"
                for i, line in enumerate(lines)
            )
            parts.append(f"<text {label}>{spans}</text>")
    two_lines = any(len(lines) > 1 for lines in wrapped)
    return parts, 22 + (AXIS_SIZE * 1.25 if two_lines else 0)


def _rotated_period_labels(
    periods: Sequence[str], xs: Sequence[float], slot: float, top: float
) -> tuple[list[str], float]:
    """Labels rotated by 45° and, when even that is too tight, only every k-th one."""
    # Rotated neighbours are slot·sin45° apart, measured across the text.
    every = max(1, math.ceil(AXIS_SIZE * 1.15 / (slot * SIN45)))
    parts = []
    deepest = 0.0
    for index, (period, x) in enumerate(zip(periods, xs, strict=True)):
        if index % every:
            continue
        anchor_x, anchor_y = x + 3, top + 12
        # Never beyond the left edge of the drawing.
        room = min(ROTATED_MAX, (anchor_x - 2) / SIN45)
        shown = svg.fit(period, room, AXIS_SIZE)
        deepest = max(deepest, svg.text_width(shown, AXIS_SIZE) * SIN45)
        parts.append(_x_tick(x, top))
        parts.append(
            svg.text(
                anchor_x,
                anchor_y,
                shown,
                size=AXIS_SIZE,
                fill=MUTED,
                anchor="end",
                css_class="x-label rotated",
                transform=f"rotate(-45 {svg.num(anchor_x)} {svg.num(anchor_y)})",
                title=period if shown != period else None,
            )
        )
    return parts, 12 + deepest + 4


def _period_labels(
    periods: Sequence[str], xs: Sequence[float], slot: float, top: float
) -> tuple[list[str], float]:
    """Period labels under the plot: horizontal when they fit their slot, otherwise rotated.
    Returns the SVG and the height the labels take."""
    if not periods:
        return [], 0
    wrapped = [svg.wrap(period, slot - 6, AXIS_SIZE, max_lines=2) for period in periods]
    if all(" ".join(lines) == period for lines, period in zip(wrapped, periods, strict=True)):
        return _horizontal_period_labels(wrapped, xs, top)
    return _rotated_period_labels(periods, xs, slot, top)


# --- Y axis, target and baseline ----------------------------------------------------------


def _grid_lines(
    ticks: Sequence[float], tick_texts: Sequence[str], y_of: Scale, left: float, right: float
) -> list[str]:
    return [
        svg.line(left, y_of(tick), right, y_of(tick), stroke=GRID, class_="grid", data_value=shown)
        for tick, shown in zip(ticks, tick_texts, strict=True)
    ]


def _y_labels(
    ticks: Sequence[float], tick_texts: Sequence[str], y_of: Scale, left: float
) -> list[str]:
    return [
        svg.text(
            left - 8,
            y_of(tick) + 4,
            shown,
            size=AXIS_SIZE,
            fill=MUTED,
            anchor="end",
            css_class="y-label",
        )
        for tick, shown in zip(ticks, tick_texts, strict=True)
    ]


def _reference_lines(refs: Sequence[_Ref], y_of: Scale, left: float, right: float) -> list[str]:
    return [
        svg.line(
            left,
            y_of(ref.value),
            right,
            y_of(ref.value),
            stroke=ref.colour,
            width=ref.width,
            stroke_dasharray=ref.dash,
            class_=f"{ref.key}-line",
            data_value=svg.format_number(ref.value),
        )
        for ref in refs
    ]


def _y_axis(
    ticks: Sequence[float],
    tick_texts: Sequence[str],
    refs: Sequence[_Ref],
    y_of: Scale | None,
    left: float,
    right: float,
    bottom: float,
) -> tuple[list[str], list[str]]:
    """The plot's horizontal lines in paint order (grid, zero, target and baseline, then
    the bottom axis when 0 is out of range, over a reference line that sits on it) and the
    tick labels."""
    axis = svg.line(left, bottom, right, bottom, stroke=MUTED, class_="axis")
    if y_of is None:
        return [axis], []
    lines = _grid_lines(ticks, tick_texts, y_of, left, right)
    zero_in_range = ticks[0] <= 0 <= ticks[-1]
    if zero_in_range:
        lines.append(svg.line(left, y_of(0), right, y_of(0), stroke=MUTED, class_="zero-line"))
    lines += _reference_lines(refs, y_of, left, right)
    if not zero_in_range:
        lines.append(axis)
    return lines, _y_labels(ticks, tick_texts, y_of, left)


def _spread(blocks: list[list], lowest: float) -> None:
    """Moves the ``[top, height, …]`` blocks (sorted by top) apart where they overlap, then
    back inside the drawing (2 to ``lowest``), still in order."""
    for above, below in pairwise(blocks):
        overlap = above[0] + above[1] + 4 - below[0]
        if overlap > 0:
            above[0] -= overlap / 2
            below[0] += overlap / 2
    for block in blocks:
        block[0] = max(2.0, block[0])
    for above, below in pairwise(blocks):
        below[0] = max(below[0], above[0] + above[1] + 4)
    for block in reversed(blocks):
        block[0] = min(block[0], lowest - block[1])
    for above, below in reversed(list(pairwise(blocks))):
        above[0] = min(above[0], below[0] - above[1] - 4)


def _ref_labels(
    refs: Sequence[_Ref],
    ys: Sequence[float],
    x: float,
    labels: Mapping[str, str],
    fmt: Formatter,
    lowest: float,
) -> list[str]:
    """Target and baseline labels in the right gutter: the name (up to 2 lines) and the
    value, centred on their line and pushed apart when the lines are close."""
    blocks = []
    for ref, y in zip(refs, ys, strict=True):
        name = svg.wrap(
            svg.one_line(labels[ref.key]), GUTTER - 14, REF_SIZE, bold=True, max_lines=2
        )
        lines = [(line, True) for line in name] + [(fmt(ref.value), False)]
        height = len(lines) * REF_LINE_H
        blocks.append([y - height / 2, height, ref, lines])
    blocks.sort(key=lambda block: block[0])
    _spread(blocks, lowest)
    parts = []
    for top, _, ref, lines in blocks:
        parts.append(f'<g class="ref-label {ref.key}-label">')
        for index, (line, bold) in enumerate(lines):
            parts.append(
                svg.text(
                    x,
                    top + index * REF_LINE_H + 10,
                    line,
                    size=REF_SIZE,
                    fill=ref.colour,
                    bold=bold,
                )
            )
        parts.append("</g>")
    return parts


# --- The line, its points and their values ------------------------------------------------


def _segments(points: Sequence[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive points that have a value (None breaks the line)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in points:
        if y is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((x, y))
    return [run for run in runs if run]


def _polylines(xs: Sequence[float], ys: Sequence[float | None]) -> list[str]:
    parts = []
    for run in _segments(list(zip(xs, ys, strict=True))):
        if len(run) > 1:
            coordinates = " ".join(f"{svg.num(x)},{svg.num(y)}" for x, y in run)
            parts.append(
                f'<polyline class="series-line" points="{coordinates}" fill="none" '
                f'stroke="{BRAND}" stroke-width="2.5" stroke-linejoin="round" '
                'stroke-linecap="round"/>'
            )
    return parts


def _value_label_below(
    x: float,
    y: float,
    width: float,
    segments: Sequence[tuple[tuple[float, float], tuple[float, float]]],
    ref_ys: Sequence[float],
    bottom: float,
) -> bool:
    """Whether a point's value label goes below the point rather than above it: the side
    where it crosses fewer of the line's neighbouring segments (sampled), then of the target
    and baseline lines, and stays inside the drawing. Above wins ties."""

    def cost(below: bool) -> float:
        baseline = y + VALUE_OFFSET + VALUE_SIZE * 0.75 if below else y - VALUE_OFFSET
        top, low = baseline - VALUE_SIZE * 0.8 - 2, baseline + 3
        left, right = x - width / 2 - 2, x + width / 2 + 2
        score = 0.0
        for (x1, y1), (x2, y2) in segments:
            for step in range(1, 41):
                sx, sy = x1 + (x2 - x1) * step / 40, y1 + (y2 - y1) * step / 40
                if left <= sx <= right and top <= sy <= low:
                    score += 10
        score += sum(1 for ref in ref_ys if top <= ref <= low)
        if top < 2 or low > bottom - 1:
            score += 1000
        return score

    return cost(True) < cost(False)


def _value_label(
    index: int,
    shown: str,
    xs: Sequence[float],
    ys: Sequence[float | None],
    ref_ys: Sequence[float],
    bottom: float,
) -> str:
    """The value printed by point ``index``, on the side where the line leaves it room."""
    x, y = xs[index], ys[index]
    neighbours = [
        ((xs[i], ys[i]), (x, y))
        for i in (index - 1, index + 1)
        if 0 <= i < len(xs) and ys[i] is not None
    ]
    width = svg.text_width(shown, VALUE_SIZE, bold=True)
    below = _value_label_below(x, y, width, neighbours, ref_ys, bottom)
    label_y = y + VALUE_OFFSET + VALUE_SIZE * 0.75 if below else y - VALUE_OFFSET
    return svg.text(
        x,
        label_y,
        shown,
        size=VALUE_SIZE,
        anchor="middle",
        bold=True,
        css_class="value",
        halo=True,
    )


def _points(
    periods: Sequence[str],
    shown_values: Sequence[str],
    xs: Sequence[float],
    ys: Sequence[float | None],
    slot: float,
    ref_ys: Sequence[float],
    bottom: float,
) -> tuple[list[str], list[str]]:
    """A circle per value (its tooltip says the period and the value) and, up to
    ``MAX_VALUE_LABELS`` periods when every value fits its slot, the value by the point."""
    count = len(xs)
    radius = 4 if count <= MAX_VALUE_LABELS else 3
    print_values = count <= MAX_VALUE_LABELS and all(
        svg.text_width(shown, VALUE_SIZE, bold=True) <= slot - 4 for shown in shown_values
    )
    marks, texts = [], []
    for index, (period, x, y) in enumerate(zip(periods, xs, ys, strict=True)):
        if y is None:
            continue
        circle = svg.attrs(
            class_="point", cx=x, cy=y, r=radius, fill=BRAND, stroke=WHITE, stroke_width=1.5
        )
        hover = svg.tooltip(f"{period}: {shown_values[index]}")
        marks.append(f"<circle {circle}>{hover}</circle>")
        if print_values:
            texts.append(_value_label(index, shown_values[index], xs, ys, ref_ys, bottom))
    return marks, texts


def _no_data_box(message: str, left: float, right: float) -> list[str]:
    """``message`` in a framed box in the middle of the empty plot."""
    shown = svg.fit(message, right - left - 24, NO_DATA_SIZE)
    box_w = svg.text_width(shown, NO_DATA_SIZE) + 24
    centre_x, centre_y = (left + right) / 2, PLOT_TOP + PLOT_H / 2
    frame = svg.attrs(
        x=centre_x - box_w / 2,
        y=centre_y - 16,
        width=box_w,
        height=30,
        rx=4,
        fill=WHITE,
        stroke=GRID,
    )
    return [
        f'<g class="no-data"><rect {frame}/>',
        svg.text(centre_x, centre_y + 4, shown, size=NO_DATA_SIZE, fill=MUTED, anchor="middle"),
        "</g>",
    ]


def _unit_caption(unit: str) -> str:
    return svg.text(
        4, 14, svg.fit(unit, 200, AXIS_SIZE), size=AXIS_SIZE, fill=MUTED, css_class="unit"
    )


def _plot_left(tick_texts: Sequence[str]) -> float:
    """Left edge of the plot: room for the widest tick label."""
    return max([32.0, *(svg.text_width(shown, AXIS_SIZE) + 14 for shown in tick_texts)])


def line_chart_svg(
    *,
    points: Sequence[tuple[str, float | None]],
    target: float | None,
    baseline: float | None,
    title: str,
    description: str,
    labels: Mapping[str, str],
    unit: str = "",
    id_prefix: str = "line",
    decimal_mark: str = ".",
    group_mark: str = "",
    value_words: Mapping[float, str] | None = None,
) -> str:
    """Values over reporting periods: ``points`` are ``(period label, value)`` in order, a
    None value is a gap in the line.

    ``value_words`` is for values that stand for answers ({0: "No", 1: "Yes"}): the axis
    has a tick per answer and every value is written as its word, never as a figure.

    ``target`` is drawn as a dashed line labelled ``labels["target"]``, ``baseline`` as a
    dotted one labelled ``labels["baseline"]`` (both optional). The y axis has 4 to 6 nice
    ticks covering the values, the target and the baseline, from 0 when the values are all
    positive and 0 is not too far. Up to 12 periods, each value is printed by its point.
    Without any value the chart shows ``labels["no_data"]``.
    """
    periods = [svg.one_line(label) for label, _ in points]
    values = [finite(value) for _, value in points]
    present = [value for value in values if value is not None]
    refs = _references(target, baseline)
    fmt = value_formatter(unit, decimal_mark, group_mark)
    numbers = present + [ref.value for ref in refs]
    ticks = nice_ticks(*_value_range(numbers)) if numbers else []
    tick_texts = tick_labels(ticks, decimal_mark, group_mark)
    if value_words:
        ticks = sorted(value_words)
        tick_texts = [value_words[tick] for tick in ticks]

        def fmt(value: float) -> str:
            return value_words.get(value, "")

    left = _plot_left(tick_texts)
    right = LINE_W - (GUTTER if refs else 20)
    bottom = PLOT_TOP + PLOT_H
    slot = (right - left) / max(len(periods), 1)
    xs = [left + slot * (index + 0.5) for index in range(len(periods))]
    x_labels, x_height = _period_labels(periods, xs, slot, bottom)
    height = bottom + max(x_height + 8, 30)

    y_of = _y_scale(ticks, bottom, PLOT_H) if ticks else None
    grid, y_texts = _y_axis(ticks, tick_texts, refs, y_of, left, right, bottom)
    texts = [_unit_caption(unit)] if unit else []
    texts += y_texts
    ref_ys = [y_of(ref.value) for ref in refs] if y_of is not None else []
    texts += _ref_labels(refs, ref_ys, right + 8, labels, fmt, height - 2)
    series, marks = [], []
    if y_of is not None and present:
        ys = [None if value is None else y_of(value) for value in values]
        series = _polylines(xs, ys)
        shown_values = [fmt(value) if value is not None else "" for value in values]
        marks, value_texts = _points(periods, shown_values, xs, ys, slot, ref_ys, bottom)
        texts += value_texts
    else:
        texts += _no_data_box(labels["no_data"], left, right)

    return chart_document(
        [*grid, *series, *marks, *x_labels, *texts],
        css_class="chart line-chart",
        width=LINE_W,
        height=height,
        ids=chart_ids(id_prefix),
        title=title,
        description=description,
    )
