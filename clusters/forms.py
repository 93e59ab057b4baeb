from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from actors.forms import ThematicAreasField
from actors.models import Actor, ActorUser
from clusters.models import Cluster, Invitation, Membership
from clusters.sectors import DacSector
from core.validators import country_names
from core.widgets import LongSelect, Textarea

# What the rights-holder groups of the cluster's analysis are counted by.
HOLDER_DIMENSION_FIELDS = (
    "groups_by_sex",
    "groups_by_age",
    "groups_by_disability",
    "groups_by_migration",
)

# The zones a cluster's meetings are most likely held in, offered first; a cluster set to
# another zone (by an administrator) keeps it offered, so that saving changes nothing.
COMMON_TIME_ZONES = (
    "Europe/Madrid",
    "Atlantic/Canary",
    "Europe/Andorra",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Rome",
    "Europe/Berlin",
    "Europe/London",
    "Africa/Casablanca",
    "America/Mexico_City",
    "America/Bogota",
    "America/Lima",
    "America/Santiago",
    "America/Argentina/Buenos_Aires",
    "UTC",
)


def time_zone_choices(current: str | None) -> list[tuple[str, str]]:
    zones = list(COMMON_TIME_ZONES)
    if current and current not in zones:
        zones.insert(0, current)
    return [(zone, zone.replace("_", " ")) for zone in zones]


