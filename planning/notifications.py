"""Emails about proposals: opened for positions, closing in 48 hours, decided, and a new
comment on one (to the proposing entity).

They go to the people of the member entities (lead and member roles) who have not turned
them off, one message per person in that person's language. The services enqueue them
after the transaction commits; the Celery tasks call these functions, which tests call
directly too.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from clusters.emails import send_to_each
from clusters.models import Membership
from clusters.selectors import people_to_email
from core.tasks import TRANSIENT_MAIL_ERRORS
from planning.models import Comment, Decision, Proposal, Stance

REMINDER_BEFORE = timedelta(hours=48)
logger = logging.getLogger(__name__)


def _link(proposal: Proposal) -> str:
    path = reverse("planning:proposal-detail", args=[proposal.cluster.slug, proposal.pk])
    return settings.SITE_URL + path


def proposal_opened(proposal_id: int) -> int:
    """To every member entity's people, when a proposal (or its second round) opens."""
    proposal = (
        Proposal.objects.select_related("cluster", "proposer__actor")
        .open()
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:  # decided or withdrawn before the worker got to it
        return 0
    people = people_to_email(proposal.cluster.memberships.voting())
    return send_to_each(
        people, "planning/email/opened", {"proposal": proposal, "link": _link(proposal)}
    )


def proposal_decided(decision_id: int) -> int:
    decision = (
        Decision.objects.select_related("proposal__cluster", "proposal__proposer__actor")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        return 0
    proposal = decision.proposal
    people = people_to_email(proposal.cluster.memberships.voting())
    context = {"proposal": proposal, "decision": decision, "link": _link(proposal)}
    return send_to_each(people, "planning/email/decided", context)


def comment_added(comment_id: int) -> int:
    """To the people of the entity that made the proposal, but the comment's author."""
    comment = (
        Comment.objects.select_related("proposal__cluster", "author", "membership__actor")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        return 0
    proposal = comment.proposal
    people = people_to_email(Membership.objects.active().filter(pk=proposal.proposer_id)).exclude(
        pk=comment.author_id
    )
    author = comment.author.display_name if comment.author else ""
    if comment.membership is not None:
        author = (
            f"{author} ({comment.membership.actor.name})"
            if author
            else str(comment.membership.actor.name)
        )
    context = {"proposal": proposal, "comment": comment, "author": author, "link": _link(proposal)}
    return send_to_each(people, "planning/email/comment", context)


def _claim_reminder(proposal: Proposal) -> bool:
    """Mark the round as reminded; False if another run already did (a conditional update,
    so two beat runs or workers never send the reminder twice)."""
    return bool(
        Proposal.objects.filter(pk=proposal.pk, reminded_round__lt=F("round")).update(
            reminded_round=F("round")
        )
    )


def remind_closing(now: datetime | None = None) -> int:
    """Periodic: for proposals closing within 48 hours, remind the entities that have
    not taken a position in the current round. Returns the emails sent."""
    now = now or timezone.now()
    due = (
        Proposal.objects.open()
        .filter(
            closes_at__gt=now,
            closes_at__lte=now + REMINDER_BEFORE,
            reminded_round__lt=F("round"),
        )
        .select_related("cluster")
    )
    sent = 0
    for proposal in due:
        # Claimed (and committed) first: a mail failure then costs this round's reminder
        # for some people, never a second copy for the others.
        if not _claim_reminder(proposal):
            continue
        answered = Stance.objects.filter(proposal=proposal, round=proposal.round)
        silent = proposal.cluster.memberships.voting().exclude(
            pk__in=answered.values("membership_id")
        )
        context = {"proposal": proposal, "link": _link(proposal)}
        try:
            sent += send_to_each(people_to_email(silent), "planning/email/closing", context)
        except (OSError, smtplib.SMTPException):
            logger.exception("The closing reminder of proposal %s was not sent", proposal.pk)
    return sent


# Named as when it lived in tasks.py: messages queued before a deploy still find it.
@shared_task(
    name="planning.tasks.notify_proposal_opened",
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def notify_proposal_opened(proposal_id: int) -> int:
    return proposal_opened(proposal_id)


# Named as when it lived in tasks.py: messages queued before a deploy still find it.
@shared_task(
    name="planning.tasks.notify_proposal_decided",
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def notify_proposal_decided(decision_id: int) -> int:
    return proposal_decided(decision_id)


@shared_task(autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, max_retries=5)
def email_comment_added(comment_id: int) -> int:
    return comment_added(comment_id)
