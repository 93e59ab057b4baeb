"""The survey's reminder: 3 days before a round closes, to the people of the lead and
member entities that have not answered it, one message per person in their language."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from clusters.emails import send_to_each
from clusters.selectors import people_to_email
from health.models import SurveyRound

REMINDER_BEFORE = timedelta(days=3)
logger = logging.getLogger(__name__)


def _claim_reminder(round: SurveyRound, now: datetime) -> bool:
    """Mark the round as reminded; False if another run already did (a conditional update,
    so two beat runs never send the reminder twice)."""
    return bool(
        SurveyRound.objects.filter(pk=round.pk, reminded_at__isnull=True).update(reminded_at=now)
    )


def remind_closing(now: datetime | None = None) -> int:
    """Periodic: for rounds taking answers and closing within 3 days, remind the entities
    that have not answered. Returns the emails sent."""
    now = now or timezone.now()
    due = (
        SurveyRound.objects.taking_answers(now)
        .filter(closes_at__lte=now + REMINDER_BEFORE, reminded_at__isnull=True)
        .select_related("cluster", "period")
    )
    sent = 0
    for round in due:
        # Claimed (and committed) first: a mail failure costs this round's reminder for
        # some people, never a second copy for the others.
        if not _claim_reminder(round, now):
            continue
        silent = round.cluster.memberships.voting().exclude(
            pk__in=round.responses.filter(membership__isnull=False).values("membership_id")
        )
        path = reverse("health:answer", args=[round.cluster.slug, round.pk])
        context = {"round": round, "link": settings.SITE_URL + path}
        try:
            sent += send_to_each(people_to_email(silent), "health/email/closing", context)
        except (OSError, smtplib.SMTPException):
            logger.exception("The closing reminder of survey round %s was not sent", round.pk)
    return sent
