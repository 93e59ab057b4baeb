"""Changes a person makes to their own account."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, User, former_name
from accounts.personal_data import Former
from accounts.personal_data import parts as personal_data_parts
from core.errors import DomainError


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


@transaction.atomic
def calendar_feed_renew(*, user: User) -> str:
    """A new secret for the person's calendar feed: the old address stops working at once
    (a leaked address is renewed, not only revoked)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


def calendar_feed_revoke(*, user: User) -> None:
    """No feed: its address answers 404 from now on."""
    User.objects.filter(pk=user.pk).update(calendar_token=None)


# A person keeps a few keys (one per program that reads for them), not hundreds.
API_TOKENS_MAX = 20
API_TOKEN_PREFIX = "ct_"


def api_token_hash(secret: str) -> str:
    """What is kept of a secret: its SHA-256. The secret is 32 random bytes, so a plain
    hash (no salt, no slow function) is enough to make a leaked table useless."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token of the person's, named so that they recognise it, and its secret,
    which is shown once and never kept."""
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Give the token a name, such as the program that will use it."))
    if len(name) > ApiToken.NAME_MAX:
        raise DomainError(
            _("The name is too long: at most %(max)d characters.") % {"max": ApiToken.NAME_MAX}
        )
    User.objects.select_for_update().filter(pk=user.pk).first()  # one creation at a time
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if active.count() >= API_TOKENS_MAX:
        raise DomainError(
            _("You have %(max)d tokens already: revoke one you no longer use first.")
            % {"max": API_TOKENS_MAX}
        )
    if active.filter(name=name).exists():
        raise DomainError(_("You already have a token with this name."))
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: ApiToken.PREFIX_LENGTH],
        key_hash=api_token_hash(secret),
    )
    return token, secret


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revokes one of the person's tokens: a request with it answers 401 from now on.
    Revoking a revoked token changes nothing; another person's token is not found."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise DomainError(_("This token is not one of yours."))
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


def personal_data(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about the person, as JSON: their account here, then
    each app's part (accounts.personal_data), in a fixed number of queries."""
    addresses = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "notify_by_email": user.notify_by_email,
            "weekly_digest": user.weekly_digest,
            "calendar_feed": bool(user.calendar_token),
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "is_staff": user.is_staff,
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary} for a in addresses
            ],
            # The tokens by their names and first characters: the hash is no data of theirs
            # (it identifies a secret they hold) and is never given out.
            "api_tokens": [
                {
                    "name": token.name,
                    "starts_with": token.prefix,
                    "created_at": token.created_at.isoformat(),
                    "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
                    "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
                }
                for token in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
            ],
        },
    }
    for part in personal_data_parts():
        data |= part.export(user)
    return data


@dataclass(frozen=True)
class Deletion:
    """What deleting the account would do now: the reasons it cannot yet (each saying
    what to do first), and how the person will be named afterwards."""

    refusals: list[str]
    former_name: str
    entities: list[str]
    coordinator: bool

    @property
    def is_possible(self) -> bool:
        return not self.refusals


def account_deletion(*, user: User) -> Deletion:
    former = Former()
    refusals: list[str] = []
    for part in personal_data_parts():
        refusals += part.refusals(user)
        part.describe(user, former)
    return Deletion(
        refusals,
        former_name(former.entities, coordinator=former.coordinator),
        former.entities,
        former.coordinator,
    )


@transaction.atomic
def account_delete(*, user: User, password: str) -> None:
    """Deletes the person's account: what names or identifies them goes, what is an
    entity's or a cluster's stays, by "a former representative of <entity>".

    The row stays as an emptied account (no address, name, password or language, unable
    to log in) rather than going: the positions, reports, decisions, comments and audit
    entries that point at it are the entity's and the cluster's, and each page, PDF and
    spreadsheet names their author through ``display_name``, which words an emptied
    account by the entities it represented. Its sessions end everywhere, as a session
    holds a hash of the password that no longer matches."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_erased:
        return
    if not user.check_password(password):
        raise DomainError(_("The password is not right: your account has not been deleted."))
    deletion = account_deletion(user=user)
    if not deletion.is_possible:
        raise DomainError(" ".join(deletion.refusals))
    former = Former()
    for part in personal_data_parts():
        part.describe(user, former)
    for part in personal_data_parts():
        part.forget(user, former)
    EmailAddress.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.email = f"deleted-{uuid.uuid4().hex}@deleted.invalid"
    user.first_name = user.last_name = user.language = ""
    user.notify_by_email = user.is_staff = user.is_superuser = user.is_active = False
    user.weekly_digest = False
    user.calendar_token = None
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    user.set_unusable_password()
    user.last_login = None
    user.erased_at = timezone.now()
    user.former_entities = former.entities
    user.former_coordinator = former.coordinator
    user.save()
