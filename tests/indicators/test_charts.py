"""The indicator charts (indicators/charts/): valid, accessible, escaped, deterministic SVG
whose geometry says what the numbers say. Pure functions, so no database."""

from __future__ import annotations

import ast
import math
import re
import sys
import xml.etree.ElementTree as ET
from itertools import combinations, pairwise
from pathlib import Path

import pytest

from core import svg as core_svg
from indicators import charts
from indicators.charts import (
    breakdown_chart_svg,
    format_number,
    line_chart_svg,
    nice_ticks,
    progress_bar_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
LABELS = {
    "achieved": "Achieved",
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "no_data": "No data yet",
    "target": "Target",
    "baseline": "Baseline",
}
HOSTILE = '<script>alert("x")</script> & Co'
QUARTERS = [
    ("Q1 2023", 31),
    ("Q2 2023", 38.5),
    ("Q3 2023", None),
    ("Q4 2023", 47),
    ("Q1 2024", 52.25),
    ("Q2 2024", 61),
    ("Q3 2024", 66.4),
    ("Q4 2024", 72),
]
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS = [
    (f"{month} {year}", 100 + 5 * n)
    for n, (year, month) in enumerate(
        (year, month) for year in (2023, 2024) for month in MONTH_NAMES
    )
]
AGE_BANDS = [
    (band, [("Women and girls", w), ("Men and boys", m), ("Non-binary", n)])
    for band, w, m, n in [
        ("0-17", 120, 98, 3),
        ("18-29", 210, 187, 12),
        ("30-64", 402, 350, 0),
        ("65 and over", 175, 96, 1),
    ]
]


def progress(**overrides) -> str:
    arguments = {
        "progress": 0.62,
        "status": "on_track",
        "title": "Progress",
        "description": "62 % of the target",
        "labels": LABELS,
    }
    arguments.update(overrides)
    return progress_bar_svg(**arguments)


def line(**overrides) -> str:
    arguments = {
        "points": QUARTERS,
        "target": 80,
        "baseline": 30,
        "title": "Families housed",
        "description": "Share of families housed per quarter",
        "labels": LABELS,
        "unit": "%",
    }
    arguments.update(overrides)
    return line_chart_svg(**arguments)


def breakdown(**overrides) -> str:
    arguments = {
        "rows": AGE_BANDS,
        "title": "People reached",
        "description": "People reached by sex and age band",
    }
    arguments.update(overrides)
    return breakdown_chart_svg(**arguments)


CHARTS = {"progress": progress, "line": line, "breakdown": breakdown}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def by_class(root: ET.Element, tag: str, css_class: str) -> list[ET.Element]:
    return [
        element
        for element in root.iter(f"{SVG}{tag}")
        if css_class in (element.get("class") or "").split()
    ]


def shown_text(element: ET.Element) -> str:
    """Visible text of a text element (its tooltip <title> left out)."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != f"{SVG}title":
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)


def texts(root: ET.Element) -> list[str]:
    return [shown_text(t) for t in root.iter(f"{SVG}text") if "halo" not in (t.get("class") or "")]


def grid_y(root: ET.Element, value: str) -> float:
    (line_,) = [g for g in by_class(root, "line", "grid") if g.get("data-value") == value]
    return float(line_.get("y1"))


# --- Common to the three charts ---------------------------------------------------------------


@pytest.mark.parametrize("kind", CHARTS)
def test_valid_accessible_scalable_svg(kind):
    svg = CHARTS[kind](id_prefix=f"chart-{kind}")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root.get("viewBox"))
    assert "DejaVu Sans" in root.get("font-family")
    assert root.get("aria-labelledby") == f"chart-{kind}-title chart-{kind}-desc"
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id")) == (f"{SVG}title", f"chart-{kind}-title")
    assert (desc.tag, desc.get("id")) == (f"{SVG}desc", f"chart-{kind}-desc")
    assert title.text and desc.text
    # Font sizes are plain user units, never px/em/pt.
    for element in root.iter():
        size = element.get("font-size")
        assert size is None or re.fullmatch(r"\d+(\.\d+)?", size)


@pytest.mark.parametrize("kind", CHARTS)
def test_ids_are_unique_per_prefix_and_safe(kind):
    first = parse(CHARTS[kind](id_prefix="first"))
    second = parse(CHARTS[kind](id_prefix="second"))
    ids_first = {e.get("id") for e in first.iter() if e.get("id")}
    ids_second = {e.get("id") for e in second.iter() if e.get("id")}
    assert ids_first and not ids_first & ids_second
    odd = parse(CHARTS[kind](id_prefix='a "b" <c>'))
    for element in odd.iter():
        if element.get("id"):
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", element.get("id"))
    labelled = odd.get("aria-labelledby").split()
    assert labelled == [odd[0].get("id"), odd[1].get("id")]


def test_user_text_is_escaped_everywhere():
    """Every text input reaches the drawing as text (in a label or, when cut, in its
    tooltip), never as markup."""
    labels = {key: f"{HOSTILE} {key}" for key in LABELS}
    cases = [
        (progress(title=HOSTILE, description=HOSTILE, labels=labels), [f"{HOSTILE} on_track"]),
        (progress(progress=None, labels=labels), [f"{HOSTILE} no_data"]),
        (
            line(
                points=[(f"{HOSTILE} {n}", n * 10) for n in range(4)],
                title=HOSTILE,
                description=HOSTILE,
                labels=labels,
                unit="<b>&",
            ),
            [f"{HOSTILE} 0", f"{HOSTILE} 3", "30 <b>&", "<b>&"],
        ),
        (line(points=[(HOSTILE, None)], labels=labels), [HOSTILE, f"{HOSTILE} no_data"]),
        (
            breakdown(
                rows=[(f"{HOSTILE} row", [(f"{HOSTILE} series", 3), ("Other", 4)])],
                title=HOSTILE,
                description=HOSTILE,
                unit="&",
            ),
            [f"{HOSTILE} row", f"{HOSTILE} series", "3 &"],
        ),
        (breakdown(rows=[], description=HOSTILE), []),
    ]
    for svg, expected in cases:
        assert "<script" not in svg and "<b>" not in svg
        assert not re.search(r"&(?!amp;|lt;|gt;|quot;)", svg)
        root = parse(svg)
        labels_and_tooltips = list(root.iter(f"{SVG}text"))
        shown = [shown_text(t) for t in labels_and_tooltips] + [
            t.text for t in root.iter(f"{SVG}title")
        ]
        for text in expected:
            assert any(text in item for item in shown), text
    for svg in (cases[0][0], cases[2][0], cases[4][0]):
        root = parse(svg)
        assert root[0].text == root[1].text == HOSTILE  # <title> and <desc>
    # A label cut to fit keeps the full text in its tooltip.
    legend = by_class(parse(cases[4][0]), "text", "legend-label")
    assert shown_text(legend[0]).startswith('<script>alert("x")</script>')
    assert legend[0].find(f"{SVG}title").text == f"{HOSTILE} series"
    assert HOSTILE in " ".join(texts(parse(cases[5][0])))


def test_characters_xml_forbids_are_dropped():
    bad = "Q1\x0b 2024\x00\ufffe"
    svgs = [
        progress(title=bad, labels={**LABELS, "on_track": bad}),
        line(points=[(bad, 1), ("Q2", 2)], title=bad),
        breakdown(rows=[(bad, [(bad, 1)])], title=bad),
    ]
    for svg in svgs:
        root = parse(svg)
        assert root[0].text == "Q1 2024"
        assert "Q1 2024" in texts(root)


@pytest.mark.parametrize("kind", CHARTS)
def test_output_is_deterministic(kind):
    assert CHARTS[kind]() == CHARTS[kind]()


def contrast(a: str, b: str = "#ffffff") -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    "svg",
    [
        *(progress(status=status) for status in charts.STATUSES),
        progress(progress=None),
        line(),
        line(points=[("A", None)]),
        breakdown(),
        breakdown(rows=[]),
    ],
)
def test_text_colours_meet_wcag_aa_on_white_and_page_grey(svg):
    root = parse(svg)
    for text in root.iter(f"{SVG}text"):
        if "halo" in (text.get("class") or ""):
            continue
        fill = text.get("fill") or root.get("fill")
        assert contrast(fill) >= 4.5, shown_text(text)
        assert contrast(fill, "#f6f7f9") >= 4.5, shown_text(text)


def imported_names(path: Path) -> set[str]:
    """What a module imports, dotted: ``from core import svg`` is "core.svg"."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def outside_stdlib(names: set[str]) -> list[str]:
    return sorted(name for name in names if name.split(".")[0] not in sys.stdlib_module_names)


def test_modules_stay_pure():
    """The charts import the standard library, core.svg and each other (no Django, no
    models), and core.svg the standard library only."""
    modules = sorted(Path(charts.__file__).parent.glob("*.py"))
    assert {path.stem for path in modules} >= {"__init__", "progress", "line", "breakdown"}
    for path in modules:
        outside = outside_stdlib(imported_names(path))
        assert not [
            name for name in outside if not name.startswith(("core.svg", "indicators.charts."))
        ], path.name
    assert not outside_stdlib(imported_names(Path(core_svg.__file__)))


# --- Numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3.0, "3"), (2.5, "2.5"), (52.25, "52.25"), (0.125, "0.12"), (-0.001, "0"), (1e6, "1000000")],
)
def test_numbers_have_up_to_two_decimals_without_trailing_zeros(value, expected):
    assert format_number(value) == expected
    assert format_number(value, decimal_mark=",") == expected.replace(".", ",")


