"""The coherence part's forms. They check what a person can fix on the page; the services
check the same rules again, whatever calls them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from coherence.findings import Filters
from coherence.models import MAX_REASON, MAX_SUMMARY, Score, Strategy
from coherence.scale import Score as ScoreValue
from core.widgets import DateInput, LongSelect, Textarea
from indicators.models import Objective
from rights.forms import rights_field, sdg_targets_field
from rights.uploads import evidence_content_type

OFF_THE_SCALE = _("Choose a score on the scale, from −3 to +3.")
NEEDS_A_REASON = _("Say why: a score other than 0 needs a reason.")


class StrategyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Strategy.Kind.choices)
    starts_on = forms.DateField(label=_("In force from"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave it empty if it has no end date."),
    )
    territory = forms.CharField(label=_("Territory"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), max_length=MAX_SUMMARY, widget=Textarea(attrs={"rows": 5})
    )
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    document = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("The plan or policy itself, if you have it as a file."),
    )
    sdg_targets = sdg_targets_field(
        label=_("SDG targets it addresses"),
        help_text=_(
            "Tick every target that applies; type to filter the list. Strategies of several "
            "entities on the same targets and territory are offered as candidates for a joint "
            "action."
        ),
    )
    rights = rights_field(required=False, label=_("Rights it addresses"))
    status = forms.ChoiceField(
        label=_("Status"), choices=Strategy.Status.choices, initial=Strategy.Status.IN_FORCE
    )

    def __init__(self, *args: Any, strategy: Strategy | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.content_type = ""
        if strategy is not None:
            self.initial = {
                **{name: getattr(strategy, name) for name in FIELDS},
                "sdg_targets": [t.pk for t in strategy.sdg_targets.all()],
                "rights": [r.pk for r in strategy.rights.all()],
            }
            if strategy.document:
                self.fields["document"].help_text = _(
                    "A new file replaces the one attached (%(name)s)."
                ) % {"name": strategy.original_name}

    def clean_document(self) -> object:
        upload = self.cleaned_data.get("document")
        if upload:
            self.content_type = evidence_content_type(upload)
        return upload

    def clean(self) -> dict:
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("A strategy ends after it starts."))
        if data.get("status") == Strategy.Status.ENDED and not ends_on and not self.errors:
            self.add_error("ends_on", _("Say when the strategy ended."))
        return data

    def values(self) -> dict[str, Any]:
        """What the services take: the fields, and the upload with its checked type."""
        data = dict(self.cleaned_data)
        upload = data.pop("document", None)
        return {**data, "upload": upload or None, "content_type": self.content_type}


FIELDS = ("title", "kind", "starts_on", "ends_on", "territory", "summary", "url", "status")


@dataclass(frozen=True)
class SheetRow:
    objective: Objective
    score: Score | None
    value: BoundField
    reason: BoundField


VALUE_FIELD = re.compile(r"^value_(\d+)$")


class ScoreSheetForm(forms.Form):
    """One row per adopted common objective of the strategy's cluster: its score on the
    seven-point scale and the reason, prefilled with the scores in force."""

    def __init__(
        self,
        *args: Any,
        objectives: Iterable[Objective],
        scores: dict[int, Score],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.objectives = list(objectives)
        self.scores = scores
        for objective in self.objectives:
            score = scores.get(objective.pk)
            choices = list(ScoreValue.choices)
            if score is None:
                # Once scored, a score is revised, never taken back.
                choices = [("", _("Not scored yet")), *choices]
            self.fields[f"value_{objective.pk}"] = forms.TypedChoiceField(
                label=_("Score against %(code)s") % {"code": objective.code},
                choices=choices,
                coerce=int,
                required=score is not None,
                empty_value=None,
                error_messages={"invalid_choice": OFF_THE_SCALE, "required": OFF_THE_SCALE},
            )
            self.fields[f"reason_{objective.pk}"] = forms.CharField(
                label=_("Reason for the score against %(code)s") % {"code": objective.code},
                required=False,
                max_length=MAX_REASON,
                widget=Textarea(attrs={"rows": 2}),
            )
            if score is not None:
                self.initial[f"value_{objective.pk}"] = score.value
                self.initial[f"reason_{objective.pk}"] = score.reason

    def clean(self) -> dict:
        data = super().clean()
        if self.is_bound:
            posted = {m.group(0) for key in self.data if (m := VALUE_FIELD.match(key))}
            if posted - set(self.fields):
                raise forms.ValidationError(_("Choose one of this cluster's common objectives."))
        for objective in self.objectives:
            value = data.get(f"value_{objective.pk}")
            reason = data.get(f"reason_{objective.pk}", "")
            if value not in (None, 0) and not reason:
                self.add_error(f"reason_{objective.pk}", NEEDS_A_REASON)
        return data

    def rows(self) -> list[SheetRow]:
        return [
            SheetRow(
                objective=objective,
                score=self.scores.get(objective.pk),
                value=self[f"value_{objective.pk}"],
                reason=self[f"reason_{objective.pk}"],
            )
            for objective in self.objectives
        ]

    def chosen(self) -> list[tuple[Objective, int, str]]:
        """(objective, value, reason) of every row given a score."""
        return [
            (objective, value, self.cleaned_data.get(f"reason_{objective.pk}", ""))
            for objective in self.objectives
            if (value := self.cleaned_data.get(f"value_{objective.pk}")) is not None
        ]


class QuestionForm(forms.Form):
    comment = forms.CharField(
        label=_("What you question about this score"),
        max_length=MAX_REASON,
        widget=Textarea(attrs={"rows": 3}),
    )


class MatrixFilterForm(forms.Form):
    """The heat map's filters. A value that is not among the choices is ignored."""

    entity = forms.TypedChoiceField(
        label=_("Entity"), required=False, coerce=int, empty_value=None, widget=LongSelect
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    objective = forms.TypedChoiceField(
        label=_("Common objective"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        memberships: Iterable[tuple[int, str]],
        objectives: Iterable[Objective],
        **kwargs: Any,
    ) -> None:
        """``memberships``: (id, entity name) of each entity that may be chosen."""
        super().__init__(*args, **kwargs)
        self.fields["entity"].choices = [("", _("All entities")), *memberships]
        self.fields["kind"].choices = [("", _("All kinds")), *Strategy.Kind.choices]
        self.fields["objective"].choices = [("", _("All objectives"))] + [
            (o.pk, f"{o.code} · {o.statement}") for o in objectives
        ]

    def filters(self) -> Filters:
        self.is_valid()
        data = self.cleaned_data
        kind = data.get("kind") or None
        return Filters(entity=data.get("entity"), kind=kind, objective=data.get("objective"))

    @property
    def is_filtering(self) -> bool:
        return self.filters() != Filters()
