"""The charts' text alternatives in the tagged PDFs: what each chart shows, in words, with
its data ("Line chart: Families advised over the periods: 12 in 2025-H1, 18 in 2025-H2").

WeasyPrint tags an inline ``<svg>`` as a Figure and takes its alternate text (/Alt) from the
root's ``<title>``; so ``with_alt`` writes the words into that title. The charts themselves
(indicators.charts, health.pictures, coherence.pictures, rights.tree) stay as the pages
draw them."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.svg import format_number

_ROOT_TITLE = re.compile(r"<title( id=\"[^\"]*\")?>(.*?)</title>", re.DOTALL)
_ROOT_DESC = re.compile(r"<desc( id=\"[^\"]*\")?>(.*?)</desc>", re.DOTALL)


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return _("no data")
    shown = format_number(
        float(value),
        decimal_mark=get_format("DECIMAL_SEPARATOR"),
        group_mark=get_format("THOUSAND_SEPARATOR"),
    )
    return f"{shown} {unit}".strip()


def title_of(svg: str) -> str:
    found = _ROOT_TITLE.search(svg)
    return html.unescape(found.group(2)) if found else ""


def description_of(svg: str) -> str:
    found = _ROOT_DESC.search(svg)
    return html.unescape(found.group(2)) if found else ""


def with_alt(svg: str, alt: str) -> SafeString:
    """The chart with ``alt`` as its root title, the PDF's alternate text of the figure."""
    if not svg:
        return mark_safe("")
    words = html.escape(" ".join(str(alt).split()), quote=False)
    found = _ROOT_TITLE.search(svg)
    if found is None:
        return mark_safe(svg.replace(">", f"><title>{words}</title>", 1))
    start, end = found.span()
    return mark_safe(f"{svg[:start]}<title{found.group(1) or ''}>{words}</title>{svg[end:]}")


def described(svg: str) -> str:
    """Title and description, for the drawings whose description already says their data
    (a sparkline's values, the problem tree's counts, the coherence map's scores)."""
    return " ".join(part for part in (title_of(svg), description_of(svg)) if part)


def line_chart(
    title: str,
    points: Sequence[tuple[str, float | None]],
    *,
    unit: str = "",
    target: float | None = None,
    baseline: float | None = None,
) -> str:
    values = [
        _("%(value)s in %(period)s") % {"value": number(value, unit), "period": period}
        for period, value in points
    ]
    if not values:
        values = [_("no data")]
    references = []
    if target is not None:
        references.append(_("target %(value)s") % {"value": number(target, unit)})
    if baseline is not None:
        references.append(_("baseline %(value)s") % {"value": number(baseline, unit)})
    words = _("Line chart: %(title)s: %(values)s.") % {
        "title": title,
        "values": ", ".join(values),
    }
    if references:
        said = "; ".join(references)
        words = f"{words} {said[:1].upper()}{said[1:]}."
    return words


def yes_no_chart(title: str, points: Sequence[tuple[str, float | None]]) -> str:
    answers = {0.0: _("No"), 1.0: _("Yes")}
    values = [
        _("%(value)s in %(period)s")
        % {"value": answers.get(value, number(value)), "period": period}
        for period, value in points
    ]
    return _("Line chart: %(title)s: %(values)s.") % {
        "title": title,
        "values": ", ".join(values) or _("no data"),
    }


def bar_chart(
    title: str, rows: Iterable[tuple[str, Sequence[tuple[str, float | None]]]], unit: str = ""
) -> str:
    groups = [
        _("%(group)s: %(values)s")
        % {
            "group": group,
            "values": ", ".join(f"{series} {number(value, unit)}" for series, value in bars),
        }
        for group, bars in rows
    ]
    return _("Bar chart: %(title)s: %(values)s.") % {
        "title": title,
        "values": "; ".join(groups) or _("no data"),
    }


def progress_bar(percent: int | None, status: str) -> str:
    if percent is None:
        return _("Progress bar: %(status)s.") % {"status": status}
    return _(
        "Progress bar: %(percent)s %% of the way from the baseline to the target, %(status)s."
    ) % {
        "percent": percent,
        "status": status,
    }