class ClusterForm(forms.ModelForm):
    thematic_areas = ThematicAreasField()

    class Meta:
        model = Cluster
        fields = [
            "name",
            "kind",
            "common_goal",
            "thematic_areas",
            "territory",
            "status",
            "decision_rule",
            "consensus_threshold",
            "quorum",
            "qualified_majority",
            "reporting_period",
            "time_zone",
            *HOLDER_DIMENSION_FIELDS,
            "country",
            "dac_sector",
        ]
        widgets = {
            "common_goal": Textarea(attrs={"rows": 4}),
            "country": LongSelect,
            "dac_sector": LongSelect,
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if "country" in self.fields:
            # Named in the reader's language; the stored code is kept even if Babel no
            # longer names it, so that saving unchanged changes nothing.
            names = country_names(translation.get_language() or settings.LANGUAGE_CODE)
            choices = list(names.items())
            if self.instance.country and self.instance.country not in names:
                choices.insert(0, (self.instance.country, self.instance.country))
            self.fields["country"].widget.choices = choices
            # A post without it (a script written before the field) keeps the country.
            self.fields["country"].required = False
            self.fields["dac_sector"].widget.choices = [
                ("", _("— choose —")),
                *[(code, f"{code} · {label}") for code, label in DacSector.choices],
            ]
        if "time_zone" not in self.fields:
            return
        # A select, not free text: the meetings' times are only right in a real zone. The
        # model's validator still checks whatever is posted; a post without it (a script
        # written before the field) keeps the zone the cluster has.
        field = self.fields["time_zone"]
        self.fields["time_zone"] = forms.ChoiceField(
            label=field.label,
            help_text=_("Meetings, invitations and calendars show their times in it."),
            choices=time_zone_choices(self.instance.time_zone),
            initial=field.initial,
            validators=field.validators,
            required=False,
        )

    def clean_country(self) -> str:
        return self.cleaned_data["country"] or self.instance.country

    def clean_time_zone(self) -> str:
        return self.cleaned_data["time_zone"] or self.instance.time_zone

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean(self) -> dict:
        data = super().clean()
        asked = [name for name in HOLDER_DIMENSION_FIELDS if name in self.fields]
        if asked and not any(data.get(name) for name in asked):
            raise forms.ValidationError(
                _("Choose at least one dimension to count the rights-holders by."),
                code="no_dimension",
            )
        return data

    def clean_reporting_period(self) -> str:
        value = self.cleaned_data["reporting_period"]
        # Periods already made (by the indicators part, through the reverse relation) would
        # overlap with periods of another length and count values twice.
        if (
            self.instance.pk
            and "reporting_period" in self.changed_data
            and self.instance.periods.exists()
        ):
            raise forms.ValidationError(
                _("Reporting has started with these periods: the period cannot change any more.")
            )
        return value


class ClusterCreateForm(ClusterForm):
    lead_actor = forms.ModelChoiceField(
        label=_("Lead entity"),
        queryset=Actor.objects.none(),
        help_text=_("The entity you represent, which coordinates the cluster."),
    )

    class Meta(ClusterForm.Meta):
        # A new cluster counts rights-holders by sex and age, and meets in Madrid's time;
        # its settings change that.
        fields = [
            f
            for f in ClusterForm.Meta.fields
            if f not in ("status", "time_zone", "country", "dac_sector")
            and f not in HOLDER_DIMENSION_FIELDS
        ]

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        actors = Actor.objects.administered_by(user)
        self.fields["lead_actor"].queryset = actors
        if user.is_staff:
            self.fields["lead_actor"].required = False
            self.fields["lead_actor"].help_text = _("Optional for platform administrators.")
        if len(actors) == 1:
            self.fields["lead_actor"].initial = actors[0]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email of the person invited"), max_length=254)
    actor = forms.ModelChoiceField(
        label=_("Existing entity"),
        queryset=Actor.objects.none(),
        required=False,
        help_text=_(
            "An entity already on the platform that is not in this cluster. The invitation "
            "goes to one of its administrators."
        ),
    )
    actor_name = forms.CharField(label=_("Or a new entity: name"), max_length=200, required=False)
    actor_kind = forms.ChoiceField(
        label=_("New entity: kind"),
        choices=[("", "---------"), *Actor.Kind.choices],
        required=False,
    )
    role = forms.ChoiceField(
        label=_("Role in the cluster"),
        choices=[c for c in Membership.Role.choices if c[0] != Membership.Role.LEAD],
        initial=Membership.Role.MEMBER,
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        help_text=_("The email is written in it, and it becomes the person's language."),
    )
    message = forms.CharField(
        label=_("Personal message"),
        required=False,
        max_length=2000,
        widget=Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, cluster: Cluster, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.cluster = cluster
        self.fields["language"].initial = translation.get_language()
        self.fields["actor"].queryset = Actor.objects.exclude(
            pk__in=cluster.memberships.active().values("actor")
        )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_actor_name(self) -> str:
        return " ".join(self.cleaned_data["actor_name"].split())

    def clean(self) -> dict:
        data = super().clean()
        actor, name, kind = data.get("actor"), data.get("actor_name"), data.get("actor_kind")
        if actor and (name or kind):
            raise forms.ValidationError(_("Choose an existing entity or name a new one, not both."))
        if not actor and not name:
            raise forms.ValidationError(
                _("Choose an existing entity, or give the new entity's name and kind.")
            )
        if name and not kind:
            self.add_error("actor_kind", _("Say what kind of entity it is."))
        return data


class PersonInvitationForm(forms.Form):
    """A person invited to a role of their own: co-coordinator of a cluster, or one of an
    entity's people (with ``roles``)."""

    email = forms.EmailField(label=_("Email of the person invited"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role in the entity"),
        choices=ActorUser.Role.choices,
        initial=ActorUser.Role.REPRESENTATIVE,
        help_text=_(
            "Representatives act for the entity in its clusters; administrators also edit "
            "its profile and its people."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        help_text=_("The email is written in it, and it becomes the person's language."),
    )
    message = forms.CharField(
        label=_("Personal message"),
        required=False,
        max_length=2000,
        widget=Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, roles: bool = True, **kwargs: object) -> None:
        super().__init__(*args, prefix="person", **kwargs)
        self.fields["language"].initial = translation.get_language()
        if not roles:
            del self.fields["role"]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class BulkInvitationForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("Columns: email, entity, kind, role, language. One entity per row."),
    )


class LeaveForm(forms.Form):
    membership = forms.ModelChoiceField(
        label=_("Entity that leaves"),
        queryset=Membership.objects.none(),
        widget=forms.RadioSelect,
    )

    def __init__(
        self,
        *args: object,
        memberships: list[Membership],
        acting: Membership | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        field.queryset = Membership.objects.filter(pk__in=[m.pk for m in memberships])
        field.label_from_instance = lambda membership: membership.actor.name
        if len(memberships) == 1:
            field.initial = memberships[0].pk
        elif acting is not None and acting in memberships:
            # The entity the person acts for in the cluster bar comes first to mind.
            field.initial = acting.pk


class ActingForForm(forms.Form):
    """The entity a person acts for in a cluster (the cluster bar's choice). Which entities
    are allowed is the access's to say (clusters.access.act_for), not the form's."""

    actor = forms.IntegerField(label=_("Acting for"), required=False)

    def actor_id(self) -> int | None:
        return self.cleaned_data["actor"] if self.is_valid() else None


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class InvitationSignupForm(forms.Form):
    """The account an invited person creates; the email is the one invited."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: object, invitation: Invitation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self) -> dict:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            candidate = User(
                email=self.invitation.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
