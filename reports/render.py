"""HTML to PDF with WeasyPrint, in the language the report was asked in."""

from __future__ import annotations

from collections.abc import Callable

import pydyf
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher

from reports import content
from reports.models import ReportJob

# Tagged for screen readers: headings, tables, lists and figures with their alternate text,
# the language and the title (WeasyPrint's PDF/UA-1; tests/reports/test_tagged_pdf.py).
PDF_VARIANT = "pdf/ua-1"


def context_for(job: ReportJob) -> dict:
    cluster = job.cluster
    if job.kind == ReportJob.Kind.CONSENSUS:
        sections = content.consensus_report(cluster, job.date_from, job.date_to)
    elif job.kind == ReportJob.Kind.PROGRESS:
        sections = content.progress_report(cluster, job.period)
    else:
        sections = content.dossier(cluster)
    return {"job": job, "cluster": cluster, "made_on": timezone.localdate(), **sections}


def render_html(job: ReportJob) -> str:
    with translation.override(job.language):
        return render_to_string(f"reports/pdf/{job.kind}.html", context_for(job))


class DataOnly(URLFetcher):
    """Fetches nothing but ``data:`` URIs. Styles and charts are inline, so a report needs
    no other; and should user text ever reach the HTML unescaped, the renderer still would
    not read a file of the server or call an address of its network."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def document_of(html: str) -> Document:
    """The laid-out document of a report's HTML."""
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=DataOnly()).render()


def header_scopes(_document: Document, pdf: pydyf.PDF) -> None:
    """Gives every header cell of the structure tree its /Scope: Column in a table's
    head, Row in its body (``<th scope="row">``). WeasyPrint links each data cell to its
    headers (/Headers) but writes no scope, so checkers cannot tell which way a header
    reads without it."""
    objects = pdf.objects

    def parent(element: pydyf.Dictionary) -> pydyf.Dictionary | None:
        reference = element.get("P")
        if not reference:
            return None
        return objects[int(bytes(reference).split()[0])]

    for element in objects:
        if not isinstance(element, pydyf.Dictionary) or element.get("S") != "/TH":
            continue
        row = parent(element)
        group = parent(row) if row is not None else None
        in_head = group is not None and group.get("S") == "/THead"
        element.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
        element["A"]["Scope"] = "/Column" if in_head else "/Row"


def render_pdf(job: ReportJob, progress: Callable[[int], None] = lambda _p: None):
    """(the PDF's bytes, its number of pages). ``progress`` hears the stages' percentages."""
    html = render_html(job)
    progress(30)
    document = document_of(html)
    progress(85)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT, finisher=header_scopes)
    progress(95)
    return pdf, len(document.pages)