@pytest.mark.parametrize(
    ("low", "high"),
    [(0, 100), (0, 80), (78, 80), (0, 2), (-3.5, 3), (120, 300), (0.1, 0.3), (950, 1000)]
    + [(n * 7.3 - 40, n * 7.3 - 40 + 10 ** (n % 6 - 2) * (1 + n % 7)) for n in range(60)],
)
def test_nice_ticks(low, high):
    ticks = nice_ticks(low, high)
    assert 4 <= len(ticks) <= 6
    steps = {round(b - a, 9) for a, b in pairwise(ticks)}
    assert len(steps) == 1
    (step,) = steps
    # Covering the range (a tick may sit on a bound up to float noise).
    assert ticks[0] <= low + step * 1e-6 and ticks[-1] >= high - step * 1e-6
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5))


# --- Progress bar -----------------------------------------------------------------------------


def fill_and_track(root: ET.Element) -> tuple[ET.Element | None, ET.Element]:
    fills = by_class(root, "rect", "progress-fill")
    (track,) = by_class(root, "rect", "progress-track")
    return (fills[0] if fills else None), track


@pytest.mark.parametrize(
    ("status", "colour"),
    [
        ("achieved", "#1d6b35"),
        ("on_track", "#0b5c6b"),
        ("at_risk", "#7a5200"),
        ("off_track", "#a11d2b"),
        ("no_data", "#5a6272"),
    ],
)
def test_progress_colour_and_label_follow_the_status(status, colour):
    root = parse(progress(status=status, progress=0.5))
    fill, track = fill_and_track(root)
    assert fill.get("fill") == colour
    assert float(fill.get("width")) == pytest.approx(float(track.get("width")) / 2)
    assert texts(root) == ["50 %", LABELS[status]]
    assert root.get("viewBox") == "0 0 300 28"


