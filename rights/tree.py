"""Server-side SVG drawing of a human-rights-based "problem tree".

The core problem (a violated right) is the trunk in the middle, its consequences are the
branches above it and its causes are the roots below it, in three bands by level:
immediate (closest to the trunk), underlying and structural (deepest).

This module is deliberately pure (no Django models, no request, no translation calls): the
caller passes plain dataclasses and already translated labels, and gets back one inline
``<svg>`` string that serves both the web page and the PDF (WeasyPrint renders inline SVG).
Hence only SVG 1.1 basics are used (rect, line, polygon, text with presentation
attributes; no CSS, no markers, no foreignObject) and every size is in user units. Text is
measured, wrapped and escaped with ``core/svg.py``, like the indicator charts.

Layout, in short:

* The drawing is a fixed width (``WIDTH`` user units) and grows in height with content; the
  root ``<svg>`` has ``width="100%"`` and a computed ``viewBox`` so it scales to its column.
* Every band starts with a heading row (its translated label) and then rows of fixed-width
  boxes. A row holds at most ``2 * PER_SIDE`` boxes: half left of the trunk, half right of
  it, so a free vertical alley stays in the middle for the trunk line. Text is wrapped by an
  estimated character width and cut with "…" after ``MAX_LINES`` lines (the full text stays
  in the box's ``<title>``, shown as a tooltip in browsers).
* Each row has a horizontal "bus" line in the gap on the trunk's side (below consequence
  rows, above cause rows); every box hangs from its row's bus and every bus meets the trunk,
  so no connector ever crosses a box, however many rows there are.
* Arrowheads show the direction of causality: into the problem from below, into the band
  above at each cause band's edge, and into every consequence box.
* Causal chains are drawn as thin lines with an arrowhead: structural box → underlying
  box → immediate box → consequence box (``TreeCause.leads_to`` and, for an immediate
  cause, ``TreeCause.consequences``). A line leaves the top edge of its cause, runs
  horizontally only in the free gaps between rows (never on a row's bus) and vertically
  only in the gutters between box columns (beside the problem box, never through a box),
  and enters the bottom edge of the box it leads to. Each line gets its own lane in each
  gap and gutter while lanes last. With the lines, only immediate causes hang from the
  trunk (they alone produce the problem directly); deeper causes reach it by their lines.
* Beyond ``MAX_LINK_LINES`` lines the drawing would be a mesh nobody can follow, so it falls
  back to text: consequences are numbered C1..Cn (in the given order), causes I1, U1, S1
  by level (letters from ``labels["ref_<level>"]`` when given), every cause hangs from the
  trunk as before and shows a small line such as "→ C1, C3" or "→ I2" (prefix from
  ``labels["produces"]`` when given, otherwise "→"). A link an underlying or structural
  cause had to a consequence before chains existed is always shown as such text.
* A cause level without causes keeps its band and heading with an empty body, so the three
  root levels are always visible. When there are no causes at all, the three cause bands
  are replaced by one note with ``labels["no_causes"]``. A tree without consequences keeps
  the (empty) consequences band.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core import svg

__all__ = ["LEVELS", "MAX_LINK_LINES", "TreeCause", "TreeNode", "problem_tree_svg"]


@dataclass(frozen=True)
class TreeNode:
    key: str  # unique id, e.g. "cause-12" / "consequence-3"
    text: str  # user text: any length, any language, may contain markup characters


@dataclass(frozen=True)
class TreeCause(TreeNode):
    level: str  # "immediate" | "underlying" | "structural"
    consequences: tuple[str, ...] = ()  # keys of the consequences this cause produces
    leads_to: tuple[str, ...] = ()  # keys of the causes of the level above it produces


# Root levels from the trunk downwards.
LEVELS: tuple[str, ...] = ("immediate", "underlying", "structural")
# The level each level of cause produces (an immediate cause: consequences).
LEVEL_ABOVE: Mapping[str, str] = {"structural": "underlying", "underlying": "immediate"}
# Default letters of the cause refs in the text fallback ("I1", "U2", "S3").
REF_LETTERS: Mapping[str, str] = {"immediate": "I", "underlying": "U", "structural": "S"}
# More lines than this and the chains are written as refs instead (module docstring): a
# gap holds about six lanes, so past some forty lines they share lanes and read as a mesh.
MAX_LINK_LINES = 40

# --- Geometry (user units) -------------------------------------------------------------

MARGIN = 16  # around the bands
BAND_PAD_X = 12  # between a band's edge and its content
BOX_W = 200
BOX_GAP = 16  # horizontal gap between boxes on the same side of the trunk
ALLEY = 48  # free vertical strip in the middle where the trunk runs
PER_SIDE = 2  # boxes per row on each side of the trunk
SIDE_W = PER_SIDE * BOX_W + (PER_SIDE - 1) * BOX_GAP
WIDTH = 2 * (MARGIN + BAND_PAD_X + SIDE_W) + ALLEY
TRUNK_X = WIDTH / 2
PROBLEM_W = 2 * BOX_W + ALLEY

HEADING_H = 32  # heading row at the top of each band
HEADING_BASELINE = 22
BUS_GAP = 28  # vertical gap holding a row's bus line (the bus runs through its middle)
BAND_GAP = 12  # between bands
BAND_PAD_BOTTOM = 14
EMPTY_BODY_H = 10  # body of a band without boxes
PAD_X = 10  # text padding inside boxes
PAD_Y = 8
MAX_LINES = 6  # longer texts end with an ellipsis

# Font sizes and line heights; a line is 1.3 em so accents and descenders never touch.
TEXT_SIZE = 13
PROBLEM_SIZE = 15
REF_SIZE = 12  # "C3" at the top of a consequence
PRODUCES_SIZE = 12  # no text of the tree is drawn under 12 px (see app.css)
HEADING_SIZE = 14
PRODUCES_GAP = 4  # space between a cause's text and its "→ C1, C3" line
LINK_WIDTH = 1.25  # chain lines: thinner than a box border, so never read as one
LANE_STEP = 4  # between two lines running side by side
PORT_INSET = 14  # a line leaves or enters a box at least this far from its corners
STEM_CLEAR = 8  # ... and this far from the centre, where the bus stem meets the box

# --- Colours (text/fill pairs all meet WCAG AA, >= 4.5:1) ---------------------------------

TEXT = svg.TEXT
PROBLEM_FILL = "#07414c"
PROBLEM_TEXT = "#ffffff"
TRUNK = "#07414c"


@dataclass(frozen=True)
class _Style:
    fill: str  # box fill
    stroke: str  # box border, connectors
    accent: str  # small text inside boxes and the band heading
    band: str  # band background


STYLES: Mapping[str, _Style] = {
    "consequences": _Style("#fdf3dc", "#7a5200", "#7a5200", "#fffbf2"),
    "problem": _Style(PROBLEM_FILL, PROBLEM_FILL, PROBLEM_FILL, "#eef4f5"),
    "immediate": _Style("#e3f1f3", "#0b5c6b", "#0b5c6b", "#f3f9fa"),
    "underlying": _Style("#eceef2", "#5a6272", "#4a5263", "#f6f7f9"),
    "structural": _Style("#fbe7e9", "#a11d2b", "#a11d2b", "#fdf5f6"),
}

# --- Boxes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _TextLine:
    """One line of text inside a box, as it will be drawn."""

    text: str
    size: float
    fill: str
    css_class: str
    bold: bool = False

    @property
    def height(self) -> float:
        return self.size * 1.3


@dataclass(frozen=True)
class _Box:
    """A node before placement: what it says and how tall that makes it."""

    key: str
    title: str  # full text, for the tooltip
    band: str  # "consequences" | "problem" | level
    width: float
    lines: tuple[_TextLine, ...]
    gap_before: Mapping[int, float]  # extra space above line i (before "→ C1")

    @property
    def height(self) -> float:
        body = sum(line.height for line in self.lines)
        return 2 * PAD_Y + body + sum(self.gap_before.values())


def _text_lines(
    text: str, *, width: float, size: float, fill: str, bold: bool = False
) -> list[_TextLine]:
    # Split, not cut: a box shows its whole text up to MAX_LINES lines.
    lines = svg.wrap(
        text, width - 2 * PAD_X, size, bold=bold, max_lines=MAX_LINES, split_long_words=True
    )
    lines = lines or [""]
    return [_TextLine(line, size, fill, "node-text", bold) for line in lines]


def _consequence_box(node: TreeNode, number: int) -> _Box:
    style = STYLES["consequences"]
    ref = _TextLine(f"C{number}", REF_SIZE, style.accent, "node-ref", bold=True)
    body = _text_lines(node.text, width=BOX_W, size=TEXT_SIZE, fill=TEXT)
    return _Box(node.key, node.text, "consequences", BOX_W, (ref, *body), {})


def _produces_text(refs: Sequence[str], prefix: str) -> str:
    return f"{prefix} {', '.join(refs)}" if refs else ""


def _cause_box(cause: TreeCause, ref: str | None, produces: Sequence[str], prefix: str) -> _Box:
    """A cause: its ref on top in the text fallback ("U2"), its text, and the refs of what
    it produces that no line shows ("→ C1, C3")."""
    style = STYLES[cause.level]
    head = [_TextLine(ref, REF_SIZE, style.accent, "node-ref", bold=True)] if ref else []
    body = [*head, *_text_lines(cause.text, width=BOX_W, size=TEXT_SIZE, fill=TEXT)]
    text = _produces_text(produces, prefix)
    if not text:
        return _Box(cause.key, cause.text, cause.level, BOX_W, tuple(body), {})
    # Never truncated: the links are the point of this line.
    lines = svg.wrap(text, BOX_W - 2 * PAD_X, PRODUCES_SIZE, bold=True, split_long_words=True)
    extra = [_TextLine(line, PRODUCES_SIZE, style.accent, "node-produces", True) for line in lines]
    return _Box(
        cause.key, cause.text, cause.level, BOX_W, (*body, *extra), {len(body): PRODUCES_GAP}
    )


def _problem_box(problem: str) -> _Box:
    lines = _text_lines(problem, width=PROBLEM_W, size=PROBLEM_SIZE, fill=PROBLEM_TEXT, bold=True)
    return _Box("problem", problem, "problem", PROBLEM_W, tuple(lines), {})


# --- SVG primitives -----------------------------------------------------------------------


def _connector(x1: float, y1: float, x2: float, y2: float, stroke: str, width: float) -> str:
    # Round caps, so a bus and the stems hanging from it join without a notch.
    return svg.line(x1, y1, x2, y2, stroke=stroke, width=width, stroke_linecap="round")


def _arrow_up(x: float, tip_y: float, fill: str, size: float = 6) -> str:
    points = " ".join(
        f"{svg.num(px)},{svg.num(py)}"
        for px, py in ((x, tip_y), (x - size, tip_y + size * 1.4), (x + size, tip_y + size * 1.4))
    )
    return f'<polygon points="{points}" fill="{fill}"/>'


def _text(x: float, y: float, line: _TextLine, anchor: str = "middle") -> str:
    return svg.text(
        x,
        y,
        line.text,
        size=line.size,
        fill=line.fill,
        anchor=anchor,
        bold=line.bold,
        css_class=line.css_class,
    )


def _box_svg(box: _Box, x: float, y: float, height: float, classes: str) -> str:
    """One node: a group with the full text as tooltip, its rect and its centred lines."""
    style = STYLES[box.band]
    rect = svg.rect(
        class_=classes,
        x=x,
        y=y,
        width=box.width,
        height=height,
        rx=6,
        fill=style.fill,
        stroke=style.stroke,
        stroke_width=1.5,
    )
    parts = [
        f"<g {svg.attrs(class_='tree-node', data_key=box.key)}>",
        svg.tooltip(box.title),
        rect,
    ]
    # Rows share one height, so the text block is centred vertically in the box.
    cursor = y + (height - box.height) / 2 + PAD_Y
    for index, line in enumerate(box.lines):
        cursor += box.gap_before.get(index, 0)
        # Baseline at ~0.78 of the line box leaves room for ascenders and descenders.
        parts.append(_text(x + box.width / 2, cursor + line.height * 0.78, line))
        cursor += line.height
    parts.append("</g>")
    return "".join(parts)


# --- Layout -------------------------------------------------------------------------------


def _chunks(items: Sequence[_Box], size: int) -> list[Sequence[_Box]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _row_xs(count: int) -> list[float]:
    """Left x of each box in a row, in reading order: the first half (rounded up) left of
    the trunk, the rest right of it, both hugging the central alley."""
    left = math.ceil(count / 2)
    xs = [TRUNK_X - ALLEY / 2 - (left - i) * BOX_W - (left - 1 - i) * BOX_GAP for i in range(left)]
    xs += [TRUNK_X + ALLEY / 2 + i * (BOX_W + BOX_GAP) for i in range(count - left)]
    return xs


@dataclass(frozen=True)
class _Placed:
    """Where a box was drawn, and in which band."""

    x: float
    y: float
    width: float
    height: float
    band: str

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass
class _Canvas:
    """Collects SVG fragments in paint order (backgrounds, connectors, chain lines, boxes,
    labels), and where each box, row, bus and heading is, for routing the chain lines."""

    backgrounds: list[str]
    connectors: list[str]
    nodes: list[str]
    labels: list[str]
    links: list[str] = field(default_factory=list)
    placed: dict[str, _Placed] = field(default_factory=dict)
    rows: list[tuple[float, float]] = field(default_factory=list)  # (top, bottom)
    blocked: list[tuple[float, float]] = field(default_factory=list)  # y spans lines avoid

    def place(self, box: _Box, x: float, y: float, height: float) -> None:
        self.placed[box.key] = _Placed(x, y, box.width, height, box.band)

    def band(self, name: str, label: str, top: float, bottom: float) -> None:
        style = STYLES[name]
        rect = svg.rect(
            class_=f"band band-{name}",
            x=MARGIN,
            y=top,
            width=WIDTH - 2 * MARGIN,
            height=bottom - top,
            rx=10,
            fill=style.band,
        )
        self.backgrounds.append(rect)
        self.blocked.append((top, top + HEADING_H))
        room = TRUNK_X - ALLEY / 2 - MARGIN - BAND_PAD_X
        lines = svg.wrap(label, room, HEADING_SIZE, bold=True, max_lines=1, split_long_words=True)
        text = (lines or [""])[0]
        heading = _TextLine(text, HEADING_SIZE, style.accent, f"band-label band-label-{name}", True)
        self.labels.append(_text(MARGIN + BAND_PAD_X, top + HEADING_BASELINE, heading, "start"))

    def row(self, boxes: Sequence[_Box], top: float, bus_y: float | None, classes: str) -> float:
        """Places one row at ``top``, hangs its boxes from the bus at ``bus_y`` (above or
        below the row; None: no bus) and returns the row's bottom."""
        height = max(box.height for box in boxes)
        style = STYLES[boxes[0].band]
        self.rows.append((top, top + height))
        centres = []
        for box, x in zip(boxes, _row_xs(len(boxes)), strict=True):
            self.nodes.append(_box_svg(box, x, top, height, classes))
            self.place(box, x, top, height)
            centre = x + box.width / 2
            centres.append(centre)
            if bus_y is None:
                continue
            edge = top if bus_y < top else top + height
            self.connectors.append(_connector(centre, bus_y, centre, edge, style.stroke, 1.5))
            if bus_y > top:  # consequence rows: the arrow points into the box
                self.connectors.append(_arrow_up(centre, edge, style.stroke, 4))
        if bus_y is not None:
            left, right = min([*centres, TRUNK_X]), max([*centres, TRUNK_X])
            self.connectors.append(_connector(left, bus_y, right, bus_y, style.stroke, 1.5))
            self.blocked.append((bus_y - LANE_STEP, bus_y + LANE_STEP))
        return top + height


