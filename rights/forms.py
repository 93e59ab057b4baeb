from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Q
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from clusters.models import Membership
from core.forms import GroupedMultipleChoiceField
from core.widgets import Textarea
from rights.models import (
    AGE_BANDS,
    GENDER_FIELDS,
    GENDER_PART_MIN_LENGTH,
    GENDER_PARTS,
    PART_NAMES,
    SEXES,
    CapacityGap,
    Cause,
    Consequence,
    DutyBearer,
    Participation,
    Right,
    RightsHolderGroup,
    RightsIssue,
    SDGGoal,
    SDGTarget,
    gender_text_problem,
)
from rights.uploads import evidence_content_type


class CatalogueChoiceField(GroupedMultipleChoiceField):
    """Rights or SDG targets, labelled in the person's language: checkboxes grouped by
    instrument or by goal, with a filter box (core.widgets.ChoiceFilter)."""

    def label_from_instance(self, obj: Right | SDGTarget) -> str:
        return str(obj)


def instrument_of(right: Right) -> str:
    return f"{right.instrument.name} ({right.instrument.abbreviation})"


def goal_of(target: SDGTarget) -> SDGGoal:
    return target.goal


def rights_field(**kwargs: object) -> CatalogueChoiceField:
    kwargs.setdefault("label", _("Rights violated"))
    kwargs.setdefault("help_text", _("Tick every right that applies; type to filter the list."))
    return CatalogueChoiceField(
        queryset=Right.objects.select_related("instrument"), group_of=instrument_of, **kwargs
    )


def sdg_targets_field(**kwargs: object) -> CatalogueChoiceField:
    kwargs.setdefault("label", _("SDG targets"))
    kwargs.setdefault("required", False)
    return CatalogueChoiceField(
        queryset=SDGTarget.objects.select_related("goal"), group_of=goal_of, **kwargs
    )


class RightsIssueForm(forms.ModelForm):
    rights = rights_field()
    sdg_targets = sdg_targets_field()

    class Meta:
        model = RightsIssue
        fields = ["title", "rights", "description", "territory", "sdg_targets"]
        widgets = {"description": Textarea(attrs={"rows": 5})}

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())


class PartFormSet(BaseInlineFormSet):
    """An inline formset whose empty extra rows are ignored, as people expect."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "items")
        super().__init__(*args, **kwargs)


class CauseForm(forms.ModelForm):
    consequences = forms.ModelMultipleChoiceField(
        label=capfirst(_("consequences it produces")),
        queryset=Consequence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Cause
        fields = ["level", "description", "consequences"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Only this issue's consequences can be linked (set by the formset).
        self.fields["consequences"].queryset = Consequence.objects.none()


class CauseFormSet(PartFormSet):
    """Each cause picks among this issue's consequences, numbered C1, C2... as in the tree."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        # Each row's ticked consequences come from one prefetch, not a query per row.
        kwargs.setdefault("queryset", Cause.objects.prefetch_related("consequences"))
        super().__init__(*args, **kwargs)

    def _construct_form(self, i: int, **kwargs: object) -> forms.Form:
        return self._with_consequences(super()._construct_form(i, **kwargs))

    @property
    def empty_form(self) -> forms.Form:
        return self._with_consequences(super().empty_form)

    def _with_consequences(self, form: forms.Form) -> forms.Form:
        # One query for the whole formset: every row offers the same choices.
        if not hasattr(self, "_choices"):
            refs = self.instance.consequence_refs()
            self._choices = [
                (c.pk, f"{refs[c.pk]} · {c.description}") for c in self.instance.consequences.all()
            ]
        field = form.fields["consequences"]
        field.queryset = self.instance.consequences.all()
        field.choices = self._choices
        return form


class HolderGroupForm(forms.ModelForm):
    class Meta:
        model = RightsHolderGroup
        fields = ["name", "description", *RightsHolderGroup.COUNT_FIELDS]
        widgets = {
            name: forms.NumberInput(attrs={"min": 0, "class": "count"})
            for name in RightsHolderGroup.COUNT_FIELDS
        }

    def grid(self) -> list[tuple[str, list[tuple[str, forms.BoundField]]]]:
        """Rows by sex of (age band label, field): each box is labelled with both."""
        return [
            (label, [(age_label, self[f"{sex}_{age}"]) for age, age_label in AGE_BANDS])
            for sex, label in SEXES
        ]


class DutyBearerForm(forms.ModelForm):
    """One of a member entity or an outside body: the model's constraint refuses anything
    else with its own message (a check here as well would show the sentence twice)."""

    class Meta:
        model = DutyBearer
        fields = ["membership", "outside_body", "obligation", "description"]


