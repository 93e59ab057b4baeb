"""Every write of the meetings part: scheduling, the agenda, who will attend, the close
with minutes, decisions and tasks, and the approval of the minutes.

Like the other parts' services, each runs in one transaction, writes one entry in the
cluster's audit log (none when nothing changes) and raises DomainError with a message for
the person when it is not allowed; the forms check the same rules first, these hold
whatever calls them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clusters.audit import audit, changed, snapshot
from clusters.models import AuditEntry, Cluster, ClusterRole, Membership
from core.errors import DomainError
from core.tasks import enqueue_on_commit
from health.models import SurveyRound
from indicators.models import Indicator, Objective
from meetings import notifications
from meetings.models import (
    AgendaItem,
    Attendance,
    FollowUpTask,
    Meeting,
    MeetingDecision,
    MinutesObjection,
)
from planning.models import Decision, JointAction, Proposal
from rights.models import RightsIssue

# What the coordinator writes when scheduling or changing a meeting. Each change of one of
# these is sent to everyone concerned with a new version of the invitation.
MEETING_FIELDS = ("title", "description", "starts_at", "ends_at", "place", "video_url")
MEETING_TEXT_LIMITS = {"title": 200, "description": 5000, "place": 300, "video_url": 500}

# The kinds of object an agenda item may discuss: the item's field → the model.
LINK_MODELS: dict[str, type[models.Model]] = {
    "proposal": Proposal,
    "rights_issue": RightsIssue,
    "objective": Objective,
    "indicator": Indicator,
    "joint_action": JointAction,
    "survey_round": SurveyRound,
}


@dataclass(frozen=True)
class Task:
    """A follow-up task as the close form gives it."""

    what: str
    membership: Membership
    due_on: date


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("cluster").get(pk=meeting.pk)


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise DomainError(_("A meeting ends after it starts."))


def _check_place(place: str, video_url: str) -> None:
    if not place.strip() and not video_url.strip():
        raise DomainError(_("Say where the meeting is: a place, a video link or both."))


def link_problem(cluster: Cluster, link: models.Model) -> str | None:
    """Why an agenda item may not discuss this object, or None. Every reader of the
    meeting sees what its items discuss, so only what they all may read: this cluster's
    work, and proposals once published (a draft is its entity's own)."""
    if not isinstance(link, tuple(LINK_MODELS.values())):
        return _("An agenda item cannot discuss that.")
    if link.cluster_id != cluster.pk:
        return _("An agenda item can only discuss this cluster's work.")
    if isinstance(link, Proposal) and link.status in Proposal.UNPUBLISHED:
        return _("An agenda item can discuss a proposal once it is published.")
    return None


def _link_field(cluster: Cluster, link: models.Model | None) -> dict[str, models.Model | None]:
    """The item's link fields for an object of this cluster; refused for another's."""
    fields: dict[str, models.Model | None] = dict.fromkeys(LINK_MODELS)
    if link is None:
        return fields
    problem = link_problem(cluster, link)
    if problem:
        raise DomainError(problem)
    for name, model in LINK_MODELS.items():
        if isinstance(link, model):
            fields[name] = link
    return fields


# The most other people a close may count: more than any room holds, within the column.
MAX_OTHERS = 10000


def _text(value: str, limit: int, *, required: str = "") -> str:
    """A text as stored: trimmed, refused when empty (with ``required`` as the message) or
    longer than its column, so that a caller other than the form never hits the database's
    own limit."""
    value = value.strip()
    if required and not value:
        raise DomainError(required)
    if len(value) > limit:
        raise DomainError(
            _("A text is longer than %(limit)s characters: shorten it.") % {"limit": limit}
        )
    return value


def _check_scheduled(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise DomainError(_("This meeting was cancelled."))
    if meeting.is_closed:
        raise DomainError(_("This meeting is closed."))


@transaction.atomic
def meeting_schedule(
    *,
    cluster: Cluster,
    by: User,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    video_url: str = "",
    description: str = "",
    agenda: Sequence[str] = (),
) -> Meeting:
    """A meeting on the calendar: everyone concerned is invited by email, with the .ics.
    ``agenda``: the titles of its first items, on the agenda at once (one log entry for
    the whole)."""
    _check_times(starts_at, ends_at)
    _check_place(place, video_url)
    titles = [_text(title, 200) for title in agenda if title.strip()]
    meeting = Meeting.objects.create(
        cluster=cluster,
        title=_text(title, 200, required=_("Give the meeting a title.")),
        description=_text(description, 5000),
        starts_at=starts_at,
        ends_at=ends_at,
        place=_text(place, 300),
        video_url=_text(video_url, 500),
        created_by=by,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, order=order, title=title, created_by=by)
        for order, title in enumerate(titles)
    )
    extra = {"added": titles} if titles else {}
    audit(
        cluster=cluster, by=by, action=AuditEntry.Action.MEETING_SCHEDULED, target=meeting, **extra
    )
    enqueue_on_commit(notifications.email_meeting_invitation, meeting.pk, "scheduled")
    return meeting


@transaction.atomic
def meeting_change(*, meeting: Meeting, by: User, **values: object) -> Meeting:
    """New details for a meeting not held yet; saving it unchanged changes nothing."""
    meeting = _locked(meeting)
    _check_scheduled(meeting)
    unknown = set(values) - set(MEETING_FIELDS)
    if unknown:
        raise DomainError(_("Those details cannot be changed here."))
    # Times in UTC, as they are stored: the same instant written in the cluster's zone
    # (as a form gives it) is no change.
    values = {
        name: _text(value, MEETING_TEXT_LIMITS[name])
        if isinstance(value, str)
        else value.astimezone(UTC)
        if isinstance(value, datetime)
        else value
        for name, value in values.items()
    }
    if "title" in values and not values["title"]:
        raise DomainError(_("Give the meeting a title."))
    before = snapshot(meeting, list(values))
    for name, value in values.items():
        setattr(meeting, name, value)
    _check_times(meeting.starts_at, meeting.ends_at)
    _check_place(meeting.place, meeting.video_url)
    changes = changed(before, snapshot(meeting, list(values)))
    if not changes:
        return meeting
    meeting.sequence += 1
    meeting.save(update_fields=[*changes, "sequence", "updated_at"])
    audit(
        cluster=meeting.cluster,
        by=by,
        action=AuditEntry.Action.MEETING_CHANGED,
        target=meeting,
        changes=changes,
    )
    enqueue_on_commit(notifications.email_meeting_invitation, meeting.pk, "changed")
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User, reason: str) -> Meeting:
    meeting = _locked(meeting)
    _check_scheduled(meeting)
    reason = _text(
        reason, 500, required=_("Say why the meeting is cancelled: the invitation tells everyone.")
    )
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_reason = reason
    meeting.sequence += 1
    meeting.save(update_fields=["status", "cancelled_reason", "sequence", "updated_at"])
    audit(
        cluster=meeting.cluster,
        by=by,
        action=AuditEntry.Action.MEETING_CANCELLED,
        target=meeting,
        reason=reason,
    )
    enqueue_on_commit(notifications.email_meeting_invitation, meeting.pk, "cancelled")
    return meeting