def _consequences_band(
    canvas: _Canvas, boxes: Sequence[_Box], label: str, top: float, bus: bool
) -> tuple[float, float | None]:
    """Returns the band's bottom and the y of its highest bus (where the trunk ends; None
    when empty or when its boxes hang from no bus)."""
    cursor = top + HEADING_H
    highest_bus = None
    for row in _chunks(boxes, 2 * PER_SIDE):
        row_height = max(box.height for box in row)
        bus_y = cursor + row_height + BUS_GAP / 2 if bus else None
        cursor = canvas.row(row, cursor, bus_y, "node consequence") + BUS_GAP
        highest_bus = bus_y if highest_bus is None else highest_bus
    bottom = cursor if boxes else cursor + EMPTY_BODY_H
    canvas.band("consequences", label, top, bottom)
    return bottom, highest_bus


def _cause_band(
    canvas: _Canvas, level: str, boxes: Sequence[_Box], label: str, top: float, bus: bool
) -> tuple[float, float | None]:
    """Returns the band's bottom and the y of its lowest bus (None when empty, or when its
    boxes hang from no bus)."""
    cursor = top + HEADING_H
    lowest_bus = None
    for row in _chunks(boxes, 2 * PER_SIDE):
        lowest_bus = cursor + BUS_GAP / 2 if bus else None
        cursor = canvas.row(row, cursor + BUS_GAP, lowest_bus, f"node cause {level}")
    bottom = cursor + BAND_PAD_BOTTOM if boxes else cursor + EMPTY_BODY_H
    canvas.band(level, label, top, bottom)
    return bottom, lowest_bus


