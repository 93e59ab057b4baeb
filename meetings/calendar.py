"""What is coming in a person's clusters, as calendar events: the one place that gathers
them, for a cluster's calendar page, a person's page and their private feed.

The sources: meetings (not cancelled), open proposals' closing times, reporting periods
(the period itself and its reports' due date), decisions' review dates, joint actions'
ends, and survey rounds' closing times. Everything is read with one query per source
whatever the number of clusters; a person sees only the clusters whose working data they
read (clusters.access: everyone inside but institutions).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import User
from clusters.models import Cluster
from health.models import SurveyRound
from indicators.models import ReportingPeriod
from indicators.periods import MONTHS_PER_PERIOD, period_bounds, periods_between
from meetings.ics import CalendarEvent
from meetings.models import Meeting
from planning.models import Decision, JointAction, Proposal

# How far the feed reaches: what was recently, and what is coming. The pages show less.
FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=365)
PAGE_AHEAD = timedelta(days=90)


def readable_clusters(user: User) -> list[Cluster]:
    """The clusters whose calendar the person reads: coordinated, or where one of their
    entities is a lead, member or observer (an institution reads only published reports)."""
    return list(Cluster.objects.readable_by(user).order_by("name", "pk"))


def _uid(*parts: object) -> str:
    return "-".join(str(part) for part in parts) + f"@{settings.CALENDAR_UID_DOMAIN}"


def _event(cluster: Cluster, **fields: object) -> CalendarEvent:
    return CalendarEvent(cluster_name=cluster.name, time_zone=cluster.zone, **fields)


def _meetings(clusters: dict[int, Cluster], since: datetime, until: datetime) -> list:
    meetings = Meeting.objects.not_cancelled().filter(
        cluster__in=list(clusters), ends_at__gt=since, starts_at__lt=until
    )
    events = []
    for meeting in meetings:
        cluster = clusters[meeting.cluster_id]
        meeting.cluster = cluster
        place = ", ".join(part for part in (meeting.place, meeting.video_url) if part)
        events.append(
            _event(
                cluster,
                uid=meeting.uid,
                title=meeting.title,
                starts=meeting.starts_at,
                ends=meeting.ends_at,
                url=meeting.get_absolute_url(),
                kind="meeting",
                description=meeting.description,
                location=place,
                sequence=meeting.sequence,
            )
        )
    return events


def _proposals(clusters: dict[int, Cluster], since: datetime, until: datetime) -> list:
    proposals = Proposal.objects.open().filter(
        cluster__in=list(clusters), closes_at__gt=since, closes_at__lt=until
    )
    return [
        _event(
            clusters[p.cluster_id],
            uid=_uid("proposal", p.pk, "round", p.round, "closes"),
            title=_("Positions close: %(title)s") % {"title": p.title},
            starts=p.closes_at,
            ends=p.closes_at,
            url=reverse("planning:proposal-detail", args=[clusters[p.cluster_id].slug, p.pk]),
            kind="proposal",
        )
        for p in proposals
    ]


def cluster_periods_between(
    clusters: dict[int, Cluster], first: date, last: date
) -> dict[int, list[ReportingPeriod]]:
    """Per cluster, its reporting periods from the one containing ``first`` to the one
    containing ``last``: the saved ones (one query for all clusters), and, not saved (their
    pk is None), those no write and no daily task has made yet. None before the period the
    cluster was created in; locked periods are left out (nothing is reported in them)."""
    saved: dict[tuple[int, date], ReportingPeriod] = {
        (period.cluster_id, period.start): period
        for period in ReportingPeriod.objects.filter(
            cluster__in=list(clusters), end__gte=first, start__lte=last
        )
    }
    result: dict[int, list[ReportingPeriod]] = {}
    for cluster in clusters.values():
        months = MONTHS_PER_PERIOD[cluster.reporting_period]
        created = timezone.localdate(cluster.created_at) if cluster.created_at else first
        begin = max(first, period_bounds(created, months)[0])
        periods = []
        for start, end, due in periods_between(begin, last, months) if begin <= last else []:
            period = saved.get((cluster.pk, start)) or ReportingPeriod(
                cluster=cluster, start=start, end=end, due=due
            )
            period.cluster = cluster
            if not period.is_locked:
                periods.append(period)
        result[cluster.pk] = periods
    return result


def _periods(clusters: dict[int, Cluster], since: date, until: date) -> list:
    # A period whose reports are due within the window may have ended long before it.
    by_cluster = cluster_periods_between(clusters, since - timedelta(days=400), until)
    events = []
    for cluster_id, periods in by_cluster.items():
        cluster = clusters[cluster_id]
        url = reverse("indicators:period-list", args=[cluster.slug])
        for period in periods:
            if period.end >= since and period.start <= until:
                events.append(
                    _event(
                        cluster,
                        uid=_uid("period", cluster.pk, period.start.isoformat()),
                        title=_("Reporting period %(period)s") % {"period": period.label},
                        starts=period.start,
                        ends=period.end,
                        url=url,
                        kind="reporting-period",
                    )
                )
            if since <= period.due <= until:
                events.append(
                    _event(
                        cluster,
                        uid=_uid("period", cluster.pk, period.start.isoformat(), "due"),
                        title=_("Reports due: %(period)s") % {"period": period.label},
                        starts=period.due,
                        ends=None,
                        url=url,
                        kind="reports-due",
                    )
                )
    return events


def _decisions(clusters: dict[int, Cluster], since: date, until: date) -> list:
    decisions = Decision.objects.filter(
        proposal__cluster__in=list(clusters), review_date__gte=since, review_date__lte=until
    ).select_related("proposal")
    events = []
    for decision in decisions:
        cluster = clusters[decision.proposal.cluster_id]
        title = decision.proposal.title
        events.append(
            _event(
                cluster,
                uid=_uid("decision", decision.pk, "review"),
                title=_("Review of the decision: %(title)s") % {"title": title},
                starts=decision.review_date,
                ends=None,
                url=reverse("planning:proposal-detail", args=[cluster.slug, decision.proposal_id]),
                kind="decision-review",
            )
        )
    return events


def _actions(clusters: dict[int, Cluster], since: date, until: date) -> list:
    actions = JointAction.objects.running().filter(
        cluster__in=list(clusters), end__gte=since, end__lte=until
    )
    return [
        _event(
            clusters[a.cluster_id],
            uid=_uid("action", a.pk, "end"),
            title=_("Joint action ends: %(title)s") % {"title": a.title},
            starts=a.end,
            ends=None,
            url=reverse("planning:action-detail", args=[clusters[a.cluster_id].slug, a.pk]),
            kind="action-end",
        )
        for a in actions
    ]


def _rounds(clusters: dict[int, Cluster], since: datetime, until: datetime) -> list:
    rounds = SurveyRound.objects.filter(
        cluster__in=list(clusters),
        status__in=[SurveyRound.Status.OPEN, SurveyRound.Status.DRAFT],
        closes_at__gt=since,
        closes_at__lt=until,
    ).select_related("period")
    return [
        _event(
            clusters[r.cluster_id],
            uid=_uid("survey-round", r.pk, "closes"),
            title=_("Survey round %(label)s closes") % {"label": r.label},
            starts=r.closes_at,
            ends=r.closes_at,
            url=reverse("health:round-detail", args=[clusters[r.cluster_id].slug, r.pk]),
            kind="survey-round",
        )
        for r in rounds
    ]


def _sort_key(event: CalendarEvent) -> tuple[datetime, str]:
    starts = event.starts
    if not isinstance(starts, datetime):
        starts = datetime.combine(starts, time.min, tzinfo=ZoneInfo(event.time_zone))
    return starts, event.title


def events_for(
    clusters: Sequence[Cluster], *, since: datetime, until: datetime
) -> list[CalendarEvent]:
    """Every event of these clusters between ``since`` and ``until``, in time order: six
    queries (one per source, one of them the saved reporting periods), whatever the number
    of clusters. URLs are paths; ``absolute`` makes them full addresses."""
    by_pk = {cluster.pk: cluster for cluster in clusters}
    if not by_pk:
        return []
    first, last = timezone.localdate(since), timezone.localdate(until)
    events = [
        *_meetings(by_pk, since, until),
        *_proposals(by_pk, since, until),
        *_periods(by_pk, first, last),
        *_decisions(by_pk, first, last),
        *_actions(by_pk, first, last),
        *_rounds(by_pk, since, until),
    ]
    return sorted(events, key=_sort_key)


def absolute(events: Iterable[CalendarEvent]) -> list[CalendarEvent]:
    """The events with full addresses, for calendar applications."""
    return [replace(event, url=settings.SITE_URL + event.url) for event in events]


def feed_events(user: User, now: datetime | None = None) -> list[CalendarEvent]:
    """The person's private feed: their clusters, a month back and a year ahead."""
    now = now or timezone.now()
    events = events_for(readable_clusters(user), since=now - FEED_PAST, until=now + FEED_AHEAD)
    return absolute(events)


