"""The emails of meetings, sent once the change is committed: the invitation (scheduled,
changed, cancelled) to everyone concerned with the .ics attached, and the draft minutes
to the entities, who have CONSENT_DAYS to object."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse

from accounts.models import User
from clusters.emails import send_to_each
from clusters.models import Membership
from core.tasks import TRANSIENT_MAIL_ERRORS
from meetings.models import Meeting

# Why an invitation is sent: the subject and the first line say it.
INVITATION_KINDS = ("scheduled", "changed", "cancelled")


def meeting_link(meeting: Meeting) -> str:
    return settings.SITE_URL + reverse("meetings:detail", args=[meeting.cluster.slug, meeting.pk])


def concerned(meeting: Meeting) -> QuerySet[User]:
    """The people a meeting concerns: the coordinators and the people of the entities that
    take part in meetings (every active one but institutions), who keep emails on."""
    entities = meeting.cluster.memberships.active().exclude(role=Membership.Role.INSTITUTION)
    return (
        User.objects.filter(is_active=True, notify_by_email=True)
        .filter(
            Q(actor_links__actor__memberships__in=entities)
            | Q(cluster_roles__cluster=meeting.cluster)
        )
        .distinct()
        .order_by("email")
    )


def meeting_invitation(meeting_id: int, kind: str) -> int:
    # Imported here: the ics module reads the models, which this module's callers load.
    from meetings.ics import ics_filename, meeting_ics

    meeting = Meeting.objects.select_related("cluster").filter(pk=meeting_id).first()
    if meeting is None or kind not in INVITATION_KINDS:
        return 0
    if (kind == "cancelled") != meeting.is_cancelled:
        # Cancelled meanwhile, or an old task: the latest email says what holds.
        return 0
    link = meeting_link(meeting)
    attachment = (
        ics_filename(meeting),
        meeting_ics(meeting, link, method="PUBLISH"),
        "text/calendar",
    )
    return send_to_each(
        concerned(meeting),
        "meetings/email/invitation",
        {"meeting": meeting, "cluster": meeting.cluster, "kind": kind, "link": link},
        attachments=[attachment],
    )


@shared_task(autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, max_retries=5)
def email_meeting_invitation(meeting_id: int, kind: str) -> int:
    return meeting_invitation(meeting_id, kind)


def minutes_sent(meeting_id: int) -> int:
    meeting = Meeting.objects.select_related("cluster").filter(pk=meeting_id).first()
    if meeting is None or not meeting.minutes_are_draft:
        return 0
    return send_to_each(
        concerned(meeting),
        "meetings/email/minutes",
        {"meeting": meeting, "cluster": meeting.cluster, "link": meeting_link(meeting)},
    )


@shared_task(autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, max_retries=5)
def email_minutes_sent(meeting_id: int) -> int:
    return minutes_sent(meeting_id)
