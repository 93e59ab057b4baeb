"""The calendar pages and the personal feed (filled in by the calendar work)."""

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


cluster_calendar = my_calendar = feed_renew = feed_revoke = feed = _todo
