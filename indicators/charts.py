"""Server-side SVG charts of indicators: a progress bar, a line over reporting periods and
grouped bars for disaggregated values (sex by age band).

Like ``rights/tree.py`` this module is deliberately pure: no Django models, no request and no
translation calls. The caller passes plain values and already translated labels and gets back
one inline ``<svg>`` string that serves both the web page and the PDF (WeasyPrint renders
inline SVG). Hence only SVG 1.1 basics are used (rect, line, polyline, circle, text and
patterns with presentation attributes; no CSS, no markers, no foreignObject) and every size is
in user units.

Common to the three charts:

* The root ``<svg>`` has ``role="img"``, ``aria-labelledby`` pointing to its ``<title>`` and
  ``<desc>`` (ids from ``id_prefix``, so a page can show several charts), a ``viewBox`` and
  ``width="100%"`` without a height: it scales to its column and keeps its proportions. The
  caller decides how wide the column is (a progress bar is meant for ~300 px).
* All user text (titles, period labels, series names, units…) is XML-escaped, characters that
  XML 1.0 forbids are dropped, and labels too long for their place are cut with "…" (the full
  text stays in a ``<title>`` tooltip).
* Output is deterministic: same input, same string (no random ids, stable number formatting).
* Text colours meet WCAG AA (≥ 4.5:1) on white; bars and lines meet 3:1 or carry an outline.
* Numbers are shown with up to 2 decimals and no trailing zeros; ``decimal_mark`` lets the
  caller use "," (Catalan, Spanish). A ``unit`` is appended after a space ("80 %").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from xml.sax.saxutils import escape

__all__ = [
    "STATUSES",
    "breakdown_chart_svg",
    "format_number",
    "line_chart_svg",
    "nice_ticks",
    "progress_bar_svg",
]

FONT_FAMILY = "'DejaVu Sans', Arial, sans-serif"

# --- Colours (the app's palette; every text colour here is >= 4.5:1 on white) -------------

BRAND = "#0b5c6b"
DARK = "#07414c"
OK = "#1d6b35"
WARN = "#7a5200"
DANGER = "#a11d2b"
MUTED = "#5a6272"
GRID = "#d8dce3"
TEXT = "#1d2330"
WHITE = "#ffffff"
TRACK = "#eceef2"  # empty part of a progress bar

STATUSES: Mapping[str, str] = {
    "achieved": OK,
    "on_track": BRAND,
    "at_risk": WARN,
    "off_track": DANGER,
    "no_data": MUTED,
}


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

# --- Text -----------------------------------------------------------------------------------

# Characters XML 1.0 forbids; pasted user text sometimes carries them (e.g. \x0b) and one is
# enough to make the whole SVG unparsable.
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NARROW = set(" .,;:!|'`()[]{}ijlrtfI")


def _char_em(char: str) -> float:
    """Estimated advance of one character, in em, for DejaVu Sans (the widest of the fonts
    we name), so an estimate that fits DejaVu also fits Arial."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char in _NARROW:
        return 0.36
    if char in "mwMW@%":
        return 1.0
    if char.isupper():
        return 0.74
    return 0.64


def _width(text: str, size: float, *, bold: bool = False) -> float:
    """Estimated width of ``text`` in user units at font size ``size``."""
    return sum(_char_em(char) for char in text) * size * (1.1 if bold else 1.0)


def _clean(text: str) -> str:
    """Drops characters XML forbids and folds line breaks and tabs into spaces (chart
    labels are one line)."""
    return " ".join(_INVALID_XML.sub("", str(text)).split())