def test_progress_is_clamped_when_drawn_but_printed_as_is():
    root = parse(progress(progress=1.35, status="achieved"))
    fill, track = fill_and_track(root)
    assert fill.get("width") == track.get("width")
    assert "135 %" in texts(root)
    root = parse(progress(progress=-0.2, status="off_track"))
    fill, _ = fill_and_track(root)
    assert fill is None or float(fill.get("width")) == 0
    assert "-20 %" in texts(root)
    assert "55,5 %" in texts(parse(progress(progress=0.555, decimal_mark=",")))


def test_progress_without_data_is_an_empty_grey_bar():
    root = parse(progress(progress=None, status="on_track"))
    fill, track = fill_and_track(root)
    assert fill is None and track is not None
    assert texts(root) == [LABELS["no_data"]]
    assert [t.get("fill") for t in root.iter(f"{SVG}text")] == ["#5a6272"]


def test_progress_rejects_an_unknown_status():
    with pytest.raises(ValueError, match="late"):
        progress(status="late")


def test_progress_cuts_a_long_status_label_inside_the_drawing():
    long = "Per sota de la trajectòria prevista per a aquest any"
    root = parse(progress(labels={**LABELS, "on_track": long}))
    (label,) = by_class(root, "text", "progress-status")
    assert shown_text(label).endswith("…")
    assert label.find(f"{SVG}title").text == long


# --- Line chart --------------------------------------------------------------------------------


def points_of(root: ET.Element) -> list[ET.Element]:
    return by_class(root, "circle", "point")


