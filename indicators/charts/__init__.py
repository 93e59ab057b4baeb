"""Server-side SVG charts of indicators: a progress bar (``progress``), a line over reporting
periods (``line``) and grouped bars for disaggregated values, sex by age band
(``breakdown``). Callers import them from here.

Like ``rights/tree.py`` these modules are deliberately pure: no Django models, no request and
no translation calls. The caller passes plain values and already translated labels and gets
back one inline ``<svg>`` string that serves both the web page and the PDF (WeasyPrint
renders inline SVG). Hence only SVG 1.1 basics are used (rect, line, polyline, circle, text
and patterns with presentation attributes; no CSS, no markers, no foreignObject) and every
size is in user units. The building blocks they share with the tree (text measuring and
wrapping, escaping, elements) are in ``core/svg.py``; what only the charts share (palette,
numbers, ticks) is in ``common``.

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

from core.svg import format_number
from indicators.charts.breakdown import SERIES, breakdown_chart_svg
from indicators.charts.common import nice_ticks
from indicators.charts.line import line_chart_svg
from indicators.charts.progress import STATUSES, progress_bar_svg

__all__ = [
    "SERIES",
    "STATUSES",
    "breakdown_chart_svg",
    "format_number",
    "line_chart_svg",
    "nice_ticks",
    "progress_bar_svg",
]
