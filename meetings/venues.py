"""The meetings the decisions were taken in, for planning's decision records."""

from __future__ import annotations

from collections.abc import Sequence

from meetings.models import MeetingDecision
from planning.models import Decision
from planning.venues import Venue


def meeting_of_decisions(decisions: Sequence[Decision]) -> dict[int, Venue]:
    links = MeetingDecision.objects.filter(decision__in=list(decisions)).select_related(
        "meeting__cluster"
    )
    return {
        link.decision_id: Venue(
            title=link.meeting.title,
            url=link.meeting.get_absolute_url(),
            starts_at=link.meeting.starts_at,
        )
        for link in links
    }