def _problem_band(canvas: _Canvas, box: _Box, label: str, top: float) -> tuple[float, float]:
    """Returns the problem box's top and bottom (the band ends BAND_PAD_BOTTOM lower)."""
    box_top = top + HEADING_H
    x = TRUNK_X - box.width / 2
    canvas.nodes.append(_box_svg(box, x, box_top, box.height, "node problem"))
    box_bottom = box_top + box.height
    canvas.rows.append((box_top, box_bottom))
    canvas.band("problem", label, top, box_bottom + BAND_PAD_BOTTOM)
    return box_top, box_bottom


def _no_causes_note(canvas: _Canvas, text: str, top: float) -> float:
    lines = _text_lines(text, width=PROBLEM_W, size=TEXT_SIZE, fill=TEXT)
    height = 2 * PAD_Y + sum(line.height for line in lines)
    rect = svg.rect(
        class_="note",
        x=TRUNK_X - PROBLEM_W / 2,
        y=top,
        width=PROBLEM_W,
        height=height,
        rx=6,
        fill="#ffffff",
        stroke=STYLES["underlying"].stroke,
        stroke_width=1.5,
        stroke_dasharray="6 4",
    )
    parts = [rect]
    cursor = top + PAD_Y
    for line in lines:
        parts.append(_text(TRUNK_X, cursor + line.height * 0.78, line))
        cursor += line.height
    canvas.nodes.append(f'<g class="no-causes">{"".join(parts)}</g>')
    return top + height


