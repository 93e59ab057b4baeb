from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Q
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from clusters.models import Membership
from core.forms import GroupedMultipleChoiceField
from core.widgets import DateInput, Textarea
from rights.models import (
    AGE_BANDS,
    PART_NAMES,
    SEXES,
    CapacityGap,
    Cause,
    Consequence,
    DutyBearer,
    GeneralComment,
    OutsideReference,
    Right,
    RightsHolderGroup,
    RightsIssue,
    SDGGoal,
    SDGTarget,
)
from rights.uploads import evidence_content_type


class CatalogueChoiceField(GroupedMultipleChoiceField):
    """Rights or SDG targets, labelled in the person's language: checkboxes grouped by
    instrument or by goal, with a filter box (core.widgets.ChoiceFilter)."""

    def label_from_instance(self, obj: Right | SDGTarget | GeneralComment) -> str:
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


def body_of(comment: GeneralComment) -> str:
    return f"{comment.body_name} ({comment.body})"


def general_comments_field(**kwargs: object) -> CatalogueChoiceField:
    """The treaty bodies' General Comments, grouped by body. One that interprets none of
    the issue's rights may still be cited: a comment on non-discrimination or on
    evictions often bears on a right it is not formally attached to."""
    kwargs.setdefault("label", _("General Comments and Recommendations cited"))
    kwargs.setdefault("required", False)
    kwargs.setdefault(
        "help_text", _("What the treaty bodies say the rights mean; type to filter the list.")
    )
    return CatalogueChoiceField(queryset=GeneralComment.objects.all(), group_of=body_of, **kwargs)


class RightsIssueForm(forms.ModelForm):
    rights = rights_field()
    sdg_targets = sdg_targets_field()
    general_comments = general_comments_field()

    class Meta:
        model = RightsIssue
        fields = [
            "title",
            "rights",
            "general_comments",
            "description",
            "territory",
            "sdg_targets",
            "gender_analysis",
        ]
        widgets = {
            "description": Textarea(attrs={"rows": 5}),
            "gender_analysis": Textarea(attrs={"rows": 5}),
        }

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())


class PartFormSet(BaseInlineFormSet):
    """An inline formset whose empty extra rows are ignored, as people expect."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "items")
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        # Django builds a row whose id is not among this issue's rows as a new one: an id
        # of another issue's row (a forged form) or of a row removed meanwhile would be
        # added silently. Refused instead, and nothing is saved.
        if any(form.instance.pk is None for form in self.initial_forms):
            raise forms.ValidationError(
                _("A row of this list is not one of this issue's: reload the page and try again.")
            )


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


class CapacityGapForm(forms.ModelForm):
    class Meta:
        model = CapacityGap
        fields = ["side", "description"]


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


class OutsideReferenceForm(forms.ModelForm):
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = OutsideReference
        fields = ["kind", "title", "date", "url"]
        widgets = {"date": DateInput()}

    def clean_date(self) -> date:
        # A document the analysis relies on exists already: a future date is a typo.
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class ConsequenceForm(forms.ModelForm):
    class Meta:
        model = Consequence
        fields = ["description"]


# The parts of an issue edited as lists: URL key -> (label, formset class).
PARTS = {
    part: (PART_NAMES[part], formset)
    for part, formset in {
        "consequences": part_formset(Consequence, ConsequenceForm),
        "causes": part_formset(Cause, CauseForm, CauseFormSet),
        "groups": part_formset(RightsHolderGroup, HolderGroupForm),
        "duty-bearers": part_formset(DutyBearer, DutyBearerForm, DutyBearerFormSet),
        "gaps": part_formset(CapacityGap, CapacityGapForm),
        "references": part_formset(OutsideReference, OutsideReferenceForm),
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
