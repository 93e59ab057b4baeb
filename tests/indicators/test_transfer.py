from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import factory
import hxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from clusters.models import Membership
from core import reading as core_reading
from core.spreadsheets import csv_text
from indicators import exporting
from indicators.importing import ImportRefused, import_reports
from indicators.models import (
    Indicator,
    Measurement,
    MeasurementReport,
    Objective,
    ReportEvent,
    ReportingPeriod,
)
from tests.clock import TODAY, year_start
from tests.conftest import World

HEADER = ["indicator", "period", "cell", "value", "text", "comment"]
# The quarters of last year: all ended, none locked.
LAST_YEAR = TODAY.year - 1
Q1, Q2, Q3, Q4 = (date(LAST_YEAR, month, 1).isoformat() for month in (1, 4, 7, 10))
SEX_AGE = [
    f"sex={sex}|age={age}"
    for sex in ("female", "male", "nonbinary")
    for age in ("children", "adolescents", "adults", "elderly")
]


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    cluster = factory.SubFactory("tests.factories.ClusterFactory")
    code = factory.Sequence(lambda n: f"O{n}")
    statement = "Every family keeps its home"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    cluster = factory.SubFactory("tests.factories.ClusterFactory")
    # One objective per cluster is enough for these tests.
    objective = factory.LazyAttribute(
        lambda i: Objective.objects.get_or_create(
            cluster=i.cluster, code="O1", defaults={"statement": "Every family keeps its home"}
        )[0]
    )
    code = factory.Sequence(lambda n: f"X{n}")
    name = factory.Sequence(lambda n: f"Families accompanied {n}")
    type = Indicator.Type.OUTCOME
    measure = Indicator.Measure.NUMBER
    direction = Indicator.Direction.INCREASE
    aggregation = Indicator.Aggregation.SUM
    data_source = Indicator.Source.ADMINISTRATIVE


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    cluster = factory.SubFactory("tests.factories.ClusterFactory")
    start = date.fromisoformat(Q1)
    end = factory.LazyAttribute(lambda p: p.start + timedelta(days=89))
    due = factory.LazyAttribute(lambda p: p.end + timedelta(days=30))


@pytest.fixture
def periods(world: World) -> dict[str, ReportingPeriod]:
    return {
        start: PeriodFactory(cluster=world.cluster, start=date.fromisoformat(start))
        for start in (Q1, Q2, Q3, Q4)
    }


@pytest.fixture
def by_sex_age(world: World) -> Indicator:
    return IndicatorFactory(cluster=world.cluster, code="A1", by_sex=True, by_age=True)


@pytest.fixture
def plain(world: World) -> Indicator:
    """An amount (euros), not a count: its values may have decimals, or be negative."""
    return IndicatorFactory(cluster=world.cluster, code="B1", is_count=False)


@pytest.fixture
def percentage(world: World) -> Indicator:
    return IndicatorFactory(
        cluster=world.cluster,
        code="P1",
        measure=Indicator.Measure.PERCENTAGE,
        aggregation=Indicator.Aggregation.AVERAGE,
    )


@pytest.fixture
def qualitative(world: World) -> Indicator:
    return IndicatorFactory(cluster=world.cluster, code="Q1", measure=Indicator.Measure.QUALITATIVE)


def csv_file(
    rows: list[list[object]],
    header: list[str] = HEADER,
    delimiter: str = ",",
    name: str = "values.csv",
) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"))


def xlsx_file(rows: list[list[object]], header: list[str] = HEADER) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("values.xlsx", buffer.getvalue())


def run_import(
    world: World, upload, submit: bool = True, membership: Membership | None = None
) -> int:
    return import_reports(
        cluster=world.cluster,
        membership=membership or world.member_membership,
        by=world.users["member"],
        upload=upload,
        submit=submit,
    )


def refused(world: World, upload, **kwargs) -> list[tuple[int, str]]:
    before = counts()
    with pytest.raises(ImportRefused) as caught:
        run_import(world, upload, **kwargs)
    assert counts() == before, "a refused file saves nothing"
    return caught.value.errors


def counts() -> tuple[int, int, int]:
    return (
        MeasurementReport.objects.count(),
        Measurement.objects.count(),
        ReportEvent.objects.count(),
    )


def values_of(report: MeasurementReport) -> dict[str, Decimal]:
    return {m.cell: m.value for m in report.measurements.all()}


def lead_membership(world: World) -> Membership:
    return world.cluster.memberships.get(role=Membership.Role.LEAD)


def make_report(
    indicator: Indicator,
    period: ReportingPeriod,
    membership: Membership,
    status: str = MeasurementReport.Status.VALIDATED,
    values: dict[str, str] | None = None,
    text: str = "",
) -> MeasurementReport:
    report = MeasurementReport.objects.create(
        indicator=indicator,
        period=period,
        membership=membership,
        status=status,
        text_value=text,
        return_reason="Check the figures" if status == MeasurementReport.Status.RETURNED else "",
    )
    Measurement.objects.bulk_create(
        Measurement(report=report, cell=cell, value=Decimal(value))
        for cell, value in (values or {}).items()
    )
    return report


