"""The progress bar: a compact horizontal bar, the percentage and the status label."""

from __future__ import annotations

from collections.abc import Mapping

from core import svg
from indicators.charts.common import (
    BRAND,
    DANGER,
    GRID,
    MUTED,
    OK,
    TRACK,
    WARN,
    chart_document,
    chart_ids,
    finite,
    with_unit,
)

STATUSES: Mapping[str, str] = {
    "achieved": OK,
    "on_track": BRAND,
    "at_risk": WARN,
    "off_track": DANGER,
    "no_data": MUTED,
}

PROGRESS_W, PROGRESS_H = 300, 28
BAR_X, BAR_Y, BAR_W, BAR_H = 1, 8, 140, 12
PROGRESS_TEXT_X = BAR_X + BAR_W + 10
PROGRESS_BASELINE = BAR_Y + BAR_H / 2 + 4.5  # visually centred on the bar
PROGRESS_SIZE = 12


def _track() -> str:
    return svg.rect(
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


def _fill(progress: float, status: str, colour: str) -> list[str]:
    """The filled part, clamped to the bar; nothing at or below 0 %."""
    shown = max(0.0, min(1.0, progress)) * BAR_W
    if shown <= 0:
        return []
    fill = svg.rect(
        class_=f"progress-fill progress-{status}",
        x=BAR_X,
        y=BAR_Y,
        width=shown,
        height=BAR_H,
        rx=min(BAR_H / 2, shown / 2),
        fill=colour,
    )
    return [fill]


def _percent(progress: float, colour: str, decimal_mark: str) -> tuple[str, float]:
    """The real percentage ("135 %") and the width it takes."""
    percent = with_unit(
        svg.format_number(progress * 100, decimals=1, decimal_mark=decimal_mark), "%"
    )
    drawn = svg.text(
        PROGRESS_TEXT_X,
        PROGRESS_BASELINE,
        percent,
        size=PROGRESS_SIZE,
        fill=colour,
        bold=True,
        css_class="progress-value",
    )
    return drawn, svg.text_width(percent, PROGRESS_SIZE, bold=True)


def _status_label(label: str, x: float, colour: str) -> str:
    """The status label from ``x`` to the end of the drawing, cut when longer."""
    shown = svg.fit(label, PROGRESS_W - x - 1, PROGRESS_SIZE)
    return svg.text(
        x,
        PROGRESS_BASELINE,
        shown,
        size=PROGRESS_SIZE,
        fill=colour,
        css_class="progress-status",
        title=label if shown != svg.one_line(label) else None,
    )


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
    progress = finite(progress)
    parts = [_track()]
    x = PROGRESS_TEXT_X
    if progress is None:
        colour, label = MUTED, labels["no_data"]
    else:
        colour, label = STATUSES[status], labels[status]
        percent, percent_width = _percent(progress, colour, decimal_mark)
        parts += [*_fill(progress, status, colour), percent]
        x += percent_width + 8
    parts.append(_status_label(label, x, colour))
    return chart_document(
        parts,
        css_class=f"chart progress-bar status-{status}",
        width=PROGRESS_W,
        height=PROGRESS_H,
        ids=chart_ids(id_prefix),
        title=title,
        description=description,
    )