def _fit(text: str, max_width: float, size: float, *, bold: bool = False) -> str:
    """``text`` cut with "…" so it is at most ``max_width`` wide."""
    text = _clean(text)
    if _width(text, size, bold=bold) <= max_width:
        return text
    while text and _width(text + "…", size, bold=bold) > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(
    text: str, max_width: float, size: float, max_lines: int, *, bold: bool = False
) -> list[str]:
    """Greedy word wrap into at most ``max_lines`` lines; the last kept line ends with "…"
    when text is left over, and a word wider than a line is cut."""
    lines: list[str] = []
    current = ""
    for word in _clean(text).split(" "):
        candidate = f"{current} {word}" if current else word
        if _width(candidate, size, bold=bold) <= max_width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _fit(lines[-1] + "…", max_width, size, bold=bold)
        if not lines[-1].endswith("…"):
            lines[-1] += "…"
    return [_fit(line, max_width, size, bold=bold) for line in lines]


# --- Numbers --------------------------------------------------------------------------------


def format_number(value: float, *, decimals: int = 2, decimal_mark: str = ".") -> str:
    """``value`` with at most ``decimals`` decimals and no trailing zeros: 2.50 → "2.5",
    3.0 → "3", -0.001 → "0"."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", decimal_mark)


def _finite(value: float | None) -> float | None:
    """``value`` as a float, or None when missing, NaN or infinite (nothing to draw)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _with_unit(text: str, unit: str) -> str:
    unit = _clean(unit)
    return f"{text} {unit}" if unit else text


def _num(value: float) -> str:
    """Coordinates: short and stable (no float noise in the output)."""
    return format_number(value)


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


# --- SVG primitives -------------------------------------------------------------------------


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _attrs(**attributes: str | float | None) -> str:
    """``x=1, stroke_width=2, class_="a"`` → ``x="1" stroke-width="2" class="a"``; None is
    left out."""
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        shown = _num(value) if isinstance(value, int | float) else _attr(value)
        parts.append(f'{name.rstrip("_").replace("_", "-")}="{shown}"')
    return " ".join(parts)


def _ids(id_prefix: str) -> str:
    """A prefix safe inside ids and ``url(#…)`` references."""
    prefix = re.sub(r"[^A-Za-z0-9_-]+", "-", _clean(id_prefix)).strip("-")
    return prefix if prefix[:1].isalpha() else f"chart-{prefix}".rstrip("-")


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: float,
    fill: str = TEXT,
    anchor: str = "start",
    bold: bool = False,
    css_class: str | None = None,
    transform: str | None = None,
    tooltip: str | None = None,
    halo: bool = False,
) -> str:
    """One line of text. With ``halo`` a white outlined copy is drawn under it (SVG 1.1 has
    no paint-order), so grid and reference lines never cut through a number."""
    options = {
        "x": x,
        "y": y,
        "font_size": size,
        "text_anchor": anchor,
        "font_weight": "bold" if bold else None,
        "transform": transform,
    }
    title = f"<title>{escape(_clean(tooltip))}</title>" if tooltip else ""
    shown = escape(_clean(text))
    under = ""
    if halo:
        halo_attributes = _attrs(
            class_="halo",
            **options,
            fill=WHITE,
            stroke=WHITE,
            stroke_width=3,
            stroke_linejoin="round",
        )
        under = f"<text {halo_attributes}>{shown}</text>"
    return f"{under}<text {_attrs(class_=css_class, **options, fill=fill)}>{title}{shown}</text>"


def _line(
    x1: float, y1: float, x2: float, y2: float, *, stroke: str, width: float = 1, **extra
) -> str:
    return (
        f"<line {_attrs(x1=x1, y1=y1, x2=x2, y2=y2, stroke=stroke, stroke_width=width, **extra)}/>"
    )


def _svg(
    *, css_class: str, width: float, height: float, ids: str, title: str, description: str
) -> tuple[str, str]:
    """Opening (with title and desc) and closing of the root element."""
    title_id, desc_id = f"{ids}-title", f"{ids}-desc"
    root = _attrs(
        xmlns="http://www.w3.org/2000/svg",
        class_=css_class,
        viewBox=f"0 0 {_num(width)} {_num(height)}",
        width="100%",
        role="img",
        aria_labelledby=f"{title_id} {desc_id}",
        font_family=FONT_FAMILY,
        font_size=12,
        fill=TEXT,
    )
    return (
        f"<svg {root}>"
        f'<title id="{title_id}">{escape(_clean(title))}</title>'
        f'<desc id="{desc_id}">{escape(_clean(description))}</desc>',
        "</svg>",
    )