def test_target_and_baseline_lines_sit_at_their_values():
    root = parse(line(points=[("A", 0), ("B", 50), ("C", 100)], target=80, baseline=20))
    y0, y100 = grid_y(root, "0"), grid_y(root, "100")

    def value_at(y: float) -> float:
        return (y0 - y) / (y0 - y100) * 100

    (target,) = by_class(root, "line", "target-line")
    (baseline,) = by_class(root, "line", "baseline-line")
    assert target.get("y1") == target.get("y2")
    assert value_at(float(target.get("y1"))) == pytest.approx(80, abs=0.05)
    assert value_at(float(baseline.get("y1"))) == pytest.approx(20, abs=0.05)
    assert target.get("stroke-dasharray") and baseline.get("stroke-dasharray")
    assert target.get("stroke-dasharray") != baseline.get("stroke-dasharray")
    shown = texts(root)
    assert {"Target", "80 %", "Baseline", "20 %"} <= set(shown)
    # The points too: 50 halfway between the 0 and 100 grid lines.
    assert [round(value_at(float(c.get("cy"))), 1) for c in points_of(root)] == [0, 50, 100]


def test_y_axis_has_nice_ticks_from_zero_for_positive_values():
    labels = [shown_text(t) for t in by_class(parse(line()), "text", "y-label")]
    assert labels == ["0", "20", "40", "60", "80"]
    labels = [
        shown_text(t)
        for t in by_class(
            parse(line(points=[("A", 950), ("B", 990)], target=1000, baseline=None)),
            "text",
            "y-label",
        )
    ]
    assert labels[0] != "0" and 4 <= len(labels) <= 6


def test_a_gap_breaks_the_line_and_has_no_point():
    root = parse(line())
    lines = by_class(root, "polyline", "series-line")
    assert [len(pl.get("points").split()) for pl in lines] == [2, 5]
    assert len(points_of(root)) == 7
    assert "Q3 2023" in texts(root)  # the period keeps its label
    values = [shown_text(t) for t in by_class(root, "text", "value")]
    assert values == ["31 %", "38.5 %", "47 %", "52.25 %", "61 %", "66.4 %", "72 %"]


def test_values_are_printed_next_to_their_points_above_or_below():
    root = parse(line())
    values = by_class(root, "text", "value")
    for circle, text in zip(points_of(root), values, strict=True):
        assert float(text.get("x")) == float(circle.get("cx"))
        assert abs(float(text.get("y")) - float(circle.get("cy"))) < 20


def test_twenty_four_periods_keep_their_labels_apart():
    root = parse(line(points=MONTHS, target=250, baseline=100, unit="people"))
    assert not by_class(root, "text", "value")  # too many periods to print every value
    assert len(points_of(root)) == 24
    drawn = by_class(root, "text", "x-label")
    assert 6 <= len(drawn) <= 24
    positions = [(float(t.get("x")), float(t.get("y"))) for t in drawn]
    size = float(drawn[0].get("font-size"))
    if all(t.get("transform") for t in drawn):
        # Rotated by 45°: neighbours are dx·sin45 apart across the text.
        for (x1, _), (x2, _) in pairwise(positions):
            assert (x2 - x1) * math.sqrt(0.5) >= size
        # The lowest rotated label ends inside the drawing.
        height = float(root.get("viewBox").split()[3])
        longest = max(len(shown_text(t)) for t in drawn) * 0.6 * size
        assert positions[0][1] + longest * math.sqrt(0.5) <= height
    else:
        for (a, (x1, _)), (b, (x2, _)) in pairwise(zip(drawn, positions, strict=True)):
            half = (len(shown_text(a)) + len(shown_text(b))) * 0.6 * size / 2
            assert x2 - x1 >= half
    for text in drawn:
        assert shown_text(text).rstrip("…") in " ".join(label for label, _ in MONTHS)


def test_few_periods_with_long_labels_stay_horizontal_on_two_lines():
    points = [(f"Second semester of 202{n}", n) for n in range(3)]
    root = parse(line(points=points))
    drawn = by_class(root, "text", "x-label")
    assert len(drawn) == 3 and not any(t.get("transform") for t in drawn)
    assert [re.sub(r"\s+", " ", " ".join(t.itertext())) for t in drawn] == [p for p, _ in points]


