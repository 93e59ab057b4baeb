"""Changes a person makes to their own account."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import User


@transaction.atomic
def preferences_update(*, user: User, values: dict[str, Any]) -> User:
    """Their name, language and whether they are emailed: only fields of their own."""
    user = User.objects.select_for_update().get(pk=user.pk)
    for name, value in values.items():
        setattr(user, name, value)
    user.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in values])
    user.save(update_fields=list(values))
    return user


def language_remember(*, user: User, language: str) -> None:
    """The language a person switched to, for the emails and reports sent to them."""
    User.objects.filter(pk=user.pk).update(language=language)
