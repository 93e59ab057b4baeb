"""The calendar pages (a cluster's, and a person's across their clusters) and the
person's private iCalendar feed, which calendar applications subscribe to."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_POST

from accounts import services as account_services
from accounts.models import User
from clusters.access import cluster_for_reader
from meetings import calendar
from meetings.ics import calendar_bytes


@login_required
def cluster_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    now = timezone.now()
    days = calendar.by_day(calendar.coming([cluster], now), timezone.localdate(now))
    return render(
        request,
        "meetings/calendar_cluster.html",
        {"cluster": cluster, "access": access, "days": days, "ahead": calendar.PAGE_AHEAD.days},
    )


@login_required
def my_calendar(request: HttpRequest) -> HttpResponse:
    clusters = calendar.readable_clusters(request.user)
    now = timezone.now()
    days = calendar.by_day(calendar.coming(clusters, now), timezone.localdate(now))
    return render(
        request,
        "meetings/calendar_mine.html",
        {
            "days": days,
            "clusters": clusters,
            "ahead": calendar.PAGE_AHEAD.days,
            "has_feed": bool(request.user.calendar_token),
        },
    )


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """No login: calendar applications hold only the address. A revoked or renewed
    secret answers 404, as an unknown one does."""
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if not token or user is None:
        raise Http404
    with override(user.language or settings.LANGUAGE_CODE):
        events = calendar.feed_events(user)
        name = _("Clusters: %(name)s") % {"name": user.display_name}
    response = HttpResponse(calendar_bytes(events, name=name), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    # A private address: no shared cache keeps a copy of it.
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
@require_POST
def feed_renew(request: HttpRequest) -> HttpResponse:
    had_feed = bool(request.user.calendar_token)
    account_services.calendar_feed_renew(user=request.user)
    if had_feed:
        messages.success(
            request,
            _("Your calendar has a new address: the old one no longer works. Subscribe again."),
        )
    else:
        messages.success(request, _("Your calendar feed is ready: subscribe to its address."))
    return redirect("preferences")


@login_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    account_services.calendar_feed_revoke(user=request.user)
    messages.success(request, _("Your calendar feed is turned off: its address no longer works."))
    return redirect("preferences")