def _cause_trunk(
    canvas: _Canvas, problem_bottom: float, bands: Sequence[tuple[float, float | None]]
) -> None:
    """The trunk from the problem down to the deepest bus, with an upward arrowhead into
    the problem and into each band's lower edge that causes below it feed."""
    deepest = max((bus for _, bus in bands if bus is not None), default=None)
    if deepest is None:
        return
    canvas.connectors.append(_connector(TRUNK_X, problem_bottom, TRUNK_X, deepest, TRUNK, 4))
    canvas.connectors.append(_arrow_up(TRUNK_X, problem_bottom, TRUNK, 8))
    for bottom, _ in bands:
        if bottom < deepest:
            canvas.connectors.append(_arrow_up(TRUNK_X, bottom, TRUNK, 7))


def _cause_bands(
    canvas: _Canvas,
    causes: Sequence[TreeCause],
    chains: _Chains,
    labels: Mapping[str, str],
    problem_bottom: float,
) -> float:
    """The three cause bands under the problem, joined to it by the trunk (or, without
    causes, the note that says so). Returns where they end."""
    bottom = problem_bottom + BAND_PAD_BOTTOM
    if not causes:
        return _no_causes_note(canvas, labels["no_causes"], bottom + BAND_GAP)
    prefix = labels.get("produces", "→")
    bands = []
    for level in LEVELS:
        boxes = [
            _cause_box(c, chains.refs.get(c.key), chains.written[c.key], prefix)
            for c in causes
            if c.level == level
        ]
        # Drawn as lines, the chains say how deeper causes reach the problem.
        bus = level == LEVELS[0] or not chains.drawn
        bottom, bus_y = _cause_band(canvas, level, boxes, labels[level], bottom + BAND_GAP, bus)
        bands.append((bottom, bus_y))
    _cause_trunk(canvas, problem_bottom, bands)
    return bottom


