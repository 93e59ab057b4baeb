"""The problem tree SVG (rights/tree.py): valid, accessible, escaped and readable at scale.
Pure function, so no database."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import combinations, pairwise

import pytest

from rights.tree import TreeCause, TreeNode, problem_tree_svg

SVG = "{http://www.w3.org/2000/svg}"
LABELS = {
    "consequences": "Consequences",
    "problem": "Core problem",
    "immediate": "Immediate causes",
    "underlying": "Underlying causes",
    "structural": "Structural causes",
    "no_causes": "No causes identified yet.",
}
LONG = (
    "La manca d'habitatge assequible obliga les famílies vulnerables a viure en condicions "
    "precàries, sense accés garantit a l'aigua, l'energia ni als serveis bàsics, i això es "
    "reprodueix any rere any sense cap mena de control públic efectiu per part de "
    "l'administració competent ni de les entitats del barri."
)


def render(**overrides) -> str:
    arguments = {
        "problem": "Right to adequate housing",
        "causes": [TreeCause("cause-1", "High rents", "immediate", ("consequence-1",))],
        "consequences": [TreeNode("consequence-1", "Evictions")],
        "labels": LABELS,
        "title": "Problem tree",
        "description": "Causes and consequences of the housing problem",
    }
    arguments.update(overrides)
    return problem_tree_svg(**arguments)


def big_tree() -> tuple[str, list[TreeCause], list[TreeNode]]:
    consequences = [
        TreeNode(f"consequence-{n}", f"Consequence {n}: {LONG[: 20 + 9 * n]}") for n in range(1, 16)
    ]
    causes = [
        TreeCause(
            f"cause-{level}-{n}",
            f"{level} {n}: {LONG[: 15 + 25 * n]}",
            level,
            tuple(f"consequence-{k}" for k in range(1, 16) if k % (n + 2) == 0),
        )
        for level in ("immediate", "underlying", "structural")
        for n in range(10)
    ]
    return render(causes=causes, consequences=consequences), causes, consequences


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def nodes(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-key"): g for g in root.iter(f"{SVG}g") if g.get("class") == "tree-node"}


def lines(group: ET.Element, css_class: str = "node-text") -> list[str]:
    return [t.text or "" for t in group.iter(f"{SVG}text") if t.get("class") == css_class]


def squeeze(text: str) -> str:
    """Wrapping only moves whitespace (and may cut a long word), so compare without it."""
    return re.sub(r"\s+", "", text)


def assert_shows(group: ET.Element, text: str) -> None:
    shown = squeeze("".join(lines(group)))
    if shown.endswith("…"):
        assert len(lines(group)) <= 6
        assert squeeze(text).startswith(shown[:-1])
    else:
        assert shown == squeeze(text)


def node_rects(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if "node" in (r.get("class") or "").split()]


def box(rect: ET.Element) -> tuple[float, float, float, float]:
    x, y = float(rect.get("x")), float(rect.get("y"))
    return x, y, x + float(rect.get("width")), y + float(rect.get("height"))


def test_valid_accessible_scalable_svg():
    root = parse(render())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert "sans-serif" in root.get("font-family")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Problem tree"
    assert desc.text == "Causes and consequences of the housing problem"
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root.get("viewBox"))


def test_every_text_is_shown():
    svg, causes, consequences = big_tree()
    groups = nodes(parse(svg))
    assert_shows(groups["problem"], "Right to adequate housing")
    for node in [*causes, *consequences]:
        assert_shows(groups[node.key], node.text)
        # The full text stays available as the box's tooltip.
        assert groups[node.key].find(f"{SVG}title").text == node.text


def test_long_text_is_cut_with_an_ellipsis_after_six_lines():
    groups = nodes(parse(render(causes=[TreeCause("cause-1", LONG * 3, "immediate")])))
    shown = lines(groups["cause-1"])
    assert len(shown) == 6
    assert shown[-1].endswith("…")
    assert_shows(groups["cause-1"], LONG * 3)


def test_user_text_is_escaped():
    evil = "<script>alert(1)</script> & \"quotes\" 'single' ✊🏽 حق السكن"
    svg = render(
        problem=evil,
        causes=[TreeCause('cause-"1"<x>', evil, "structural")],
        consequences=[TreeNode("consequence-1", evil)],
        labels={**LABELS, "immediate": "<b>Immediate</b> & co"},
        title=evil,
        description=evil,
    )
    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == evil
    assert root.find(f"{SVG}desc").text == evil
    groups = nodes(root)
    assert_shows(groups['cause-"1"<x>'], evil)
    assert_shows(groups["problem"], evil)


def test_characters_xml_forbids_are_dropped():
    root = parse(render(problem="Water\x0b and\x00 sanitation\x1f"))
    assert lines(nodes(root)["problem"]) == ["Water and sanitation"]


def test_thirty_causes_do_not_overlap_and_bands_are_ordered():
    svg, _, _ = big_tree()
    root = parse(svg)
    rects = node_rects(root)
    assert len(rects) == 30 + 15 + 1
    for first, second in combinations(rects, 2):
        a, b = box(first), box(second)
        apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        assert apart, (first.get("class"), a, second.get("class"), b)

    def span(kind: str) -> tuple[float, float]:
        boxes = [box(r) for r in rects if kind in r.get("class").split()]
        return min(b[1] for b in boxes), max(b[3] for b in boxes)

    order = ["consequence", "problem", "immediate", "underlying", "structural"]
    for upper, lower in pairwise(order):
        assert span(upper)[1] < span(lower)[0], (upper, lower)

    # Everything fits in the viewBox, which grew with the content.
    _, _, width, height = map(float, root.get("viewBox").split())
    assert all(box(r)[2] <= width and box(r)[3] <= height for r in root.iter(f"{SVG}rect"))
    assert height > float(parse(render()).get("viewBox").split()[3]) * 3


def test_band_labels_are_shown_even_for_an_empty_level():
    root = parse(render())
    labels = {t.text for t in root.iter(f"{SVG}text") if "band-label" in t.get("class")}
    assert labels == {LABELS[k] for k in LABELS if k != "no_causes"}


def test_a_cause_names_the_consequences_it_produces():
    consequences = [TreeNode(f"consequence-{n}", f"Effect {n}") for n in range(1, 4)]
    causes = [
        TreeCause("cause-1", "Two effects", "underlying", ("consequence-3", "consequence-1")),
        TreeCause("cause-2", "No effect", "immediate"),
        TreeCause("cause-3", "Stale link", "structural", ("consequence-99",)),
    ]
    groups = nodes(parse(render(causes=causes, consequences=consequences)))
    assert lines(groups["cause-1"], "node-produces") == ["→ C1, C3"]
    assert lines(groups["cause-2"], "node-produces") == []
    assert lines(groups["cause-3"], "node-produces") == []
    assert [lines(groups[f"consequence-{n}"], "node-ref") for n in (1, 2, 3)] == [
        ["C1"],
        ["C2"],
        ["C3"],
    ]

    labelled = render(
        causes=causes, consequences=consequences, labels={**LABELS, "produces": "Leads to"}
    )
    assert lines(nodes(parse(labelled))["cause-1"], "node-produces") == ["Leads to C1, C3"]


def test_no_causes_shows_the_label():
    root = parse(render(causes=[]))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert LABELS["no_causes"] in texts
    assert not [r for r in node_rects(root) if "cause" in r.get("class").split()]


def test_text_colours_meet_wcag_aa():
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def contrast(a: str, b: str) -> float:
        high, low = sorted([luminance(a), luminance(b)], reverse=True)
        return (high + 0.05) / (low + 0.05)

    root = parse(big_tree()[0])
    for group in nodes(root).values():
        fill = group.find(f"{SVG}rect").get("fill")
        for text in group.iter(f"{SVG}text"):
            assert contrast(text.get("fill"), fill) >= 4.5
    # Band headings sit on their band's light background.
    bands = {
        r.get("class").split()[1]: r.get("fill")
        for r in root.iter(f"{SVG}rect")
        if "band" in (r.get("class") or "").split()
    }
    headings = [t for t in root.iter(f"{SVG}text") if "band-label" in t.get("class").split()]
    assert len(headings) == len(bands) == 5
    for heading in headings:
        band = heading.get("class").split()[1].replace("band-label-", "band-")
        assert contrast(heading.get("fill"), bands[band]) >= 4.5


def test_output_is_deterministic_and_rejects_unknown_levels():
    assert big_tree()[0] == big_tree()[0]
    with pytest.raises(ValueError, match="root"):
        render(causes=[TreeCause("cause-1", "x", "root")])


# --- Causal chains ------------------------------------------------------------------------


def chain_lines(root: ET.Element) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """Each chain line drawn, by (from, to) key: its polyline's points."""
    drawn = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "chain-link":
            points = group.find(f"{SVG}polyline").get("points").split()
            drawn[(group.get("data-from"), group.get("data-to"))] = [
                tuple(map(float, point.split(","))) for point in points
            ]
    return drawn


