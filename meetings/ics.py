"""iCalendar (RFC 5545) files, written with the ``icalendar`` library: one meeting's
invitation (attached to its emails and downloaded from its page) and a person's feed.

Times are written in the cluster's time zone with its VTIMEZONE, so that a calendar shows
10:00 in Barcelona on both sides of the change of summer time; dates without a time
(a closing day, an action's end) are all-day events.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from meetings.models import Meeting

PRODID = "-//Clusters platform//Meetings and calendar//EN"


@dataclass(frozen=True)
class CalendarEvent:
    """One thing on a calendar: a meeting, or a dated step of the cluster's work."""

    uid: str
    title: str
    # A datetime (aware) for a meeting; a date for an all-day step.
    starts: datetime | date
    ends: datetime | date | None
    url: str
    kind: str
    cluster_name: str
    time_zone: str = settings.TIME_ZONE
    description: str = ""
    location: str = ""
    sequence: int = 0
    cancelled: bool = False

    @property
    def is_all_day(self) -> bool:
        return not isinstance(self.starts, datetime)


def meeting_event(meeting: Meeting, url: str) -> CalendarEvent:
    place = ", ".join(part for part in (meeting.place, meeting.video_url) if part)
    return CalendarEvent(
        uid=meeting.uid,
        title=meeting.title,
        starts=meeting.starts_at,
        ends=meeting.ends_at,
        url=url,
        kind="meeting",
        cluster_name=meeting.cluster.name,
        time_zone=meeting.cluster.zone,
        description=meeting.description,
        location=place,
        sequence=meeting.sequence,
        cancelled=meeting.is_cancelled,
    )


def _vevent(event: CalendarEvent, stamp: datetime) -> Event:
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("summary", event.title)
    if event.is_all_day:
        vevent.add("dtstart", event.starts)
        vevent.add("dtend", (event.ends or event.starts) + timedelta(days=1))
    else:
        zone = zoneinfo.ZoneInfo(event.time_zone)
        vevent.add("dtstart", event.starts.astimezone(zone))
        vevent.add("dtend", (event.ends or event.starts).astimezone(zone))
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("url", event.url)
    description = "\n\n".join(
        part for part in (event.cluster_name, event.description, event.url) if part
    )
    vevent.add("description", description)
    if event.location:
        vevent.add("location", event.location)
    vevent.add("categories", [event.kind])
    return vevent


def calendar_bytes(events: Iterable[CalendarEvent], *, name: str = "", method: str = "") -> bytes:
    """An iCalendar file of the events, with the VTIMEZONE of every zone they use.

    ``method`` is PUBLISH for an emailed invitation (RFC 5546), empty for a feed or a
    download. Not REQUEST or CANCEL: those ask for an ORGANIZER and ATTENDEEs who answer
    through their calendar, and the entities answer on the meeting's page instead; a
    cancellation is the same event with STATUS:CANCELLED and a higher SEQUENCE."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for event in events:
        calendar.add_component(_vevent(event, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def meeting_ics(meeting: Meeting, url: str, method: str = "") -> bytes:
    """A meeting's own file, as it stands (cancelled ones say so): PUBLISH when emailed."""
    return calendar_bytes([meeting_event(meeting, url)], method=method)


def ics_filename(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}.ics"