# --- Good files ------------------------------------------------------------------------


def test_a_good_csv_imports_reports_with_derived_totals_submitted(
    world: World, periods, by_sex_age, plain, qualitative
):
    rows = [[by_sex_age.code, Q1, cell, n + 1, "", ""] for n, cell in enumerate(SEX_AGE)]
    rows += [
        [plain.code, Q1, "", "12,5", "", "From the social services"],
        [qualitative.code, Q2, "", "", "Meetings with the council started", ""],
    ]

    assert run_import(world, csv_file(rows), submit=True) == 3

    reports = MeasurementReport.objects.filter(indicator__in=[by_sex_age, plain, qualitative])
    assert reports.count() == 3
    for report in reports:
        assert report.status == MeasurementReport.Status.SUBMITTED
        assert report.submitted_at is not None
        assert report.updated_by == world.users["member"]
    disaggregated = reports.get(indicator=by_sex_age)
    values = values_of(disaggregated)
    assert values[""] == sum(range(1, 13)), "the total is derived from the complete cells"
    assert values["sex=male|age=adults"] == 7
    assert len(values) == 13
    simple = reports.get(indicator=plain)
    assert values_of(simple) == {"": Decimal("12.5")}
    assert simple.comment == "From the social services"
    assert reports.get(indicator=qualitative).text_value == "Meetings with the council started"
    assert not reports.get(indicator=qualitative).measurements.exists()
    events = ReportEvent.objects.filter(report__in=reports)
    assert events.count() == 3
    assert set(events.values_list("action", flat=True)) == {ReportEvent.Action.IMPORTED}
    assert set(events.values_list("user", flat=True)) == {world.users["member"].pk}


def test_a_good_xlsx_imports_as_drafts_with_date_cells_and_numbers(
    world: World, periods, by_sex_age, plain
):
    rows = [[by_sex_age.code, date.fromisoformat(Q2), "", 30, None, None]]
    rows += [
        [by_sex_age.code, date.fromisoformat(Q2), cell, 3.0 if n < 6 else 2, None, None]
        for n, cell in enumerate(SEX_AGE)
    ]
    rows += [[plain.code, Q3, None, 4, "", "Estimated"]]

    assert run_import(world, xlsx_file(rows), submit=False) == 2

    report = MeasurementReport.objects.get(indicator=by_sex_age, period=periods[Q2])
    assert report.status == MeasurementReport.Status.DRAFT
    assert report.submitted_at is None
    assert values_of(report)[""] == 30
    assert values_of(report)["sex=female|age=children"] == 3
    assert MeasurementReport.objects.get(indicator=plain).comment == "Estimated"
    assert ReportEvent.objects.filter(action=ReportEvent.Action.IMPORTED).count() == 2


def test_semicolons_a_byte_order_mark_other_columns_and_loose_cell_keys_are_read(
    world: World, periods, by_sex_age
):
    header = ["Indicator ", "Indicator_name", " PERIOD", "Cell", "Value"]
    rows = [
        [by_sex_age.code, "Families", Q1, "", "15"],
        [by_sex_age.code, "Families", Q1, " Age=Children | sex=FEMALE ", "4"],
    ]
    upload = csv_file(rows, header=header, delimiter=";")
    upload = SimpleUploadedFile("values.csv", b"\xef\xbb\xbf" + upload.read())

    assert run_import(world, upload, submit=False) == 1

    report = MeasurementReport.objects.get(indicator=by_sex_age)
    assert values_of(report) == {"": 15, "sex=female|age=children": 4}


def test_reimporting_replaces_the_values_and_a_returned_report_stays_returned(
    world: World, periods, by_sex_age
):
    report = make_report(
        by_sex_age,
        periods[Q1],
        world.member_membership,
        MeasurementReport.Status.RETURNED,
        {"": "10", "sex=female|age=children": "10"},
    )

    run_import(
        world, csv_file([[by_sex_age.code, Q1, "sex=male|age=adults", 3, "", ""]]), submit=False
    )

    report.refresh_from_db()
    assert values_of(report) == {"sex=male|age=adults": Decimal(3)}
    assert report.status == MeasurementReport.Status.RETURNED


def test_blank_rows_and_empty_template_rows_are_skipped_and_keep_their_numbers(
    world: World, periods, plain
):
    rows = [
        [plain.code, Q1, "", "", "", ""],
        ["", "", "", "", "", ""],
        [plain.code, Q2, "", "abc", "", ""],
    ]

    assert refused(world, csv_file(rows)) == [(4, "“abc” is not a number.")]


def test_xlsx_rows_keep_their_numbers_across_blank_rows(world: World, periods, plain):
    rows = [
        [plain.code, Q1, None, 1, None, None],
        [],
        [],
        [plain.code, Q2, None, "abc", None, None],
    ]

    assert refused(world, xlsx_file(rows)) == [(5, "“abc” is not a number.")]


