"""The breakdown chart: disaggregated values as grouped horizontal bars (sex by age band)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core import svg
from indicators.charts.common import (
    AXIS_SIZE,
    DARK,
    GRID,
    MUTED,
    WARN,
    WHITE,
    chart_document,
    chart_ids,
    finite,
    nice_ticks,
    tick_labels,
    value_formatter,
)

BREAK_W = 640
MARGIN = 8
LEGEND_SIZE = 12
LEGEND_LINE_H = 20
LEGEND_LABEL_MAX = 240
SWATCH = 12
ROW_LABEL_MAX = 150
ROW_SIZE = 12
ROW_LINE_H = 14
BAR_THICK = 14
BAR_GAP = 3
GROUP_PAD = 9  # above and below each group's bars
BAR_VALUE_SIZE = 11
EMPTY_SIZE = 12
EMPTY_LINE_H = 16

Rows = Sequence[tuple[str, Sequence[tuple[str, float | None]]]]
Formatter = Callable[[float], str]


@dataclass(frozen=True)
class _Series:
    """How one series of the breakdown chart is painted. Lightness steps (L* ≈ 25, 53, 75,
    88) keep the four apart in greyscale; the two light ones also carry a pattern and a
    dark outline (3:1 against white for the bar's edge)."""

    fill: str
    stroke: str
    pattern: str | None = None  # "hatch" | "dots"
    ink: str = ""  # colour of the pattern's lines or dots


SERIES: tuple[_Series, ...] = (
    _Series(DARK, DARK),
    _Series("#b0700c", "#7a5200"),
    _Series("#8cc3cd", DARK, "hatch", DARK),
    _Series("#f0dca8", WARN, "dots", WARN),
)


def _patterns(ids: str, count: int) -> str:
    """Fill patterns of the light series (hatching, dots), in one ``<defs>``."""
    parts = []
    for index, style in enumerate(SERIES[:count]):
        pattern_id = f"{ids}-series-{index + 1}"
        if style.pattern == "hatch":
            parts.append(
                f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="6" '
                f'height="6"><rect width="6" height="6" fill="{style.fill}"/>'
                f'<path d="M-1,1 L1,-1 M0,6 L6,0 M5,7 L7,5" stroke="{style.ink}" '
                'stroke-width="1.2"/></pattern>'
            )
        elif style.pattern == "dots":
            parts.append(
                f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="5" '
                f'height="5"><rect width="5" height="5" fill="{style.fill}"/>'
                f'<circle cx="2.5" cy="2.5" r="1.1" fill="{style.ink}"/></pattern>'
            )
    return f"<defs>{''.join(parts)}</defs>" if parts else ""


def _series_fill(ids: str, index: int) -> str:
    style = SERIES[index]
    return f"url(#{ids}-series-{index + 1})" if style.pattern else style.fill


def _legend(ids: str, names: Sequence[str]) -> tuple[list[str], float]:
    """Swatch and name of each series, flowing over as many lines as needed. Returns the
    SVG and where the plot may start."""
    parts = ['<g class="legend">']
    x, y = MARGIN, MARGIN
    for index, name in enumerate(names):
        shown = svg.fit(name, LEGEND_LABEL_MAX, LEGEND_SIZE)
        item_w = SWATCH + 6 + svg.text_width(shown, LEGEND_SIZE) + 20
        if x > MARGIN and x + item_w > BREAK_W - MARGIN:
            x, y = MARGIN, y + LEGEND_LINE_H
        swatch = svg.rect(
            class_="swatch",
            x=x + 0.5,
            y=y + 0.5,
            width=SWATCH,
            height=SWATCH,
            rx=2,
            fill=_series_fill(ids, index),
            stroke=SERIES[index].stroke,
        )
        label = svg.text(
            x + SWATCH + 6,
            y + 11,
            shown,
            size=LEGEND_SIZE,
            css_class="legend-label",
            title=name if shown != name else None,
        )
        parts += [swatch, label]
        x += item_w
    parts.append("</g>")
    return parts, y + LEGEND_LINE_H


def _document(parts: list[str], height: float, ids: str, title: str, description: str) -> str:
    """The root element: the same for a chart with bars and for an empty one."""
    return chart_document(
        parts,
        css_class="chart breakdown-chart",
        width=BREAK_W,
        height=height,
        ids=ids,
        title=title,
        description=description,
    )


def _empty_breakdown(ids: str, title: str, description: str) -> str:
    """Without any value: the description, centred in a dashed frame."""
    lines = svg.wrap(svg.one_line(description), BREAK_W - 4 * MARGIN, EMPTY_SIZE, max_lines=3)
    lines = lines or [""]
    height = 2 * MARGIN + 24 + len(lines) * EMPTY_LINE_H
    frame = svg.attrs(
        x=MARGIN,
        y=MARGIN,
        width=BREAK_W - 2 * MARGIN,
        height=height - 2 * MARGIN,
        rx=6,
        fill=WHITE,
        stroke=GRID,
        stroke_dasharray="6 4",
    )
    parts = [f'<g class="no-data"><rect {frame}/>']
    top = (height - len(lines) * EMPTY_LINE_H) / 2
    for index, line in enumerate(lines):
        baseline = top + index * EMPTY_LINE_H + 12
        parts.append(
            svg.text(BREAK_W / 2, baseline, line, size=EMPTY_SIZE, fill=MUTED, anchor="middle")
        )
    parts.append("</g>")
    return _document(parts, height, ids, title, description)


# --- Layout ---------------------------------------------------------------------------------


def _drawable(rows: Rows) -> list[tuple[str, list[tuple[str, float | None]]]]:
    """``rows`` without NaN and infinite values (as if not given); None stays: a cell
    nobody gave."""
    return [
        (label, [(name, finite(v)) for name, v in bars if v is None or finite(v) is not None])
        for label, bars in rows
    ]


def _series_names(rows: Rows) -> list[str]:
    """Series names in the order in which they first appear."""
    names: list[str] = []
    for _, bars in rows:
        for name, _ in bars:
            if svg.one_line(name) not in names:
                names.append(svg.one_line(name))
    return names


@dataclass(frozen=True)
class _Plot:
    """Where the bars go: x of a value, the height of a row's group and the plot's top."""

    left: float  # right edge of the row labels' column, + 12
    plot_left: float
    plot_right: float
    low: float
    high: float
    group_h: float
    top: float

    def x_of(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return self.plot_left + share * (self.plot_right - self.plot_left)

    def group_top(self, index: int) -> float:
        return self.top + index * self.group_h


def _plot(
    row_lines: Sequence[Sequence[str]],
    values: Sequence[float],
    ticks: Sequence[float],
    fmt: Formatter,
    series_count: int,
    top: float,
) -> _Plot:
    label_w = max(
        svg.text_width(line, ROW_SIZE, bold=True) for lines in row_lines for line in [*lines, ""]
    )
    left = MARGIN + label_w + 12
    value_w = max(svg.text_width(fmt(value), BAR_VALUE_SIZE) for value in values) + 8
    # Negative bars print their value on their left, inside the plot.
    plot_left = left + (value_w if min(values) < 0 else 0)
    group_h = series_count * BAR_THICK + (series_count - 1) * BAR_GAP + 2 * GROUP_PAD
    return _Plot(
        left=left,
        plot_left=plot_left,
        plot_right=BREAK_W - MARGIN - value_w,
        low=ticks[0],
        high=ticks[-1],
        group_h=group_h,
        top=top + 6,
    )


# --- Rows -----------------------------------------------------------------------------------


def _row_band(group_top: float, group_h: float) -> str:
    """Every other row sits on a light band, so a row's bars read as one group."""
    return svg.rect(
        class_="row-band",
        x=MARGIN,
        y=group_top,
        width=BREAK_W - 2 * MARGIN,
        height=group_h,
        fill="#f6f7f9",
    )


def _row_label(label: str, lines: Sequence[str], plot: _Plot, group_top: float) -> list[str]:
    """The row's label, right-aligned and centred on its group; a cut one has its full text
    as the first line's tooltip."""
    full = svg.one_line(label)
    first = group_top + plot.group_h / 2 - (len(lines) - 1) * ROW_LINE_H / 2 + 4
    return [
        svg.text(
            plot.left - 12,
            first + number * ROW_LINE_H,
            line,
            size=ROW_SIZE,
            bold=True,
            anchor="end",
            css_class="row-label",
            title=full if number == 0 and " ".join(lines) != full else None,
        )
        for number, line in enumerate(lines)
    ]


def _no_data_note(name: str, no_data: str, plot: _Plot, y: float) -> str:
    """In place of a bar nobody gave a value for: it is not a zero."""
    return svg.text(
        plot.x_of(0) + 5,
        y + BAR_THICK / 2 + 4,
        f"{name}: {no_data}",
        size=BAR_VALUE_SIZE,
        fill=MUTED,
        anchor="start",
        css_class="bar-value no-data",
    )


def _bar(ids: str, series_index: int, value: float, plot: _Plot, y: float, hover: str) -> str:
    """A bar from 0 to ``value``; a zero is a thin mark, so that it is seen as given."""
    x0, x1 = sorted((plot.x_of(0), plot.x_of(value)))
    style = SERIES[series_index]
    if value == 0:
        shape = svg.attrs(
            class_="bar bar-zero", x=x0 - 1, y=y, width=2, height=BAR_THICK, fill=style.stroke
        )
    else:
        shape = svg.attrs(
            class_="bar",
            x=x0 + 0.5,
            y=y + 0.5,
            width=max(x1 - x0 - 1, 1),
            height=BAR_THICK - 1,
            fill=_series_fill(ids, series_index),
            stroke=style.stroke,
            data_series=str(series_index + 1),
        )
    return f"<rect {shape}>{svg.tooltip(hover)}</rect>"


def _bar_value(value: float, plot: _Plot, y: float, fmt: Formatter) -> str:
    """The value just past the bar's end (left of a negative bar)."""
    x0, x1 = sorted((plot.x_of(0), plot.x_of(value)))
    negative = value < 0
    return svg.text(
        x0 - 5 if negative else x1 + 5,
        y + BAR_THICK / 2 + 4,
        fmt(value),
        size=BAR_VALUE_SIZE,
        anchor="end" if negative else "start",
        css_class="bar-value",
    )


def _row_bars(
    ids: str,
    label: str,
    bars: Sequence[tuple[str, float | None]],
    names: Sequence[str],
    plot: _Plot,
    group_top: float,
    fmt: Formatter,
    no_data: str,
) -> tuple[list[str], list[str]]:
    """A bar per series the row has (in the legend's order), and their value texts."""
    by_name = {svg.one_line(name): value for name, value in bars}
    shapes, texts = [], []
    for series_index, name in enumerate(names):
        if name not in by_name:
            continue
        value = by_name[name]
        y = group_top + GROUP_PAD + series_index * (BAR_THICK + BAR_GAP)
        if value is None:
            texts.append(_no_data_note(name, no_data, plot, y))
            continue
        hover = f"{svg.one_line(label)}, {name}: {fmt(value)}"
        shapes.append(_bar(ids, series_index, value, plot, y, hover))
        texts.append(_bar_value(value, plot, y, fmt))
    return shapes, texts


# --- Axis and note --------------------------------------------------------------------------


def _x_axis(
    ticks: Sequence[float], tick_texts: Sequence[str], plot: _Plot, bottom: float
) -> tuple[list[str], list[str]]:
    """Grid lines (the one at 0 darker) and their labels under the plot."""
    grid, texts = [], []
    for tick, shown in zip(ticks, tick_texts, strict=True):
        x = plot.x_of(tick)
        grid.append(
            svg.line(
                x,
                plot.top,
                x,
                bottom,
                stroke=MUTED if tick == 0 else GRID,
                class_="zero-line" if tick == 0 else "grid",
                data_value=shown,
            )
        )
        texts.append(
            svg.text(
                x,
                bottom + 15,
                shown,
                size=AXIS_SIZE,
                fill=MUTED,
                anchor="middle",
                css_class="x-label",
            )
        )
    return grid, texts


def _note_lines(note: str, top: float) -> tuple[list[str], float]:
    """``note`` on up to 2 lines from ``top``; returns them and the new bottom."""
    texts = []
    lines = svg.wrap(svg.one_line(note), BREAK_W - 2 * MARGIN, AXIS_SIZE, max_lines=2)
    for line in lines:
        top += 16
        texts.append(
            svg.text(MARGIN, top - 4, line, size=AXIS_SIZE, fill=MUTED, css_class="chart-note")
        )
    return texts, top


def breakdown_chart_svg(
    *,
    rows: Rows,
    title: str,
    description: str,
    id_prefix: str = "breakdown",
    unit: str = "",
    decimal_mark: str = ".",
    group_mark: str = "",
    no_data: str = "No data",
    note: str = "",
) -> str:
    """Disaggregated values as grouped horizontal bars: one group per row (an age band), one
    bar per series (a sex) with a legend, the value printed at the end of each bar.

    ``rows`` is ``[(row label, [(series name, value), …]), …]``. Series are matched by name
    across rows (a row may lack one: no bar) and keep the order in which they first appear;
    at most 4, painted so they stay apart in greyscale. A value of None is a cell nobody
    gave: its place says ``no_data`` (it is not a zero). ``note``, when given, is printed
    under the axis (which figures the bars hold). Without any value the chart shows
    ``description`` in an empty frame.
    """
    ids = chart_ids(id_prefix)
    rows = _drawable(rows)
    names = _series_names(rows)
    if len(names) > len(SERIES):
        raise ValueError(f"At most {len(SERIES)} series, got {len(names)}")
    values = [float(value) for _, bars in rows for _, value in bars if value is not None]
    if not values:
        return _empty_breakdown(ids, title, description)

    fmt = value_formatter(unit, decimal_mark, group_mark)
    ticks = nice_ticks(min(0.0, *values), max(0.0, *values))
    legend, legend_bottom = _legend(ids, names)
    row_lines = [
        svg.wrap(svg.one_line(label), ROW_LABEL_MAX, ROW_SIZE, bold=True, max_lines=2)
        for label, _ in rows
    ]
    plot = _plot(row_lines, values, ticks, fmt, len(names), legend_bottom)
    backgrounds, shapes, texts = [], [], []
    for index, (label, bars) in enumerate(rows):
        group_top = plot.group_top(index)
        if index % 2:
            backgrounds.append(_row_band(group_top, plot.group_h))
        texts += _row_label(label, row_lines[index], plot, group_top)
        row_shapes, row_texts = _row_bars(ids, label, bars, names, plot, group_top, fmt, no_data)
        shapes += row_shapes
        texts += row_texts
    bottom = plot.group_top(len(rows))
    grid, tick_texts = _x_axis(ticks, tick_labels(ticks, decimal_mark, group_mark), plot, bottom)
    note_texts, height = _note_lines(note, bottom + 24)
    texts += tick_texts + note_texts
    parts = [_patterns(ids, len(names)), *backgrounds, *grid, *shapes, *legend, *texts]
    return _document(parts, height, ids, title, description)