# --- 1. Progress bar ------------------------------------------------------------------------

PROGRESS_W, PROGRESS_H = 300, 28
BAR_X, BAR_Y, BAR_W, BAR_H = 1, 8, 140, 12
PROGRESS_TEXT_X = BAR_X + BAR_W + 10
PROGRESS_BASELINE = BAR_Y + BAR_H / 2 + 4.5  # visually centred on the bar
PROGRESS_SIZE = 12


def progress_bar_svg(
    *,
    progress: float | None,
    status: str,
    title: str,
    description: str,
    labels: Mapping[str, str],
    id_prefix: str = "progress",
    decimal_mark: str = ".",
) -> str:
    """A compact horizontal bar (``viewBox="0 0 300 28"``) filled to ``progress`` (a
    fraction: 0.72 is 72 %), followed by the percentage and the status label.

    The drawn fill is clamped to 0..100 % but the real percentage is printed ("135 %",
    "-20 %"). ``status`` is one of ``STATUSES`` and sets the colour; its label comes from
    ``labels[status]``. ``progress=None`` means no data: an empty grey bar and
    ``labels["no_data"]``.
    """
    if status not in STATUSES:
        raise ValueError(f"Unknown status: {status}")
    ids = _ids(id_prefix)
    progress = _finite(progress)
    parts = []
    track = _attrs(
        class_="progress-track",
        x=BAR_X,
        y=BAR_Y,
        width=BAR_W,
        height=BAR_H,
        rx=BAR_H / 2,
        fill=TRACK,
        stroke=GRID,
        stroke_width=1,
    )
    parts.append(f"<rect {track}/>")
    x = PROGRESS_TEXT_X
    if progress is None:
        colour, label = MUTED, labels["no_data"]
    else:
        colour, label = STATUSES[status], labels[status]
        shown = max(0.0, min(1.0, progress)) * BAR_W
        if shown > 0:
            fill = _attrs(
                class_=f"progress-fill progress-{status}",
                x=BAR_X,
                y=BAR_Y,
                width=shown,
                height=BAR_H,
                rx=min(BAR_H / 2, shown / 2),
                fill=colour,
            )
            parts.append(f"<rect {fill}/>")
        percent = _with_unit(
            format_number(progress * 100, decimals=1, decimal_mark=decimal_mark), "%"
        )
        parts.append(
            _text(
                x,
                PROGRESS_BASELINE,
                percent,
                size=PROGRESS_SIZE,
                fill=colour,
                bold=True,
                css_class="progress-value",
            )
        )
        x += _width(percent, PROGRESS_SIZE, bold=True) + 8
    shown_label = _fit(label, PROGRESS_W - x - 1, PROGRESS_SIZE)
    parts.append(
        _text(
            x,
            PROGRESS_BASELINE,
            shown_label,
            size=PROGRESS_SIZE,
            fill=colour,
            css_class="progress-status",
            tooltip=label if shown_label != _clean(label) else None,
        )
    )
    start, end = _svg(
        css_class=f"chart progress-bar status-{status}",
        width=PROGRESS_W,
        height=PROGRESS_H,
        ids=ids,
        title=title,
        description=description,
    )
    return "".join([start, *parts, end])


# --- 2. Line chart --------------------------------------------------------------------------