# --- Chains -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Chains:
    """The links of the tree: drawn as lines, or (past MAX_LINK_LINES) written as refs."""

    lines: tuple[tuple[str, str], ...]  # (cause key, key of the box above it produces)
    drawn: bool
    refs: Mapping[str, str]  # the cause refs of the text fallback, "U2" (empty when drawn)
    written: Mapping[str, tuple[str, ...]]  # by cause key, the refs shown in its box


def _chains(
    causes: Sequence[TreeCause], numbers: Mapping[str, int], labels: Mapping[str, str]
) -> _Chains:
    # Unknown keys and links to a level other than the one above are skipped: a stale
    # link must not break the drawing.
    levels = {cause.key: cause.level for cause in causes}
    refs, counts = {}, dict.fromkeys(LEVELS, 0)
    for cause in causes:
        counts[cause.level] += 1
        letter = labels.get(f"ref_{cause.level}", REF_LETTERS[cause.level])
        refs[cause.key] = f"{letter}{counts[cause.level]}"
    lines, legacy = [], {}
    for cause in causes:
        targets = sorted({k for k in cause.consequences if k in numbers}, key=numbers.get)
        if cause.level == LEVELS[0]:
            lines += [(cause.key, key) for key in targets]
            legacy[cause.key] = ()
        else:
            legacy[cause.key] = tuple(f"C{numbers[key]}" for key in targets)
        above = LEVEL_ABOVE.get(cause.level)
        ordered = [c.key for c in causes if c.key in cause.leads_to and levels[c.key] == above]
        lines += [(cause.key, key) for key in ordered]
    drawn = len(lines) <= MAX_LINK_LINES
    if drawn:
        return _Chains(tuple(lines), True, {}, legacy)
    written = {cause.key: list(legacy[cause.key]) for cause in causes}
    for source, target in lines:
        written[source].append(refs[target] if target in refs else f"C{numbers[target]}")
    return _Chains((), False, refs, {key: tuple(value) for key, value in written.items()})