def rect_of(root: ET.Element, key: str) -> tuple[float, float, float, float]:
    return box(nodes(root)[key].find(f"{SVG}rect"))


def chained_tree(per_level: int = 6) -> tuple[list[TreeCause], list[TreeNode]]:
    """Two rows per level; each cause leads to one or two causes of the level above."""
    consequences = [TreeNode(f"consequence-{n}", f"Effect {n}") for n in range(per_level)]

    def key(level: str, n: int) -> str:
        return f"cause-{level}-{n % per_level}"

    causes = [
        TreeCause(key("immediate", n), f"Immediate {n}", "immediate", (f"consequence-{n}",))
        for n in range(per_level)
    ]
    for level, above in (("underlying", "immediate"), ("structural", "underlying")):
        causes += [
            TreeCause(key(level, n), f"{level} {n}", level, (), (key(above, n), key(above, n + 3)))
            for n in range(per_level)
        ]
    return causes, consequences


def test_each_link_is_a_line_from_a_cause_to_the_box_above_it():
    causes = [
        TreeCause("cause-s", "Housing as an investment", "structural", (), ("cause-u",)),
        TreeCause("cause-u", "No public rental stock", "underlying", (), ("cause-i",)),
        TreeCause("cause-i", "Rent arrears", "immediate", ("consequence-1",)),
    ]
    root = parse(render(causes=causes))
    drawn = chain_lines(root)
    assert set(drawn) == {
        ("cause-s", "cause-u"),
        ("cause-u", "cause-i"),
        ("cause-i", "consequence-1"),
    }
    for (source, target), points in drawn.items():
        low, high = rect_of(root, source), rect_of(root, target)
        (x1, y1), (x2, y2) = points[0], points[-1]
        # It leaves the top edge of the cause and enters the bottom edge of the box above.
        assert y1 == pytest.approx(low[1], abs=0.05) and low[0] < x1 < low[2], source
        assert y2 == pytest.approx(high[3], abs=0.05) and high[0] < x2 < high[2], target
    # The line says it: no "→ C1" text on the immediate cause any more.
    assert lines(nodes(root)["cause-i"], "node-produces") == []


