"""One way to paginate a list page, shared by every app."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def paginate(
    request: HttpRequest, items: QuerySet | Sequence, per_page: int | None = None
) -> tuple[Page, str]:
    """The requested page (a bad page number gives the nearest valid page), and the query
    string without ``page`` for the pagination links to keep the filters."""
    page = Paginator(items, per_page or settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
