"""Reads of clusters reused by several parts."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from clusters.models import Membership


def people_to_email(memberships: QuerySet[Membership]) -> QuerySet[User]:
    """The active people of these entities who have not turned the platform's emails off."""
    return (
        User.objects.filter(
            is_active=True,
            notify_by_email=True,
            actor_links__actor__memberships__in=memberships,
        )
        .distinct()
        .order_by("email")
    )
