from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, Membership
from core.widgets import ChoiceFilter, DateInput, Textarea
from indicators.cells import Ratio, count_problem, shown, validate_count
from indicators.models import (
    INDICATOR_DEFINITION,
    METADATA_SHEET,
    Indicator,
    Measurement,
    Objective,
)
from indicators.rules import missing_part, not_yes_no, ratio_problem
from rights.forms import sdg_targets_field
from rights.models import RightsIssue, SDGIndicator

VALUE_LIMIT = Decimal("999999999999.99")


class ObjectiveForm(forms.ModelForm):
    rights_issues = forms.ModelMultipleChoiceField(
        label=_("Rights issues it answers"),
        queryset=RightsIssue.objects.none(),
        required=False,
        widget=ChoiceFilter,
        help_text=_("Validated issues of this cluster."),
    )
    sdg_targets = sdg_targets_field()

    class Meta:
        model = Objective
        fields = ["code", "statement", "rights_issues", "sdg_targets", "status"]
        widgets = {"statement": Textarea(attrs={"rows": 3}), "status": forms.RadioSelect}

    def __init__(self, *args: object, cluster: Cluster, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.instance.cluster = cluster
        self.fields["rights_issues"].queryset = cluster.rights_issues.filter(
            status=RightsIssue.Status.VALIDATED
        )
        if self.instance.pk and self.instance.is_adopted:
            # An adopted objective stays adopted: a change of it is put to the cluster as
            # a new proposed objective.
            del self.fields["status"]
        else:
            self.fields["status"].required = False
            self.fields["status"].help_text = _(
                "A proposed objective is adopted by a cluster decision: a member entity "
                "proposes it and the cluster takes positions."
            )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean_status(self) -> str:
        """Left empty, an objective keeps its status; a new one is adopted."""
        return self.cleaned_data["status"] or self.instance.status or Objective.Status.ADOPTED


class IndicatorForm(forms.ModelForm):
    responsible = forms.ModelMultipleChoiceField(
        label=_("Responsible members"),
        queryset=Membership.objects.none(),
        required=False,
        widget=ChoiceFilter,
        help_text=_("Leave empty: every member entity reports."),
    )
    sdg_indicator = forms.ModelChoiceField(
        label=_("SDG indicator"), queryset=SDGIndicator.objects.all(), required=False
    )

    class Meta:
        model = Indicator
        fields = list(INDICATOR_DEFINITION)
        widgets = {
            "baseline_date": DateInput(),
            "target_date": DateInput(),
            "breakdown": forms.RadioSelect,
            **{name: Textarea(attrs={"rows": 3}) for name in METADATA_SHEET},
        }

    def __init__(self, *args: object, cluster: Cluster, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.cluster = cluster
        self.instance.cluster = cluster
        self.fields["objective"].queryset = cluster.objectives.all()
        self.fields["responsible"].queryset = (
            cluster.memberships.voting().select_related("actor").order_by("actor__name")
        )
        self.fields["responsible"].label_from_instance = lambda m: m.actor.name
        self.fields["right"].queryset = self.fields["right"].queryset.select_related("instrument")
        # Without dimensions it means nothing: left unanswered, every combination.
        self.fields["breakdown"].required = False

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The definition, then the metadata sheet in its own fieldset ("" for no legend)."""
        return [
            ("", [self[name] for name in self.fields if name not in METADATA_SHEET]),
            (str(_("Metadata sheet")), [self[name] for name in METADATA_SHEET]),
        ]

    def clean_breakdown(self) -> str:
        return (
            self.cleaned_data.get("breakdown")
            or self.instance.breakdown
            or Indicator.Breakdown.CROSSED
        )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    # Changing these would reinterpret the values already validated.
    STABLE_FIELDS = ("measure", "by_sex", "by_age", "by_disability", "territories", "breakdown")

    def _check_counts_hold(self) -> None:
        """Unticking "a count" loosens the rule and is always possible; ticking it needs
        every value already reported to be a whole number, never negative."""
        if not (self.instance.pk and self.cleaned_data.get("is_count")):
            return
        if "is_count" not in self.changed_data:
            return
        measurements = Measurement.objects.filter(report__indicator=self.instance)
        if self.instance.is_percentage:
            # A percentage's counts are its numerators and denominators (None: legacy).
            pairs = measurements.values_list("numerator", "denominator")
            values = (value for pair in pairs.iterator() for value in pair if value is not None)
        else:
            values = measurements.values_list("value", flat=True).iterator()
        if any(count_problem(value) for value in values):
            self.add_error(
                "is_count",
                _("Values already reported have decimals or are below zero: they are not counts."),
            )

    def _check_definition_is_stable(self) -> None:
        if not self.instance.pk or not self.instance.reports.filter(status="validated").exists():
            return
        for name in self.STABLE_FIELDS:
            if name in self.changed_data:
                self.add_error(
                    name, _("Validated values use this definition: create a new indicator instead.")
                )

    # What a yes/no indicator cannot have, with why (the constraint indicator_yes_no_plain).
    YES_NO_REFUSED = {
        "baseline_value": _("A yes/no indicator starts from no: leave the baseline value empty."),
        "target_value": _("The target of a yes/no indicator is yes: leave the target value empty."),
        "territories": _("A yes/no indicator is not broken down: leave the territories empty."),
        "unit": _("A yes or a no has no unit: leave it empty."),
    }

    def _check_yes_no(self, data: dict) -> None:
        """A yes/no answer is one fact: no values to start from or reach, no cells, the
        latest answer is the one that counts."""
        for name, message in self.YES_NO_REFUSED.items():
            if data.get(name) not in (None, ""):
                self.add_error(name, message)
        if any(data.get(name) for name in ("by_sex", "by_age", "by_disability")):
            self.add_error(
                "by_sex", _("A yes/no indicator is not broken down: untick the dimensions.")
            )
        if data.get("direction") == Indicator.Direction.DECREASE:
            self.add_error(
                "direction", _("The target of a yes/no indicator is yes: choose increase.")
            )
        if self.instance.pk and "measure" in self.changed_data:
            stored = Measurement.objects.filter(report__indicator=self.instance)
            # A percentage's 1 % of 100 is not a yes: rows with a denominator never are.
            answers = stored.filter(cell="", value__in=(0, 1), denominator__isnull=True)
            if stored.exclude(pk__in=answers).exists():
                self.add_error(
                    "measure",
                    _("Values already reported are not answers of yes (1) or no (0)."),
                )
        if data.get("aggregation") not in (None, Indicator.Aggregation.LATEST):
            self.add_error(
                "aggregation",
                _("A yes/no indicator reads its latest answer: choose latest period."),
            )

    def clean_hxl_tag(self) -> str:
        tag = self.cleaned_data["hxl_tag"].strip().lower()
        if tag and not tag.startswith("#"):
            tag = f"#{tag}"
        if tag and not tag[1:].replace("_", "").isalnum():
            raise forms.ValidationError(_("A hashtag is # followed by letters, digits or _."))
        return tag

    def clean(self) -> dict:
        data = super().clean()
        baseline, target = data.get("baseline_value"), data.get("target_value")
        direction = data.get("direction")
        if data.get("measure") == Indicator.Measure.PERCENTAGE:
            for name in ("baseline_value", "target_value"):
                value = data.get(name)
                if value is not None and not 0 <= value <= 100:
                    self.add_error(name, _("A percentage is between 0 and 100."))
        if baseline is not None and target is not None and baseline != target:
            if direction == Indicator.Direction.INCREASE and target < baseline:
                self.add_error(
                    "target_value", _("For an increase the target is above the baseline.")
                )
            if direction == Indicator.Direction.DECREASE and target > baseline:
                self.add_error(
                    "target_value", _("For a decrease the target is below the baseline.")
                )
        if direction == Indicator.Direction.DECREASE and target is not None and baseline is None:
            self.add_error("baseline_value", _("A decrease is measured from a baseline: give it."))
        aggregation = data.get("aggregation")
        cumulative = data.get("target_kind") == Indicator.TargetKind.CUMULATIVE
        is_percentage = data.get("measure") == Indicator.Measure.PERCENTAGE
        if not is_percentage:
            # What a numerator and a denominator count means nothing for other measures.
            data["numerator_label"] = data["denominator_label"] = ""
        if is_percentage and aggregation == Indicator.Aggregation.SUM:
            self.add_error("aggregation", _("Percentages do not add up: choose average or latest."))
        if direction == Indicator.Direction.DECREASE and aggregation == "sum" and cumulative:
            self.add_error(
                "aggregation",
                _("A cumulative sum can only grow: for a decrease choose average or latest."),
            )
        if data.get("measure") == Indicator.Measure.YES_NO:
            self._check_yes_no(data)
        self._check_definition_is_stable()
        self._check_counts_hold()
        start, end = data.get("baseline_date"), data.get("target_date")
        if start and end and end <= start:
            self.add_error("target_date", _("The target date comes after the baseline date."))
        return data


def value_field(label: str, indicator: Indicator) -> forms.DecimalField:
    """A number cell: a percentage is between 0 and 100, a count a whole number from 0;
    other numbers fit the column. Left empty, it is no data (not zero)."""
    if indicator.counts:
        # One rule says what a count is (and one message): no minimum, no decimals of its own.
        field = forms.DecimalField(
            label=label,
            required=False,
            max_digits=14,
            max_value=VALUE_LIMIT,
            validators=[validate_count],
        )
        field.widget.attrs["step"] = "1"
    else:
        if indicator.measure == Indicator.Measure.PERCENTAGE:
            low, high = Decimal(0), Decimal(100)
        else:
            low, high = -VALUE_LIMIT, VALUE_LIMIT
        field = forms.DecimalField(
            label=label,
            required=False,
            max_digits=14,
            decimal_places=2,
            min_value=low,
            max_value=high,
        )
    field.widget.attrs["placeholder"] = _("no data")
    return field


def ratio_part_field(label: str, indicator: Indicator) -> forms.DecimalField:
    """The numerator or the denominator of a percentage: never negative, and a whole
    number when the indicator counts people, households or cases (Indicator.is_count)."""
    field = forms.DecimalField(
        label=label,
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=VALUE_LIMIT,
        validators=[validate_count] if indicator.is_count else [],
        error_messages={"min_value": _("It is never below zero.")},
    )
    field.widget.attrs["step"] = "1" if indicator.is_count else "0.01"
    field.widget.attrs["placeholder"] = _("no data")
    return field


@dataclass
class RatioFields:
    """One cell of a percentage on the page: its two inputs and the percentage they make
    (of the values the form holds, posted or stored), or the legacy percentage it keeps."""

    key: str
    label: str
    numerator: forms.BoundField
    denominator: forms.BoundField
    percentage: str | None
    legacy: str | None


class YesNoField(forms.TypedChoiceField):
    """The answer of a yes/no indicator: stored as the total 1 (yes) or 0 (no); left
    unanswered, no data. Another answer (a tampered post) is refused with the import's and
    the API's text."""

    def __init__(self, *, indicator: Indicator, **kwargs: object) -> None:
        self.indicator = indicator
        super().__init__(
            choices=[("1", _("Yes")), ("0", _("No"))],
            coerce=Decimal,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            **kwargs,
        )

    def validate(self, value: object) -> None:
        if value in self.empty_values or self.valid_value(value):
            super().validate(value)
            return
        # Written out here, not left to Django's "%(value)s": the indicator's code may
        # hold a "%" itself.
        raise forms.ValidationError(not_yes_no(str(value), self.indicator), code="invalid_choice")


class ReportForm(forms.Form):
    """The grid of one report: the total, one field per disaggregation cell, a comment.

    A percentage asks each cell (and the total) for a numerator and a denominator, the
    percentage derived (indicators.cells.Ratio): cleaned, ``total`` and ``cell_values``
    hold Ratios. A cell reported before numerators and denominators were asked for keeps
    its percentage (``initial["legacy"]``, {cell: value}) while both are left empty."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: object, indicator: Indicator, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.cell_names: dict[str, str] = {}
        self.legacy: dict[str, Decimal] = dict(self.initial.get("legacy") or {})
        if indicator.is_percentage:
            self._add_ratio_fields()
        elif indicator.is_yes_no:
            self.fields["total"] = YesNoField(
                indicator=indicator,
                label=_("Answer"),
                help_text=_("Leave it unanswered when you do not know yet: that is no data."),
            )
        elif indicator.is_numeric:
            self.fields["total"] = value_field(_("Total"), indicator)
            for index, (key, label) in enumerate(indicator.cells()):
                name = f"cell_{index}"
                self.cell_names[name] = key
                self.fields[name] = value_field(label, indicator)
        else:
            self.fields["text_value"] = forms.CharField(
                label=_("Situation"),
                required=False,
                max_length=5000,
                widget=Textarea(attrs={"rows": 4}),
            )
        self.order_fields(["text_value", "total", *self.cell_names, "comment"])

    def _add_ratio_fields(self) -> None:
        indicator = self.indicator
        names = {"total": ""} | {
            f"cell_{index}": key for index, (key, _label) in enumerate(indicator.cells())
        }
        for name, key in names.items():
            if key:
                self.cell_names[name] = key
            for part, label in (
                ("numerator", indicator.numerator_name),
                ("denominator", indicator.denominator_name),
            ):
                # The cell's name is the legend of the pair's fieldset, or the grid's row
                # and column (the grid's own labels name it).
                field = ratio_part_field(capfirst(label), indicator)
                if key in self.legacy:
                    field.help_text = _(
                        "Reported as %(value)s %% without numerator and denominator: it is "
                        "kept while both are left empty."
                    ) % {"value": shown(self.legacy[key])}
                self.fields[f"{name}_{part}"] = field

    def _clean_ratio(self, name: str, key: str) -> Ratio | Decimal | None:
        """The cell's Ratio, its legacy percentage when both are left empty, or None."""
        numerator = self.cleaned_data.get(f"{name}_numerator")
        denominator = self.cleaned_data.get(f"{name}_denominator")
        if f"{name}_numerator" in self.errors or f"{name}_denominator" in self.errors:
            return None
        if numerator is None and denominator is None:
            return self.legacy.get(key)
        if denominator is None:
            self.add_error(f"{name}_denominator", missing_part("denominator"))
        elif numerator is None:
            self.add_error(f"{name}_numerator", missing_part("numerator"))
        elif problem := ratio_problem(numerator, denominator, shown):
            self.add_error(f"{name}_{problem.field}", str(problem))
        else:
            return Ratio(numerator, denominator)
        return None

    def clean(self) -> dict:
        data = super().clean()
        if self.indicator.is_percentage:
            data["total"] = self._clean_ratio("total", "")
            for name, key in self.cell_names.items():
                data[name] = self._clean_ratio(name, key)
        return data

    def ratio_fields(self) -> list[RatioFields]:
        """Each cell of a percentage, the total first, as the page shows it."""
        labels = {"": str(_("Total"))} | dict(self.indicator.cells())
        return [
            self._ratio_of(name, key, labels[key])
            for name, key in {"total": "", **self.cell_names}.items()
        ]

    def _ratio_of(self, name: str, key: str, label: str) -> RatioFields:
        numerator, denominator = self[f"{name}_numerator"], self[f"{name}_denominator"]
        parts = [_number(numerator.value()), _number(denominator.value())]
        percentage = None
        if None not in parts and 0 <= parts[0] <= parts[1] and parts[1] > 0:
            percentage = shown(Ratio(*parts).value)
        legacy = shown(self.legacy[key]) if key in self.legacy else None
        return RatioFields(key, label, numerator, denominator, percentage, legacy)

    def total_ratio(self) -> RatioFields | None:
        return (
            self._ratio_of("total", "", str(_("Total"))) if self.indicator.is_percentage else None
        )

    def ratios_by_cell(self) -> dict[str, RatioFields]:
        """{cell key: its fields}, for the grid of a percentage (indicators.grid)."""
        if not self.indicator.is_percentage:
            return {}
        return {item.key: item for item in self.ratio_fields() if item.key}

    def cell_values(self) -> dict[str, Decimal | Ratio | None]:
        return {key: self.cleaned_data.get(name) for name, key in self.cell_names.items()}

    def cell_fields(self) -> list[forms.BoundField]:
        if self.indicator.is_percentage:
            return []  # a percentage's cells are pairs: ratio_fields
        return [self[name] for name in self.cell_names]

    def fields_by_cell(self) -> dict[str, forms.BoundField]:
        """{cell key: its field}, for the grid (indicators.grid): a percentage's numerator."""
        if self.indicator.is_percentage:
            return {key: self[f"{name}_numerator"] for name, key in self.cell_names.items()}
        return {key: self[name] for name, key in self.cell_names.items()}


def _number(value: object) -> Decimal | None:
    """What an input holds now, as a number; None when empty or not one."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is returned"), max_length=2000, widget=Textarea(attrs={"rows": 2})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is reopened"),
        help_text=_("The entities with reports in the period receive it by email."),
        max_length=1000,
        widget=Textarea(attrs={"rows": 3}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    submit = forms.BooleanField(
        label=_("Submit the reports for validation"), required=False, initial=True
    )


def _whole(value: Decimal) -> Decimal | int:
    """12 rather than 12.00 in an input: a count shows as the whole number it is."""
    return int(value) if value == value.to_integral_value() else value


def ratio_initial(indicator: Indicator, measurements: Iterable[Measurement]) -> dict:
    """The report form's initial numerators and denominators of the stored measurements,
    and under "legacy" the percentages stored without them."""
    names = {"": "total"} | {key: f"cell_{i}" for i, (key, _label) in enumerate(indicator.cells())}
    initial: dict = {"legacy": {}}
    for measurement in measurements:
        name = names.get(measurement.cell)
        if name is None:
            continue
        if measurement.has_denominator:
            initial[f"{name}_numerator"] = _whole(measurement.numerator)
            initial[f"{name}_denominator"] = _whole(measurement.denominator)
        else:
            initial["legacy"][measurement.cell] = measurement.value
    return initial
