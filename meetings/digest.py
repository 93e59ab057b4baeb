"""The weekly digest: once a week, each person who keeps it on gets one email, in their
language, of what waits for them in each of their clusters; nothing when nothing waits.

What waits, per cluster:
- positions to take: open proposals, with time left, on which an entity the person
  represents (lead or member) has taken no position in the current round;
- reports due: per open reporting period, how many reports that entity owes (not started
  or a draft; indicators.selectors counts them the same way), and the reports returned
  to it;
- meetings this week (Monday to Sunday in the cluster's time zone);
- decisions due for review (a review date within a week either side of today), for the
  coordinator and the member entities;
- joint actions the entity leads without an update for UPDATE_EVERY days (as on its
  to-do page);
- the follow-up tasks meetings gave the entity, not done yet, due within TASKS_AHEAD
  days or overdue.

Beat runs ``digests_send`` on Monday morning; each person's week is claimed with a
conditional update before anything is sent, so that two beat processes (or a rerun)
never send the same week twice.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from clusters.emails import send_to_each
from clusters.models import Cluster, ClusterRole, Membership
from indicators.models import Indicator, MeasurementReport, ReportingPeriod
from indicators.rules import can_report
from meetings.calendar import cluster_periods_between, readable_clusters
from meetings.models import FollowUpTask, Meeting
from planning.models import Decision, JointAction, Proposal, Stance

logger = logging.getLogger(__name__)

# An action its lead has not updated for this long needs an update (reports' to-do page
# asks the same).
UPDATE_EVERY = timedelta(days=30)
# A decision is due for review from a week before its review date to a week after.
REVIEW_AROUND = timedelta(days=7)
# A follow-up task shows from this long before the day it is due (and until it is done).
TASKS_AHEAD = timedelta(days=14)
# The first day reporting periods are looked for: every unlocked period since a cluster
# began is owed, as on the reporting page.
SINCE_EVER = date(2000, 1, 1)


def iso_week(now: datetime) -> str:
    """The week a digest is for, "2026-W20", in the platform's time zone."""
    year, week, _day = timezone.localtime(now).isocalendar()
    return f"{year}-W{week:02d}"


def _link(name: str, *args: object) -> str:
    return settings.SITE_URL + reverse(name, args=args)


@dataclass(frozen=True)
class PositionToTake:
    proposal: Proposal
    membership: Membership
    link: str


@dataclass(frozen=True)
class ReportsDue:
    membership: Membership
    period: ReportingPeriod
    count: int
    overdue: bool
    link: str


@dataclass(frozen=True)
class Returned:
    report: MeasurementReport
    link: str


@dataclass(frozen=True)
class Dated:
    """A meeting, a decision or an action, with its link."""

    item: Meeting | Decision | JointAction
    link: str


@dataclass(frozen=True)
class TaskDue:
    task: FollowUpTask
    overdue: bool
    link: str


@dataclass
class Section:
    """What waits for the person in one cluster."""

    cluster: Cluster
    positions: list[PositionToTake] = field(default_factory=list)
    reports_due: list[ReportsDue] = field(default_factory=list)
    returned: list[Returned] = field(default_factory=list)
    meetings: list[Dated] = field(default_factory=list)
    decisions: list[Dated] = field(default_factory=list)
    actions: list[Dated] = field(default_factory=list)
    tasks: list[TaskDue] = field(default_factory=list)

    @property
    def time_zone(self) -> str:
        return self.cluster.zone

    @property
    def is_empty(self) -> bool:
        return not (
            self.positions
            or self.reports_due
            or self.returned
            or self.meetings
            or self.decisions
            or self.actions
            or self.tasks
        )


@dataclass
class Digest:
    user: User
    now: datetime
    sections: list[Section]

    @property
    def is_empty(self) -> bool:
        return all(section.is_empty for section in self.sections)

    @property
    def cluster_names(self) -> str:
        return ", ".join(section.cluster.name for section in self.sections)