class DutyBearerFormSet(PartFormSet):
    """The cluster's active member entities, plus any already named here that has left
    since (so saving the list does not fail on it)."""

    def _construct_form(self, i: int, **kwargs: object) -> forms.Form:
        return self._with_members(super()._construct_form(i, **kwargs))

    @property
    def empty_form(self) -> forms.Form:
        return self._with_members(super().empty_form)

    def _with_members(self, form: forms.Form) -> forms.Form:
        if not hasattr(self, "_choices"):
            members = member_choices(self.instance)
            self._choices = [("", "---------")] + [(m.pk, m.actor.name) for m in members]
        field = form.fields["membership"]
        field.queryset = member_choices(self.instance)
        field.choices = self._choices
        return form


def member_choices(issue: RightsIssue):
    return (
        Membership.objects.filter(
            Q(cluster=issue.cluster, status=Membership.Status.ACTIVE)
            | Q(pk__in=issue.duty_bearers.values("membership"))
        )
        .select_related("actor")
        .order_by("actor__name")
    )


# The gap form names the group or duty-bearer in its one select as "group-3", "bearer-7";
# the choice sets these fields of the gap.
TIE_FIELDS = ("side", "holder_group", "duty_bearer")


class GapTies:
    """The groups and duty-bearers of an issue, as saved, that its gaps can be of: read
    once for the whole formset."""

    def __init__(self, issue: RightsIssue) -> None:
        groups = {f"group-{g.pk}": g for g in issue.holder_groups.all()}
        bearers = {
            f"bearer-{b.pk}": b for b in issue.duty_bearers.select_related("membership__actor")
        }
        self.by_key: dict[str, RightsHolderGroup | DutyBearer] = groups | bearers
        self.choices: list = [("", "---------")]
        for heading, rows in ((_("Rights-holder groups"), groups), (_("Duty-bearers"), bearers)):
            if rows:
                self.choices.append((heading, [(key, row.name) for key, row in rows.items()]))

    @staticmethod
    def key_of(gap: CapacityGap) -> str:
        if gap.holder_group_id:
            return f"group-{gap.holder_group_id}"
        return f"bearer-{gap.duty_bearer_id}" if gap.duty_bearer_id else ""

    def values_for(self, key: str) -> dict[str, object]:
        """The gap's side and tie for the chosen key (one of the choices offered)."""
        tie = self.by_key[key]
        if isinstance(tie, RightsHolderGroup):
            side = CapacityGap.Side.RIGHTS_HOLDERS
            return {"side": side, "holder_group": tie, "duty_bearer": None}
        return {"side": CapacityGap.Side.DUTY_BEARERS, "holder_group": None, "duty_bearer": tie}


