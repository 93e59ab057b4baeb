"""Importing measurement reports from a spreadsheet (read by indicators.reading).

An import is all or nothing: every row is checked and every error collected (with the
row number a person sees in a spreadsheet) before anything is written; when the file is
good, everything is saved in one transaction with bulk queries, so that ten thousand rows
cost a few dozen queries rather than tens of thousands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clusters.audit import audit
from clusters.models import AuditEntry, Cluster, Membership
from core.errors import DomainError
from core.spreadsheets import cell_text
from indicators.cells import Ratio, Reported, count_problem
from indicators.models import (
    Indicator,
    Measurement,
    MeasurementReport,
    ReportEvent,
    ReportingPeriod,
    parse_cell,
)
from indicators.reading import ImportRefused, read_rows
from indicators.rules import (
    MAX_DECIMALS,
    RATIO_PARTS,
    missing_part,
    not_a_number_indicator,
    not_yes_no,
    ratio_problem,
    report_problem,
    submit_problem,
    too_many_decimals,
    unknown_cell,
)
from indicators.services import (
    legacy_problem,
    measurement_of,
    periods_ensure,
    report_unchanged,
    report_values,
)

__all__ = ["ImportRefused", "import_reports", "parse_number"]

# The database column is DECIMAL(14, 2).
MAX_INTEGER_DIGITS = 12
# One decimal separator, point or comma (Catalan and Spanish spreadsheets write "1,5");
# no exponent, no thousands separator: "1,500" is refused (three decimals) rather than
# silently read as 1.5 or 1500.
NUMBER = re.compile(r"[+-]?(\d+(?:[.,]\d*)?|[.,]\d+)")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_TEXT = 5000
MAX_COMMENT = 2000


@dataclass
class _Row:
    number: int
    indicator: Indicator
    period: ReportingPeriod
    cell: str
    value: Reported | None
    text: str
    comment: str


@dataclass
class _Cells:
    """An indicator's cell keys, and the keys by their lower-cased parts so that
    "age=children|sex=female" or "Sex=Female | age=children" find "sex=female|age=children".
    Computed once per indicator: Indicator.cells() translates every label."""

    keys: list[str]
    by_parts: dict[frozenset[tuple[str, str]], str]


def _cells(cache: dict[int, _Cells], indicator: Indicator) -> _Cells:
    if indicator.pk not in cache:
        computed = indicator.cells()
        # The checks of each report (services.report_values, the totals' rules) ask the
        # indicator for its cells again: 400 reports of 24 cells made 67,000 translations
        # of the same labels, a third of a 10,000-row import. The instance is the
        # import's own (read at its start): it answers with the list computed here.
        indicator.cells = lambda computed=computed: list(computed)
        keys = [key for key, _label in computed]
        by_parts = {
            frozenset((name.lower(), value.lower()) for name, value in parse_cell(key).items()): key
            for key in keys
        }
        cache[indicator.pk] = _Cells(keys, by_parts)
    return cache[indicator.pk]


@dataclass
class _Draft:
    """What the file says about one report (one indicator and period)."""

    indicator: Indicator
    period: ReportingPeriod
    rows: list[_Row] = field(default_factory=list)


@dataclass
class _Change:
    """A report to write: ``report`` is None when it is new."""

    indicator: Indicator
    period: ReportingPeriod
    report: MeasurementReport | None
    values: dict[str, Reported]
    text: str
    comment: str


def import_reports(
    *,
    cluster: Cluster,
    membership: Membership,
    by: User,
    upload: File | IO[bytes],
    submit: bool,
) -> int:
    """Import an entity's values from a CSV or XLSX file; the number of reports saved.

    Blank rows and rows without value, text or comment (template rows left empty) are
    skipped; a report whose values are those already stored is left alone. Raises
    ImportRefused with every error when any row is wrong, having saved nothing."""
    rows = read_rows(upload)
    if membership.cluster_id != cluster.pk:
        raise ImportRefused([(0, _("This entity is not a member of this cluster."))])
    columns = set(rows[0])
    with transaction.atomic():
        indicators = {i.code.upper(): i for i in cluster.indicators.prefetch_related("responsible")}
        periods = _periods_locked(cluster, rows)
        errors: list[tuple[int, str]] = []
        cells: dict[int, _Cells] = {}
        drafts = _drafts(_checked_rows(rows, indicators, periods, cells, errors))
        existing = _reports_locked(membership, drafts)
        changes = []
        for draft in drafts.values():
            change = _checked_report(
                draft, existing, membership, columns, cells, submit=submit, errors=errors
            )
            if change is not None:
                changes.append(change)
        if errors:
            raise ImportRefused(errors)
        _save(changes, membership=membership, by=by, submit=submit)
        if changes:
            # One entry for the file, not one per report: the reports' own history
            # (ReportEvent) says which were imported.
            audit(
                cluster=cluster,
                by=by,
                action=AuditEntry.Action.REPORTS_IMPORTED,
                target=membership,
                reports=len(changes),
                rows=len(rows),
                submitted=submit,
            )
    return len(changes)


def _periods_locked(cluster: Cluster, rows: list[dict[str, str]]) -> dict[date, ReportingPeriod]:
    """The periods the file names, locked until the end of the import: locking a period
    or saving a report through the form waits for it (report_save locks the period too).
    The periods up to today's are made first: the template offers the current one before
    the daily task has made it."""
    periods_ensure(cluster)
    starts = set()
    for row in rows:
        start = _parse_date(row["period"])
        if start is not None:
            starts.add(start)
    periods = ReportingPeriod.objects.select_for_update().filter(cluster=cluster, start__in=starts)
    return {period.start: period for period in periods.order_by("pk")}


def _parse_date(raw: str) -> date | None:
    if not ISO_DATE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _checked_rows(
    rows: list[dict[str, str]],
    indicators: Mapping[str, Indicator],
    periods: Mapping[date, ReportingPeriod],
    cells: dict[int, _Cells],
    errors: list[tuple[int, str]],
) -> list[_Row]:
    seen: dict[tuple[int, int, str], int] = {}
    good = []
    for index, raw in enumerate(rows):
        number = index + 2
        value_text = raw["value"]
        parts = (raw.get("numerator", ""), raw.get("denominator", ""))
        text = _unescaped(raw.get("text", ""))
        comment = _unescaped(raw.get("comment", ""))
        if not (value_text or text or comment or any(parts)):
            continue  # blank, or a template row left empty
        problems: list[str] = []
        indicator = _row_indicator(raw["indicator"], indicators, problems)
        period = _row_period(raw["period"], periods, problems)
        cell = None
        if indicator is not None:
            cell = _row_cell(raw["cell"], indicator, _cells(cells, indicator), problems)
        value = _row_value(value_text, indicator, problems)
        if indicator is not None and indicator.is_percentage and any(parts):
            value = _row_ratio(parts, value, indicator, problems)
        elif any(parts):
            problems.append(
                _("Indicator %(code)s is not a percentage: leave numerator and denominator empty.")
                % {"code": raw["indicator"]}
            )
        if len(text) > MAX_TEXT:
            problems.append(
                _("The text is longer than %(limit)s characters.") % {"limit": MAX_TEXT}
            )
        if len(comment) > MAX_COMMENT:
            problems.append(
                _("The comment is longer than %(limit)s characters.") % {"limit": MAX_COMMENT}
            )
        if indicator is not None and period is not None and cell is not None:
            key = (indicator.pk, period.pk, cell)
            if key in seen:
                problems.append(
                    _("Row %(row)s already gives this indicator, period and cell.")
                    % {"row": seen[key]}
                )
            else:
                seen[key] = number
        if problems:
            errors.extend((number, problem) for problem in problems)
            continue
        good.append(_Row(number, indicator, period, cell, value, text, comment))
    return good


def _unescaped(text: str) -> str:
    """Undo the apostrophes that CSV downloads put before what would run as a formula."""
    return cell_text(text)


def _row_indicator(
    code: str, indicators: Mapping[str, Indicator], problems: list[str]
) -> Indicator | None:
    if not code:
        problems.append(_("The indicator code is missing."))
        return None
    indicator = indicators.get(code.strip().upper())
    if indicator is None:
        # Another cluster's indicators are not named: to this cluster they do not exist.
        problems.append(_("There is no indicator “%(code)s” in this cluster.") % {"code": code})
    return indicator


def _row_period(
    raw: str, periods: Mapping[date, ReportingPeriod], problems: list[str]
) -> ReportingPeriod | None:
    if not raw:
        problems.append(_("The period is missing: give its start date as YYYY-MM-DD."))
        return None
    start = _parse_date(raw)
    if start is None:
        problems.append(
            _("“%(value)s” is not a date: give the period's start date as YYYY-MM-DD.")
            % {"value": raw}
        )
        return None
    period = periods.get(start)
    if period is None:
        problems.append(
            _("No reporting period of this cluster starts on %(date)s.") % {"date": raw}
        )
    return period


def _row_cell(raw: str, indicator: Indicator, cells: _Cells, problems: list[str]) -> str | None:
    if not raw:
        return ""
    parts = [part.split("=", 1) for part in raw.split("|")]
    if all(len(part) == 2 for part in parts):
        key = cells.by_parts.get(
            frozenset((n.strip().lower(), v.strip().lower()) for n, v in parts)
        )
        if key is not None and len(parts) == len(parse_cell(key)):
            return key
    problems.append(unknown_cell(raw, indicator))
    return None


def _row_value(raw: str, indicator: Indicator | None, problems: list[str]) -> Decimal | None:
    if not raw:
        return None
    if indicator is not None and not indicator.is_numeric:
        problems.append(not_a_number_indicator(indicator))
        return None
    if indicator is not None and indicator.is_yes_no:
        return _yes_no_value(raw, indicator, problems)
    try:
        value = parse_number(raw)
    except ValueError as error:
        problems.append(str(error))
        return None
    if (
        indicator is not None
        and indicator.measure == Indicator.Measure.PERCENTAGE
        and not Decimal(0) <= value <= Decimal(100)
    ):
        problems.append(
            _("A percentage must be between 0 and 100, not %(value)s.") % {"value": raw}
        )
        return None
    if indicator is not None and indicator.counts and (problem := count_problem(value)):
        problems.append(problem)
        return None
    return value


def _row_ratio(
    parts: tuple[str, str], value: Decimal | None, indicator: Indicator, problems: list[str]
) -> Ratio | None:
    """A percentage's numerator and denominator, as the report form checks them; the
    value column, when it is filled in too, is the percentage they make."""
    numbers = []
    for raw, name, part in zip(parts, (_("numerator"), _("denominator")), RATIO_PARTS, strict=True):
        if not raw:
            problems.append(missing_part(part))
            return None
        try:
            number = parse_number(raw)
        except ValueError as error:
            problems.append(str(error))
            return None
        problem = count_problem(number) if indicator.is_count else None
        if problem is None and number < 0:
            problem = _("The %(part)s is never below zero.") % {"part": name}
        if problem:
            problems.append(problem)
            return None
        numbers.append(number)
    numerator, denominator = numbers
    if problem := ratio_problem(numerator, denominator, raw_number):
        problems.append(problem)
        return None
    ratio = Ratio(numerator, denominator)
    if value is not None and value != ratio.value:
        problems.append(
            _("The value (%(value)s) is not the percentage of %(ratio)s: leave it empty.")
            % {"value": raw_number(value), "ratio": ratio}
        )
        return None
    return ratio


def raw_number(value: Decimal) -> str:
    """A number as a file writes it: "12", "7.5"."""
    return format(value.normalize(), "f")


# The answers of a yes/no indicator a file may hold, whatever its language (the template
# writes the reader's own "Yes" or "No", also accepted): stored as 1 and 0.
YES_NO_WORDS = {"yes": 1, "sí": 1, "si": 1, "1": 1, "no": 0, "0": 0}


def parse_yes_no(raw: str) -> Decimal | None:
    """1 for yes, 0 for no, as a file writes them ("sí", "Yes", "1"...); None otherwise."""
    text = raw.strip().lower()
    words = {**YES_NO_WORDS, str(_("Yes")).lower(): 1, str(_("No")).lower(): 0}
    found = words.get(text)
    return None if found is None else Decimal(found)


def _yes_no_value(raw: str, indicator: Indicator, problems: list[str]) -> Decimal | None:
    value = parse_yes_no(raw)
    if value is None:
        problems.append(not_yes_no(raw, indicator))
    return value


def parse_number(raw: str) -> Decimal:
    """A number as people write it ("1,5" or "1.5"), within what the database stores.
    ValueError with a message for the person otherwise."""
    text = raw.strip()
    if not NUMBER.fullmatch(text):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw})
    unsigned = text.lstrip("+-")
    integer, _sep, decimals = unsigned.replace(",", ".").partition(".")
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ValueError(
            _("%(value)s has more than %(digits)s digits before the decimal point.")
            % {"value": raw, "digits": MAX_INTEGER_DIGITS}
        )
    if len(decimals) > MAX_DECIMALS:
        raise ValueError(str(too_many_decimals(raw)))
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw}) from None


def _drafts(rows: list[_Row]) -> dict[tuple[int, int], _Draft]:
    drafts: dict[tuple[int, int], _Draft] = {}
    for row in rows:
        key = (row.indicator.pk, row.period.pk)
        drafts.setdefault(key, _Draft(row.indicator, row.period)).rows.append(row)
    return drafts


def _reports_locked(
    membership: Membership, drafts: Mapping[tuple[int, int], _Draft]
) -> dict[tuple[int, int], MeasurementReport]:
    """The entity's existing reports for the file's indicators and periods, locked so that
    no validation or form save slips in between the checks and the writes."""
    if not drafts:
        return {}
    reports = (
        MeasurementReport.objects.select_for_update()
        .filter(
            membership=membership,
            indicator__in={key[0] for key in drafts},
            period__in={key[1] for key in drafts},
        )
        .prefetch_related("measurements")
        .order_by("pk")
    )
    return {(r.indicator_id, r.period_id): r for r in reports}


def _checked_report(
    draft: _Draft,
    existing: Mapping[tuple[int, int], MeasurementReport],
    membership: Membership,
    columns: set[str],
    cells: dict[int, _Cells],
    *,
    submit: bool,
    errors: list[tuple[int, str]],
) -> _Change | None:
    """The change one report needs, None when nothing changes; errors are added."""
    indicator, period = draft.indicator, draft.period
    first = draft.rows[0].number
    report = existing.get((indicator.pk, period.pk))
    text = _report_text(draft, "text", errors)
    comment = _report_text(draft, "comment", errors)
    if "text" not in columns:
        text = report.text_value if report else ""
    if "comment" not in columns:
        comment = report.comment if report else ""
    values = _report_values(draft, _cells(cells, indicator).keys, errors)
    if values is None:
        return None
    if problem := legacy_problem(indicator, values, report):
        errors.append((first, problem))
        return None
    # A template downloaded with the stored values is imported back as it is: rows of
    # reports that cannot change any more are no error, and nothing is rewritten (unless
    # an editable report is being submitted).
    if (
        report is not None
        and report_unchanged(report, values, text, comment)
        and not (submit and report.is_editable)
    ):
        return None
    problem = report_problem(
        indicator=indicator, period=period, membership=membership, report=report
    )
    if problem is None and submit:
        problem = submit_problem(indicator=indicator, values=values, text=text)
    if problem is not None:
        errors.append((first, problem))
        return None
    return _Change(indicator, period, report, values, text, comment)


def _report_text(draft: _Draft, column: str, errors: list[tuple[int, str]]) -> str:
    """The report's text or comment: the one given, on whichever of its rows."""
    given = [(row.number, getattr(row, column)) for row in draft.rows if getattr(row, column)]
    for number, value in given[1:]:
        if value != given[0][1]:
            message = (
                _("Another text for the same report is given in row %(row)s.")
                if column == "text"
                else _("Another comment for the same report is given in row %(row)s.")
            )
            errors.append((number, message % {"row": given[0][0]}))
    return given[0][1] if given else ""


