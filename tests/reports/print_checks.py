"""Reads a rendered report page by page (``pdftotext -f N -l N -layout``) for the three
faults of print that reads badly: a heading alone at the bottom of a page, a chart on a page
without its heading, a page whose only content is one table row.

What the headings, charts and rows are comes from the report's HTML; where each chart
landed, from the tagged PDF's structure tree (each Figure's page, in reading order)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import pikepdf

SVG = "{http://www.w3.org/2000/svg}svg"
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def words(text: str) -> str:
    return " ".join(text.split())


def cells(element: lxml.html.HtmlElement) -> str:
    """The words of a row or a table head, cell by cell."""
    return " ".join(words(cell.text_content()) for cell in element.iter("td", "th"))


@dataclass
class Layout:
    """What the HTML holds, in document order."""

    headings: list[str] = field(default_factory=list)
    # The heading above each chart (an outermost <svg>), in document order.
    chart_headings: list[str] = field(default_factory=list)
    # Each body row's words, with its table head's words.
    rows: list[tuple[str, str]] = field(default_factory=list)


def layout_of(html: str) -> Layout:
    tree = lxml.html.fromstring(html)
    found = Layout()
    last = ""
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in HEADINGS:
            last = words(element.text_content())
            found.headings.append(last)
        elif tag in (SVG, "svg") and not any(
            a.tag in (SVG, "svg") for a in element.iterancestors()
        ):
            found.chart_headings.append(last)
        elif tag == "tr" and element.getparent().tag == "tbody":
            table = element.getparent().getparent()
            head = table.find("thead")
            found.rows.append((cells(element), cells(head) if head is not None else ""))
    return found


def page_texts(pdf: Path) -> list[str]:
    count = len(pikepdf.open(pdf).pages)
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        for n in range(1, count + 1)
    ]


def figure_pages(pdf: Path) -> list[int]:
    """The page (from 1) of each Figure of the structure tree, in reading order."""
    document = pikepdf.open(pdf)
    numbers = {page.objgen: n for n, page in enumerate(document.pages, start=1)}
    pages = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if node.S == "/Figure":
                pages.append(numbers[node.Pg.objgen])
            if "/K" in node:
                walk(node.K)

    walk(document.Root.StructTreeRoot.K)
    return pages


def content_lines(text: str, first_page: bool) -> list[str]:
    """A page's lines without its running head and foot (cluster and date on top, kind and
    page number below; the cover has neither)."""
    lines = [words(line) for line in text.splitlines() if line.strip()]
    return lines if first_page else lines[1:-1]


def is_heading_line(line: str, headings: list[str]) -> bool:
    """A line that is a heading, or the first line of one that wraps."""
    return any(line == h or (len(line) >= 12 and h.startswith(line)) for h in headings)


def problems(pages: list[str], layout: Layout, figures: list[int]) -> list[str]:
    found = []
    # A chart draws no text of its own that pdftotext must read: a heading whose chart is
    # below it on the same page is not alone, even as the page's last line of text.
    charted = {
        (page, heading) for page, heading in zip(figures, layout.chart_headings, strict=False)
    }
    for number, text in enumerate(pages, start=1):
        lines = content_lines(text, number == 1)
        headed = [h for page, h in charted if page == number]
        if (
            lines
            and is_heading_line(lines[-1], layout.headings)
            and not is_heading_line(lines[-1], headed)
        ):
            found.append(f"page {number}: the heading “{lines[-1]}” ends the page")
        page_words = " ".join(lines).split()
        if page_words:
            for row, head in layout.rows:
                allowed = (row + " " + head).split()
                if (
                    row
                    and all(w in allowed for w in page_words)
                    and set(row.split()) <= set(page_words)
                ):
                    found.append(f"page {number}: holds nothing but the table row “{row}”")
                    break
    for page, heading in zip(figures, layout.chart_headings, strict=False):
        lines = content_lines(pages[page - 1], page == 1)
        if heading and not any(is_heading_line(line, [heading]) for line in lines):
            found.append(f"page {page}: a chart without its heading “{heading}”")
    return found


def check(pdf: Path, html: str) -> list[str]:
    return problems(page_texts(pdf), layout_of(html), figure_pages(pdf))