def _next_order(meeting: Meeting) -> int:
    last = meeting.items.aggregate(last=models.Max("order"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    by: User,
    title: str,
    description: str = "",
    link: models.Model | None = None,
) -> AgendaItem:
    """The coordinator's item: on the agenda at once."""
    meeting = _locked(meeting)
    _check_scheduled(meeting)
    item = AgendaItem.objects.create(
        meeting=meeting,
        order=_next_order(meeting),
        title=_text(title, 200, required=_("Give the item a title.")),
        description=_text(description, 5000),
        status=AgendaItem.Status.ACCEPTED,
        created_by=by,
        **_link_field(meeting.cluster, link),
    )
    audit(
        cluster=meeting.cluster,
        by=by,
        action=AuditEntry.Action.AGENDA_ITEM_ADDED,
        target=meeting,
        title=item.title,
    )
    return item


@transaction.atomic
def agenda_item_propose(
    *,
    meeting: Meeting,
    by: User,
    membership: Membership,
    title: str,
    description: str = "",
    link: models.Model | None = None,
) -> AgendaItem:
    """A member entity's item: waits for the coordinator to take it."""
    meeting = _locked(meeting)
    _check_scheduled(meeting)
    _check_represents(meeting.cluster, by, membership, voting=True)
    item = AgendaItem.objects.create(
        meeting=meeting,
        order=_next_order(meeting),
        title=_text(title, 200, required=_("Give the item a title.")),
        description=_text(description, 5000),
        status=AgendaItem.Status.PROPOSED,
        proposed_by=membership,
        created_by=by,
        **_link_field(meeting.cluster, link),
    )
    audit(
        cluster=meeting.cluster,
        by=by,
        action=AuditEntry.Action.AGENDA_ITEM_PROPOSED,
        target=meeting,
        title=item.title,
        entity=str(membership.actor),
    )
    return item


@transaction.atomic
def agenda_item_answer(*, item: AgendaItem, by: User, accept: bool) -> AgendaItem:
    """The coordinator takes a proposed item onto the agenda, or not."""
    item = AgendaItem.objects.select_for_update().select_related("meeting__cluster").get(pk=item.pk)
    _check_scheduled(item.meeting)
    if item.status != AgendaItem.Status.PROPOSED:
        raise DomainError(_("This item was already answered."))
    item.status = AgendaItem.Status.ACCEPTED if accept else AgendaItem.Status.DECLINED
    item.save(update_fields=["status"])
    audit(
        cluster=item.meeting.cluster,
        by=by,
        action=AuditEntry.Action.AGENDA_ITEM_ANSWERED,
        target=item.meeting,
        title=item.title,
        outcome=item.status,
    )
    return item


def _check_represents(cluster: Cluster, by: User, membership: Membership, voting: bool) -> None:
    """``by`` represents this active entity of the cluster (a lead or member one when
    ``voting``); institutions never answer for meetings they cannot read."""
    if membership.cluster_id != cluster.pk or not membership.is_active:
        raise DomainError(_("That entity is not a member of this cluster."))
    if membership.role == Membership.Role.INSTITUTION or (
        voting and membership.role not in Membership.VOTING_ROLES
    ):
        raise DomainError(_("That entity does not take part in the cluster's meetings."))
    if not membership.actor.people.filter(user=by).exists():
        raise DomainError(_("You do not represent that entity."))


def people_of(membership: Membership) -> list[User]:
    """The active people of an entity, by name: whose attendance it says."""
    return list(
        User.objects.filter(is_active=True, actor_links__actor_id=membership.actor_id)
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


@transaction.atomic
def attendance_answer(
    *,
    meeting: Meeting,
    by: User,
    membership: Membership,
    answers: Mapping[int, str],
    now: datetime | None = None,
) -> list[Attendance]:
    """Who of an entity will attend: person id → yes, no, maybe ("" takes an answer back).
    Only a representative of the entity answers, for its own people, before the meeting
    ends."""
    meeting = _locked(meeting)
    _check_scheduled(meeting)
    if meeting.ends_at <= (now or timezone.now()):
        raise DomainError(_("This meeting is over: who attended is recorded when it is closed."))
    _check_represents(meeting.cluster, by, membership, voting=False)
    people = {person.pk: person for person in people_of(membership)}
    if set(answers) - set(people):
        raise DomainError(_("You can only answer for the people of your entity."))
    valid = {*Attendance.Answer.values, ""}
    if any(answer not in valid for answer in answers.values()):
        raise DomainError(_("Choose yes, no or maybe."))
    existing = {
        row.person_id: row
        for row in meeting.attendances.select_for_update().filter(person_id__in=list(answers))
    }
    rows, changes = [], {}
    for person_id, answer in answers.items():
        row = existing.get(person_id)
        before = row.answer if row else ""
        if before == answer:
            continue
        if row is None:
            row = Attendance(meeting=meeting, membership=membership, person_id=person_id)
        row.answer, row.answered_by, row.membership = answer, by, membership
        row.save()
        rows.append(row)
        changes[people[person_id].get_full_name() or people[person_id].email] = [before, answer]
    if changes:
        audit(
            cluster=meeting.cluster,
            by=by,
            action=AuditEntry.Action.ATTENDANCE_ANSWERED,
            target=meeting,
            entity=str(membership.actor),
            values=changes,
        )
    return rows


def decisions_to_link(meeting: Meeting) -> models.QuerySet[Decision]:
    """The decisions a meeting's close may name: of this cluster, not yet named by another
    meeting, on a proposal of its agenda or recorded since the meeting began."""
    return (
        Decision.objects.filter(proposal__cluster_id=meeting.cluster_id)
        .filter(Q(proposal__agenda_items__meeting=meeting) | Q(decided_at__gte=meeting.starts_at))
        .filter(Q(meeting_link__isnull=True) | Q(meeting_link__meeting=meeting))
        .select_related("proposal")
        .distinct()
        .order_by("-decided_at")
    )


def draft_minutes_before(meeting: Meeting) -> Meeting | None:
    """The closed meeting before this one whose minutes are still a draft: the one this
    meeting may approve."""
    return (
        Meeting.objects.filter(
            cluster_id=meeting.cluster_id,
            status=Meeting.Status.CLOSED,
            minutes_approved_at__isnull=True,
            starts_at__lt=meeting.starts_at,
        )
        .exclude(pk=meeting.pk)
        .order_by("-starts_at")
        .first()
    )


@transaction.atomic
def meeting_close(
    *,
    meeting: Meeting,
    by: User,
    attended: Iterable[tuple[Membership, User]] = (),
    others: int = 0,
    minutes: Mapping[int, str] | None = None,
    decisions: Sequence[Decision] = (),
    tasks: Sequence[Task] = (),
    approve_previous: Meeting | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Record what happened: who attended (people of the entities, and how many others),
    the minutes of each agenda item, the decisions taken there, the follow-up tasks, and
    whether it approved the previous meeting's draft minutes. The minutes are a draft
    until approved at the next meeting or by consent within CONSENT_DAYS."""
    now = now or timezone.now()
    meeting = _locked(meeting)
    _check_scheduled(meeting)
    if not meeting.has_started(now):
        raise DomainError(_("A meeting is closed once it has started."))
    if others < 0:
        raise DomainError(_("The number of other people cannot be negative."))
    cluster = meeting.cluster
    minutes = dict(minutes or {})
    items = {item.pk: item for item in meeting.items.filter(status=AgendaItem.Status.ACCEPTED)}
    if set(minutes) - set(items):
        raise DomainError(_("Minutes are written for the items of this meeting's agenda."))
    attended = list(attended)
    if others > MAX_OTHERS:
        raise DomainError(_("Count at most %(most)s other people.") % {"most": MAX_OTHERS})
    if any(len(text) > 20000 for text in minutes.values()):
        raise DomainError(
            _("A text is longer than %(limit)s characters: shorten it.") % {"limit": 20000}
        )
    for membership, person in attended:
        if membership.cluster_id != cluster.pk or not membership.is_active:
            raise DomainError(_("That entity is not a member of this cluster."))
        if membership.role == Membership.Role.INSTITUTION:
            raise DomainError(_("That entity does not take part in the cluster's meetings."))
        if not membership.actor.people.filter(user=person).exists():
            raise DomainError(
                _("%(person)s does not represent %(entity)s.")
                % {
                    "person": person.get_full_name() or person.email,
                    "entity": membership.actor,
                }
            )
    allowed = {decision.pk for decision in decisions_to_link(meeting)}
    if any(decision.pk not in allowed for decision in decisions):
        raise DomainError(_("Only this cluster's decisions not taken in another meeting."))
    for task in tasks:
        if task.membership.cluster_id != cluster.pk or not task.membership.is_active:
            raise DomainError(_("A task is for one of this cluster's entities."))
        if task.membership.role == Membership.Role.INSTITUTION:
            raise DomainError(_("That entity does not take part in the cluster's meetings."))
        _text(task.what, 300, required=_("Say what each task is."))
    previous = _previous_to_approve(meeting, approve_previous)

    for pk, text in minutes.items():
        items[pk].minutes = text.strip()
    AgendaItem.objects.bulk_update(list(items.values()), ["minutes"])
    _record_attendance(meeting, attended)
    MeetingDecision.objects.bulk_create(
        MeetingDecision(meeting=meeting, decision=decision) for decision in decisions
    )
    FollowUpTask.objects.bulk_create(
        FollowUpTask(
            meeting=meeting, what=task.what.strip(), membership=task.membership, due_on=task.due_on
        )
        for task in tasks
    )
    meeting.status = Meeting.Status.CLOSED
    meeting.others_attending = others
    meeting.closed_at, meeting.closed_by = now, by
    meeting.consent_ends_at = Meeting.consent_deadline(now)
    meeting.save()
    audit(
        cluster=cluster,
        by=by,
        action=AuditEntry.Action.MEETING_CLOSED,
        target=meeting,
        attended=len(attended),
        decision=[str(decision.proposal) for decision in decisions],
        added=[task.what for task in tasks],
    )
    if previous is not None:
        _approve(previous, by=by, how=Meeting.Approval.NEXT_MEETING, now=now, at=meeting)
    enqueue_on_commit(notifications.email_minutes_sent, meeting.pk)
    return meeting


def _previous_to_approve(meeting: Meeting, previous: Meeting | None) -> Meeting | None:
    """The earlier meeting whose draft minutes this close approves, locked and checked
    again: the consent beat may have approved them since the form was shown."""
    if previous is None:
        return None
    previous = Meeting.objects.select_for_update().filter(pk=previous.pk).first()
    if (
        previous is None
        or previous.cluster_id != meeting.cluster_id
        or not previous.minutes_are_draft
        or previous.starts_at >= meeting.starts_at
    ):
        raise DomainError(_("There are no draft minutes before this meeting to approve."))
    return previous


def _record_attendance(meeting: Meeting, attended: list[tuple[Membership, User]]) -> None:
    came = {person.pk: membership for membership, person in attended}
    rows = {row.person_id: row for row in meeting.attendances.select_for_update()}
    for person_id, row in rows.items():
        row.attended = person_id in came
        if person_id in came:
            row.membership = came[person_id]
    Attendance.objects.bulk_update(list(rows.values()), ["attended", "membership"])
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, membership=membership, person_id=person_id, attended=True)
        for person_id, membership in came.items()
        if person_id not in rows
    )


@transaction.atomic
def minutes_object(
    *,
    meeting: Meeting,
    by: User,
    membership: Membership,
    reason: str,
    now: datetime | None = None,
) -> MinutesObjection:
    """A lead or member entity objects to draft minutes within the consent days: they wait
    for the next meeting to be approved."""
    meeting = _locked(meeting)
    if not meeting.minutes_are_draft:
        raise DomainError(_("Only draft minutes can be objected to."))
    if meeting.consent_ends_at <= (now or timezone.now()):
        raise DomainError(_("The time to object to these minutes is over."))
    _check_represents(meeting.cluster, by, membership, voting=True)
    reason = _text(reason, 2000, required=_("Say what is wrong in the minutes."))
    if meeting.objections.filter(membership=membership).exists():
        raise DomainError(_("Your entity has already objected to these minutes."))
    objection = MinutesObjection.objects.create(
        meeting=meeting, membership=membership, reason=reason, by=by
    )
    audit(
        cluster=meeting.cluster,
        by=by,
        action=AuditEntry.Action.MINUTES_OBJECTED,
        target=meeting,
        entity=str(membership.actor),
        reason=reason,
    )
    return objection


def _approve(
    meeting: Meeting, *, by: User | None, how: str, now: datetime, at: Meeting | None = None
) -> None:
    meeting.minutes_approved_at = now
    meeting.minutes_approved_how = how
    meeting.approved_at_meeting = at
    meeting.save(
        update_fields=[
            "minutes_approved_at",
            "minutes_approved_how",
            "approved_at_meeting",
            "updated_at",
        ]
    )
    audit(
        cluster=meeting.cluster,
        by=by,
        action=AuditEntry.Action.MINUTES_APPROVED,
        target=meeting,
        kind=how,
    )


def may_mark_task(task: FollowUpTask, user: User, *, coordinator: bool | None = None) -> bool:
    """Whether the person marks the task done or not done: a representative of its entity
    or a coordinator of the cluster. ``coordinator``: already known (a page knows it)."""
    if coordinator is None:
        coordinator = ClusterRole.objects.filter(
            cluster_id=task.meeting.cluster_id, user=user, role=ClusterRole.Role.COORDINATOR
        ).exists()
    return coordinator or task.membership.actor.people.filter(user=user).exists()


@transaction.atomic
def task_done(
    *, task: FollowUpTask, by: User, done: bool = True, now: datetime | None = None
) -> FollowUpTask:
    """Mark a meeting's follow-up task done (or not done after all). Marking it as it
    already is changes nothing and writes no entry."""
    task = (
        FollowUpTask.objects.select_for_update(of=("self",))
        .select_related("meeting__cluster", "membership__actor")
        .get(pk=task.pk)
    )
    if not may_mark_task(task, by):
        raise DomainError(
            _("Only the entity's people or the coordinator mark this task done or not.")
        )
    if task.is_done == done:
        return task
    task.done_at, task.done_by = ((now or timezone.now()), by) if done else (None, None)
    task.save(update_fields=["done_at", "done_by"])
    audit(
        cluster=task.meeting.cluster,
        by=by,
        action=AuditEntry.Action.FOLLOW_UP_TASK_DONE,
        target=task.meeting,
        title=task.what,
        entity=str(task.membership.actor),
        done=done,
    )
    return task


def minutes_approve_by_consent(now: datetime | None = None) -> int:
    """Approve the draft minutes nobody objected to within the consent days (beat, hourly).
    Each meeting is claimed under a row lock: two runs approve it once."""
    now = now or timezone.now()
    approved = 0
    for pk in Meeting.objects.minutes_due_by_consent(now).values_list("pk", flat=True):
        with transaction.atomic():
            meeting = (
                Meeting.objects.minutes_due_by_consent(now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("cluster")
                .filter(pk=pk)
                .first()
            )
            if meeting is None:
                continue
            _approve(meeting, by=None, how=Meeting.Approval.CONSENT, now=now)
            approved += 1
    return approved
