"""Invitation links: a signed (id, nonce) pair.

Signing stops guessing; the nonce stored on the invitation lets a resend retire the old
link; the status and expiry on the row make the link single-use and time-limited.
"""

from __future__ import annotations

import secrets

from django.core import signing

from clusters.models import Invitation

SALT = "clusters.invitation"


def make_invitation_token(invitation: Invitation) -> str:
    return signing.dumps([invitation.pk, invitation.nonce], salt=SALT, compress=True)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link points to, whatever its state; None for a forged or old link."""
    try:
        pk, nonce = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or not isinstance(nonce, str):
        return None
    invitation = (
        Invitation.objects.select_related("cluster", "actor", "invited_by").filter(pk=pk).first()
    )
    if invitation is None or not secrets.compare_digest(invitation.nonce, nonce):
        return None
    return invitation