LINE_W = 640
PLOT_TOP = 34  # room for the unit caption and for value labels above the highest point
PLOT_H = 200
AXIS_SIZE = 11  # tick and period labels
VALUE_SIZE = 11
REF_SIZE = 11  # target and baseline labels
REF_LINE_H = 13
GUTTER = 112  # right of the plot, for the target and baseline labels
ROTATED_MAX = 96  # longest rotated period label
SIN45 = math.sqrt(0.5)
VALUE_OFFSET = 8  # between a point and its value label
MAX_VALUE_LABELS = 12  # values are printed next to the points up to this many periods


@dataclass(frozen=True)
class _Ref:
    key: str  # "target" | "baseline"
    value: float
    colour: str
    width: float
    dash: str


def _y_scale(ticks: Sequence[float], bottom: float, height: float):
    low, high = ticks[0], ticks[-1]
    return lambda value: bottom - (value - low) / (high - low) * height


def _period_labels(
    periods: Sequence[str], xs: Sequence[float], slot: float, top: float
) -> tuple[list[str], float]:
    """Period labels under the plot: horizontal when they fit their slot, otherwise rotated
    by 45° and, when even that is too tight, only every k-th one. Returns the SVG and the
    height the labels take."""
    if not periods:
        return [], 0
    parts = []
    wrapped = [_wrap(period, slot - 6, AXIS_SIZE, 2) for period in periods]
    if all(" ".join(lines) == period for lines, period in zip(wrapped, periods, strict=True)):
        # Horizontal, on one or two lines (tspans, so each label stays one text element).
        for lines, x in zip(wrapped, xs, strict=True):
            parts.append(_line(x, top, x, top + 4, stroke=MUTED, class_="x-tick"))
            label = _attrs(
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
                    f"<tspan {_attrs(x=x, dy=0 if i == 0 else AXIS_SIZE * 1.25)}>{escape(line)}"
                    "</tspan>"
                    for i, line in enumerate(lines)
                )
                parts.append(f"<text {label}>{spans}</text>")
        return parts, 22 + (AXIS_SIZE * 1.25 if any(len(lines) > 1 for lines in wrapped) else 0)
    # Rotated neighbours are slot·sin45° apart, measured across the text.
    every = max(1, math.ceil(AXIS_SIZE * 1.15 / (slot * SIN45)))
    deepest = 0.0
    for index, (period, x) in enumerate(zip(periods, xs, strict=True)):
        if index % every:
            continue
        anchor_x, anchor_y = x + 3, top + 12
        # Never beyond the left edge of the drawing.
        room = min(ROTATED_MAX, (anchor_x - 2) / SIN45)
        shown = _fit(period, room, AXIS_SIZE)
        deepest = max(deepest, _width(shown, AXIS_SIZE) * SIN45)
        parts.append(_line(x, top, x, top + 4, stroke=MUTED, class_="x-tick"))
        parts.append(
            _text(
                anchor_x,
                anchor_y,
                shown,
                size=AXIS_SIZE,
                fill=MUTED,
                anchor="end",
                css_class="x-label rotated",
                transform=f"rotate(-45 {_num(anchor_x)} {_num(anchor_y)})",
                tooltip=period if shown != period else None,
            )
        )
    return parts, 12 + deepest + 4


