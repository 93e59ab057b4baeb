"""Who calls the API: a person by one of their API tokens (``Authorization: Bearer
ct_…``), or by their session on the browsable pages and the documentation.

A missing, unknown or revoked token answers 401 with a JSON error; the token is the
person, with their roles in each cluster (clusters.access decides what they see)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import ApiToken, User
from accounts.services import api_token_hash

# The "last used" date is written at most this often: a program that calls every second
# must not turn every read into a write.
LAST_USED_EVERY = timedelta(minutes=5)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"bearer", b"token"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the token after the word Bearer, with one space and nothing else.")
            )
        try:
            secret = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token = (
            ApiToken.objects.select_related("user").filter(key_hash=api_token_hash(secret)).first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token is not valid."))
        if not token.is_active:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."))
        self._note_use(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes an anonymous request a 401 (with this header), not a 403.
        return f'{self.keyword} realm="api"'

    @staticmethod
    def _note_use(token: ApiToken) -> None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
