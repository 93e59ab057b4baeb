"""Common objectives, shared indicators, reporting periods and the members' reports.

A member entity reports, for one indicator and one period, a MeasurementReport made of Measurements:
one per disaggregation cell plus the total (cell ""). The report carries the status
(draft, submitted, returned, validated); progress reads only validated totals. A yes/no
indicator's answer is its total: 1 for yes, 0 for no (indicators.progress says how the
answers of several entities and periods roll up).
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from clusters.models import Cluster, Membership
from core import words
from core.dimensions import DISABILITY
from rights.models import AGE_BANDS, SEXES, Right, RightsIssue, SDGIndicator, SDGTarget


class Objective(models.Model):
    class Status(models.TextChoices):
        # A proposed objective waits for a cluster decision (a proposal that adopts it).
        PROPOSED = "proposed", _("Proposed, awaiting a decision")
        ADOPTED = "adopted", _("Adopted")

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("cluster")
    )
    code = models.CharField(_("code"), max_length=20)
    statement = models.TextField(_("statement"), max_length=2000)
    rights_issues = models.ManyToManyField(
        RightsIssue,
        verbose_name=_("rights issues it answers"),
        related_name="objectives",
        blank=True,
    )
    sdg_targets = models.ManyToManyField(
        SDGTarget, verbose_name=_("SDG targets"), related_name="objectives", blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ADOPTED
    )
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("common objective")
        verbose_name_plural = _("common objectives")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "code"], name="objective_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.statement[:80]}"

    @property
    def is_proposed(self) -> bool:
        """Waiting for a cluster decision to adopt it."""
        return self.status == self.Status.PROPOSED

    @property
    def is_adopted(self) -> bool:
        return self.status == self.Status.ADOPTED


# The controlled list of disaggregation dimensions and their values (HXL attributes where
# the HXL dictionary has one).
# DISABILITY is defined once in core.dimensions, with the rights-holders' dimensions.
HXL_SEX = {"female": "f", "male": "m", "nonbinary": "i"}


# The name of an indicator's current value, by the rule that makes it (current_rule).
CURRENT_LABELS = {
    "latest": _("Current value (latest period)"),
    "sum": _("Current value (sum of the periods)"),
    "average": _("Current value (average of the periods)"),
}


# The metadata sheet of an indicator, as OHCHR's Human Rights Indicators guide (2012)
# lays it out, in its order. Data source, disaggregation and periodicity are also the
# indicator's own fields (data_source, the dimensions, frequency): these texts say the rest.
METADATA_SHEET = (
    "definition",
    "rationale",
    "computation_method",
    "collection_details",
    "disaggregation_note",
    "comments_limitations",
)


# What a coordinator defines of an indicator: the fields of its form, and what the audit
# log records when it changes.
INDICATOR_DEFINITION = (
    "objective",
    "code",
    "name",
    "type",
    "right",
    "right_attribute",
    "measure",
    "is_count",
    "unit",
    "direction",
    "aggregation",
    "target_kind",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "by_sex",
    "by_age",
    "by_disability",
    "territories",
    "breakdown",
    "data_source",
    "frequency",
    "responsible",
    "sdg_indicator",
    "hxl_tag",
    "weight",
    # Percentages: what their numerator and denominator count.
    "numerator_label",
    "denominator_label",
    *METADATA_SHEET,
)


class Indicator(models.Model):
    class Type(models.TextChoices):
        STRUCTURAL = "structural", _("Structural")
        PROCESS = "process", _("Process")
        OUTCOME = "outcome", _("Outcome")

    class Measure(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENTAGE = "percentage", _("Percentage")
        QUALITATIVE = "qualitative", _("Qualitative")
        # A structural commitment that is in place or not ("law ratified"): stored as the
        # total 1 (yes) or 0 (no), the target is yes (progress.yes_no_status).
        YES_NO = "yes_no", _("Yes or no")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Increase")
        DECREASE = "decrease", _("Decrease")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Sum of the periods")
        AVERAGE = "average", _("Average of the periods")
        LATEST = "latest", _("Latest period")

    class TargetKind(models.TextChoices):
        CUMULATIVE = "cumulative", _("Cumulative")
        PER_PERIOD = "per_period", _("Per period")

    class Breakdown(models.TextChoices):
        # Every combination of the dimensions' values: women aged 18 to 64 with disability.
        CROSSED = "crossed", _("Every combination of the dimensions")
        # Each dimension on its own, each adding up to the total: by sex, by age, by
        # disability, where that is what entities can count.
        SEPARATE = "separate", _("Each dimension on its own")

    class Source(models.TextChoices):
        EVENT_BASED = "event_based", _("Event-based data")
        ADMINISTRATIVE = "administrative", _("Administrative statistics")
        SURVEY = "survey", _("Survey")
        EXPERT = "expert", _("Expert judgement")

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("cluster")
    )
    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    right = models.ForeignKey(
        Right,
        verbose_name=_("right it measures"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    right_attribute = models.CharField(
        _("attribute of the right"),
        max_length=200,
        blank=True,
        help_text=_("For example: accessibility, affordability, security of tenure."),
    )
    measure = models.CharField(_("measure"), max_length=12, choices=Measure.choices)
    is_count = models.BooleanField(
        _("a count"),
        default=True,
        help_text=_(
            "For numbers, and for the numerators and denominators of percentages: people, "
            "households or cases, reported as whole numbers and never negative. Untick it "
            "for amounts such as euros or days."
        ),
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    aggregation = models.CharField(
        _("how periods add up"), max_length=10, choices=Aggregation.choices
    )
    target_kind = models.CharField(
        _("target"), max_length=12, choices=TargetKind.choices, default=TargetKind.CUMULATIVE
    )
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(
        _("target value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    by_sex = models.BooleanField(_("by sex"), default=False)
    by_age = models.BooleanField(_("by age band"), default=False)
    by_disability = models.BooleanField(_("by disability"), default=False)
    territories = models.CharField(
        _("by territory"),
        max_length=500,
        blank=True,
        help_text=_("Territories to report separately, separated by commas."),
    )
    breakdown = models.CharField(
        _("how the cells are reported"),
        max_length=10,
        choices=Breakdown.choices,
        default=Breakdown.CROSSED,
        help_text=_(
            "Every combination (women aged 18 to 64, with disability…), or each dimension "
            "on its own (the totals by sex, by age band, by disability), when that is what "
            "the entities can count."
        ),
    )
    data_source = models.CharField(_("data source"), max_length=16, choices=Source.choices)
    frequency = models.CharField(
        _("frequency"),
        max_length=20,
        choices=Cluster.ReportingPeriod.choices,
        default=Cluster.ReportingPeriod.QUARTERLY,
    )
    responsible = models.ManyToManyField(
        Membership, verbose_name=_("responsible members"), related_name="indicators", blank=True
    )
    sdg_indicator = models.ForeignKey(
        SDGIndicator,
        verbose_name=_("SDG indicator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    hxl_tag = models.CharField(
        _("HXL tag"),
        max_length=40,
        blank=True,
        default="#reached",
        help_text=_("The HXL hashtag of the values in exports, for example #reached or #affected."),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight in the objective"), default=1, validators=[MinValueValidator(1)]
    )
    numerator_label = models.CharField(
        _("what the numerator counts"),
        max_length=100,
        blank=True,
        help_text=_("For percentages, for example: households evicted."),
    )
    denominator_label = models.CharField(
        _("what the denominator counts"),
        max_length=100,
        blank=True,
        help_text=_("For percentages, for example: households with a mortgage."),
    )
    definition = models.TextField(
        _("definition"),
        max_length=2000,
        blank=True,
        help_text=_("What the indicator measures, with the meaning of its terms."),
    )
    rationale = models.TextField(
        _("rationale"),
        max_length=2000,
        blank=True,
        help_text=_("Why it matters for the right and its attribute."),
    )
    computation_method = models.TextField(
        _("method of computation"),
        max_length=2000,
        blank=True,
        help_text=_("How the value is worked out: what is counted, the formula."),
    )
    collection_details = models.TextField(
        _("data collection and source"),
        max_length=2000,
        blank=True,
        help_text=_("Who collects the data, how, and from which registers or surveys."),
    )
    disaggregation_note = models.TextField(
        _("note on disaggregation"),
        max_length=1000,
        blank=True,
        help_text=_(
            "The dimensions chosen above are listed on the sheet: add what they leave out, "
            "or why a ground is not broken down."
        ),
    )
    comments_limitations = models.TextField(
        _("comments and limitations"),
        max_length=2000,
        blank=True,
        help_text=_("What the figure does not show, its known biases and gaps."),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "code"], name="indicator_code_unique"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="indicator_weight_positive"),
            # What the indicator form checks, held by the database as well.
            models.CheckConstraint(
                condition=~Q(measure="percentage")
                | (
                    (Q(baseline_value__isnull=True) | Q(baseline_value__range=(0, 100)))
                    & (Q(target_value__isnull=True) | Q(target_value__range=(0, 100)))
                ),
                name="indicator_percentage_range",
                violation_error_message=_("A percentage is between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True)
                | Q(target_value__isnull=True)
                | Q(direction="increase", target_value__gte=F("baseline_value"))
                | Q(direction="decrease", target_value__lte=F("baseline_value")),
                name="indicator_target_follows_direction",
                violation_error_message=_(
                    "The target is above the baseline for an increase, below it for a decrease."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(direction="decrease")
                | Q(target_value__isnull=True)
                | Q(baseline_value__isnull=False),
                name="indicator_decrease_has_baseline",
                violation_error_message=_("A decrease is measured from a baseline: give it."),
            ),
            models.CheckConstraint(
                condition=~Q(measure="percentage", aggregation="sum"),
                name="indicator_percentage_not_summed",
                violation_error_message=_("Percentages do not add up: choose average or latest."),
            ),
            models.CheckConstraint(
                condition=~Q(direction="decrease", aggregation="sum", target_kind="cumulative"),
                name="indicator_decrease_not_cumulative_sum",
                violation_error_message=_(
                    "A cumulative sum can only grow: for a decrease choose average or latest."
                ),
            ),
            # A yes/no indicator: its target is yes, read from the latest period, no cells.
            models.CheckConstraint(
                condition=~Q(measure="yes_no")
                | Q(
                    baseline_value__isnull=True,
                    target_value__isnull=True,
                    direction="increase",
                    aggregation="latest",
                    by_sex=False,
                    by_age=False,
                    by_disability=False,
                    territories="",
                ),
                name="indicator_yes_no_plain",
                violation_error_message=_(
                    "A yes/no indicator aims at yes: it has no baseline or target values and "
                    "no disaggregation, and reads its latest period."
                ),
            ),
            models.CheckConstraint(
                condition=Q(baseline_date__isnull=True)
                | Q(target_date__isnull=True)
                | Q(target_date__gt=F("baseline_date")),
                name="indicator_target_date_after_baseline",
                violation_error_message=_("The target date comes after the baseline date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("indicators:indicator-detail", args=[self.cluster.slug, self.pk])

    @property
    def is_yes_no(self) -> bool:
        """Reported as yes (1) or no (0), its target yes: no cells, no baseline or target
        values (progress.yes_no_status says how the answers roll up)."""
        return self.measure == self.Measure.YES_NO

    @property
    def target_shown(self) -> str:
        """The target as the pages write it: "Yes" for a yes/no indicator, the number
        in the reader's language, or a dash when there is none."""
        if self.is_yes_no:
            return str(_("Yes"))
        return "—" if self.target_value is None else words.number(self.target_value)

    def disaggregation_words(self) -> str:
        """The dimensions the indicator is broken down by, in words ("" for none), for the
        metadata sheet."""
        names = {
            "sex": _("sex"),
            "age": _("age band"),
            "disability": _("disability"),
            "territory": _("territory"),
        }
        shown = [str(names[name]) for name, _values in self.dimensions()]
        if not shown:
            return ""
        if self.territory_list():
            shown[-1] = f"{shown[-1]} ({', '.join(self.territory_list())})"
        return ", ".join(shown)

    def metadata_sheet(self) -> list[tuple[str, str]]:
        """The sheet as OHCHR's guide lays it out, as (heading, text) in its order; a
        blank text is "" (the pages and the dossier write it as a dash)."""
        source = str(self.get_data_source_display())
        if self.collection_details:
            source = f"{source}. {self.collection_details}"
        disaggregation = capfirst(self.disaggregation_words())
        if disaggregation and self.disaggregation_note:
            disaggregation = f"{disaggregation}. {self.disaggregation_note}"
        elif self.disaggregation_note:
            disaggregation = self.disaggregation_note
        return [
            (str(_("Definition")), self.definition),
            (str(_("Rationale")), self.rationale),
            (str(_("Method of computation")), self.computation_method),
            (str(_("Data collection and source")), source),
            (str(_("Disaggregation")), disaggregation),
            (str(_("Periodicity")), str(self.get_frequency_display())),
            (str(_("Comments and limitations")), self.comments_limitations),
        ]

    @property
    def is_numeric(self) -> bool:
        return self.measure != self.Measure.QUALITATIVE

    @property
    def is_percentage(self) -> bool:
        """Reported as a numerator and a denominator, the percentage derived from them."""
        return self.measure == self.Measure.PERCENTAGE

    @property
    def numerator_name(self) -> str:
        """The label of the numerator's input: what it counts, if the indicator says."""
        return self.numerator_label or str(_("Numerator"))

    @property
    def denominator_name(self) -> str:
        return self.denominator_label or str(_("Denominator"))

    @property
    def adds_up(self) -> bool:
        """Whether the cells of a report add up to its total (percentages do not)."""
        return self.measure == self.Measure.NUMBER

    @property
    def counts(self) -> bool:
        """Whether every value is a count: a whole number, never negative."""
        return self.adds_up and self.is_count

    def asks_for(self, period: ReportingPeriod) -> bool:
        """Whether the indicator asks for reports of the period: none of a period that ends
        before its baseline date (the value it starts from is the baseline's). Pages, the
        rules, the import template and the participation counts all ask this."""
        return self.baseline_date is None or period.end >= self.baseline_date

    @property
    def current_rule(self) -> str:
        """How the periods' values make the indicator's current one: a per-period target
        is judged on the latest period whatever the aggregation (progress.combine)."""
        if self.target_kind == self.TargetKind.PER_PERIOD:
            return self.Aggregation.LATEST
        return self.aggregation

    @property
    def current_label(self) -> str:
        """The current value's name on the pages, after the rule that makes it."""
        return str(CURRENT_LABELS[self.current_rule])

    def territory_list(self) -> list[str]:
        return [t.strip() for t in self.territories.split(",") if t.strip()]

    def dimensions(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The chosen dimensions with their values: [(dimension, [(value, label)])]."""
        chosen = []
        if self.by_sex:
            chosen.append(("sex", list(SEXES)))
        if self.by_age:
            chosen.append(("age", list(AGE_BANDS)))
        if self.by_disability:
            chosen.append(("disability", list(DISABILITY)))
        territories = self.territory_list()
        if territories:
            chosen.append(("territory", [(t, t) for t in territories]))
        return chosen

    @property
    def is_separate(self) -> bool:
        """Each dimension reported on its own rather than their combinations."""
        return self.breakdown == self.Breakdown.SEPARATE

    def cells(self) -> list[tuple[str, str]]:
        """Every disaggregation cell as (key, label), e.g. ("sex=female|age=children", ...):
        each combination of the dimensions' values, or, reported each on its own, every
        value of each dimension ("sex=female", then "age=children"...). The total is not
        among them (its key is "")."""
        dimensions = self.dimensions()
        if not dimensions:
            return []
        if self.is_separate:
            return [
                (f"{name}={value}", str(label))
                for name, values in dimensions
                for value, label in values
            ]
        names = [name for name, _values in dimensions]
        result = []
        for combo in itertools.product(*(values for _name, values in dimensions)):
            key = "|".join(
                f"{name}={value}" for name, (value, _label) in zip(names, combo, strict=True)
            )
            label = " · ".join(str(label) for _value, label in combo)
            result.append((key, label))
        return result


def parse_cell(key: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in key.split("|") if "=" in part)


# The label of each value of the dimensions with a fixed list (territories are their own).
DIMENSION_LABELS = {
    "sex": dict(SEXES),
    "age": dict(AGE_BANDS),
    "disability": dict(DISABILITY),
}


def cell_label(key: str) -> str:
    """A cell's name in the reader's language ("Women · Children"), "Total" for ""."""
    if not key:
        return str(_("Total"))
    return " · ".join(
        str(DIMENSION_LABELS.get(name, {}).get(value, value))
        for name, value in parse_cell(key).items()
    )


class ReportingPeriod(models.Model):
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="periods", verbose_name=_("cluster")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    due = models.DateField(_("reports due by"))
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("locked by"),
    )

    class Meta:
        verbose_name = pgettext_lazy("one period", "reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "start"], name="period_start_unique"),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="period_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(due__gte=models.F("end")), name="period_due_after_end"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.start.month == 1 and self.end.month == 12:
            return str(self.start.year)
        if self.start.month == self.end.month:
            return f"{self.start:%Y-%m}"
        # "2026 T3" in Catalan and Spanish (trimestre), "Q3 2026" in English.
        return pgettext("quarter of a year", "Q%(quarter)s %(year)s") % {
            "quarter": (self.start.month - 1) // 3 + 1,
            "year": self.start.year,
        }

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def url_key(self) -> int | date:
        """How a URL names the period: its id, or its start while it is not saved yet
        (indicators.selectors.periods_until shows periods before they are made)."""
        return self.pk if self.pk is not None else self.start

    def is_open(self, today: timezone.datetime | None = None) -> bool:
        """Reports can be made from the period's start until it is locked."""
        today = today or timezone.localdate()
        return not self.is_locked and today >= self.start


class MeasurementReport(models.Model):
    """One member entity's values for one indicator and one period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        VALIDATED = "validated", pgettext_lazy("report status", "Validated")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="reports", verbose_name=_("indicator")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="reports", verbose_name=_("period")
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("member entity"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    text_value = models.TextField(_("qualitative value"), blank=True, max_length=5000)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    return_reason = models.TextField(_("reason for returning"), blank=True, max_length=2000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("submitted at"))
    validated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("validated at"))
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated by"),
    )

    class Meta:
        verbose_name = _("measurement report")
        verbose_name_plural = _("measurement reports")
        ordering = ["period__start", "indicator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "membership"], name="report_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="report_returned_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "indicator"], name="report_status_indicator")]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.period} · {self.membership.actor}"

    # The badge of each status on the pages (a class of the style sheet).
    TONES: ClassVar[dict[str, str]] = {
        Status.DRAFT: "warn",
        Status.SUBMITTED: "",
        Status.RETURNED: "danger",
        Status.VALIDATED: "ok",
    }

    @property
    def is_editable(self) -> bool:
        """The entity may still change it (indicators.rules.report_problem says when)."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @classmethod
    def audit_words(cls, key: str, value: object) -> str | None:
        """Its values in the audit log ("cell=value", indicators.services.report_state) in
        the reader's words: "Total: 12, Women: 7"."""
        if key != "values" or not isinstance(value, list):
            return None
        shown = []
        for item in value:
            cell, _sep, number = str(item).rpartition("=")
            if "/" in number:
                # A percentage by its numerator and denominator: "Total: 10 / 20 (50 %)".
                numerator, _slash, denominator = number.partition("/")
                number = ratio_words(Decimal(numerator), Decimal(denominator))
            shown.append(f"{cell_label('' if cell == 'total' else cell)}: {number}")
        return ", ".join(shown) or "—"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_returned(self) -> bool:
        """Sent back to the entity, with the reason, to correct it."""
        return self.status == self.Status.RETURNED

    @property
    def can_validate(self) -> bool:
        """The coordinator may validate or return it: submitted, in a period not locked."""
        return self.is_submitted and not self.period.is_locked

    @property
    def tone(self) -> str:
        return self.TONES[self.status]


def percentage_of(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator x 100, to two decimals: the one formula of a percentage."""
    return (numerator * 100 / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def ratio_words(numerator: Decimal, denominator: Decimal) -> str:
    """A percentage with what it is made of, as the audit log and the pages write it."""
    numbers = (numerator, denominator)
    part, whole = (words.number(value, places=14) for value in numbers)
    return f"{part} / {whole} ({words.number(percentage_of(*numbers), places=2)} %)"


class Measurement(models.Model):
    """One cell of a report: a disaggregation cell, or the total (cell "").

    A percentage is reported as a numerator and a denominator, and ``value`` holds the
    percentage derived from them, so that whatever reads ``value`` reads the percentage.
    A percentage without them was reported before they were asked for (migration 0009):
    its value is the percentage as it was reported, and it has no weight of its own
    (indicators.cells.Pool says how such values add up with the others)."""

    report = models.ForeignKey(
        MeasurementReport,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("report"),
    )
    cell = models.CharField(max_length=200, blank=True, verbose_name=_("cell"))
    value = models.DecimalField(max_digits=14, decimal_places=2, verbose_name=_("value"))
    numerator = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, verbose_name=_("numerator")
    )
    denominator = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, verbose_name=_("denominator")
    )

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(fields=["report", "cell"], name="measurement_unique_cell"),
            # What the report form checks, held by the database as well.
            models.CheckConstraint(
                condition=Q(numerator__isnull=True, denominator__isnull=True)
                | Q(numerator__isnull=False, denominator__isnull=False),
                name="measurement_ratio_whole",
                violation_error_message=_("Give both the numerator and the denominator."),
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="measurement_denominator_positive",
                violation_error_message=_("The denominator is above zero."),
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(numerator__gte=0, numerator__lte=F("denominator")),
                name="measurement_numerator_within_denominator",
                violation_error_message=_(
                    "The numerator is between zero and the denominator: a part of it."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cell or 'total'}={self.value}"

    @property
    def has_denominator(self) -> bool:
        """A percentage reported by its numerator and denominator (not a legacy value)."""
        return self.denominator is not None


class ValidatedTotal(models.Model):
    """What the validated measurements of one cell of an indicator add up to in a period,
    across the entities: the sums progress reads (indicators.progress) instead of adding
    up every measurement on every page. Derived data, never edited: indicators.totals
    recomputes a period's rows in the transaction that validates one of its reports."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("indicator")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="+", verbose_name=_("period")
    )
    cell = models.CharField(max_length=200, blank=True, verbose_name=_("cell"))
    # Sums of Measurement.value, numerator and denominator; counts of the measurements and
    # of those with a denominator (indicators.cells.Pool reads the five).
    total = models.DecimalField(max_digits=20, decimal_places=2, verbose_name=_("total"))
    numerators = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    denominators = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    count = models.PositiveIntegerField()
    weighted_count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("validated total")
        verbose_name_plural = _("validated totals")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "cell"], name="validated_total_unique_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.period_id}/{self.cell or 'total'}={self.total}"


class ReportEvent(models.Model):
    """Who did what to a report, and when."""

    class Action(models.TextChoices):
        SAVED = "saved", _("saved a draft")
        SUBMITTED = "submitted", _("submitted")
        VALIDATED = "validated", _("validated")
        RETURNED = "returned", _("returned it")
        IMPORTED = "imported", _("imported it from a file")

    report = models.ForeignKey(
        MeasurementReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("report")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    action = models.CharField(max_length=12, choices=Action.choices, verbose_name=_("action"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.report} · {self.get_action_display()}"