def _week(cluster: Cluster, now: datetime) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 in the cluster's zone, of the week the digest
    is for (iso_week: the platform's date). Beat sends on Monday morning in Madrid, which
    is still Sunday in a cluster in Mexico: its week is the one beginning, not ending."""
    zone = ZoneInfo(cluster.zone)
    today = timezone.localtime(now).date()
    monday = today - timedelta(days=today.weekday())
    starts = datetime.combine(monday, time.min, tzinfo=zone)
    return starts, datetime.combine(monday + timedelta(days=7), time.min, tzinfo=zone)


def _positions(sections: dict[int, Section], voting: list[Membership], now: datetime) -> None:
    if not voting:
        return
    proposals = list(
        Proposal.objects.open()
        .filter(cluster__in={m.cluster_id for m in voting}, closes_at__gt=now)
        .order_by("closes_at", "pk")
    )
    answered = set(
        Stance.objects.filter(
            proposal__in=proposals, membership__in=voting, round=F("proposal__round")
        ).values_list("proposal_id", "membership_id")
    )
    for proposal in proposals:
        section = sections[proposal.cluster_id]
        proposal.cluster = section.cluster
        for membership in voting:
            if membership.cluster_id == proposal.cluster_id and (
                (proposal.pk, membership.pk) not in answered
            ):
                link = _link("planning:proposal-detail", section.cluster.slug, proposal.pk)
                section.positions.append(PositionToTake(proposal, membership, link))


def _reports(sections: dict[int, Section], voting: list[Membership], today: date) -> None:
    if not voting:
        return
    clusters = {m.cluster_id: sections[m.cluster_id].cluster for m in voting}
    periods = {
        cluster_id: [p for p in found if p.is_open(today)]
        for cluster_id, found in cluster_periods_between(clusters, SINCE_EVER, today).items()
    }
    indicators = list(
        Indicator.objects.filter(cluster__in=list(clusters)).prefetch_related("responsible")
    )
    saved = [p.pk for found in periods.values() for p in found if p.pk is not None]
    reports = {
        (r.indicator_id, r.period_id, r.membership_id): r
        for r in MeasurementReport.objects.filter(
            membership__in=voting, period__in=saved
        ).select_related("indicator", "period")
    }
    for membership in voting:
        section = sections[membership.cluster_id]
        reporting = _link("indicators:reporting", section.cluster.slug)
        own = [i for i in indicators if i.cluster_id == membership.cluster_id]
        for period in periods[membership.cluster_id]:
            owed = 0
            for indicator in own:
                if not (can_report(indicator, membership) and indicator.asks_for(period)):
                    continue
                report = reports.get((indicator.pk, period.pk, membership.pk))
                if report is None or report.is_draft:
                    owed += 1
                elif report.is_returned:
                    report.membership = membership
                    section.returned.append(Returned(report, reporting))
            if owed:
                overdue = period.due < today
                section.reports_due.append(ReportsDue(membership, period, owed, overdue, reporting))


def _meetings(sections: dict[int, Section], now: datetime) -> None:
    weeks = {pk: _week(section.cluster, now) for pk, section in sections.items()}
    meetings = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        cluster__in=list(sections),
        starts_at__gte=min(start for start, _end in weeks.values()),
        starts_at__lt=max(end for _start, end in weeks.values()),
    ).order_by("starts_at", "pk")
    for meeting in meetings:
        section = sections[meeting.cluster_id]
        starts, ends = weeks[meeting.cluster_id]
        if starts <= meeting.starts_at < ends:
            meeting.cluster = section.cluster
            section.meetings.append(Dated(meeting, settings.SITE_URL + meeting.get_absolute_url()))


def _decisions(sections: dict[int, Section], deciders: set[int], today: date) -> None:
    if not deciders:
        return
    decisions = (
        Decision.objects.filter(
            proposal__cluster__in=deciders,
            review_date__gte=today - REVIEW_AROUND,
            review_date__lte=today + REVIEW_AROUND,
        )
        .select_related("proposal")
        .order_by("review_date", "pk")
    )
    for decision in decisions:
        section = sections[decision.proposal.cluster_id]
        link = _link("planning:proposal-detail", section.cluster.slug, decision.proposal_id)
        section.decisions.append(Dated(decision, link))


def _actions(sections: dict[int, Section], voting: list[Membership], now: datetime) -> None:
    if not voting:
        return
    actions = (
        JointAction.objects.running()
        .filter(lead__in=voting)
        .annotate(last_update=Max("updates__created_at"))
        .filter(Q(last_update__isnull=True) | Q(last_update__lt=now - UPDATE_EVERY))
        .order_by("end", "pk")
    )
    for action in actions:
        section = sections[action.cluster_id]
        link = _link("planning:action-detail", section.cluster.slug, action.pk)
        section.actions.append(Dated(action, link))


def _tasks(sections: dict[int, Section], memberships: list[Membership], today: date) -> None:
    """The entities' open follow-up tasks due within TASKS_AHEAD or overdue (institutions
    do not read the meetings: none of theirs)."""
    readers = [m for m in memberships if m.role != Membership.Role.INSTITUTION]
    if not readers:
        return
    entities = {m.pk: m for m in readers}
    tasks = (
        FollowUpTask.objects.filter(
            meeting__cluster__in=list(sections),
            membership__in=readers,
            done_at__isnull=True,
            due_on__lte=today + TASKS_AHEAD,
        )
        .select_related("meeting")
        .order_by("due_on", "pk")
    )
    for task in tasks:
        task.membership = entities[task.membership_id]
        section = sections[task.meeting.cluster_id]
        link = _link("meetings:detail", section.cluster.slug, task.meeting_id)
        section.tasks.append(TaskDue(task, task.due_on < today, link))


def build_digest(user: User, now: datetime | None = None) -> Digest:
    """What waits for the person this week, per cluster they read: thirteen queries at most,
    whatever the number of clusters."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    clusters = readable_clusters(user)
    sections = {cluster.pk: Section(cluster) for cluster in clusters}
    if not sections:
        return Digest(user, now, [])
    memberships = list(
        Membership.objects.active()
        .filter(cluster__in=list(sections), actor__people__user=user)
        .select_related("actor")
        .order_by("actor__name", "pk")
    )
    voting = [m for m in memberships if m.role in Membership.VOTING_ROLES]
    coordinated = set(
        ClusterRole.objects.filter(
            user=user, role=ClusterRole.Role.COORDINATOR, cluster__in=list(sections)
        ).values_list("cluster_id", flat=True)
    )
    _positions(sections, voting, now)
    _reports(sections, voting, today)
    _meetings(sections, now)
    _decisions(sections, coordinated | {m.cluster_id for m in voting}, today)
    _actions(sections, voting, now)
    _tasks(sections, memberships, today)
    return Digest(user, now, [s for s in sections.values() if not s.is_empty])