def test_without_a_comment_column_the_stored_comment_is_kept(world: World, periods, plain):
    report = make_report(
        plain, periods[Q1], world.member_membership, MeasurementReport.Status.DRAFT, {"": "1"}
    )
    MeasurementReport.objects.filter(pk=report.pk).update(comment="Keep me")

    run_import(world, csv_file([[plain.code, Q1, "", "2"]], header=HEADER[:4]), submit=False)

    report.refresh_from_db()
    assert (report.comment, values_of(report)) == ("Keep me", {"": 2})


# --- Bad rows --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["ZZ9", Q1, "", "1"], "There is no indicator “ZZ9” in this cluster."),
        (["", Q1, "", "1"], "The indicator code is missing."),
        (["A1", "", "", "1"], "The period is missing: give its start date as YYYY-MM-DD."),
        (["A1", f"01/01/{LAST_YEAR}", "", "1"], f"“01/01/{LAST_YEAR}” is not a date"),
        (["A1", f"{LAST_YEAR}-02-30", "", "1"], f"“{LAST_YEAR}-02-30” is not a date"),
        (
            ["A1", f"{LAST_YEAR}-02-01", "", "1"],
            f"No reporting period of this cluster starts on {LAST_YEAR}-02-01.",
        ),
        (
            ["A1", Q1, "sex=robot|age=children", "1"],
            "“sex=robot|age=children” is not a cell of indicator A1.",
        ),
        (["A1", Q1, "sex=female", "1"], "“sex=female” is not a cell of indicator A1."),
        (["B1", Q1, "sex=female", "1"], "“sex=female” is not a cell of indicator B1."),
        (["A1", Q1, "", "abc"], "“abc” is not a number."),
        (["A1", Q1, "", "1e999"], "“1e999” is not a number."),
        (["A1", Q1, "", "NaN"], "“NaN” is not a number."),
        (["A1", Q1, "", "Infinity"], "“Infinity” is not a number."),
        (["A1", Q1, "", "1.234,5"], "“1.234,5” is not a number."),
        (
            ["A1", Q1, "", "1234567890123"],
            "1234567890123 has more than 12 digits before the decimal point.",
        ),
        (["A1", Q1, "", "1,500"], "1,500 has more than 2 decimals."),
        (["P1", Q1, "", "100,01"], "A percentage must be between 0 and 100, not 100,01."),
        (["P1", Q1, "", "-1"], "A percentage must be between 0 and 100, not -1."),
        (
            ["Q1", Q1, "", "3"],
            "Indicator Q1 is qualitative: write in the text column, not in the value.",
        ),
        (["B1", Q1, "", "2"], "Row 2 already gives this indicator, period and cell."),
    ],
)
def test_each_bad_row_is_named_with_its_reason_and_nothing_is_saved(
    world: World, periods, by_sex_age, plain, percentage, qualitative, row, message
):
    good = ["B1", Q1, "", "1"]

    errors = refused(world, csv_file([good, row], header=HEADER[:4]))

    assert len(errors) == 1
    assert errors[0][0] == 3
    assert errors[0][1].startswith(message)


def test_negative_numbers_and_big_values_within_the_limits_are_accepted(
    world: World, periods, plain
):
    rows = [[plain.code, Q1, "", "-999999999999,99", "", ""], [plain.code, Q2, "", "+0.5", "", ""]]

    run_import(world, csv_file(rows))

    assert MeasurementReport.objects.get(period=periods[Q1]).measurements.get().value == Decimal(
        "-999999999999.99"
    )
    assert MeasurementReport.objects.get(period=periods[Q2]).measurements.get().value == Decimal(
        "0.5"
    )


def test_every_error_of_the_file_is_given_at_once_sorted_by_row(world: World, periods, plain):
    rows = [
        [plain.code, Q1, "", "1", "", ""],
        ["nope", "yesterday", "", "x", "", ""],
        [plain.code, Q2, "", "2", "", ""],
        [plain.code, Q3, "", "1,234", "", ""],
    ]

    errors = refused(world, csv_file(rows))

    assert [row for row, _message in errors] == [3, 3, 3, 5]


def test_another_clusters_indicator_is_unknown(world: World, periods):
    secret = IndicatorFactory(cluster=world.other_cluster, code="SECRET1")
    PeriodFactory(cluster=world.other_cluster, start=date.fromisoformat(Q1))

    errors = refused(world, csv_file([[secret.code, Q1, "", "5", "", ""]]))

    assert errors == [(2, "There is no indicator “SECRET1” in this cluster.")]


def test_a_locked_period_is_refused(world: World, periods, plain):
    ReportingPeriod.objects.filter(pk=periods[Q2].pk).update(locked_at=timezone.now())

    errors = refused(
        world, csv_file([[plain.code, Q1, "", "5", "", ""], [plain.code, Q2, "", "5", "", ""]])
    )

    assert errors == [(3, f"The period Q2 {LAST_YEAR} is locked: nothing in it can change.")]


def test_a_period_that_has_not_started_is_refused(world: World, periods, plain):
    PeriodFactory(cluster=world.cluster, start=year_start(1))

    errors = refused(world, csv_file([[plain.code, year_start(1).isoformat(), "", "5", "", ""]]))

    assert errors == [(2, f"The period Q1 {TODAY.year + 1} has not started yet.")]


