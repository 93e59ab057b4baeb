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
from core import words
from core.forms import GroupedMultipleChoiceField
from core.widgets import DateInput, Textarea
from rights import chains
from rights.holders import CountTable, count_tables
from rights.models import (
    GENDER_FIELDS,
    GENDER_PART_MIN_LENGTH,
    GENDER_PARTS,
    PART_NAMES,
    CapacityGap,
    Cause,
    Consequence,
    DutyBearer,
    GeneralComment,
    OutsideReference,
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
        fields = ["title", "rights", "general_comments", "description", "territory", "sdg_targets"]
        widgets = {"description": Textarea(attrs={"rows": 5})}

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


class LinkChoiceField(forms.ModelMultipleChoiceField):
    """Checkboxes of other rows of the issue; an id not among them (another issue's, or of
    the wrong level, posted by a forged form) is refused in words, not echoed."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = dict.fromkeys(
        ("invalid_choice", "invalid_pk_value"),
        _("Select a valid choice. That choice is not one of the available choices."),
    )


class CauseForm(forms.ModelForm):
    leads_to = LinkChoiceField(
        label=_("Causes it leads to"),
        queryset=Cause.objects.none(),
        required=False,
        help_text=_(
            "A structural cause leads to underlying causes, an underlying cause to immediate "
            "ones. Only saved causes are listed: save a new cause first, then link to it."
        ),
    )
    consequences = LinkChoiceField(
        label=capfirst(_("consequences it produces")),
        queryset=Consequence.objects.none(),
        required=False,
        help_text=_("Only immediate causes produce consequences."),
    )
    responsible = LinkChoiceField(
        label=_("Duty-bearers responsible"),
        queryset=DutyBearer.objects.none(),
        required=False,
        help_text=_("Only the duty-bearers saved in this issue are listed."),
    )

    class Meta:
        model = Cause
        fields = ["level", "description", "leads_to", "consequences", "responsible"]

    def clean(self) -> dict:
        """The links must fit the level chosen in this submit (rights.chains)."""
        data = super().clean()
        level = data.get("level")
        if level is None:
            return data
        cause = Cause(pk=self.instance.pk, level=level, description=data.get("description", ""))
        wrong = [c for c in data.get("leads_to", ()) if c.level != chains.LEVEL_ABOVE.get(level)]
        if wrong:
            self.add_error("leads_to", str(chains.WRONG_LEVEL[level]) % {"cause": cause})
        kept = set(self.initial.get("consequences") or ())
        added = [c for c in data.get("consequences", ()) if c not in kept and c.pk not in kept]
        if added and level != chains.IMMEDIATE:
            self.add_error("consequences", _("Only immediate causes produce consequences."))
        return data


class CauseFormSet(PartFormSet):
    """Each cause picks, among this issue's saved rows, the causes of the level above it
    leads to (an immediate cause: the consequences it produces, C1, C2... as in the tree)
    and the duty-bearers responsible for it.

    A saved cause is offered only the links its level allows; links an underlying or
    structural cause had to consequences before the chains existed are not offered (so
    kept as they are). A new row does not know its level yet: it is offered both, and
    ``CauseForm.clean`` refuses what does not fit the level chosen.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        # Each row's ticked links come from one prefetch, not a query per row.
        kwargs.setdefault("queryset", Cause.objects.with_links())
        super().__init__(*args, **kwargs)

    def _construct_form(self, i: int, **kwargs: object) -> forms.Form:
        return self._with_choices(super()._construct_form(i, **kwargs))

    @property
    def empty_form(self) -> forms.Form:
        return self._with_choices(super().empty_form)

    def _with_choices(self, form: forms.Form) -> forms.Form:
        if not hasattr(self, "_choices"):
            self._choices = self._link_choices()
        level = form.instance.level if form.instance.pk else None
        above = chains.LEVEL_ABOVE.get(level) if level else None
        if level == chains.IMMEDIATE:
            del form.fields["leads_to"]
        else:
            form.fields["leads_to"].queryset = self.instance.causes.filter(
                level__in=[above] if above else list(chains.LEVEL_ABOVE.values())
            )
            form.fields["leads_to"].choices = self._choices[above]
        if level and level != chains.IMMEDIATE:
            del form.fields["consequences"]
        else:
            form.fields["consequences"].queryset = self.instance.consequences.all()
            form.fields["consequences"].choices = self._choices["consequences"]
        form.fields["responsible"].queryset = self.instance.duty_bearers.all()
        form.fields["responsible"].choices = self._choices["responsible"]
        # What the saved cause's chain misses, shown above its row.
        form.chain_flags = chains.cause_flags(form.instance) if form.instance.pk else []
        return form

    def _link_choices(self) -> dict[str | None, list[tuple[int, str]]]:
        """The checkboxes of every kind of row, read once for the whole formset."""
        consequences = list(self.instance.consequences.all())
        causes = list(self.instance.causes.all())
        by_level = {
            level: [(c.pk, c.description) for c in causes if c.level == level]
            for level in chains.LEVEL_ABOVE.values()
        }
        # A new row: every cause it could lead to, its level said, higher levels first.
        by_level[None] = [
            (c.pk, f"{c.get_level_display()} · {c.description}")
            for level in (chains.UNDERLYING, chains.IMMEDIATE)
            for c in causes
            if c.level == level
        ]
        return {
            **by_level,
            # Numbered C1, C2... in their order, as RightsIssue.consequence_refs does.
            "consequences": [
                (c.pk, f"C{n} · {c.description}") for n, c in enumerate(consequences, start=1)
            ],
            "responsible": [
                (b.pk, f"{b.name} · {b.get_obligation_display()}")
                for b in self.instance.duty_bearers.select_related("membership__actor")
            ],
        }


# More people than this in one cell of one group is a typing error, not a count.
MAX_COUNT = 10_000_000


def count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_COUNT,
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_COUNT, "class": "count"}),
        error_messages={
            "invalid": _("Write a whole number of people, or leave it empty if unknown."),
            "min_value": _("A count cannot be negative: 0 means none."),
            # Built with each form, so the figure is written in the person's language.
            "max_value": _("More than %(limit)s people in one cell: check the figure.")
            % {"limit": words.number(MAX_COUNT)},
        },
    )


