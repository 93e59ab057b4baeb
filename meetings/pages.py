"""What the meetings' pages read, each in a fixed number of queries whatever the number of
meetings, items, entities and people."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from actors.models import ActorUser
from clusters.access import ClusterAccess
from clusters.models import Cluster, Membership
from meetings.forms import (
    AttendanceForm,
    CancelForm,
    ItemAnswerForm,
    ItemForm,
    ObjectionForm,
)
from meetings.models import AgendaItem, Attendance, FollowUpTask, Meeting
from meetings.services import people_of

# Where each kind of linked object is read: URL name, and whether it is a page of its own.
LINK_PAGES = {
    "proposal": "planning:proposal-detail",
    "rights_issue": "rights:issue-detail",
    "indicator": "indicators:indicator-detail",
    "joint_action": "planning:action-detail",
    "survey_round": "health:round-detail",
}


def meetings_in_order(cluster: Cluster, now: datetime | None = None) -> QuerySet[Meeting]:
    """The cluster's meetings: those to come first, the soonest first; then the past and
    cancelled ones, the latest first."""
    now = now or timezone.now()
    coming = Case(
        When(status=Meeting.Status.SCHEDULED, ends_at__gt=now, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        cluster.meetings.annotate(coming=coming)
        .annotate(
            coming_start=Case(When(coming=1, then=F("starts_at")), default=None),
        )
        .order_by("-coming", F("coming_start").asc(nulls_last=True), "-starts_at", "-pk")
    )


def people_by_entity(cluster: Cluster) -> list[tuple[Membership, list[User]]]:
    """The entities that take part in meetings (every active one but institutions), by
    name, each with its active people: whose attendance is said and recorded."""
    memberships = list(
        cluster.memberships.active()
        .exclude(role=Membership.Role.INSTITUTION)
        .select_related("actor")
        .order_by("actor__name", "pk")
    )
    people: dict[int, list[User]] = defaultdict(list)
    links = (
        ActorUser.objects.filter(
            actor_id__in=[m.actor_id for m in memberships], user__is_active=True
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__email")
    )
    for link in links:
        if link.user not in people[link.actor_id]:
            people[link.actor_id].append(link.user)
    return [(membership, people[membership.actor_id]) for membership in memberships]


def _link(item: AgendaItem, cluster: Cluster) -> tuple[str, str]:
    """The label and page of what the item discusses ("" when nothing)."""
    for name in AgendaItem.LINKS:
        pk = getattr(item, f"{name}_id")
        if pk:
            label = str(getattr(item, name))
            if name == "objective":
                return label, reverse("indicators:objective-list", args=[cluster.slug])
            return label, reverse(LINK_PAGES[name], args=[cluster.slug, pk])
    return "", ""


def agenda(meeting: Meeting) -> list[AgendaItem]:
    """Every item of the meeting, in order, with ``link_label`` and ``link_url``."""
    items = list(
        meeting.items.select_related(
            *AgendaItem.LINKS, "survey_round__period", "proposed_by__actor", "created_by"
        )
    )
    for item in items:
        item.link_label, item.link_url = _link(item, meeting.cluster)
    return items


@dataclass
class EntityAttendance:
    membership: Membership
    rows: list[Attendance] = field(default_factory=list)

    def _count(self, answer: str) -> int:
        return sum(1 for row in self.rows if row.answer == answer)

    @property
    def yes(self) -> int:
        return self._count(Attendance.Answer.YES)

    @property
    def maybe(self) -> int:
        return self._count(Attendance.Answer.MAYBE)

    @property
    def no(self) -> int:
        return self._count(Attendance.Answer.NO)

    @property
    def answered(self) -> list[Attendance]:
        return [row for row in self.rows if row.answer]

    @property
    def attended(self) -> list[Attendance]:
        return [row for row in self.rows if row.attended]


def attendance_by_entity(meeting: Meeting) -> list[EntityAttendance]:
    entities: dict[int, EntityAttendance] = {}
    rows = meeting.attendances.select_related("person", "membership__actor").order_by(
        "membership__actor__name", "person__first_name", "person__last_name", "person__email"
    )
    for row in rows:
        entities.setdefault(row.membership_id, EntityAttendance(row.membership)).rows.append(row)
    return list(entities.values())


def _answers_of(entities: list[EntityAttendance], membership: Membership) -> dict[int, str]:
    return {
        row.person_id: row.answer
        for entity in entities
        if entity.membership.pk == membership.pk
        for row in entity.rows
    }


def meeting_context(meeting: Meeting, access: ClusterAccess) -> dict:
    now = timezone.now()
    items = agenda(meeting)
    entities = attendance_by_entity(meeting)
    own = access.membership if access.membership and access.can_read else None
    open_for_answers = meeting.is_scheduled and meeting.ends_at > now
    attendance_form = None
    if own is not None and own.role != Membership.Role.INSTITUTION and open_for_answers:
        attendance_form = AttendanceForm(people=people_of(own), current=_answers_of(entities, own))
    context = {
        "cluster": meeting.cluster,
        "access": access,
        "meeting": meeting,
        "items": [item for item in items if item.status == AgendaItem.Status.ACCEPTED],
        "waiting": [item for item in items if item.status == AgendaItem.Status.PROPOSED],
        "declined": [item for item in items if item.status == AgendaItem.Status.DECLINED],
        "entities": entities,
        "totals": {
            "yes": sum(e.yes for e in entities),
            "maybe": sum(e.maybe for e in entities),
            "no": sum(e.no for e in entities),
        },
        "started": meeting.has_started(now),
        "attendance_form": attendance_form,
        "item_form": ItemForm(access=access) if meeting.is_scheduled and access.can_edit else None,
        "answer_form": ItemAnswerForm(),
        "cancel_form": CancelForm() if access.is_coordinator and meeting.is_scheduled else None,
    }
    if meeting.is_closed:
        context |= _closed_context(meeting, access, entities, now)
    return context


def tasks_of(meeting: Meeting, access: ClusterAccess) -> list[FollowUpTask]:
    """The meeting's follow-up tasks, each with ``may_mark``: whether this person marks it
    done or not done (its entity's people and the coordinator, as the service says),
    known from their access without a query per task."""
    own = {membership.pk for membership in access.memberships}
    tasks = list(meeting.tasks.select_related("membership__actor"))
    for task in tasks:
        task.may_mark = access.is_coordinator or task.membership_id in own
    return tasks


def _closed_context(
    meeting: Meeting, access: ClusterAccess, entities: list[EntityAttendance], now: datetime
) -> dict:
    objections = list(meeting.objections.select_related("membership__actor", "by"))
    objected = {objection.membership_id for objection in objections}
    may_object = (
        access.is_member
        and meeting.minutes_are_draft
        and meeting.consent_ends_at > now
        and access.membership.pk not in objected
    )
    return {
        "attended": [entity for entity in entities if entity.attended],
        "decisions": list(
            meeting.decisions.select_related("decision__proposal").order_by("decision__decided_at")
        ),
        "tasks": tasks_of(meeting, access),
        "objections": objections,
        "objection_form": ObjectionForm() if may_object else None,
        "consent_open": meeting.consent_ends_at > now,
    }
