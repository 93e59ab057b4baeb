"""HTML to PDF with WeasyPrint, in the language the report was asked in."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher

from reports import content
from reports.models import ReportJob


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


def render_pdf(job: ReportJob, progress: Callable[[int], None] = lambda _p: None):
    """(the PDF's bytes, its number of pages). ``progress`` hears the stages' percentages."""
    html = render_html(job)
    progress(30)
    document = document_of(html)
    progress(85)
    pdf = document.write_pdf()
    progress(95)
    return pdf, len(document.pages)