def _ports(count: int, box: _Placed) -> list[float]:
    """Where ``count`` lines meet a box edge: spread along it, clear of its corners and of
    the centre (where a bus stem may meet it)."""
    centre = box.x + box.width / 2
    half = box.width / 2 - PORT_INSET - STEM_CLEAR
    # Positions along one run of length 2 * half, folded around the centre.
    along = [2 * half * (i + 1) / (count + 1) for i in range(count)]
    return [box.x + PORT_INSET + a if a < half else centre + STEM_CLEAR + (a - half) for a in along]


def _gutters() -> list[float]:
    """The x of each free vertical strip between box columns (and outside them): the only
    places a line goes up or down past other rows. The alley holds the trunk: not used."""
    inner = TRUNK_X - ALLEY / 2 - BOX_W - BOX_GAP / 2
    outer = (MARGIN + BAND_PAD_X) / 2
    return [outer, inner, WIDTH - inner, WIDTH - outer]


class _Lanes:
    """Hands out a lane (an x in a gutter, a y in a gap between rows) to each line, so
    lines running side by side stay apart while there is room."""

    def __init__(self, canvas: _Canvas) -> None:
        self.rows = sorted(canvas.rows)
        self.blocked = canvas.blocked
        self.used: dict[object, int] = {}

    def _next(self, key: object, options: Sequence[float]) -> float:
        index = self.used.get(key, 0)
        self.used[key] = index + 1
        return options[index % len(options)]

    def gap_below(self, row: int) -> float:
        """A y in the gap under ``row`` (above the next row), off buses and headings."""
        top = self.rows[row][1]
        bottom = self.rows[row + 1][0] if row + 1 < len(self.rows) else top + 2 * BUS_GAP
        free = [
            y
            for step in range(1, int((bottom - top) / LANE_STEP))
            if not any(lo <= (y := top + step * LANE_STEP) <= hi for lo, hi in self.blocked)
        ]
        return self._next(("gap", row), free or [(top + bottom) / 2])

    def gutter(self, x: float) -> float:
        centre = min(_gutters(), key=lambda g: abs(g - x))
        # A gutter between columns is BOX_GAP wide: five lanes, three units apart.
        offsets = (0, -3, 3, -6, 6)
        return self._next(("gutter", centre), [centre + offset for offset in offsets])


def _arrow_into(x: float, y: float, fill: str) -> str:
    return _arrow_up(x, y, fill, 3.5)