def test_a_negative_value_is_drawn_below_the_zero_line():
    root = parse(line(points=[("2022", -3.5), ("2023", 0.8), ("2024", 2.6)], target=3, unit=""))
    (zero,) = by_class(root, "line", "zero-line")
    zero_y = float(zero.get("y1"))
    negative, small, positive = (float(c.get("cy")) for c in points_of(root))
    assert negative > zero_y > small > positive
    assert "-3.5" in texts(root)


@pytest.mark.parametrize(
    "points",
    [[], [("2024", None)], [("2023", None), ("2024", None)]],
)
def test_line_without_values_says_so(points):
    root = parse(line(points=points, target=None, baseline=None))
    assert LABELS["no_data"] in texts(root)
    assert not points_of(root) and not by_class(root, "polyline", "series-line")


def test_line_without_values_still_shows_the_target():
    root = parse(line(points=[("2024", None)], target=80, baseline=None))
    assert LABELS["no_data"] in texts(root)
    assert by_class(root, "line", "target-line")


def test_single_point_and_equal_values():
    root = parse(line(points=[("2024", 42)], target=None, baseline=None, unit=""))
    assert len(points_of(root)) == 1
    assert "42" in texts(root)
    root = parse(line(points=[("A", 5), ("B", 5), ("C", 5)], target=None, baseline=None, unit=""))
    ys = {c.get("cy") for c in points_of(root)}
    assert len(ys) == 1
    labels = [shown_text(t) for t in by_class(root, "text", "y-label")]
    assert labels[0] == "0" and 4 <= len(labels) <= 6
    assert grid_y(root, "5") == float(ys.pop())
    root = parse(line(points=[("A", 0), ("B", 0)], target=None, baseline=None))
    assert len(points_of(root)) == 2


def test_decimals_and_decimal_mark():
    root = parse(line(points=[("A", 1.005), ("B", 2.5), ("C", 3.333)], decimal_mark=","))
    values = [shown_text(t) for t in by_class(root, "text", "value")]
    assert values == ["1 %", "2,5 %", "3,33 %"]


def test_target_below_baseline_for_a_decreasing_indicator():
    points = [
        (str(year), value)
        for year, value in zip(range(2019, 2025), (18.4, 17.9, 16.2, 15.1, 14.6, 13.2), strict=True)
    ]
    root = parse(line(points=points, target=10, baseline=18.4))
    (target,) = by_class(root, "line", "target-line")
    (baseline,) = by_class(root, "line", "baseline-line")
    assert float(target.get("y1")) > float(baseline.get("y1"))
    # Their labels do not overlap each other.
    blocks = [
        sorted(float(t.get("y")) for t in group.iter(f"{SVG}text"))
        for group in by_class(root, "g", "ref-label")
    ]
    (a_top, a_bottom), (b_top, b_bottom) = ((b[0], b[-1]) for b in blocks)
    assert a_bottom < b_top or b_bottom < a_top


def test_close_target_and_baseline_labels_are_pushed_apart():
    root = parse(line(points=[("A", 78), ("B", 80)], target=80, baseline=79.5))
    blocks = sorted(
        [float(t.get("y")) for t in group.iter(f"{SVG}text")]
        for group in by_class(root, "g", "ref-label")
    )
    assert blocks[0][-1] + 8 <= blocks[1][0]
    height = float(root.get("viewBox").split()[3])
    assert all(10 < y < height - 3 for block in blocks for y in block)


# --- Breakdown ---------------------------------------------------------------------------------


def bars_of(root: ET.Element) -> list[ET.Element]:
    return by_class(root, "rect", "bar")


def test_breakdown_draws_a_bar_per_row_and_series_with_a_legend():
    root = parse(breakdown())
    bars = bars_of(root)
    assert len(bars) == 12
    legend = [shown_text(t) for t in by_class(root, "text", "legend-label")]
    assert legend == ["Women and girls", "Men and boys", "Non-binary"]
    assert len(by_class(root, "rect", "swatch")) == 3
    rows = [shown_text(t) for t in by_class(root, "text", "row-label")]
    assert rows == ["0-17", "18-29", "30-64", "65 and over"]
    values = [shown_text(t) for t in by_class(root, "text", "bar-value")]
    assert values == ["120", "98", "3", "210", "187", "12", "402", "350", "0", "175", "96", "1"]
    # Lengths are proportional to the values, and every value sits just past its bar's end.
    (zero,) = by_class(root, "line", "zero-line")
    origin = float(zero.get("x1"))
    scale = (float(bars[6].get("x")) + float(bars[6].get("width")) - origin) / 402
    for bar, text, value in zip(bars, by_class(root, "text", "bar-value"), values, strict=True):
        end = float(bar.get("x")) + float(bar.get("width"))
        assert 0 < float(text.get("x")) - end <= 8
        assert end - origin == pytest.approx(int(value) * scale, abs=1.5)
    # The bar tooltips name the row, the series and the value.
    assert bars[0].find(f"{SVG}title").text == "0-17, Women and girls: 120"


