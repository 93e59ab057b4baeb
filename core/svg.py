"""Building blocks of the server-side SVG drawings (the indicator charts and the problem
tree): measuring and wrapping text, escaping, and builders of SVG elements.

The drawings are one inline ``<svg>`` string that serves both the web page and the PDF
(WeasyPrint renders inline SVG), so only SVG 1.1 basics are built here: presentation
attributes, no CSS, no markers, no foreignObject, every size in user units. Nothing here can
measure a rendered font, so text widths are estimated per character (``char_em``) on the
safe side: a label that fits the estimate fits the real text.

Pure: the standard library only (no Django, no app of the project), and deterministic (same
input, same string).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from xml.sax.saxutils import escape

__all__ = [
    "FONT_FAMILY",
    "TEXT",
    "WHITE",
    "attr",
    "attrs",
    "char_em",
    "document",
    "ellipsize",
    "fit",
    "format_number",
    "line",
    "num",
    "one_line",
    "rect",
    "text",
    "text_width",
    "tooltip",
    "wrap",
    "xml_text",
]

# DejaVu Sans comes first because it is the font WeasyPrint has in the PDF image and the
# widest of the three, so the width estimates below are made for it.
FONT_FAMILY = "'DejaVu Sans', Arial, sans-serif"
TEXT = "#1d2330"  # default text colour, 15.7:1 on white
WHITE = "#ffffff"
BOLD_WIDTH = 1.1  # DejaVu Sans Bold is about 10 % wider than Book

# --- Text -----------------------------------------------------------------------------------

# Characters XML 1.0 forbids; pasted user text sometimes carries them (e.g. \x0b) and one is
# enough to make the whole SVG unparsable.
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NARROW = set(" .,;:!|'`()[]{}ijlrtfI")
# The widest of the remaining characters in DejaVu Sans are the digits (0.636 em) and
# b, d, g, h, n, p, q, u (0.634-0.635 em): 0.64 never estimates one of them too narrow, so
# numbers, which the charts print most, never overflow their place.
_REGULAR_EM = 0.64


def char_em(char: str) -> float:
    """Estimated advance of one character, in em, for DejaVu Sans (the widest of the fonts
    we name), so an estimate that fits DejaVu also fits Arial."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0  # accents, variation selectors, zero-width joiners
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0  # CJK, most emoji
    if char in _NARROW:
        return 0.36
    if char in "mwMW@%":
        return 1.0
    if char.isupper():
        return 0.74
    return _REGULAR_EM


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Estimated width of ``text`` in user units at font size ``size``."""
    return sum(char_em(char) for char in text) * size * (BOLD_WIDTH if bold else 1.0)


def xml_text(text: str) -> str:
    """``text`` without the characters XML forbids, its line breaks as "\\n"."""
    return _INVALID_XML.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str) -> str:
    """``xml_text`` with line breaks, tabs and runs of spaces folded into one space, for
    labels that have a single line."""
    return " ".join(xml_text(text).split())


def ellipsize(text: str, max_width: float, size: float, *, bold: bool = False) -> str:
    """``text`` shortened until it fits ``max_width`` with the "…" it always ends with."""
    while text and text_width(text + "…", size, bold=bold) > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def fit(text: str, max_width: float, size: float, *, bold: bool = False) -> str:
    """``text`` on one line, cut with "…" when it is wider than ``max_width``."""
    text = one_line(text)
    if text_width(text, size, bold=bold) <= max_width:
        return text
    return ellipsize(text, max_width, size, bold=bold)


def _split_long_word(word: str, max_width: float, size: float, bold: bool) -> list[str]:
    """Cuts a word wider than a line (URLs, CJK without spaces) into line-sized pieces."""
    pieces: list[str] = []
    current = ""
    for char in word:
        # Zero-width characters stay with the previous one so a cut never separates an
        # accent or a joiner from its base character.
        if (
            current
            and char_em(char) > 0
            and text_width(current + char, size, bold=bold) > max_width
        ):
            pieces.append(current)
            current = ""
        current += char
    if current:
        pieces.append(current)
    return pieces


def _wrap_paragraph(
    paragraph: str, max_width: float, size: float, bold: bool, split_long_words: bool
) -> list[str]:
    """Greedy: each word goes on the current line while it fits, else starts the next."""
    lines: list[str] = []
    current = ""
    for word in paragraph.split():
        pieces = _split_long_word(word, max_width, size, bold) if split_long_words else [word]
        for piece in pieces:
            candidate = f"{current} {piece}" if current else piece
            # A piece wider than a whole line still takes one (``fit`` cuts it later).
            if not current or text_width(candidate, size, bold=bold) <= max_width:
                current = candidate
            else:
                lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines


def wrap(
    text: str,
    max_width: float,
    size: float,
    *,
    bold: bool = False,
    max_lines: int | None = None,
    split_long_words: bool = False,
) -> list[str]:
    """``text`` wrapped into lines at most ``max_width`` wide, keeping its own line breaks
    (pass it through ``one_line`` to drop them).

    A word wider than a line is split into line-sized pieces with ``split_long_words`` (for
    text that is shown in full), otherwise cut with "…" (for labels whose full text is in a
    tooltip). With more than ``max_lines`` lines the last kept one ends with "…".
    """
    lines: list[str] = []
    for paragraph in xml_text(text).split("\n"):
        lines += _wrap_paragraph(paragraph, max_width, size, bold, split_long_words)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = ellipsize(lines[-1], max_width, size, bold=bold)
    return [fit(line, max_width, size, bold=bold) for line in lines]


# --- Numbers --------------------------------------------------------------------------------


def format_number(
    value: float, *, decimals: int = 2, decimal_mark: str = ".", group_mark: str = ""
) -> str:
    """``value`` with at most ``decimals`` decimals and no trailing zeros: 2.50 → "2.5",
    3.0 → "3", -0.001 → "0"; thousands grouped with ``group_mark`` when given ("1.500",
    as core.words.number writes figures on the pages)."""
    shown = f"{value:.{decimals}f}"
    if "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    if shown in ("-0", ""):
        shown = "0"
    whole, _point, fraction = shown.partition(".")
    if group_mark:
        sign = "-" if whole.startswith("-") else ""
        digits = whole.lstrip("-")
        groups = [digits[max(i - 3, 0) : i] for i in range(len(digits), 0, -3)][::-1]
        whole = sign + group_mark.join(groups)
    return f"{whole}{decimal_mark}{fraction}" if fraction else whole


def num(value: float) -> str:
    """Coordinates and sizes: short and stable (no float noise in the output)."""
    return format_number(value)


# --- Elements -------------------------------------------------------------------------------


def attr(value: str) -> str:
    """``value`` escaped for a double-quoted attribute."""
    return escape(value, {'"': "&quot;"})


def attrs(**attributes: str | float | None) -> str:
    """``x=1, stroke_width=2, class_="a"`` → ``x="1" stroke-width="2" class="a"``; None is
    left out."""
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        shown = num(value) if isinstance(value, int | float) else attr(value)
        parts.append(f'{name.rstrip("_").replace("_", "-")}="{shown}"')
    return " ".join(parts)


def tooltip(content: str) -> str:
    """A ``<title>`` child: browsers show it on hover and screen readers read it."""
    return f"<title>{escape(xml_text(content))}</title>"


def rect(**attributes: str | float | None) -> str:
    return f"<rect {attrs(**attributes)}/>"


def line(
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    *,
    stroke: str,
    width: float = 1,
    **extra: str | float | None,
) -> str:
    return (
        f"<line {attrs(x1=x1, y1=y1, x2=x2, y2=y2, stroke=stroke, stroke_width=width, **extra)}/>"
    )


def text(
    x: float,
    y: float,
    content: str,
    *,
    size: float,
    fill: str = TEXT,
    anchor: str = "start",
    bold: bool = False,
    css_class: str | None = None,
    transform: str | None = None,
    title: str | None = None,
    halo: bool = False,
) -> str:
    """One line of text, with ``title`` as its tooltip. With ``halo`` a white outlined copy
    is drawn under it (SVG 1.1 has no paint-order), so lines never cut through it."""
    options = {
        "x": x,
        "y": y,
        "font_size": size,
        "text_anchor": anchor,
        "font_weight": "bold" if bold else None,
        "transform": transform,
    }
    shown = escape(one_line(content))
    under = ""
    if halo:
        outline = attrs(
            class_="halo",
            **options,
            fill=WHITE,
            stroke=WHITE,
            stroke_width=3,
            stroke_linejoin="round",
        )
        under = f"<text {outline}>{shown}</text>"
    hover = tooltip(one_line(title)) if title else ""
    return f"{under}<text {attrs(class_=css_class, **options, fill=fill)}>{hover}{shown}</text>"


def document(
    parts: Iterable[str],
    *,
    css_class: str,
    width: float,
    height: float,
    font_size: float,
    id_prefix: str,
    title: str,
    description: str,
) -> str:
    """The root ``<svg>`` around ``parts``: ``role="img"`` named by its ``<title>`` and
    ``<desc>`` (ids from ``id_prefix``, so a page can hold several drawings), and a
    ``viewBox`` with ``width="100%"`` and no height, so it scales to its column and keeps
    its proportions."""
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    root = attrs(
        xmlns="http://www.w3.org/2000/svg",
        class_=css_class,
        viewBox=f"0 0 {num(width)} {num(height)}",
        width="100%",
        role="img",
        aria_labelledby=f"{title_id} {desc_id}",
        font_family=FONT_FAMILY,
        font_size=font_size,
        fill=TEXT,
    )
    return "".join(
        [
            f"<svg {root}>",
            f'<title id="{attr(title_id)}">{escape(xml_text(title))}</title>',
            f'<desc id="{attr(desc_id)}">{escape(xml_text(description))}</desc>',
            *parts,
            "</svg>",
        ]
    )
