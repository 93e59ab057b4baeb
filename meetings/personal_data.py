"""What the meetings app holds about a person (accounts.personal_data): the attendance
answers given for them and whether they attended, the agenda items they proposed or added,
and the objections to minutes they wrote. These are the cluster's record and stay when the
account goes, by the emptied account; the person's own export lists them."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.personal_data import Part, rows
from meetings.models import AgendaItem, Attendance, MinutesObjection


def export(user: User) -> dict[str, Any]:
    return {
        "meeting_attendance": rows(
            Attendance.objects.filter(person=user).order_by("meeting__starts_at", "pk"),
            cluster="meeting__cluster__name",
            meeting="meeting__title",
            starts_at="meeting__starts_at",
            entity="membership__actor__name",
            answer="answer",
            attended="attended",
        ),
        "agenda_items_proposed": rows(
            AgendaItem.objects.filter(created_by=user).order_by("created_at", "pk"),
            cluster="meeting__cluster__name",
            meeting="meeting__title",
            entity="proposed_by__actor__name",
            title="title",
            description="description",
            status="status",
            at="created_at",
        ),
        "minutes_objections": rows(
            MinutesObjection.objects.filter(by=user).order_by("created_at", "pk"),
            cluster="meeting__cluster__name",
            meeting="meeting__title",
            entity="membership__actor__name",
            reason="reason",
            at="created_at",
        ),
    }


PART = Part("meetings", export=export)
