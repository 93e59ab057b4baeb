"""The body of the API's one write, a member entity's measurement report, read into what
indicators.services.report_save takes. This module checks only the shape (known fields,
types, lengths) and finds the objects the codes name in the cluster; every rule of a
report (locked periods, counts, totals, cells...) is report_save's, as for the form and
the import."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clusters.access import ClusterAccess
from clusters.models import Cluster, Membership
from indicators.cells import Ratio, Reported, count_problem, shown
from indicators.importing import parse_yes_no
from indicators.models import Indicator, MeasurementReport, ReportingPeriod
from indicators.rules import RATIO_PARTS, missing_part, not_yes_no, ratio_problem
from indicators.selectors import period_starting
from indicators.services import decimals_problem


def _number(value: object) -> Decimal:
    """A JSON number as a Decimal; a boolean or a string is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise serializers.ValidationError(_("A number is expected."))
    try:
        number = Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - json numbers are finite
        raise serializers.ValidationError(_("A number is expected.")) from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise serializers.ValidationError(_("A number is expected."))
    return number


NUMBER_OR_RATIO = [
    {"type": "number"},
    {
        "type": "object",
        "properties": {"numerator": {"type": "number"}, "denominator": {"type": "number"}},
        "required": ["numerator", "denominator"],
        "additionalProperties": False,
    },
]


@extend_schema_field({"oneOf": NUMBER_OR_RATIO, "nullable": True})
class ValueField(serializers.Field):
    """A cell's or the total's value: a number, or, for a percentage, its numerator and
    denominator as {"numerator": 3, "denominator": 12}."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: object) -> Reported:
        if not isinstance(data, dict):
            return _number(data)
        if len(data) == 1 and (given := next(iter(data))) in RATIO_PARTS:
            raise serializers.ValidationError(missing_part(RATIO_PARTS[given == "numerator"]))
        if set(data) != set(RATIO_PARTS):
            raise serializers.ValidationError(
                _("Give a number, or its numerator and denominator (and nothing else).")
            )
        return _ratio(_number(data["numerator"]), _number(data["denominator"]))

    def to_representation(self, value: Reported) -> object:
        # Strings of 2 decimals ("10.00"), as the read side's DecimalFields give values.
        number = serializers.DecimalField(max_digits=16, decimal_places=2).to_representation
        if isinstance(value, Ratio):
            return {"numerator": number(value.numerator), "denominator": number(value.denominator)}
        return number(value)


@dataclass(frozen=True)
class Answer:
    """A yes/no answer as given (true, "yes", "no"...): only a yes/no indicator takes one,
    and the serializer knows the indicator only once every field is read."""

    given: bool | str


@extend_schema_field(
    {
        "oneOf": [
            *NUMBER_OR_RATIO,
            {"type": "boolean"},
            {"type": "string", "description": "A yes/no indicator's answer: yes or no."},
        ],
        "nullable": True,
    }
)
class TotalField(ValueField):
    """The total: a number or a percentage's parts, or, for a yes/no indicator, true or
    false, "yes" or "no" (or 1 or 0), the words the import takes."""

    def to_internal_value(self, data: object) -> Reported | Answer:
        if isinstance(data, bool | str):
            return Answer(data)
        return super().to_internal_value(data)


def _answer(indicator: Indicator, answer: Answer) -> Decimal:
    """A yes/no answer as stored, 1 or 0, read as the import reads a file's."""
    if not indicator.is_yes_no:
        raise serializers.ValidationError({"total": [_("A number is expected.")]})
    if isinstance(answer.given, bool):
        return Decimal(int(answer.given))
    value = parse_yes_no(answer.given)
    if value is None:
        raise serializers.ValidationError({"total": [not_yes_no(answer.given, indicator)]})
    return value


def _ratio(numerator: Decimal, denominator: Decimal) -> Ratio:
    """Numerator and denominator as the report form and the import check them."""
    if numerator < 0 or denominator < 0:
        raise serializers.ValidationError(_("It is never below zero."))
    if problem := ratio_problem(numerator, denominator, shown):
        raise serializers.ValidationError(str(problem))
    return Ratio(numerator, denominator)


class TextField(serializers.CharField):
    """A JSON string, and only one: a number is not taken for a text."""

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "description": "The indicator's id, as the read side gives."},
            {
                "type": "string",
                "maxLength": Indicator._meta.get_field("code").max_length,
                "description": "Or its code, exactly as written (“I1”).",
            },
        ]
    }
)
class IndicatorField(serializers.Field):
    """The indicator of the cluster the report is for: its id (as the read side names it),
    or its code. A code is matched exactly, and otherwise regardless of case only when one
    indicator matches so ("a1" and "A1" may both exist)."""

    def to_internal_value(self, data: object) -> Indicator:
        # Another cluster's indicators are not named: to this cluster they do not exist.
        indicators = self.parent.cluster.indicators.prefetch_related("responsible")
        if isinstance(data, int) and not isinstance(data, bool):
            found = indicators.filter(pk=data).first()
            if found is None:
                raise serializers.ValidationError(
                    _("There is no indicator %(id)s in this cluster.") % {"id": data}
                )
            return found
        if not isinstance(data, str) or len(data) > self.max_length:
            raise serializers.ValidationError(_("Give the indicator's id, or its code."))
        code = data.strip()
        found = indicators.filter(code=code).first()
        if found is not None:
            return found
        matches = list(indicators.filter(code__iexact=code)[:2])
        if len(matches) > 1:
            raise serializers.ValidationError(
                _("Several indicators are written “%(code)s” in other cases: give its id.")
                % {"code": data}
            )
        if not matches:
            raise serializers.ValidationError(
                _("There is no indicator “%(code)s” in this cluster.") % {"code": data}
            )
        return matches[0]

    max_length = Indicator._meta.get_field("code").max_length