def test_an_entity_that_is_not_responsible_is_refused(world: World, periods, plain):
    plain.responsible.set([lead_membership(world)])

    errors = refused(world, csv_file([[plain.code, Q1, "", "5", "", ""]]))

    assert errors == [(2, "Neighbours Association does not report on this indicator.")]


def test_an_observer_cannot_import(world: World, periods, plain):
    errors = refused(
        world, csv_file([[plain.code, Q1, "", "5", "", ""]]), membership=world.observer_membership
    )

    assert errors == [(2, "Observatory University does not report on this indicator.")]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            MeasurementReport.Status.VALIDATED,
            "This report is validated: it can no longer be changed.",
        ),
        (
            MeasurementReport.Status.SUBMITTED,
            "This report is submitted: it can no longer be changed.",
        ),
    ],
)
def test_a_report_already_submitted_or_validated_is_refused(
    world: World, periods, by_sex_age, status, message
):
    make_report(by_sex_age, periods[Q1], world.member_membership, status, {"": "4"})
    rows = [[by_sex_age.code, Q1, "", "5", "", ""], [by_sex_age.code, Q1, SEX_AGE[0], "5", "", ""]]

    assert refused(world, csv_file(rows)) == [(2, message)]


def test_a_total_that_disagrees_with_its_complete_cells_is_refused(
    world: World, periods, by_sex_age
):
    rows = [[by_sex_age.code, Q1, cell, 1, "", ""] for cell in SEX_AGE]
    rows.append([by_sex_age.code, Q1, "", 13, "", ""])

    errors = refused(world, csv_file(rows))

    assert errors == [(14, "The total (13) does not agree with the sum of the cells (12).")]


def test_a_total_with_incomplete_cells_is_kept_as_given(world: World, periods, by_sex_age):
    rows = [[by_sex_age.code, Q1, "", 100, "", ""], [by_sex_age.code, Q1, SEX_AGE[0], 1, "", ""]]

    run_import(world, csv_file(rows))

    assert values_of(MeasurementReport.objects.get(indicator=by_sex_age)) == {
        "": 100,
        SEX_AGE[0]: 1,
    }


def test_submitting_needs_values_or_a_description(world: World, periods, plain, qualitative):
    rows = [
        [plain.code, Q1, "", "", "", "Only a comment"],
        [qualitative.code, Q1, "", "", "", "No text"],
    ]

    errors = refused(world, csv_file(rows), submit=True)

    assert errors == [
        (2, "Give the total, or every cell so that it can be added up."),
        (3, "Describe the situation before submitting."),
    ]
    assert run_import(world, csv_file(rows), submit=False) == 2


def test_two_texts_for_one_report_are_refused(world: World, periods, by_sex_age):
    rows = [
        [by_sex_age.code, Q1, "", 2, "", "First"],
        [by_sex_age.code, Q1, SEX_AGE[0], 2, "", "Second"],
    ]

    assert refused(world, csv_file(rows)) == [
        (3, "Another comment for the same report is given in row 2.")
    ]


# --- Bad files -------------------------------------------------------------------------

NOT_A_TABLE = [(0, "The file is not a CSV or XLSX file.")]
EMPTY = [(0, "The file is empty.")]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("values.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"),
        ("values.csv", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"),
        ("values.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
        ("values.xlsx", b"PK\x03\x04 this is not a zip"),
        ("values.csv", b"indicator,period\x00,cell,value\n"),
    ],
)
def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(world: World, periods, name, content):
    assert refused(world, SimpleUploadedFile(name, content)) == NOT_A_TABLE


def test_a_zip_that_is_not_a_workbook_is_refused(world: World, periods):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")

    assert refused(world, SimpleUploadedFile("values.ods", buffer.getvalue())) == NOT_A_TABLE


def test_an_xlsx_named_csv_is_read_as_xlsx(world: World, periods, plain):
    upload = xlsx_file([[plain.code, Q1, "", 3, "", ""]])
    upload.name = "values.csv"

    assert run_import(world, upload) == 1


def test_a_csv_in_another_encoding_says_how_to_save_it(world: World, periods):
    content = f"indicator,period,cell,value,comment\nB1,{Q1},,1,Família\n".encode("cp1252")

    assert refused(world, SimpleUploadedFile("values.csv", content)) == [
        (0, "The CSV file is not in UTF-8: save it as “CSV UTF-8” and try again.")
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xef\xbb\xbf",
        b" \r\n \r\n",
        b"indicator,period,cell,value\r\n",
        b"indicator,period,cell,value\n,,,\n,,,\n",
    ],
)
def test_an_empty_or_header_only_csv_is_refused(world: World, periods, content):
    assert refused(world, SimpleUploadedFile("values.csv", content)) == EMPTY


def test_an_empty_or_header_only_xlsx_is_refused(world: World, periods):
    assert refused(world, xlsx_file([])) == EMPTY
    assert refused(world, xlsx_file([], header=[])) == EMPTY