def _chain_lines(canvas: _Canvas, lines: Sequence[tuple[str, str]]) -> None:
    """Each link as a polyline from its cause's top edge to the bottom edge of the box it
    leads to, routed in the gaps and gutters (module docstring)."""
    lines = [(a, b) for a, b in lines if a in canvas.placed and b in canvas.placed]
    # The lines leave and enter each box in the order of the boxes at their other end,
    # left to right, so that the lines of one box do not cross each other there.
    centre = {key: box.x + box.width / 2 for key, box in canvas.placed.items()}
    out_x, in_x = {}, {}
    for key, box in canvas.placed.items():
        leaving = sorted((b for a, b in lines if a == key), key=centre.get)
        entering = sorted((a for a, b in lines if b == key), key=centre.get)
        out_x |= {(key, b): x for b, x in zip(leaving, _ports(len(leaving), box), strict=True)}
        in_x |= {(a, key): x for a, x in zip(entering, _ports(len(entering), box), strict=True)}
    lanes = _Lanes(canvas)
    rows = lanes.rows
    for source, target in lines:
        low, high = canvas.placed[source], canvas.placed[target]
        sx, tx = out_x[(source, target)], in_x[(source, target)]
        row_above = rows.index((low.y, low.bottom)) - 1
        target_row = rows.index((high.y, high.bottom))
        if row_above == target_row:  # nothing in between: one gap, one horizontal run
            y = lanes.gap_below(target_row)
            points = [(sx, low.y), (sx, y), (tx, y), (tx, high.bottom)]
        else:
            y1, y2 = lanes.gap_below(row_above), lanes.gap_below(target_row)
            gx = lanes.gutter((sx + tx) / 2)
            points = [(sx, low.y), (sx, y1), (gx, y1), (gx, y2), (tx, y2), (tx, high.bottom)]
        stroke = STYLES[low.band].stroke
        shown = " ".join(f"{svg.num(x)},{svg.num(y)}" for x, y in points)
        canvas.links.append(
            f"<g {svg.attrs(class_='chain-link', data_from=source, data_to=target)}>"
            f'<polyline points="{shown}" fill="none" stroke="{stroke}" '
            f'stroke-width="{svg.num(LINK_WIDTH)}" stroke-linejoin="round"/>'
            f"{_arrow_into(tx, high.bottom, stroke)}</g>"
        )


def problem_tree_svg(
    *,
    problem: str,
    causes: Sequence[TreeCause],
    consequences: Sequence[TreeNode],
    labels: Mapping[str, str],
    title: str,
    description: str,
    id_prefix: str = "problem-tree",
) -> str:
    """The problem tree as an inline ``<svg>`` string (see the module docstring).

    ``labels`` holds the translated band labels: "consequences", "problem", "immediate",
    "underlying", "structural", "no_causes", and optionally "produces" (prefix of the
    "→ C1, C3" line, "→" by default) and "ref_immediate", "ref_underlying",
    "ref_structural" (the letters of the cause refs of the text fallback). ``id_prefix``
    keeps ids unique when a page shows more than one tree.
    """
    unknown = sorted({cause.level for cause in causes} - set(LEVELS))
    if unknown:
        raise ValueError(f"Unknown cause level(s): {', '.join(unknown)}")
    numbers = {node.key: number for number, node in enumerate(consequences, start=1)}
    chains = _chains(causes, numbers, labels)
    canvas = _Canvas([], [], [], [])

    consequence_boxes = [_consequence_box(node, numbers[node.key]) for node in consequences]
    # Drawn as lines, the chains say which cause produces which consequence: the trunk
    # only says that the problem produces them all, into the band's edge.
    bottom, highest_bus = _consequences_band(
        canvas, consequence_boxes, labels["consequences"], MARGIN, bus=not chains.drawn
    )
    problem_top, problem_bottom = _problem_band(
        canvas, _problem_box(problem), labels["problem"], bottom + BAND_GAP
    )
    if highest_bus is not None:
        canvas.connectors.append(_connector(TRUNK_X, problem_top, TRUNK_X, highest_bus, TRUNK, 4))
    elif consequence_boxes:
        canvas.connectors.append(_connector(TRUNK_X, problem_top, TRUNK_X, bottom, TRUNK, 4))
        canvas.connectors.append(_arrow_up(TRUNK_X, bottom, TRUNK, 7))
    height = _cause_bands(canvas, causes, chains, labels, problem_bottom) + MARGIN
    _chain_lines(canvas, chains.lines)
    return svg.document(
        [*canvas.backgrounds, *canvas.connectors, *canvas.links, *canvas.nodes, *canvas.labels],
        css_class="problem-tree",
        width=WIDTH,
        height=height,
        font_size=TEXT_SIZE,
        id_prefix=id_prefix,
        title=title,
        description=description,
    )
