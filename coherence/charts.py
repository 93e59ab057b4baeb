"""The coherence matrix as a heat map: strategies (grouped by entity) against objectives.

Pure, like the indicators' charts: plain values and translated texts in, one inline
``<svg>`` string out, for the page and the PDF alike, with the same helpers (core/svg.py,
indicators.charts.common). Each cell is coloured by its score and writes it ("+2", "−1"),
so that the map reads without colour; an unscored cell is white with a dash.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from coherence.scale import CELL_COLOURS, HIGHEST, LOWEST, UNSCORED_COLOURS, signed
from core import svg
from indicators.charts.common import AXIS_SIZE, GRID, MUTED, chart_document, chart_ids

CELL_W = 46
CELL_H = 26
LABEL_W = 250
HEADER_H = 30
GROUP_H = 24
LEGEND_H = 56
GAP = 8
LABEL_SIZE = 11
CELL_SIZE = 12
MIN_W = 560  # room for the legend's seven points


@dataclass(frozen=True)
class HeatRow:
    label: str
    values: Sequence[int | None]
    # One hover text per cell ("Housing plan · O1: +2 Reinforcing").
    tooltips: Sequence[str]


@dataclass(frozen=True)
class HeatGroup:
    label: str
    rows: Sequence[HeatRow]


def _cell(x: float, y: float, value: int | None, tooltip: str) -> str:
    fill, ink = CELL_COLOURS[value] if value is not None else UNSCORED_COLOURS
    shown = signed(value) if value is not None else "–"
    box = svg.rect(
        x=x + 1,
        y=y + 1,
        width=CELL_W - 2,
        height=CELL_H - 2,
        fill=fill,
        stroke=GRID,
        class_="cell",
    )
    label = svg.text(
        x + CELL_W / 2,
        y + CELL_H / 2 + CELL_SIZE * 0.36,
        shown,
        size=CELL_SIZE,
        fill=ink,
        anchor="middle",
        bold=value is not None and value != 0,
    )
    return f"<g>{svg.tooltip(tooltip)}{box}{label}</g>"


def heat_map_svg(
    *,
    columns: Sequence[tuple[str, str]],
    groups: Sequence[HeatGroup],
    legend: Callable[[int], str],
    unscored_label: str,
    title: str,
    description: str,
    id_prefix: str,
) -> str:
    """``columns`` are (short code, full statement) of each objective; ``legend(value)``
    names a point of the scale ("+2 Reinforcing")."""
    rows_h = sum(GROUP_H + CELL_H * len(group.rows) for group in groups)
    # With few objectives the legend sets the width: the labels take the room left.
    label_w = max(LABEL_W, MIN_W - GAP - CELL_W * len(columns))
    width = max(MIN_W, label_w + CELL_W * max(len(columns), 1) + GAP)
    height = HEADER_H + rows_h + GAP + LEGEND_H
    parts = []
    for index, (code, statement) in enumerate(columns):
        x = label_w + CELL_W * index + CELL_W / 2
        parts.append(
            svg.text(
                x,
                HEADER_H - 10,
                svg.fit(code, CELL_W - 4, AXIS_SIZE, bold=True),
                size=AXIS_SIZE,
                anchor="middle",
                bold=True,
                title=f"{code} · {statement}",
            )
        )
    y = HEADER_H
    for group in groups:
        parts.append(
            svg.text(
                4,
                y + GROUP_H - 8,
                svg.fit(group.label, label_w + CELL_W * len(columns), LABEL_SIZE, bold=True),
                size=LABEL_SIZE,
                bold=True,
                css_class="entity",
            )
        )
        y += GROUP_H
        for row in group.rows:
            parts.append(
                svg.text(
                    14,
                    y + CELL_H / 2 + LABEL_SIZE * 0.36,
                    svg.fit(row.label, label_w - 20, LABEL_SIZE),
                    size=LABEL_SIZE,
                    title=row.label,
                )
            )
            for index, (value, tooltip) in enumerate(zip(row.values, row.tooltips, strict=True)):
                parts.append(_cell(label_w + CELL_W * index, y, value, tooltip))
            y += CELL_H
    parts.append(_legend(y + GAP, legend, unscored_label))
    return chart_document(
        parts,
        css_class="chart heat-map",
        width=width,
        height=height,
        ids=chart_ids(id_prefix),
        title=title,
        description=description,
    )


def _legend(top: float, legend: Callable[[int], str], unscored_label: str) -> str:
    """The seven points and "not scored", each a swatch with its number and name."""
    points: list[int | None] = [*range(HIGHEST, LOWEST - 1, -1), None]
    step = MIN_W / 4
    parts = []
    for index, value in enumerate(points):
        x = step * (index % 4)
        y = top + (index // 4) * (CELL_H + 2)
        parts.append(_cell(x, y, value, unscored_label if value is None else legend(value)))
        name = unscored_label if value is None else legend(value).split(" ", 1)[-1]
        parts.append(
            svg.text(
                x + CELL_W + 4,
                y + CELL_H / 2 + LABEL_SIZE * 0.36,
                svg.fit(name, step - CELL_W - 8, LABEL_SIZE),
                size=LABEL_SIZE,
                fill=MUTED,
            )
        )
    return f'<g class="legend">{"".join(parts)}</g>'