def test_missing_columns_are_named(world: World, periods):
    errors = refused(world, csv_file([["B1", "5"]], header=["indicator", "amount"]))

    assert errors == [(0, "Missing columns: period, cell, value.")]


def test_a_column_given_twice_is_refused(world: World, periods):
    errors = refused(world, csv_file([["B1", Q1, "", "5", "6"]], header=[*HEADER[:4], "Value"]))

    assert errors == [(0, "The column “value” appears more than once.")]


def test_more_rows_than_the_limit_are_refused(world: World, periods, plain, monkeypatch):
    monkeypatch.setattr(core_reading, "MAX_ROWS", 3)
    rows = [[plain.code, start, "", 1, "", ""] for start in (Q1, Q2, Q3, Q4)]
    too_many = [(0, "The file has more than 3 rows: split it.")]

    assert refused(world, csv_file(rows)) == too_many
    assert refused(world, xlsx_file(rows)) == too_many
    assert run_import(world, csv_file([*rows[:3], ["", "", "", "", "", ""]])) == 3


# --- Volume ----------------------------------------------------------------------------


def test_ten_thousand_rows_import_in_a_few_dozen_queries(
    world: World, periods, django_assert_max_num_queries
):
    objective = ObjectiveFactory(cluster=world.cluster, code="VOLUME")
    Indicator.objects.bulk_create(
        IndicatorFactory.build(
            cluster=world.cluster,
            objective=objective,
            code=f"V{n:03}",
            by_sex=True,
            by_age=True,
            by_disability=True,
        )
        for n in range(100)
    )
    cells = [key for key, _label in Indicator.objects.filter(code="V000").get().cells()]
    assert len(cells) == 24
    rows = [
        [f"V{n:03}", start, cell, 1, "", ""]
        for n in range(100)
        for start in (Q1, Q2, Q3, Q4)
        for cell in ["", *cells]
    ]
    for row in rows:
        if row[2] == "":
            row[3] = 24
    assert len(rows) == 10_000
    upload = csv_file(rows)

    # Row by row would be tens of thousands of queries. SQLite takes at most 999
    # parameters a query, so the bulk inserts go in batches (51 for the measurements
    # here, of five columns each: a percentage's numerator and denominator among them);
    # PostgreSQL needs about a dozen queries in all.
    with django_assert_max_num_queries(70):
        assert run_import(world, upload) == 400

    assert Measurement.objects.filter(report__indicator__code__startswith="V").count() == 10_000
    assert ReportEvent.objects.filter(action=ReportEvent.Action.IMPORTED).count() == 400


# --- Template --------------------------------------------------------------------------


def test_the_template_lists_what_the_entity_can_fill_with_stored_values(
    world: World, periods, by_sex_age, plain, qualitative
):
    ReportingPeriod.objects.filter(pk=periods[Q4].pk).update(locked_at=timezone.now())
    IndicatorFactory(cluster=world.cluster, code="Z9").responsible.set([lead_membership(world)])
    IndicatorFactory(cluster=world.other_cluster, code="SECRET1")
    make_report(
        plain, periods[Q2], world.member_membership, MeasurementReport.Status.DRAFT, {"": "8"}
    )
    MeasurementReport.objects.filter(indicator=plain).update(comment="=HYPERLINK(1)")

    future = PeriodFactory(cluster=world.cluster, start=year_start(1))

    rows = exporting.template_rows(world.cluster, world.member_membership)

    assert rows[0] == list(exporting.TEMPLATE_HEADER)
    codes = {row[0] for row in rows[1:]}
    assert {"A1", "B1", "Q1"} <= codes
    assert not codes & {"Z9", "SECRET1"}, "not responsible, or another cluster's"
    starts = {row[2] for row in rows[1:]}
    assert {periods[start].start for start in (Q1, Q2, Q3)} <= starts
    assert periods[Q4].start not in starts, "locked"
    assert future.start not in starts, "not started"
    mine = [row for row in rows[1:] if row[0] in {"A1", "B1", "Q1"}]
    assert len(mine) == len(starts) * (13 + 1 + 1), "A1: total and 12 cells; B1, Q1: total"
    assert mine[0][:7] == [
        "A1",
        by_sex_age.name,
        periods[Q1].start,
        f"Q1 {LAST_YEAR}",
        "",
        "Total",
        "",
    ]
    assert mine[1][4:6] == ["sex=female|age=children", "Women and girls · Children (0-11)"]
    stored = next(row for row in rows if row[0] == "B1" and row[3] == f"Q2 {LAST_YEAR}")
    assert stored[6] == 8
    assert stored[8] == "=HYPERLINK(1)"
    text = csv_text(exporting.template_rows(world.cluster, world.member_membership))
    assert text.startswith("\ufeffindicator,indicator_name,period,")
    assert ",'=HYPERLINK(1)" in text