class ReportWriteSerializer(serializers.Serializer):
    """A measurement report submitted for validation. ``context`` holds the cluster and
    the person's access to it (clusters.access.cluster_for_member)."""

    indicator = IndicatorField()
    period = serializers.DateField(
        input_formats=["iso-8601"], help_text="The start date of the reporting period."
    )
    entity = serializers.SlugField(
        required=False,
        help_text="The slug of the entity the report is for, when you represent several.",
    )
    total = TotalField(required=False)
    cells = serializers.DictField(child=ValueField(), required=False, default=dict)
    text_value = TextField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        max_length=MeasurementReport._meta.get_field("text_value").max_length,
    )
    comment = TextField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        max_length=MeasurementReport._meta.get_field("comment").max_length,
    )

    def to_internal_value(self, data: object) -> dict[str, Any]:
        if isinstance(data, dict) and (unknown := sorted(set(data) - set(self.fields))):
            raise serializers.ValidationError({key: [_("Unknown field.")] for key in unknown})
        return super().to_internal_value(data)

    @property
    def cluster(self) -> Cluster:
        return self.context["cluster"]

    def validate_period(self, start: date) -> ReportingPeriod:
        period = period_starting(self.cluster, start)
        if period is None:
            raise serializers.ValidationError(
                _("No reporting period of this cluster starts on %(date)s.")
                % {"date": start.isoformat()}
            )
        return period

    def validate_entity(self, slug: str) -> Membership:
        access: ClusterAccess = self.context["access"]
        for membership in access.memberships:
            if membership.actor.slug == slug and membership.role in Membership.VOTING_ROLES:
                return membership
        raise serializers.ValidationError(
            _("Choose one of the entities you represent in this cluster.")
        )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        data.setdefault("entity", self.context["access"].membership)
        indicator = data["indicator"]
        if isinstance(data.get("total"), Answer):
            data["total"] = _answer(indicator, data["total"])
        # The service's rule, before the count's below (the import's order too).
        if problem := decimals_problem(data.get("cells", {}), data.get("total")):
            raise serializers.ValidationError({problem.field: [problem]})
        # A count's numerator and denominator are whole numbers, as the form's fields say.
        if indicator.is_count:
            for name, value in [("total", data.get("total")), *_cells(data)]:
                if isinstance(value, Ratio):
                    for part in (value.numerator, value.denominator):
                        if problem := count_problem(part):
                            raise serializers.ValidationError({name: [problem]})
        return data


def _cells(data: dict[str, Any]) -> list[tuple[str, Reported | None]]:
    return [("cells", value) for value in data.get("cells", {}).values()]


DECIMAL = {"type": "string", "format": "decimal", "pattern": r"^-?\d+\.\d{2}$"}
VALUE_READ = {
    "oneOf": [
        DECIMAL,
        {
            "type": "object",
            "properties": {"numerator": DECIMAL, "denominator": DECIMAL},
            "required": ["numerator", "denominator"],
        },
    ],
    "nullable": True,
}


class ReportReadSerializer(serializers.ModelSerializer):
    """The report as saved: its values by cell, the total under "total"."""

    indicator = serializers.IntegerField(source="indicator.pk")
    indicator_code = serializers.CharField(source="indicator.code")
    period = serializers.DateField(source="period.start")
    entity = serializers.CharField(source="membership.actor.slug")
    total = serializers.SerializerMethodField()
    cells = serializers.SerializerMethodField()

    class Meta:
        model = MeasurementReport
        fields = [
            "id",
            "indicator",
            "indicator_code",
            "period",
            "entity",
            "status",
            "total",
            "cells",
            "text_value",
            "comment",
            "submitted_at",
        ]

    def _values(self, report: MeasurementReport) -> dict[str, object]:
        field = ValueField()
        return {
            m.cell: field.to_representation(
                Ratio(m.numerator, m.denominator) if m.denominator is not None else m.value
            )
            for m in report.measurements.all()
        }

    @extend_schema_field(VALUE_READ)
    def get_total(self, report: MeasurementReport) -> object:
        return self._values(report).get("")

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_cells(self, report: MeasurementReport) -> dict[str, object]:
        return {cell: value for cell, value in self._values(report).items() if cell}
