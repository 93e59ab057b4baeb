from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs up on their own: accounts are created by accepting an invitation."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