def test_the_xlsx_template_filled_in_imports_back(world: World, periods, by_sex_age, plain):
    make_report(
        plain, periods[Q1], world.member_membership, MeasurementReport.Status.VALIDATED, {"": "8"}
    )
    make_report(
        plain, periods[Q2], world.member_membership, MeasurementReport.Status.DRAFT, {"": "3"}
    )
    content = exporting.template_xlsx(world.cluster, world.member_membership)

    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and sheet["I1"].font.b
    assert sheet.column_dimensions["B"].width >= 30
    assert sheet["C2"].is_date
    header = [cell.value for cell in sheet[1]]
    filled = 0
    for row in sheet.iter_rows(min_row=2):
        values = dict(zip(header, row, strict=True))
        where = (values["indicator"].value, values["period_label"].value)
        if where == ("A1", f"Q3 {LAST_YEAR}") and "age=children" in (values["cell"].value or ""):
            values["value"].value = 5
            filled += 1
        if values["indicator"].value == "B1" and values["period_label"].value == f"Q3 {LAST_YEAR}":
            values["value"].value = "7,5"
            values["comment"].value = "Filled in the template"
    assert filled == 3
    buffer = io.BytesIO()
    workbook.save(buffer)

    saved = run_import(world, SimpleUploadedFile("template.xlsx", buffer.getvalue()), submit=False)

    assert saved == 2, "unchanged stored reports (even validated) are no error and left alone"
    a1 = MeasurementReport.objects.get(indicator=by_sex_age, period=periods[Q3])
    assert values_of(a1) == {
        "sex=female|age=children": 5,
        "sex=male|age=children": 5,
        "sex=nonbinary|age=children": 5,
    }
    b1 = MeasurementReport.objects.get(indicator=plain, period=periods[Q3])
    assert values_of(b1) == {"": Decimal("7.5")}
    assert b1.comment == "Filled in the template"
    assert ReportEvent.objects.filter(action=ReportEvent.Action.IMPORTED).count() == 2


def test_the_csv_template_imports_back_unchanged_as_nothing(world: World, periods, plain):
    make_report(
        plain, periods[Q1], world.member_membership, MeasurementReport.Status.DRAFT, {"": "8"}
    )
    MeasurementReport.objects.filter(indicator=plain).update(comment="-2 families left")
    text = csv_text(exporting.template_rows(world.cluster, world.member_membership))
    assert "'-2 families left" in text

    assert run_import(world, SimpleUploadedFile("t.csv", text.encode()), submit=False) == 0
    assert MeasurementReport.objects.get(indicator=plain).comment == "-2 families left"
    # Submitting the same file submits the editable report as it is.
    assert run_import(world, SimpleUploadedFile("t.csv", text.encode()), submit=True) == 1
    report = MeasurementReport.objects.get(indicator=plain)
    assert report.status == MeasurementReport.Status.SUBMITTED
    assert report.comment == "-2 families left"


# --- Export with HXL -------------------------------------------------------------------

# Every hashtag and attribute the export uses is in the HXL 1.1 hashtag dictionary
# (https://hxlstandard.org/standard/1-1final/dictionary/), but for the two disability
# attributes the dictionary lacks (HXL allows a file's own). +total is not in it: a
# #reached column without attributes is the total.
HXL_DICTIONARY_HASHTAGS = {"#org", "#indicator", "#date", "#adm1", "#adm2", "#reached"}
HXL_DICTIONARY_HASHTAGS |= {"#description"}
HXL_DICTIONARY_ATTRIBUTES = {
    "#org": {"code", "name"},
    "#indicator": {"code", "name"},
    "#date": {"start", "end"},
    "#adm1": {"code", "name"},
    "#adm2": {"code", "name"},
    "#reached": {"f", "m", "i", "children", "adolescents", "adults", "elderly"},
    "#description": set(),
}
OWN_ATTRIBUTES = {"disabled", "nondisabled", "numerator", "denominator"}
SEXES_HXL, AGES_HXL = ("f", "m", "i"), ("children", "adolescents", "adults", "elderly")
EXPECTED_TAGS = [
    "#org",
    "#org+code",
    "#indicator+code",
    "#indicator+name",
    "#date+start",
    "#date+end",
    "#adm1+name",
    "#adm2+name",
    "#reached",
    *(f"#reached+{sex}" for sex in SEXES_HXL),
    *(f"#reached+{age}" for age in AGES_HXL),
    "#reached+disabled",
    "#reached+nondisabled",
    *(f"#reached+{sex}+{age}" for sex in SEXES_HXL for age in AGES_HXL),
    "#description",
    "#indicator+numerator",
    "#indicator+denominator",
]


def test_every_hxl_hashtag_and_attribute_is_in_the_dictionary():
    for tagspec in exporting.HXL_TAGS:
        hashtag, *attributes = tagspec.split("+")
        assert hashtag in HXL_DICTIONARY_HASHTAGS, tagspec
        assert set(attributes) <= HXL_DICTIONARY_ATTRIBUTES[hashtag] | OWN_ATTRIBUTES, tagspec
    assert list(exporting.HXL_TAGS) == EXPECTED_TAGS


