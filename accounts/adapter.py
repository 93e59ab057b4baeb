from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from accounts.language import set_language_cookie


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs up on their own: accounts are created by accepting an invitation.

    Failed logins lock an address out only from the client that failed (address and
    client together): anyone can type someone's address with wrong passwords, and must not
    lock its owner out of their account from their own computer. The client's address is
    read through the trusted proxies (ALLAUTH_TRUSTED_PROXY_COUNT)."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Too many failed attempts to log in to this account from here. Wait five "
            "minutes and try again, or choose a new password with “Forgot your password?” "
            "below: here, you can then log in with it at once."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def post_login(self, request: HttpRequest, user, **kwargs: Any) -> HttpResponse:
        """The language saved on the account follows the person to any browser they log
        in from (the pages read it from the cookie the language switch sets)."""
        response = super().post_login(request, user, **kwargs)
        if user.language:
            set_language_cookie(response, user.language)
        return response

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth's key is the address alone (its rate limit "5/5m/key"). A password reset
        # clears the key of the client that resets, which is the one locked out.
        address = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{address}:{self.get_client_ip(request)}"
