"""Meetings of a cluster: scheduled with an agenda, answered by the entities' people,
closed by the coordinator with who attended, minutes per item, the decisions taken there
and the follow-up tasks, and minutes approved at the next meeting or by consent.

A meeting ties what the cluster decided in a room to the rest of its record: agenda items
point at the proposal, rights issue, objective, indicator, joint action or survey round
they discussed (one of them at most, all of the same cluster: meetings.services checks),
and a decision taken in it names the meeting (MeetingDecision, one meeting per decision).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusters.models import Cluster, Membership
from health.models import SurveyRound
from indicators.models import Indicator, Objective
from planning.models import Decision, JointAction, Proposal
from rights.models import RightsIssue

# The member entities have this long after the minutes are sent to object; without an
# objection the minutes are approved by consent.
CONSENT_DAYS = 7


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def not_cancelled(self) -> MeetingQuerySet:
        return self.exclude(status=Meeting.Status.CANCELLED)

    def coming(self, now: datetime | None = None) -> MeetingQuerySet:
        return self.filter(status=Meeting.Status.SCHEDULED, ends_at__gt=now or timezone.now())

    def minutes_due_by_consent(self, now: datetime | None = None) -> MeetingQuerySet:
        """Closed meetings whose draft minutes nobody objected to within the consent days."""
        return self.filter(
            status=Meeting.Status.CLOSED,
            minutes_approved_at__isnull=True,
            consent_ends_at__lte=now or timezone.now(),
            objections__isnull=True,
        )


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")
        CLOSED = "closed", pgettext_lazy("meeting", "Held")

    class Approval(models.TextChoices):
        NEXT_MEETING = "next_meeting", _("at the next meeting")
        CONSENT = "consent", _("by consent of the member entities")

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("cluster")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    # Raised on every change that the invitation shows, so that calendar applications
    # replace the event they hold (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(_("version of the invitation"), default=0)
    cancelled_reason = models.CharField(_("why it was cancelled"), max_length=500, blank=True)
    others_attending = models.PositiveSmallIntegerField(
        _("other people who attended"),
        default=0,
        help_text=_("People who came from outside the cluster's entities."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    consent_ends_at = models.DateTimeField(_("objections until"), null=True, blank=True)
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    minutes_approved_how = models.CharField(
        _("minutes approved"), max_length=15, choices=Approval.choices, blank=True
    )
    # The later meeting whose close approved these minutes.
    approved_at_meeting = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_minutes_of",
        verbose_name=_("approved at the meeting"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scheduled by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["cluster", "starts_at"], name="meeting_cluster_starts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.cluster.slug, self.pk])

    @classmethod
    def audit_words(cls, key: str, value: object) -> str | None:
        """Details of the audit log that are not its fields, in the reader's words: how
        minutes were approved, an agenda item's answer, and the attendance answers
        ({person: [before, after]}, meetings.services.attendance_answer)."""
        if key == "kind" and value in cls.Approval.values:
            return str(cls.Approval(value).label)
        if key == "outcome" and value in AgendaItem.Status.values:
            return str(AgendaItem.Status(value).label)
        if key == "values" and isinstance(value, dict):
            labels = dict(Attendance.Answer.choices)

            def said(answer: object) -> str:
                return str(labels.get(answer, "—"))

            return "; ".join(
                f"{person}: {said(before)} → {said(after)}"
                for person, (before, after) in sorted(value.items())
            )
        return None

    @property
    def uid(self) -> str:
        """The event's identifier in every calendar (RFC 5545 UID): stable for its life."""
        return f"meeting-{self.pk}@{settings.CALENDAR_UID_DOMAIN}"

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.SCHEDULED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def has_started(self, now: datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())

    @property
    def minutes_are_draft(self) -> bool:
        """Minutes read "draft" from the close until they are approved."""
        return self.is_closed and self.minutes_approved_at is None

    @staticmethod
    def consent_deadline(closed_at: datetime) -> datetime:
        return closed_at + timedelta(days=CONSENT_DAYS)


class AgendaItem(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("On the agenda")
        DECLINED = "declined", _("Not taken")

    # The objects an item may discuss: field name → model. One at most per item.
    LINKS = ("proposal", "rights_issue", "objective", "indicator", "joint_action", "survey_round")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("item"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACCEPTED
    )
    # The entity that proposed it, when a representative did (the coordinator's items have
    # none).
    proposed_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("proposal"),
    )
    rights_issue = models.ForeignKey(
        RightsIssue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rights issue"),
    )
    objective = models.ForeignKey(
        Objective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("objective"),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicator"),
    )
    joint_action = models.ForeignKey(
        JointAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("joint action"),
    )
    survey_round = models.ForeignKey(
        SurveyRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("survey round"),
    )
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(proposal__isnull=True)
                    | Q(
                        rights_issue__isnull=True,
                        objective__isnull=True,
                        indicator__isnull=True,
                        joint_action__isnull=True,
                        survey_round__isnull=True,
                    )
                )
                & (
                    Q(rights_issue__isnull=True)
                    | Q(
                        objective__isnull=True,
                        indicator__isnull=True,
                        joint_action__isnull=True,
                        survey_round__isnull=True,
                    )
                )
                & (
                    Q(objective__isnull=True)
                    | Q(
                        indicator__isnull=True, joint_action__isnull=True, survey_round__isnull=True
                    )
                )
                & (
                    Q(indicator__isnull=True)
                    | Q(joint_action__isnull=True, survey_round__isnull=True)
                )
                & (Q(joint_action__isnull=True) | Q(survey_round__isnull=True)),
                name="agenda_item_one_link",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def linked(self) -> models.Model | None:
        """The object the item discusses, if any."""
        for name in self.LINKS:
            if getattr(self, f"{name}_id"):
                return getattr(self, name)
        return None


class Attendance(models.Model):
    """One person of an entity and a meeting: their answer before it (yes, no, maybe), and
    whether they attended, set when the meeting is closed."""

    class Answer(models.TextChoices):
        YES = "yes", _("Will attend")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("Will not attend")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("entity")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_attendances",
        verbose_name=_("person"),
    )
    answer = models.CharField(_("answer"), max_length=5, choices=Answer.choices, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "membership", "person"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.meeting}"


class MeetingDecision(models.Model):
    """A decision of the cluster taken in a meeting: its record names the meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, related_name="meeting_link", verbose_name=_("decision")
    )

    class Meta:
        verbose_name = _("decision taken in a meeting")
        verbose_name_plural = _("decisions taken in meetings")

    def __str__(self) -> str:
        return f"{self.meeting} · {self.decision.proposal}"


class FollowUpTask(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("meeting")
    )
    what = models.CharField(_("what"), max_length=300)
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("entity")
    )
    due_on = models.DateField(_("by when"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked done by"),
    )

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.what

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        """Still open after the day it was due (today in the active time zone)."""
        return not self.is_done and self.due_on < timezone.localdate()


class MinutesObjection(models.Model):
    """A member entity's objection to draft minutes: they are then approved only at the
    next meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="objections", verbose_name=_("meeting")
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("entity")
    )
    reason = models.TextField(_("reason"), max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("objected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection to the minutes")
        verbose_name_plural = _("objections to the minutes")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="objection_once"),
        ]

    def __str__(self) -> str:
        return f"{self.membership} · {self.meeting}"