def test_links_of_the_wrong_level_or_to_unknown_boxes_draw_nothing():
    causes = [
        TreeCause("cause-s", "Skips a level", "structural", (), ("cause-i", "cause-99")),
        TreeCause("cause-i", "Rent arrears", "immediate", ("consequence-99",)),
    ]
    assert chain_lines(parse(render(causes=causes))) == {}


def test_chain_lines_run_between_boxes_never_through_one():
    causes, consequences = chained_tree()
    root = parse(render(causes=causes, consequences=consequences))
    drawn = chain_lines(root)
    assert len(drawn) == 6 + 12 + 12
    rects = [box(r) for r in node_rects(root)]
    for key, points in drawn.items():
        for (x1, y1), (x2, y2) in pairwise(points):
            assert x1 == x2 or y1 == y2, key  # straight runs only
            for left, top, right, bottom in rects:
                # The segment may touch a box's edge (where it leaves or enters) but never
                # pass through its inside.
                inside_x = min(x1, x2) < right and max(x1, x2) > left
                inside_y = min(y1, y2) < bottom and max(y1, y2) > top
                assert not (inside_x and inside_y), (key, (x1, y1, x2, y2))


def test_too_many_links_are_written_as_refs_instead_of_lines():
    causes, consequences = chained_tree(per_level=15)
    root = parse(render(causes=causes, consequences=consequences))
    assert chain_lines(root) == {}
    groups = nodes(root)
    assert lines(groups["cause-underlying-0"], "node-ref") == ["U1"]
    assert lines(groups["cause-structural-1"], "node-produces") == ["→ U2, U5"]
    assert lines(groups["cause-immediate-2"], "node-produces") == ["→ C3"]
    labelled = render(
        causes=causes, consequences=consequences, labels={**LABELS, "ref_underlying": "Sb"}
    )
    assert lines(nodes(parse(labelled))["cause-structural-1"], "node-produces") == ["→ Sb2, Sb5"]
