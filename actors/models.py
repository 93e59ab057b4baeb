from __future__ import annotations

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.validators import validate_iati_organisation_identifier


class ThematicArea(models.Model):
    """A controlled list of fields of work, shared by actors and clusters.

    The codes are fixed (the migration creates one row per code) so that the labels can
    be translated like any other interface string.
    """

    class Code(models.TextChoices):
        HOUSING = "housing", _("Housing")
        HEALTH = "health", _("Health")
        EDUCATION = "education", _("Education")
        EMPLOYMENT = "employment", _("Employment and decent work")
        SOCIAL_INCLUSION = "social_inclusion", _("Social inclusion and poverty")
        GENDER_EQUALITY = "gender_equality", _("Gender equality")
        CHILDHOOD = "childhood", _("Childhood and youth")
        ELDERLY = "elderly", _("Older people")
        DISABILITY = "disability", _("Disability")
        MIGRATION = "migration", _("Migration and refuge")
        FOOD = "food", _("Food")
        ENERGY = "energy", _("Energy")
        ENVIRONMENT = "environment", _("Environment and climate")
        WATER = "water", _("Water and sanitation")
        CULTURE = "culture", _("Culture")
        PARTICIPATION = "participation", _("Participation and governance")
        JUSTICE = "justice", _("Justice and legal aid")
        COOPERATION = "cooperation", _("International cooperation")

    code = models.CharField(_("code"), max_length=32, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.get_code_display())


class ActorQuerySet(models.QuerySet["Actor"]):
    def administered_by(self, user: settings.AUTH_USER_MODEL) -> ActorQuerySet:
        return self.filter(people__user=user, people__role=ActorUser.Role.ADMIN)

    def represented_by(self, user: settings.AUTH_USER_MODEL) -> ActorQuerySet:
        return self.filter(people__user=user)


class Actor(models.Model):
    """An organization that takes part in clusters."""

    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        PUBLIC_ADMINISTRATION = "public_administration", _("Public administration")
        UNIVERSITY = "university", _("University")
        COMPANY = "company", _("Company")
        COMMUNITY_GROUP = "community_group", _("Community group")
        NETWORK = "network", _("Network")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    # name_key(name), kept by save(): the lookup of an entity by its name as typed.
    name_key = models.CharField(max_length=200, editable=False, db_index=True, default="")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    tax_id = models.CharField(
        _("tax id"), max_length=32, blank=True, help_text=_("For example the NIF/CIF.")
    )
    # Its identifier in the IATI registers, for the IATI files of the clusters it is in.
    iati_identifier = models.CharField(
        _("IATI organisation identifier"),
        max_length=100,
        blank=True,
        db_default="",
        validators=[validate_iati_organisation_identifier],
        help_text=_(
            "As IATI writes it: the register's code and the entity's number in it, "
            "for example ES-CIF-G12345678."
        ),
    )
    territory = models.CharField(_("territory"), max_length=200, blank=True)
    thematic_areas = models.ManyToManyField(
        ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="actors"
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ActorQuerySet.as_manager()

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_id"],
                condition=~Q(tax_id=""),
                name="actor_tax_id_unique",
                violation_error_message=_("Another entity already uses this tax id."),
            ),
            models.UniqueConstraint(
                fields=["iati_identifier"],
                condition=~Q(iati_identifier=""),
                name="actor_iati_identifier_unique",
                violation_error_message=_("Another entity already uses this IATI identifier."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            self.slug = unique_slug(Actor, self.name)
        self.name_key = name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("actors:detail", args=[self.slug])

    @classmethod
    def named(cls, name: str) -> Actor | None:
        """The entity already on the platform under this name, however it is typed."""
        key = name_key(name)
        return cls.objects.filter(name_key=key).order_by("pk").first() if key else None

    def admin_count(self) -> int:
        return self.people.filter(role=ActorUser.Role.ADMIN).count()

    def is_administered_by(self, user: settings.AUTH_USER_MODEL) -> bool:
        return (
            user.is_authenticated
            and self.people.filter(user=user, role=ActorUser.Role.ADMIN).exists()
        )


def name_key(name: str) -> str:
    """An entity's name as two people typing it would agree on: without case, accents or
    runs of spaces ("fundacio  dones i LLAR" for "Fundació Dones i Llar"). Invitations
    compare names by it when they are sent and when they are accepted, so that nobody
    creates a second entity by spelling its name otherwise."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def unique_slug(model: type[models.Model], text: str, max_length: int = 80) -> str:
    """A slug from the text that no row of the model uses yet (name, name-2, name-3...)."""
    base = slugify(text)[: max_length - 6].strip("-") or "item"
    slug, n = base, 1
    while model._default_manager.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class ActorUser(models.Model):
    """A person who represents an actor. Admins edit the actor's profile."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        REPRESENTATIVE = "representative", _("Representative")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="actor_links",
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="people"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("actor representative")
        verbose_name_plural = _("actor representatives")
        constraints = [
            models.UniqueConstraint(fields=["user", "actor"], name="actoruser_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.actor}"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Capacity(models.Model):
    """A resource an actor can put at the service of joint work."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        EXPERTISE = "expertise", _("Expertise")
        FUNDING = "funding", _("Funding")
        INFRASTRUCTURE = "infrastructure", _("Infrastructure")
        VOLUNTEERS = "volunteers", _("Volunteers")
        SPACE = "space", _("Space")

    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="capacities"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("capacity")
        verbose_name_plural = _("capacities")
        ordering = ["kind", "description"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="capacity_quantity_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"