def test_breakdown_series_differ_in_greyscale():
    def lightness(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        return 116 * y ** (1 / 3) - 16

    for a, b in combinations(charts.SERIES, 2):
        assert abs(lightness(a.fill) - lightness(b.fill)) >= 10 or a.pattern != b.pattern
        assert abs(lightness(a.fill) - lightness(b.fill)) >= 10
    rows = [("Adults", [(f"S{n}", n + 1) for n in range(4)])]
    root = parse(breakdown(rows=rows, id_prefix="four"))
    fills = [bar.get("fill") for bar in bars_of(root)]
    assert len(set(fills)) == 4
    patterns = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    for fill in fills:
        if fill.startswith("url("):
            assert fill[5:-1] in patterns
    # Light fills carry an outline that stands out from white (3:1 for graphics).
    for bar in bars_of(root):
        assert contrast(bar.get("stroke")) >= 3


def test_breakdown_rejects_a_fifth_series():
    with pytest.raises(ValueError, match="4"):
        breakdown(rows=[("Adults", [(f"S{n}", n) for n in range(5)])])


def test_breakdown_zeros_and_missing_series():
    rows = [("A", [("Women", 0), ("Men", 0)]), ("B", [("Women", 0)])]
    root = parse(breakdown(rows=rows, unit="%"))
    assert [shown_text(t) for t in by_class(root, "text", "bar-value")] == ["0 %", "0 %", "0 %"]
    assert len(bars_of(root)) == 3
    assert all("bar-zero" in bar.get("class") for bar in bars_of(root))


@pytest.mark.parametrize("rows", [[], [("Adults", [])], [("A", []), ("B", [])]])
def test_empty_breakdown_shows_the_description(rows):
    root = parse(breakdown(rows=rows))
    assert not bars_of(root)
    assert "People reached by sex and age band" in texts(root)


def test_breakdown_negative_value_is_left_of_zero():
    root = parse(breakdown(rows=[("Change", [("Women", -4), ("Men", 6)])]))
    (zero,) = by_class(root, "line", "zero-line")
    origin = float(zero.get("x1"))
    negative, positive = bars_of(root)
    assert float(negative.get("x")) + float(negative.get("width")) <= origin + 1
    assert float(positive.get("x")) >= origin - 1
    width = float(root.get("viewBox").split()[2])
    for text in by_class(root, "text", "bar-value"):
        assert 0 < float(text.get("x")) < width


def test_nan_and_infinity_count_as_missing():
    nan, inf = float("nan"), float("inf")
    root = parse(progress(progress=nan))
    assert texts(root) == [LABELS["no_data"]]
    root = parse(line(points=[("A", 1), ("B", nan), ("C", inf)], target=nan, baseline=None))
    assert len(points_of(root)) == 1 and not by_class(root, "line", "target-line")
    root = parse(breakdown(rows=[("Adults", [("Women", nan), ("Men", 4)])]))
    assert [shown_text(t) for t in by_class(root, "text", "legend-label")] == ["Men"]


def test_a_cell_without_data_says_so_instead_of_drawing_a_zero():
    rows = [("Children", [("Women", None), ("Men", 4)]), ("Adults", [("Women", 0), ("Men", 2)])]
    root = parse(breakdown(rows=rows, no_data="no data"))
    values = [shown_text(t) for t in by_class(root, "text", "bar-value")]
    assert values == ["Women: no data", "4", "0", "2"]
    assert len(bars_of(root)) == 3, "no bar where there is no data; a zero has its mark"
    assert [shown_text(t) for t in by_class(root, "text", "legend-label")] == ["Women", "Men"]


def test_a_breakdown_without_any_data_is_the_empty_frame():
    root = parse(breakdown(rows=[("Children", [("Women", None), ("Men", None)])]))
    assert not bars_of(root)
    assert "People reached by sex and age band" in texts(root)