@pytest.fixture
def validated(world: World, periods) -> dict[str, Indicator]:
    world.cluster.territory = "Barcelona"
    world.cluster.save(update_fields=["territory"])
    member = world.member_membership
    full = IndicatorFactory(
        cluster=world.cluster,
        code="E1",
        name="=cmd|' /C calc'!A0",
        by_sex=True,
        by_age=True,
        by_disability=True,
    )
    cells = {key: str(n) for n, (key, _label) in enumerate(full.cells(), start=1)}
    make_report(full, periods[Q1], member, values={**cells, "": str(sum(range(1, 25)))})
    make_report(
        full, periods[Q2], lead_membership(world), MeasurementReport.Status.SUBMITTED, {"": "99"}
    )
    places = IndicatorFactory(
        cluster=world.cluster,
        code="E2",
        territories="Nou Barris, Sant Andreu",
        by_sex=True,
        by_age=True,
    )
    place_values = {key: "2" if "Nou Barris" in key else "1" for key, _label in places.cells()}
    make_report(places, periods[Q1], member, values={**place_values, "": "36"})
    share = IndicatorFactory(
        cluster=world.cluster,
        code="E3",
        measure=Indicator.Measure.PERCENTAGE,
        aggregation=Indicator.Aggregation.AVERAGE,
        by_sex=True,
    )
    make_report(
        share,
        periods[Q2],
        member,
        values={"": "45.5", "sex=female": "50", "sex=male": "41", "sex=nonbinary": "45.5"},
    )
    words = IndicatorFactory(
        cluster=world.cluster, code="E4", measure=Indicator.Measure.QUALITATIVE
    )
    make_report(words, periods[Q2], member, text="Better")
    # Broken down in part: the total, and the women's cell only.
    partly = IndicatorFactory(cluster=world.cluster, code="E5", by_sex=True)
    make_report(partly, periods[Q3], member, values={"": "10", "sex=female": "4"})
    # By territory in part: 4 of the 10 are in Nou Barris, Sant Andreu has no figure.
    somewhere = IndicatorFactory(
        cluster=world.cluster, code="E6", territories="Nou Barris, Sant Andreu"
    )
    make_report(somewhere, periods[Q3], member, values={"": "10", "territory=Nou Barris": "4"})
    other = IndicatorFactory(cluster=world.other_cluster, code="SECRET1")
    outsider = world.other_cluster.memberships.get()
    make_report(other, PeriodFactory(cluster=world.other_cluster), outsider, values={"": "7"})
    return {"full": full, "places": places, "share": share}


def read_hxl(content: bytes) -> hxl.model.Dataset:
    return hxl.data(io.BytesIO(content), hxl.InputOptions(allow_local=True))


def test_the_csv_export_reads_as_hxl_with_exactly_the_expected_tags_and_values(
    world: World, validated
):
    text = csv_text(exporting.export_rows(world.cluster))
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Entity,Entity code,Indicator code,Indicator,")
    assert lines[1].split(",") == EXPECTED_TAGS

    dataset = read_hxl(text.encode("utf-8"))

    assert dataset.display_tags == EXPECTED_TAGS
    rows = [dict(zip(EXPECTED_TAGS, row.values, strict=True)) for row in dataset]
    assert [(r["#indicator+code"], r["#adm1+name"], r["#adm2+name"]) for r in rows] == [
        ("E1", "Barcelona", ""),
        ("E2", "Barcelona", "Nou Barris"),
        ("E2", "Barcelona", "Sant Andreu"),
        ("E3", "Barcelona", ""),
        ("E4", "Barcelona", ""),
        ("E5", "Barcelona", ""),
        ("E6", "Barcelona", "Nou Barris"),
        ("E6", "Barcelona", "The rest, not given by territory"),
    ]
    full, nou_barris, sant_andreu, share, words, partly, somewhere, rest = rows
    assert full["#org"] == "Neighbours Association"
    assert full["#org+code"] == world.member_actor.slug
    assert full["#indicator+name"] == "'=cmd|' /C calc'!A0", "formulas are neutralised"
    assert (full["#date+start"], full["#date+end"]) == (Q1, f"{LAST_YEAR}-03-31")
    # The 24 cells of E1 go sex, age, disability (yes, no), valued 1 to 24: women and girls
    # are cells 1-8, children 1, 2, 9, 10, 17 and 18, with a disability the odd ones.
    assert full["#reached"] == "300"
    assert full["#reached+f"] == str(sum(range(1, 9)))
    assert full["#reached+children"] == str(1 + 2 + 9 + 10 + 17 + 18)
    assert full["#reached+disabled"] == str(sum(range(1, 25, 2)))
    assert full["#reached+nondisabled"] == str(sum(range(2, 25, 2)))
    assert full["#reached+f+children"] == "3"
    assert full["#reached+i+elderly"] == str(23 + 24)
    # By territory: a row per territory (2 a cell in Nou Barris, 1 in Sant Andreu) that
    # add up to the report's total of 36, so that nobody is counted twice.
    assert (nou_barris["#reached"], nou_barris["#reached+m+adults"]) == ("24", "2")
    assert (sant_andreu["#reached"], sant_andreu["#reached+f+children"]) == ("12", "1")
    assert nou_barris["#reached+f"] == "8"
    assert nou_barris["#reached+disabled"] == "", "not by disability"
    # In part by territory: Nou Barris, and the rest of the total.
    assert (somewhere["#reached"], rest["#reached"]) == ("4", "6")
    # Percentages: one cell is a value, several never add up.
    assert (share["#reached"], share["#reached+f"], share["#reached+i"]) == ("45.50", "50", "45.50")
    assert share["#reached+f+children"] == share["#reached+children"] == ""
    # A qualitative report carries its text, a partial breakdown its total.
    assert (words["#reached"], words["#description"]) == ("", "Better")
    assert (partly["#reached"], partly["#reached+f"], partly["#reached+m"]) == ("10", "4", "")