def local_day(event: CalendarEvent) -> date:
    """The day an event starts on, in its cluster's time zone."""
    if isinstance(event.starts, datetime):
        return event.starts.astimezone(ZoneInfo(event.time_zone)).date()
    return event.starts


def last_day(event: CalendarEvent) -> date:
    ends = event.ends or event.starts
    if isinstance(ends, datetime):
        return ends.astimezone(ZoneInfo(event.time_zone)).date()
    return ends


def coming(clusters: Sequence[Cluster], now: datetime | None = None) -> list[CalendarEvent]:
    """What a calendar page shows: from now to PAGE_AHEAD, what is under way included."""
    now = now or timezone.now()
    events = events_for(clusters, since=now, until=now + PAGE_AHEAD)
    today = timezone.localdate(now)
    return [event for event in events if last_day(event) >= today]


def kind_labels() -> dict[str, str]:
    """How the pages name each kind of event (in the language of the request)."""
    return {
        "meeting": _("Meeting"),
        "proposal": _("Proposal"),
        "reporting-period": pgettext("calendar event", "Reporting period"),
        "reports-due": _("Reports due"),
        "decision-review": _("Decision review"),
        "action-end": _("Joint action"),
        "survey-round": _("Survey round"),
    }


@dataclass(frozen=True)
class Item:
    """An event as a calendar page lists it."""

    event: CalendarEvent
    kind: str
    # The last day of an event of several days (a reporting period), else None.
    until: date | None


def by_day(events: Iterable[CalendarEvent], today: date) -> list[tuple[date, list[Item]]]:
    """The events grouped by the day they start on in their cluster's zone; what started
    before today (a reporting period under way) is shown under today."""
    labels = kind_labels()
    dated = sorted(
        ((max(local_day(event), today), _sort_key(event), event) for event in events),
        key=lambda row: (row[0], row[1]),
    )
    days = []
    for day, rows in groupby(dated, key=lambda row: row[0]):
        items = []
        for _day, _key, event in rows:
            end = last_day(event)
            until = end if event.is_all_day and end != local_day(event) else None
            items.append(Item(event, labels.get(event.kind, ""), until))
        days.append((day, items))
    return days