def _ref_labels(
    refs: Sequence[_Ref],
    ys: Sequence[float],
    x: float,
    labels: Mapping[str, str],
    fmt,
    lowest: float,
) -> list[str]:
    """Target and baseline labels in the right gutter: the name (up to 2 lines) and the
    value, centred on their line and pushed apart when the lines are close."""
    blocks = []
    for ref, y in zip(refs, ys, strict=True):
        name = _wrap(labels[ref.key], GUTTER - 14, REF_SIZE, 2, bold=True)
        lines = [(line, True) for line in name] + [(fmt(ref.value), False)]
        height = len(lines) * REF_LINE_H
        blocks.append([y - height / 2, height, ref, lines])
    blocks.sort(key=lambda block: block[0])
    for above, below in pairwise(blocks):
        overlap = above[0] + above[1] + 4 - below[0]
        if overlap > 0:
            above[0] -= overlap / 2
            below[0] += overlap / 2
    # Keep the blocks inside the drawing, still in order.
    for block in blocks:
        block[0] = max(2.0, block[0])
    for above, below in pairwise(blocks):
        below[0] = max(below[0], above[0] + above[1] + 4)
    for block in reversed(blocks):
        block[0] = min(block[0], lowest - block[1])
    for above, below in reversed(list(pairwise(blocks))):
        above[0] = min(above[0], below[0] - above[1] - 4)
    parts = []
    for top, _, ref, lines in blocks:
        parts.append(f'<g class="ref-label {ref.key}-label">')
        for index, (line, bold) in enumerate(lines):
            parts.append(
                _text(
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
) -> str:
    """Values over reporting periods: ``points`` are ``(period label, value)`` in order, a
    None value is a gap in the line.

    ``target`` is drawn as a dashed line labelled ``labels["target"]``, ``baseline`` as a
    dotted one labelled ``labels["baseline"]`` (both optional). The y axis has 4 to 6 nice
    ticks covering the values, the target and the baseline, from 0 when the values are all
    positive and 0 is not too far. Up to 12 periods, each value is printed by its point.
    Without any value the chart shows ``labels["no_data"]``.
    """
    ids = _ids(id_prefix)
    periods = [_clean(label) for label, _ in points]
    values = [_finite(value) for _, value in points]
    present = [value for value in values if value is not None]
    refs = [
        _Ref(key, float(value), colour, width, dash)
        for key, value, colour, width, dash in (
            ("baseline", _finite(baseline), MUTED, 2, "2 3"),
            ("target", _finite(target), OK, 2, "7 4"),
        )
        if value is not None
    ]
    numbers = present + [ref.value for ref in refs]

    def fmt(value: float) -> str:
        return _with_unit(format_number(value, decimal_mark=decimal_mark), unit)

    ticks = nice_ticks(*_value_range(numbers)) if numbers else []
    tick_texts = [format_number(t, decimals=6, decimal_mark=decimal_mark) for t in ticks]
    left = max([32.0, *(_width(t, AXIS_SIZE) + 14 for t in tick_texts)])
    right = LINE_W - (GUTTER if refs else 20)
    bottom = PLOT_TOP + PLOT_H
    count = len(periods)
    slot = (right - left) / max(count, 1)
    xs = [left + slot * (index + 0.5) for index in range(count)]
    x_labels, x_height = _period_labels(periods, xs, slot, bottom)
    height = bottom + max(x_height + 8, 30)

    grid, series, marks, texts = [], [], [], []
    if unit:
        texts.append(
            _text(4, 14, _fit(unit, 200, AXIS_SIZE), size=AXIS_SIZE, fill=MUTED, css_class="unit")
        )
    zero = None
    if ticks:
        y_of = _y_scale(ticks, bottom, PLOT_H)
        for tick, shown in zip(ticks, tick_texts, strict=True):
            y = y_of(tick)
            grid.append(_line(left, y, right, y, stroke=GRID, class_="grid", data_value=shown))
            texts.append(
                _text(
                    left - 8,
                    y + 4,
                    shown,
                    size=AXIS_SIZE,
                    fill=MUTED,
                    anchor="end",
                    css_class="y-label",
                )
            )
        zero = y_of(0) if ticks[0] <= 0 <= ticks[-1] else None
        if zero is not None:
            grid.append(_line(left, zero, right, zero, stroke=MUTED, class_="zero-line"))
        for ref in refs:
            y = y_of(ref.value)
            grid.append(
                _line(
                    left,
                    y,
                    right,
                    y,
                    stroke=ref.colour,
                    width=ref.width,
                    stroke_dasharray=ref.dash,
                    class_=f"{ref.key}-line",
                    data_value=format_number(ref.value),
                )
            )
        texts += _ref_labels(
            refs, [y_of(r.value) for r in refs], right + 8, labels, fmt, height - 2
        )
    if zero is None:
        grid.append(_line(left, bottom, right, bottom, stroke=MUTED, class_="axis"))

    if present:
        ys = [None if value is None else y_of(value) for value in values]
        for run in _segments(list(zip(xs, ys, strict=True))):
            if len(run) > 1:
                coordinates = " ".join(f"{_num(x)},{_num(y)}" for x, y in run)
                series.append(
                    f'<polyline class="series-line" points="{coordinates}" fill="none" '
                    f'stroke="{BRAND}" stroke-width="2.5" stroke-linejoin="round" '
                    'stroke-linecap="round"/>'
                )
        ref_ys = [y_of(ref.value) for ref in refs]
        radius = 4 if count <= MAX_VALUE_LABELS else 3
        shown_values = [fmt(value) if value is not None else "" for value in values]
        print_values = count <= MAX_VALUE_LABELS and all(
            _width(text, VALUE_SIZE, bold=True) <= slot - 4 for text in shown_values
        )
        for index, (period, value, x, y) in enumerate(zip(periods, values, xs, ys, strict=True)):
            if value is None:
                continue
            circle = _attrs(
                class_="point", cx=x, cy=y, r=radius, fill=BRAND, stroke=WHITE, stroke_width=1.5
            )
            tooltip = escape(f"{period}: {shown_values[index]}")
            marks.append(f"<circle {circle}><title>{tooltip}</title></circle>")
            if print_values:
                obstacles = [
                    ((xs[i], ys[i]), (x, y))
                    for i in (index - 1, index + 1)
                    if 0 <= i < count and ys[i] is not None
                ]
                width = _width(shown_values[index], VALUE_SIZE, bold=True)
                below = _value_label_below(x, y, width, obstacles, ref_ys, bottom)
                label_y = y + VALUE_OFFSET + VALUE_SIZE * 0.75 if below else y - VALUE_OFFSET
                texts.append(
                    _text(
                        x,
                        label_y,
                        shown_values[index],
                        size=VALUE_SIZE,
                        anchor="middle",
                        bold=True,
                        css_class="value",
                        halo=True,
                    )
                )
    else:
        message = _fit(labels["no_data"], right - left - 24, 13)
        box_w = _width(message, 13) + 24
        centre_x, centre_y = (left + right) / 2, PLOT_TOP + PLOT_H / 2
        rect = _attrs(
            x=centre_x - box_w / 2,
            y=centre_y - 16,
            width=box_w,
            height=30,
            rx=4,
            fill=WHITE,
            stroke=GRID,
        )
        texts.append(f'<g class="no-data"><rect {rect}/>')
        texts.append(_text(centre_x, centre_y + 4, message, size=13, fill=MUTED, anchor="middle"))
        texts.append("</g>")

    start, end = _svg(
        css_class="chart line-chart",
        width=LINE_W,
        height=height,
        ids=ids,
        title=title,
        description=description,
    )
    return "".join([start, *grid, *series, *marks, *x_labels, *texts, end])


# --- 3. Breakdown (grouped horizontal bars) ---------------------------------------------

BREAK_W = 640
MARGIN = 8
LEGEND_SIZE = 12
LEGEND_LINE_H = 20
SWATCH = 12
ROW_LABEL_MAX = 150
ROW_SIZE = 12
ROW_LINE_H = 14
BAR_THICK = 14
BAR_GAP = 3
GROUP_PAD = 9  # above and below each group's bars
BAR_VALUE_SIZE = 11


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
    """Swatch and name of each series, flowing over as many lines as needed."""
    parts = ['<g class="legend">']
    x, y = MARGIN, MARGIN
    for index, name in enumerate(names):
        shown = _fit(name, 240, LEGEND_SIZE)
        item_w = SWATCH + 6 + _width(shown, LEGEND_SIZE) + 20
        if x > MARGIN and x + item_w > BREAK_W - MARGIN:
            x, y = MARGIN, y + LEGEND_LINE_H
        swatch = _attrs(
            x=x + 0.5,
            y=y + 0.5,
            width=SWATCH,
            height=SWATCH,
            rx=2,
            fill=_series_fill(ids, index),
            stroke=SERIES[index].stroke,
        )
        parts.append(f'<rect class="swatch" {swatch}/>')
        parts.append(
            _text(
                x + SWATCH + 6,
                y + 11,
                shown,
                size=LEGEND_SIZE,
                css_class="legend-label",
                tooltip=name if shown != name else None,
            )
        )
        x += item_w
    parts.append("</g>")
    return parts, y + LEGEND_LINE_H


def _empty_breakdown(ids: str, title: str, description: str) -> str:
    lines = _wrap(description, BREAK_W - 4 * MARGIN, 12, 3) or [""]
    height = 2 * MARGIN + 24 + len(lines) * 16
    rect = _attrs(
        x=MARGIN,
        y=MARGIN,
        width=BREAK_W - 2 * MARGIN,
        height=height - 2 * MARGIN,
        rx=6,
        fill=WHITE,
        stroke=GRID,
        stroke_dasharray="6 4",
    )
    parts = [f'<g class="no-data"><rect {rect}/>']
    top = (height - len(lines) * 16) / 2
    for index, line in enumerate(lines):
        parts.append(
            _text(BREAK_W / 2, top + index * 16 + 12, line, size=12, fill=MUTED, anchor="middle")
        )
    parts.append("</g>")
    start, end = _svg(
        css_class="chart breakdown-chart",
        width=BREAK_W,
        height=height,
        ids=ids,
        title=title,
        description=description,
    )
    return "".join([start, *parts, end])


def breakdown_chart_svg(
    *,
    rows: Sequence[tuple[str, Sequence[tuple[str, float]]]],
    title: str,
    description: str,
    id_prefix: str = "breakdown",
    unit: str = "",
    decimal_mark: str = ".",
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
    ids = _ids(id_prefix)
    rows = [
        (label, [(name, _finite(v)) for name, v in bars if v is None or _finite(v) is not None])
        for label, bars in rows
    ]
    names: list[str] = []
    for _, bars in rows:
        for name, _ in bars:
            if _clean(name) not in names:
                names.append(_clean(name))
    if len(names) > len(SERIES):
        raise ValueError(f"At most {len(SERIES)} series, got {len(names)}")
    if all(value is None for _, bars in rows for _, value in bars):
        return _empty_breakdown(ids, title, description)

    def fmt(value: float) -> str:
        return _with_unit(format_number(value, decimal_mark=decimal_mark), unit)

    values = [float(value) for _, bars in rows for _, value in bars if value is not None]
    ticks = nice_ticks(min(0.0, *values), max(0.0, *values))
    tick_texts = [format_number(t, decimals=6, decimal_mark=decimal_mark) for t in ticks]

    legend, top = _legend(ids, names)
    row_lines = [_wrap(label, ROW_LABEL_MAX, ROW_SIZE, 2, bold=True) for label, _ in rows]
    label_w = max(_width(line, ROW_SIZE, bold=True) for lines in row_lines for line in [*lines, ""])
    left = MARGIN + label_w + 12
    value_w = max(_width(fmt(value), BAR_VALUE_SIZE) for value in values) + 8
    # Negative bars print their value on their left, inside the plot.
    plot_left = left + (value_w if min(values) < 0 else 0)
    plot_right = BREAK_W - MARGIN - value_w
    low, high = ticks[0], ticks[-1]

    def x_of(value: float) -> float:
        return plot_left + (value - low) / (high - low) * (plot_right - plot_left)

    group_h = len(names) * BAR_THICK + (len(names) - 1) * BAR_GAP + 2 * GROUP_PAD
    plot_top = top + 6
    plot_bottom = plot_top + len(rows) * group_h
    backgrounds, grid, bars_svg, texts = [], [], [], []
    for index, (label, bars) in enumerate(rows):
        group_top = plot_top + index * group_h
        if index % 2:
            band = _attrs(
                x=MARGIN,
                y=group_top,
                width=BREAK_W - 2 * MARGIN,
                height=group_h,
                fill="#f6f7f9",
            )
            backgrounds.append(f'<rect class="row-band" {band}/>')
        lines = row_lines[index]
        first = group_top + group_h / 2 - (len(lines) - 1) * ROW_LINE_H / 2 + 4
        for number, line in enumerate(lines):
            texts.append(
                _text(
                    left - 12,
                    first + number * ROW_LINE_H,
                    line,
                    size=ROW_SIZE,
                    bold=True,
                    anchor="end",
                    css_class="row-label",
                    tooltip=_clean(label)
                    if number == 0 and " ".join(lines) != _clean(label)
                    else None,
                )
            )
        by_name = {_clean(name): value for name, value in bars}
        for series_index, name in enumerate(names):
            if name not in by_name:
                continue
            value = by_name[name]
            y = group_top + GROUP_PAD + series_index * (BAR_THICK + BAR_GAP)
            if value is None:
                texts.append(
                    _text(
                        x_of(0) + 5,
                        y + BAR_THICK / 2 + 4,
                        f"{name}: {no_data}",
                        size=BAR_VALUE_SIZE,
                        fill=MUTED,
                        anchor="start",
                        css_class="bar-value no-data",
                    )
                )
                continue
            x0, x1 = sorted((x_of(0), x_of(value)))
            style = SERIES[series_index]
            tooltip = escape(f"{_clean(label)}, {name}: {fmt(value)}")
            if value == 0:
                rect = _attrs(
                    class_="bar bar-zero",
                    x=x0 - 1,
                    y=y,
                    width=2,
                    height=BAR_THICK,
                    fill=style.stroke,
                )
            else:
                rect = _attrs(
                    class_="bar",
                    x=x0 + 0.5,
                    y=y + 0.5,
                    width=max(x1 - x0 - 1, 1),
                    height=BAR_THICK - 1,
                    fill=_series_fill(ids, series_index),
                    stroke=style.stroke,
                    data_series=str(series_index + 1),
                )
            bars_svg.append(f"<rect {rect}><title>{tooltip}</title></rect>")
            negative = value < 0
            texts.append(
                _text(
                    x0 - 5 if negative else x1 + 5,
                    y + BAR_THICK / 2 + 4,
                    fmt(value),
                    size=BAR_VALUE_SIZE,
                    anchor="end" if negative else "start",
                    css_class="bar-value",
                )
            )
    for tick, shown in zip(ticks, tick_texts, strict=True):
        x = x_of(tick)
        grid.append(
            _line(
                x,
                plot_top,
                x,
                plot_bottom,
                stroke=MUTED if tick == 0 else GRID,
                class_="zero-line" if tick == 0 else "grid",
                data_value=shown,
            )
        )
        texts.append(
            _text(
                x,
                plot_bottom + 15,
                shown,
                size=AXIS_SIZE,
                fill=MUTED,
                anchor="middle",
                css_class="x-label",
            )
        )
    height = plot_bottom + 24
    for line in _wrap(note, BREAK_W - 2 * MARGIN, AXIS_SIZE, 2) if note else []:
        height += 16
        texts.append(
            _text(MARGIN, height - 4, line, size=AXIS_SIZE, fill=MUTED, css_class="chart-note")
        )
    start, end = _svg(
        css_class="chart breakdown-chart",
        width=BREAK_W,
        height=height,
        ids=ids,
        title=title,
        description=description,
    )
    return "".join(
        [start, _patterns(ids, len(names)), *backgrounds, *grid, *bars_svg, *legend, *texts, end]
    )