def _report_values(
    draft: _Draft, keys: list[str], errors: list[tuple[int, str]]
) -> dict[str, Reported] | None:
    """{cell: value} with the total under "" (derived from complete cells when missing);
    None when the total disagrees with the cells."""
    cells: dict[str, Reported | None] = dict.fromkeys(keys)
    total, total_row = None, draft.rows[0].number
    for row in draft.rows:
        if row.cell == "":
            total, total_row = row.value, row.number
        elif row.value is not None:
            cells[row.cell] = row.value
    try:
        return report_values(draft.indicator, cells, total)
    except DomainError as error:
        errors.append((total_row, str(error)))
        return None


def _save(changes: list[_Change], *, membership: Membership, by: User, submit: bool) -> None:
    """Write every change with bulk queries: a handful of queries whatever the size."""
    now = timezone.now()
    new = [
        MeasurementReport(
            indicator=change.indicator,
            period=change.period,
            membership=membership,
            status=MeasurementReport.Status.SUBMITTED if submit else MeasurementReport.Status.DRAFT,
            text_value=change.text,
            comment=change.comment,
            updated_by=by,
            submitted_at=now if submit else None,
        )
        for change in changes
        if change.report is None
    ]
    MeasurementReport.objects.bulk_create(new)
    new_reports = iter(new)
    old: list[MeasurementReport] = []
    for change in changes:
        if change.report is None:
            change.report = next(new_reports)
            continue
        report = change.report
        report.text_value, report.comment = change.text, change.comment
        report.updated_by, report.updated_at = by, now
        if submit:
            report.status, report.submitted_at = MeasurementReport.Status.SUBMITTED, now
        # Without submitting, a returned report stays returned (with its reason), as
        # when it is saved through the form.
        old.append(report)
    if old:
        MeasurementReport.objects.bulk_update(
            old,
            ["status", "text_value", "comment", "updated_by", "updated_at", "submitted_at"],
            batch_size=500,
        )
        # Chunks keep each query under the database's limit of parameters.
        ids = [report.pk for report in old]
        for start in range(0, len(ids), 5000):
            Measurement.objects.filter(report_id__in=ids[start : start + 5000]).delete()
    Measurement.objects.bulk_create(
        measurement_of(change.report, cell, value)
        for change in changes
        for cell, value in change.values.items()
    )
    ReportEvent.objects.bulk_create(
        ReportEvent(
            report=change.report, user=by, action=ReportEvent.Action.IMPORTED, created_at=now
        )
        for change in changes
    )