class CapacityGapForm(forms.ModelForm):
    """One select of whose capacity it is, the issue's groups and duty-bearers in two
    lists: the side follows from it, so a gap cannot be of the wrong side."""

    whose = forms.ChoiceField(
        label=_("Whose capacity"),
        help_text=_(
            "A rights-holder group (to claim its right) or a duty-bearer (to meet its duty)."
        ),
    )

    class Meta:
        model = CapacityGap
        fields = ["type", "description"]

    field_order = ["whose", "type", "description"]

    def __init__(self, *args: object, ties: GapTies, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.ties = ties
        self.fields["whose"].choices = ties.choices
        self.fields["type"].required = True
        self.initial.setdefault("whose", ties.key_of(self.instance))

    def clean(self) -> dict:
        data = super().clean()
        key = data.pop("whose", None)
        if key:
            data.update(self.ties.values_for(key))
        return data

    @cached_property
    def changed_data(self) -> list[str]:
        # The service sets model fields: "whose" stands for the side and the tie.
        names = super().changed_data
        if "whose" not in names:
            return names
        return [name for name in names if name != "whose"] + list(TIE_FIELDS)


class CapacityGapFormSet(PartFormSet):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.form_kwargs = {**self.form_kwargs, "ties": GapTies(self.instance)}


def part_formset(model, form, formset=PartFormSet):
    return inlineformset_factory(
        RightsIssue,
        model,
        form=form,
        formset=formset,
        extra=2,
        max_num=60,
        absolute_max=60,  # a forged TOTAL_FORMS never builds more forms than this
        validate_max=True,
        can_delete=True,
    )


class ConsequenceForm(forms.ModelForm):
    class Meta:
        model = Consequence
        fields = ["description"]


class ParticipationForm(forms.ModelForm):
    holder_groups = forms.ModelMultipleChoiceField(
        label=capfirst(_("rights-holder groups consulted")),
        queryset=RightsHolderGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    memberships = forms.ModelMultipleChoiceField(
        label=capfirst(_("member entities consulted")),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Participation
        fields = [
            "method",
            "held_on",
            "holder_groups",
            "memberships",
            "others",
            "women",
            "men",
            "nonbinary",
            "notes",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{
                name: forms.NumberInput(attrs={"min": 0, "class": "count"})
                for name in Participation.COUNT_FIELDS
            },
        }
        help_texts = {
            "others": _("Anyone else consulted: a neighbourhood, a school, people not in a group."),
            **{
                name: _("Leave it empty if you do not know.") for name in Participation.COUNT_FIELDS
            },
        }

    def clean_held_on(self) -> date:
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(
                _(
                    "A consultation still to come is not part of the analysis yet: "
                    "record it once held."
                )
            )
        return held_on

    def clean(self) -> dict:
        data = super().clean()
        who = data.get("holder_groups") or data.get("memberships") or data.get("others")
        if not who and not self.errors:
            raise forms.ValidationError(
                _("Say who was consulted: a group, a member entity or others.")
            )
        return data


class ParticipationFormSet(PartFormSet):
    """Each consultation picks among this issue's groups and the cluster's active member
    entities (and any it named that has left since): choices read once for every row."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault(
            "queryset", Participation.objects.prefetch_related("holder_groups", "memberships")
        )
        super().__init__(*args, **kwargs)

    def _construct_form(self, i: int, **kwargs: object) -> forms.Form:
        return self._with_choices(super()._construct_form(i, **kwargs))

    @property
    def empty_form(self) -> forms.Form:
        return self._with_choices(super().empty_form)

    def _with_choices(self, form: forms.Form) -> forms.Form:
        if not hasattr(self, "_choices"):
            groups = list(self.instance.holder_groups.all())
            members = list(consulted_member_choices(self.instance))
            self._choices = {
                "holder_groups": [(g.pk, g.name) for g in groups],
                "memberships": [(m.pk, m.actor.name) for m in members],
            }
        form.fields["holder_groups"].queryset = self.instance.holder_groups.all()
        form.fields["memberships"].queryset = consulted_member_choices(self.instance)
        for name, choices in self._choices.items():
            form.fields[name].choices = choices
        return form


def consulted_member_choices(issue: RightsIssue):
    return (
        Membership.objects.filter(
            Q(cluster=issue.cluster, status=Membership.Status.ACTIVE)
            | Q(rights_consultations__issue=issue)
        )
        .distinct()
        .select_related("actor")
        .order_by("actor__name")
    )


class GenderAnalysisForm(forms.ModelForm):
    """The six parts of the gender analysis. Each may stay empty while the issue is a draft
    (validation asks for all six); a part that is written must be real content."""

    class Meta:
        model = RightsIssue
        fields = list(GENDER_FIELDS)
        widgets = {name: Textarea(attrs={"rows": 4}) for name in GENDER_FIELDS}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, label in GENDER_PARTS:
            field = self.fields[name]
            field.label = label
            field.help_text = f"{field.help_text} " + _(
                "At least %(min)s characters before validation."
            ) % {"min": GENDER_PART_MIN_LENGTH}

    def clean(self) -> dict:
        data = super().clean()
        labels = dict(GENDER_PARTS)
        # Only what the person changed: a part written before the rule is not refused here.
        for name in self.changed_data:
            text = data.get(name, "")
            problem = gender_text_problem(str(labels[name]), text) if text else None
            if problem:
                self.add_error(name, problem)
        return data


# The parts of an issue edited as lists: URL key -> (label, formset class).
PARTS = {
    part: (PART_NAMES[part], formset)
    for part, formset in {
        "consequences": part_formset(Consequence, ConsequenceForm),
        "causes": part_formset(Cause, CauseForm, CauseFormSet),
        "groups": part_formset(RightsHolderGroup, HolderGroupForm),
        "duty-bearers": part_formset(DutyBearer, DutyBearerForm, DutyBearerFormSet),
        "gaps": part_formset(CapacityGap, CapacityGapForm, CapacityGapFormSet),
        "participation": part_formset(Participation, ParticipationForm, ParticipationFormSet),
    }.items()
}


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Source"), max_length=200)
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    file = forms.FileField(label=_("File"), required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data.get("file")
        if upload:
            self.content_type = evidence_content_type(upload)
        return upload

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not data.get("url") and not data.get("file"):
            raise forms.ValidationError(_("Give a link, attach a file, or both."))
        return data