class HolderGroupForm(forms.ModelForm):
    """A group and one box per cell of its counts (set by HolderGroupFormSet): an empty
    box is unknown, 0 is none. What changed of the counts is handed on as ``cells``,
    {cell key: count or None}."""

    class Meta:
        model = RightsHolderGroup
        fields = ["name", "description"]

    def add_cells(self, tables: list[CountTable]) -> None:
        self.tables = tables
        self.cell_fields = {}
        for table in tables:
            for _label, cells, _total in table.rows:
                for cell in cells:
                    name = "count_" + cell.key.replace("|", "__").replace("=", "_")
                    self.fields[name] = count_field(cell.label)
                    self.initial.setdefault(name, cell.count)
                    self.cell_fields[cell.key] = name

    def count_grid(self) -> list[tuple[CountTable, list[tuple[str, list[forms.BoundField]]]]]:
        """Each table with its rows of boxes, as the page lays them out."""
        return [
            (
                table,
                [
                    (label, [self[self.cell_fields[cell.key]] for cell in cells])
                    for label, cells, _total in table.rows
                ],
            )
            for table in self.tables
        ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.tables: list[CountTable] = []
        self.cell_fields: dict[str, str] = {}

    def _changed_fields(self) -> list[str]:
        # As Django's changed_data, which this form's own replaces.
        return [name for name, bound in self._bound_items() if bound._has_changed()]

    @cached_property
    def changed_data(self) -> list[str]:
        """The fields changed, the boxes of the counts together as ``cells``."""
        boxes = set(self.cell_fields.values())
        changed = self._changed_fields()
        plain = [name for name in changed if name not in boxes]
        return plain + (["cells"] if boxes & set(changed) else [])

    def clean(self) -> dict:
        data = super().clean()
        changed = set(self._changed_fields())
        data["cells"] = {
            key: data.get(name) for key, name in self.cell_fields.items() if name in changed
        }
        for name in self.cell_fields.values():
            data.pop(name, None)
        return data


class HolderGroupFormSet(PartFormSet):
    """Every row has the cells of the cluster's dimensions, and those kept from before."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("queryset", RightsHolderGroup.objects.prefetch_related("counts"))
        super().__init__(*args, **kwargs)

    def _construct_form(self, i: int, **kwargs: object) -> forms.Form:
        return self._with_cells(super()._construct_form(i, **kwargs))

    @property
    def empty_form(self) -> forms.Form:
        return self._with_cells(super().empty_form)

    def _with_cells(self, form: HolderGroupForm) -> HolderGroupForm:
        chosen = self.instance.cluster.holder_dimensions()
        counts = form.instance.cell_counts() if form.instance.pk else {}
        form.add_cells(count_tables(counts, chosen))
        return form


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
            "held_on": DateInput(),
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
        "groups": part_formset(RightsHolderGroup, HolderGroupForm, HolderGroupFormSet),
        "duty-bearers": part_formset(DutyBearer, DutyBearerForm, DutyBearerFormSet),
        "gaps": part_formset(CapacityGap, CapacityGapForm, CapacityGapFormSet),
        "references": part_formset(OutsideReference, OutsideReferenceForm),
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
