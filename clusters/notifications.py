"""The invitation email, sent by a Celery task once the invitation is committed."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from clusters.emails import render_email
from clusters.models import Invitation
from clusters.tokens import make_invitation_token
from core.tasks import TRANSIENT_MAIL_ERRORS


# Named as when it lived in tasks.py: messages queued before a deploy still find it.
@shared_task(
    name="clusters.tasks.send_invitation_email",
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def send_invitation_email(invitation_id: int) -> None:
    invitation_send_email(invitation_id=invitation_id)


def invitation_send_email(*, invitation_id: int) -> bool:
    """Email the current link of a pending invitation, in the language it was sent in.

    Returns False (and sends nothing) when the invitation was closed in the meantime.
    """
    invitation = (
        Invitation.objects.select_related("cluster", "actor", "invited_by")
        .filter(pk=invitation_id, status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None:
        return False
    link = settings.SITE_URL + reverse(
        "clusters:invitation-accept", args=[make_invitation_token(invitation)]
    )
    subject, body = render_email(
        "clusters/email/invitation", {"invitation": invitation, "link": link}, invitation.language
    )
    send_mail(subject, body, None, [invitation.email])
    return True