# What each attribute of a #reached column picks among a report's cells.
ATTRIBUTE_PARTS = {
    **{hxl: ("sex", sex) for sex, hxl in (("female", "f"), ("male", "m"), ("nonbinary", "i"))},
    **{age: ("age", age) for age in AGES_HXL},
    "disabled": ("disability", "yes"),
    "nondisabled": ("disability", "no"),
}


def expected_value(indicator: Indicator, values: dict[str, Decimal], parts: dict) -> str:
    """What a column should hold, worked out from the stored cells on their own."""
    if not parts:
        return str(values.get("", ""))
    keys = [
        key
        for key, _label in indicator.cells()
        if all(f"{name}={value}" in key.split("|") for name, value in parts.items())
    ]
    if not keys or any(key not in values for key in keys):
        return ""
    if len(keys) > 1 and indicator.measure == Indicator.Measure.PERCENTAGE:
        return ""
    return str(sum(values[key] for key in keys))


def test_every_value_of_the_export_is_the_databases(world: World, validated):
    """Read back with libhxl, every number of the file is a validated report's total or
    the sum of all its cells of a group, as the database holds them."""
    dataset = read_hxl(csv_text(exporting.export_rows(world.cluster)).encode("utf-8"))
    reports = {
        (r.membership.actor.slug, r.indicator.code, r.period.start.isoformat()): r
        for r in MeasurementReport.objects.filter(
            indicator__cluster=world.cluster, status=MeasurementReport.Status.VALIDATED
        ).select_related("indicator", "membership__actor", "period")
    }
    compared = 0
    reached: dict[tuple, Decimal] = {}
    for row in dataset:
        key = (row.get("#org+code"), row.get("#indicator+code"), row.get("#date+start"))
        report = reports[key]
        values = {m.cell: m.value for m in report.measurements.all()}
        reached[key] = reached.get(key, Decimal(0)) + Decimal(row.get("#reached") or 0)
        territory = row.get("#adm2+name")
        if territory == "The rest, not given by territory":
            continue  # worked out below: the rows of a report add up to its total
        for column in row.columns:
            if column.tag != "#reached":
                continue
            parts = dict(ATTRIBUTE_PARTS[a] for a in column.attributes)
            if territory:
                parts["territory"] = territory
            shown = row.get(column.display_tag) or ""
            wanted = expected_value(report.indicator, values, parts)
            assert (Decimal(shown) if shown else "") == (Decimal(wanted) if wanted else ""), (
                key,
                territory,
                column.display_tag,
            )
            compared += 1
    assert compared == 7 * 22
    assert {key[1] for key in reports} == {"E1", "E2", "E3", "E4", "E5", "E6"}
    for key, report in reports.items():
        if report.indicator.measure == Indicator.Measure.NUMBER:
            assert reached[key] == report.measurements.get(cell="").value, key


def test_the_xlsx_export_reads_as_hxl_with_a_frozen_bold_header(world: World, validated):
    content = exporting.export_xlsx(world.cluster)

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.freeze_panes == "A3"
    assert sheet["A1"].font.b and sheet["A2"].font.b
    assert sheet["D3"].value == "=cmd|' /C calc'!A0"
    assert sheet["D3"].data_type == "s", "a name is text, never a formula"
    dataset = read_hxl(content)
    assert dataset.display_tags == EXPECTED_TAGS
    rows = list(dataset)  # a dataset read from a stream can be iterated once
    assert [row.get("#indicator+code") for row in rows] == [
        "E1",
        "E2",
        "E2",
        "E3",
        "E4",
        "E5",
        "E6",
        "E6",
    ]
    assert [row.get("#reached") for row in rows] == [300, 24, 12, 45.5, None, 10, 4, 6]
    assert rows[4].get("#description") == "Better"


def test_the_export_reads_the_database_a_fixed_number_of_times(
    world: World, validated, periods, django_assert_max_num_queries
):
    for start in (Q3, Q4):
        make_report(validated["full"], periods[start], world.member_membership, values={"": "1"})
    with django_assert_max_num_queries(2):
        rows = exporting.export_rows(world.cluster)
    assert len(rows) == 2 + 10


def test_an_export_without_validated_reports_has_the_two_header_rows(world: World):
    rows = exporting.export_rows(world.cluster)

    assert len(rows) == 2
    assert rows[1] == EXPECTED_TAGS