def _claim(user: User, week: str) -> bool:
    """Mark the person's digest of this week as taken; False when another process (or an
    earlier run) already did."""
    return User.objects.filter(pk=user.pk).exclude(digest_week=week).update(digest_week=week) == 1


def digests_send(now: datetime | None = None) -> int:
    """Each person's digest of the week of ``now``, once. Returns how many were sent."""
    now = now or timezone.now()
    week = iso_week(now)
    people = (
        User.objects.filter(is_active=True, weekly_digest=True, erased_at__isnull=True)
        .exclude(email="")
        .exclude(digest_week=week)
        .order_by("pk")
    )
    sent = 0
    for person in people.iterator():
        # Claimed before building, even for someone whom nothing waits for: a rerun this
        # week then skips them without reading their clusters again, and the digest stays
        # what it is, a weekly look (what comes up on Thursday waits for next Monday).
        # Claimed (and committed) before sending: a mail failure costs this person this
        # week's digest, never a second copy.
        if not _claim(person, week):
            continue
        try:
            sent += _send(person, now)
        except (OSError, smtplib.SMTPException):
            logger.exception("The weekly digest of person %s was not sent", person.pk)
        except Exception:
            # Whatever breaks one person's digest (their data, a template) must not stop
            # everyone after them until next Monday.
            logger.exception("The weekly digest of person %s could not be built", person.pk)
    return sent


def _send(person: User, now: datetime) -> int:
    digest = build_digest(person, now)
    if digest.is_empty:
        return 0
    context = {"digest": digest, "sections": digest.sections, "now": now}
    return send_to_each([person], "meetings/email/digest", context)
