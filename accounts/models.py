from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    """People log in by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the pages and of the emails you receive."),
    )
    notify_by_email = models.BooleanField(
        _("email me about proposals and reports"),
        default=True,
        help_text=_(
            "A proposal opened for positions, one closing in 48 hours that your entity "
            "has not answered, a decision taken, and a report published for the "
            "institutions."
        ),
    )

    weekly_digest = models.BooleanField(
        _("send me a weekly digest"),
        default=True,
        db_default=True,
        help_text=_(
            "Once a week, what waits for you: positions to take, reports due or returned, "
            "meetings, decisions due for review and actions you lead. Nothing when nothing "
            "waits."
        ),
    )
    # The ISO week ("2026-W49") of the last digest sent: claimed by a conditional update
    # before sending, so that two beat processes never send the same week twice.
    digest_week = models.CharField(_("last weekly digest"), max_length=8, blank=True)
    # The secret of the person's private calendar feed (/calendar/<token>.ics): anyone with
    # the address reads the feed, so it is revocable and renewable from the profile page.
    calendar_token = models.CharField(
        _("calendar feed secret"), max_length=64, null=True, blank=True, unique=True
    )

    # Set when the person deleted their account: the row stays, emptied of everything that
    # names them, so that the entity's positions, reports and decisions keep their author
    # as "a former representative of <entity>" (accounts.services.account_delete).
    erased_at = models.DateTimeField(_("account deleted at"), null=True, blank=True)
    former_entities = models.JSONField(
        _("entities represented before deleting the account"), default=list, blank=True
    )
    former_coordinator = models.BooleanField(
        _("coordinated a cluster before deleting the account"), default=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_ci_unique",
                violation_error_message=_("A person with this email address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """How every page, PDF and spreadsheet names the person; once their account is
        deleted, by what they were, in the reader's language."""
        if self.is_erased:
            return former_name(self.former_entities, coordinator=self.former_coordinator)
        return self.get_full_name() or self.email

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


def former_name(entities: list[str], *, coordinator: bool) -> str:
    """The words for a person whose account is gone."""
    if entities:
        return gettext("a former representative of %(entity)s") % {
            "entity": get_text_list(list(entities), gettext("and"))
        }
    if coordinator:
        return gettext("a former coordinator")
    return gettext("a former user of the platform")


class ApiToken(models.Model):
    """A personal key for the JSON API (api/): it acts as its person, with their roles in
    each cluster, until revoked. Only a hash of the secret is kept: the secret is shown
    once, when the token is created, and a lost one is replaced, never recovered."""

    NAME_MAX = 80
    # The first characters of the secret, kept in clear so that a person tells their
    # tokens apart ("ct_Ab3d…") in the list and in a leaked-key report.
    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=NAME_MAX)
    prefix = models.CharField(_("starts with"), max_length=PREFIX_LENGTH)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
