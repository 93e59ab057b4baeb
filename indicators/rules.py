"""Whether a member entity may change a measurement report, and submit it.

One rule, with one message for each reason, for the report form (which shows the form
disabled), the service that saves it (indicators.services.report_save) and the import
(indicators.importing), which refuse the change with the message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clusters.models import Membership
from indicators.models import Indicator, MeasurementReport, ReportingPeriod


class Problem(str):
    """A reason, as the text shown to the person, that also names the input it is about
    ("period", "total"): report_save passes it on as DomainError.field, so that the API
    names the field while the form and the import show the text as they always did."""

    field: str | None

    def __new__(cls, text: str, field: str | None = None) -> Problem:
        problem = super().__new__(cls, text)
        problem.field = field
        return problem


def can_report(indicator: Indicator, membership: Membership | None) -> bool:
    """Lead and member entities report; when the indicator names responsible members,
    only those."""
    if membership is None or not membership.takes_positions:
        return False
    responsible = [m.pk for m in indicator.responsible.all()]
    return not responsible or membership.pk in responsible


def report_problem(
    *,
    indicator: Indicator,
    period: ReportingPeriod,
    membership: Membership,
    report: MeasurementReport | None,
    today: date | None = None,
) -> Problem | None:
    """Why the entity cannot change its report (None when there is none yet) of this
    indicator and period now; None when it can."""
    if period.is_locked:
        text = _("The period %(period)s is locked: nothing in it can change.")
        return Problem(text % {"period": period}, "period")
    if period.start > (today or timezone.localdate()):
        text = _("The period %(period)s has not started yet.")
        return Problem(text % {"period": period}, "period")
    if not indicator.asks_for(period):
        text = _(
            "%(indicator)s asks for no report of %(period)s: the period ends before its "
            "baseline date, %(date)s."
        ) % {
            "indicator": indicator.code,
            "period": period,
            "date": date_format(indicator.baseline_date, "DATE_FORMAT"),
        }
        return Problem(text, "period")
    if not can_report(indicator, membership):
        text = _("%(entity)s does not report on this indicator.") % {"entity": membership.actor}
        return Problem(text, "indicator")
    if report is not None and not report.is_editable:
        # A second report for the same indicator and period: the first one stands.
        text = _("This report is %(status)s: it can no longer be changed.") % {
            "status": report.get_status_display().lower()
        }
        return Problem(text, "period")
    return None


def submit_problem(
    *, indicator: Indicator, values: Mapping[str, Decimal], text: str
) -> Problem | None:
    """Why a report of these values ({cell: value}, the total under "") or this text
    cannot be submitted; None when it can."""
    if indicator.is_yes_no and values.get("") is None:
        return Problem(_("Answer yes or no before submitting."), "total")
    if indicator.is_numeric and values.get("") is None:
        # Progress reads the total: cells alone, when some are missing (or percentages,
        # which do not add up), would count for nothing.
        return Problem(_("Give the total, or every cell so that it can be added up."), "total")
    if not indicator.is_numeric and not text.strip():
        return Problem(_("Describe the situation before submitting."), "text_value")
    return None


# The messages of a value that cannot be, one text whichever way the report comes (the
# form, the import, the API): tests/api/test_same_refusals.py holds them to it.


def unknown_cell(cell: str, indicator: Indicator) -> Problem:
    text = _("“%(cell)s” is not a cell of indicator %(code)s.")
    return Problem(text % {"cell": cell, "code": indicator.code}, "cells")


def not_a_number_indicator(indicator: Indicator) -> Problem:
    """A value (a number) given for a qualitative indicator, which is answered in words."""
    text = _("Indicator %(code)s is qualitative: write in the text column, not in the value.")
    return Problem(text % {"code": indicator.code}, "total")


def not_yes_no(value: str, indicator: Indicator) -> Problem:
    text = _("Indicator %(code)s is answered yes or no: write yes or no, not “%(value)s”.")
    return Problem(text % {"code": indicator.code, "value": value}, "total")


# The database stores values as DECIMAL(14, 2).
MAX_DECIMALS = 2


def decimals(value: Decimal | int) -> int:
    """How many decimals the number has once its trailing zeros are dropped ("1.50": 1)."""
    exponent = Decimal(value).normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def too_many_decimals(value: str, field: str = "total") -> Problem:
    """A value of more decimals than are stored: refused rather than silently rounded."""
    text = _("%(value)s has more than %(decimals)s decimals.")
    return Problem(text % {"value": value, "decimals": MAX_DECIMALS}, field)


RATIO_PARTS = ("numerator", "denominator")


def missing_part(part: str) -> Problem:
    """A percentage's numerator given without its denominator, or the other way round
    (``part`` names the one missing)."""
    if part == "denominator":
        return Problem(_("Give the denominator too: of how many?"), "total")
    return Problem(_("Give the numerator too: how many of them?"), "total")


def ratio_problem(
    numerator: Decimal, denominator: Decimal, written: Callable[[Decimal], str]
) -> Problem | None:
    """Why a percentage's numerator and denominator do not make one (the report form,
    the import and the API refuse alike); None when they do. ``written`` puts a number as
    its path shows it. The Problem's field names the part at fault."""
    if denominator == 0:
        text = _("The denominator is above zero: a percentage of nothing is not one.")
        return Problem(text, "denominator")
    if numerator > denominator:
        text = _(
            "The numerator (%(numerator)s) is a part of the denominator "
            "(%(denominator)s): it cannot be more."
        )
        values = {"numerator": written(numerator), "denominator": written(denominator)}
        return Problem(text % values, "numerator")
    return None
