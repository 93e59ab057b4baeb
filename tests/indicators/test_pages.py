from __future__ import annotations

import io
import zipfile
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from indicators import reading, services
from indicators.models import Indicator, MeasurementReport, Objective
from indicators.reading import ImportRefused
from tests.conftest import World


def url(world: World, name: str, **kwargs) -> str:
    return reverse(f"indicators:{name}", kwargs={"slug": world.cluster.slug, **kwargs})


def report_url(world: World, indicator=None, period=None) -> str:
    return url(
        world,
        "report-edit",
        indicator_pk=(indicator or world.indicator).pk,
        period_pk=(period or world.period).pk,
    )


def grid(**values) -> dict:
    data = {"total": "", "cell_0": "", "cell_1": "", "cell_2": "", "comment": ""}
    data.update({k: str(v) for k, v in values.items()})
    return data


@pytest.fixture
def fresh(world: World) -> World:
    """The member's report sent back, so it can be edited again."""
    services.report_return(
        report=world.report, by=world.users["coordinator"], reason="Check the men"
    )
    return world


def test_the_member_corrects_a_returned_report_and_submits_it(fresh: World):
    client = fresh.client("member")
    page = client.get(report_url(fresh)).content.decode()
    assert "Check the men" in page
    response = client.post(report_url(fresh), {**grid(cell_0=6, cell_1=5, cell_2=1), "submit": ""})
    assert response.status_code == 302
    fresh.report.refresh_from_db()
    assert fresh.report.status == MeasurementReport.Status.SUBMITTED
    assert fresh.report.measurements.get(cell="").value == D(12)


def test_saving_without_submitting_keeps_it_returned_with_its_reason(fresh: World):
    fresh.client("member").post(report_url(fresh), {**grid(total=3), "save": ""})
    fresh.report.refresh_from_db()
    assert fresh.report.status == MeasurementReport.Status.RETURNED
    assert fresh.report.is_editable
    assert fresh.report.measurements.get(cell="").value == D(3)


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"cell_0": "many"}, "Enter a number"),
        ({"total": "1e999"}, "no more than 14 digits"),
        ({"total": "99", "cell_0": "6", "cell_1": "5", "cell_2": "1"}, "does not agree"),
        ({"total": "1.234"}, "1.234 is not a count"),
        ({"total": "-3"}, "-3 is not a count"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(fresh: World, values, error):
    before = list(fresh.report.measurements.values_list("cell", "value"))
    response = fresh.client("member").post(report_url(fresh), {**grid(**values), "submit": ""})
    assert response.status_code == 400
    assert error in response.content.decode()
    fresh.report.refresh_from_db()
    assert fresh.report.status == MeasurementReport.Status.RETURNED
    assert list(fresh.report.measurements.values_list("cell", "value")) == before


def test_a_locked_period_refuses_changes(fresh: World):
    services.period_lock(period=fresh.period, by=fresh.users["coordinator"])
    response = fresh.client("member").post(report_url(fresh), {**grid(total=3), "submit": ""})
    assert response.status_code == 400
    assert "locked" in response.content.decode()
    fresh.report.refresh_from_db()
    assert fresh.report.status == MeasurementReport.Status.RETURNED


def test_another_clusters_indicator_is_not_found(world: World):
    theirs = Indicator.objects.get(code="S1")
    response = world.client("member").get(report_url(world, indicator=theirs))
    assert response.status_code == 404
    detail = world.client("member").get(url(world, "indicator-detail", pk=theirs.pk))
    assert detail.status_code == 404


def test_the_coordinator_validates_and_returns_from_the_queue(world: World):
    client = world.client("coordinator")
    queue = client.get(url(world, "validation-queue"))
    assert list(queue.context["page"]) == [world.report]
    no_reason = client.post(
        url(world, "report-return", pk=world.report.pk), {"reason": ""}, follow=True
    )
    assert "Say why the report is returned" in no_reason.content.decode()
    client.post(url(world, "report-validate", pk=world.report.pk))
    world.report.refresh_from_db()
    assert world.report.status == MeasurementReport.Status.VALIDATED
    assert world.report.validated_by == world.users["coordinator"]
    again = client.post(url(world, "report-validate", pk=world.report.pk), follow=True)
    assert "Only submitted reports" in again.content.decode()


def test_another_clusters_report_cannot_be_validated(world: World):
    other = world.other_cluster
    services.periods_ensure(other)
    theirs = services.report_save(
        indicator=Indicator.objects.get(code="S1"),
        period=other.periods.get(),
        membership=other.memberships.get(),
        by=world.users["outsider"],
        cells={},
        total=D(5),
        submit=True,
    )
    response = world.client("coordinator").post(url(world, "report-validate", pk=theirs.pk))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == MeasurementReport.Status.SUBMITTED


def test_the_reporting_page_shows_returned_and_overdue_first(fresh: World):
    body = fresh.client("member").get(url(fresh, "reporting")).content.decode()
    assert "Returned" in body and "Check the men" in body


def test_objective_codes_are_unique_in_a_cluster(world: World):
    response = world.client("coordinator").post(
        url(world, "objective-create"), {"code": "o1", "statement": "Duplicate"}
    )
    assert "already has this code" in response.content.decode()
    assert world.cluster.objectives.count() == 1


INDICATOR = {
    "code": "I9",
    "name": "Evictions without alternative",
    "type": "outcome",
    "measure": "number",
    "direction": "decrease",
    "aggregation": "latest",
    "target_kind": "cumulative",
    "baseline_value": "80",
    "target_value": "20",
    "data_source": "administrative",
    "frequency": "quarterly",
    "hxl_tag": "#affected",
    "weight": "1",
}


def test_the_coordinator_defines_an_indicator(world: World):
    data = {**INDICATOR, "objective": world.indicator.objective_id, "by_sex": "on", "by_age": "on"}
    response = world.client("coordinator").post(url(world, "indicator-create"), data)
    indicator = world.cluster.indicators.get(code="I9")
    assert response.url == indicator.get_absolute_url()
    assert len(indicator.cells()) == 12


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"target_value": "90"}, "For a decrease the target is below the baseline"),
        ({"measure": "percentage", "baseline_value": "180"}, "between 0 and 100"),
        ({"code": "i1"}, "already has this code"),
        ({"hxl_tag": "#bad tag"}, "A hashtag is"),
        ({"type": "magic"}, "Select a valid choice"),
    ],
)
def test_bad_indicator_definitions_are_refused(world: World, overrides, error):
    data = {**INDICATOR, "objective": world.indicator.objective_id, **overrides}
    response = world.client("coordinator").post(url(world, "indicator-create"), data)
    assert error in response.content.decode()
    assert not world.cluster.indicators.filter(name="Evictions without alternative").exists()


def test_an_objective_of_another_cluster_cannot_be_chosen(world: World):
    theirs = Objective.objects.get(code="O1", cluster=world.other_cluster)
    response = world.client("coordinator").post(
        url(world, "indicator-create"), {**INDICATOR, "objective": theirs.pk}
    )
    assert "Select a valid choice" in response.content.decode()


def add_measurements(world: World, count: int) -> None:
    lead = world.cluster.memberships.get(role="lead")
    start = world.cluster.indicators.filter(code__startswith="X").count()
    for n in range(start, start + count):
        indicator = Indicator.objects.create(
            cluster=world.cluster,
            objective=world.indicator.objective,
            code=f"X{n}",
            name=f"Extra {n}",
            type="process",
            measure="number",
            direction="increase",
            aggregation="sum",
            target_value=10,
            data_source="survey",
        )
        for membership in (world.member_membership, lead):
            report = services.report_save(
                indicator=indicator,
                period=world.period,
                membership=membership,
                by=world.users["member"],
                cells={},
                total=D(n),
                submit=True,
            )
            services.report_validate(report=report, by=world.users["coordinator"])


def test_objectives_page_runs_a_fixed_number_of_queries(
    world: World, django_assert_num_queries, django_assert_max_num_queries
):
    client = world.client("observer")
    add_measurements(world, 2)
    with django_assert_max_num_queries(30) as small:
        client.get(url(world, "objective-list"))
    world.cluster.indicators.filter(code__startswith="X").delete()
    add_measurements(world, 12)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url(world, "objective-list"))
    assert response.status_code == 200


def test_indicator_detail_runs_a_fixed_number_of_queries(
    world: World, django_assert_num_queries, django_assert_max_num_queries
):
    client = world.client("observer")
    services.report_validate(report=world.report, by=world.users["coordinator"])
    with django_assert_max_num_queries(30) as small:
        client.get(url(world, "indicator-detail", pk=world.indicator.pk))
    lead = world.cluster.memberships.get(role="lead")
    report = services.report_save(
        indicator=world.indicator,
        period=world.period,
        membership=lead,
        by=world.users["coordinator"],
        cells={"sex=female": D(1), "sex=male": D(1), "sex=nonbinary": D(1)},
        total=None,
        submit=True,
    )
    services.report_validate(report=report, by=world.users["coordinator"])
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url(world, "indicator-detail", pk=world.indicator.pk))
    assert "<svg" in response.content.decode()


def test_a_broken_down_indicator_costs_one_query_more_than_a_plain_one(
    world: World, django_assert_max_num_queries
):
    """Its chart by sex and age reads the latest period's validated cells in one query:
    the only difference between the pages of two kinds of indicator (the bench compares
    the first indicator of each cluster, which need not be of the same kind)."""
    client = world.client("observer")
    services.report_validate(report=world.report, by=world.users["coordinator"])
    add_measurements(world, 1)
    plain = world.cluster.indicators.get(code="X0")
    client.get(url(world, "indicator-detail", pk=plain.pk))
    with django_assert_max_num_queries(30) as without:
        client.get(url(world, "indicator-detail", pk=plain.pk))
    client.get(url(world, "indicator-detail", pk=world.indicator.pk))
    with django_assert_max_num_queries(30) as broken_down:
        client.get(url(world, "indicator-detail", pk=world.indicator.pk))
    assert len(broken_down.captured_queries) == len(without.captured_queries) + 1


def test_a_huge_upload_is_refused_before_it_is_read(world: World, settings):
    settings.IMPORT_MAX_MB = 1
    response = world.client("member").post(
        url(world, "import"),
        {
            "file": SimpleUploadedFile(
                "big.csv", b"indicator,period,cell,value\n" + b"I1,2025-01-01,,1\n" * 80_000
            )
        },
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert MeasurementReport.objects.count() == 1


@pytest.mark.parametrize("mb", [1, 2])
def test_the_upload_page_and_the_reader_apply_one_size_limit(world: World, settings, mb):
    settings.IMPORT_MAX_MB = mb
    limit = mb * 2**20
    message = f"The file is too large: the limit is {mb} MB."
    assert reading.import_max_bytes() == limit
    header = b"indicator,period,cell,value\n"
    over = header + b"x" * (limit + 1 - len(header))

    # Just over the limit: the page lets the request through (it is not much more than the
    # file), and the reader refuses the file with the same limit and the same message.
    assert not reading.request_too_large(str(limit + 1))
    response = world.client("member").post(
        url(world, "import"), {"file": SimpleUploadedFile("over.csv", over)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    with pytest.raises(ImportRefused) as caught:
        reading.read_rows(io.BytesIO(over))
    assert caught.value.errors == [(0, message)]
    # Far over: the page refuses the request before reading it, with the same message.
    assert reading.request_too_large(str(limit + reading.REQUEST_OVERHEAD + 1))
    too_big = world.client("member").post(
        url(world, "import"), {"file": SimpleUploadedFile("big.csv", over + b"x" * 2**17)}
    )
    assert too_big.status_code == 400
    assert message in too_big.content.decode()
    # At the limit the reader reads the file (and finds what else is wrong with it).
    with pytest.raises(ImportRefused) as caught:
        reading.read_rows(io.BytesIO(over[:-1]))
    assert caught.value.errors != [(0, message)]
    assert MeasurementReport.objects.count() == 1


def test_a_limit_above_20_mb_holds_for_the_reader_too(settings):
    """The reader once had 20 MB of its own: a larger setting let the page take files the
    reader then refused."""
    settings.IMPORT_MAX_MB = 21
    content = b"x" * (20 * 2**20 + 1)
    assert not reading.request_too_large(str(len(content)))
    with pytest.raises(ImportRefused) as caught:
        reading.read_rows(io.BytesIO(content))
    assert caught.value.errors == [(0, "The file is not a CSV or XLSX file.")]


def zipped_sheet(unpacked_bytes: int) -> bytes:
    """An XLSX-shaped archive, small on the wire, whose sheet unpacks to that many bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * unpacked_bytes)
    return buffer.getvalue()


def test_what_an_xlsx_may_unpack_to_follows_the_limit(settings):
    """A quarter more than the import limit: a small archive that unpacks beyond it is
    refused as too large, and raising the limit lets the same file be read."""
    content = zipped_sheet(3 * 2**20)
    assert len(content) < 2**20
    settings.IMPORT_MAX_MB = 2  # 2.5 MB unpacked at most
    with pytest.raises(ImportRefused) as caught:
        reading.read_rows(io.BytesIO(content))
    assert caught.value.errors == [(0, "The file is too large: the limit is 2 MB.")]
    settings.IMPORT_MAX_MB = 3  # 3.75 MB: read, and refused for what it is instead
    with pytest.raises(ImportRefused) as caught:
        reading.read_rows(io.BytesIO(content))
    assert "too large" not in str(caught.value.errors)


def test_locking_a_period_twice_says_so(world: World):
    services.report_validate(report=world.report, by=world.users["coordinator"])
    client = world.client("coordinator")
    client.post(url(world, "period-lock", pk=world.period.pk))
    again = client.post(url(world, "period-lock", pk=world.period.pk), follow=True)
    assert "already locked" in again.content.decode()
    world.period.refresh_from_db()
    assert world.period.locked_at <= timezone.now()


def test_a_forged_content_length_is_refused_not_an_error(world: World):
    response = world.client("member").post(
        url(world, "import"), data=b"x", content_type="text/plain", CONTENT_LENGTH="abc"
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_cells_whose_sum_overflows_are_refused(fresh: World):
    big = "999999999999"
    response = fresh.client("member").post(
        report_url(fresh), {**grid(cell_0=big, cell_1=big, cell_2=big), "submit": ""}
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_submitting_incomplete_cells_without_a_total_is_refused(fresh: World):
    response = fresh.client("member").post(report_url(fresh), {**grid(cell_0=4), "submit": ""})
    assert response.status_code == 400
    assert "Give the total, or every cell" in response.content.decode()
    fresh.report.refresh_from_db()
    assert fresh.report.status == MeasurementReport.Status.RETURNED


def test_a_period_with_reports_waiting_cannot_be_locked(world: World):
    response = world.client("coordinator").post(
        url(world, "period-lock", pk=world.period.pk), follow=True
    )
    assert "waiting for validation" in response.content.decode()
    world.period.refresh_from_db()
    assert not world.period.is_locked


def test_a_period_that_has_not_started_takes_no_report(world: World):
    from datetime import timedelta

    from indicators.models import ReportingPeriod

    start = world.period.end + timedelta(days=1)
    future = ReportingPeriod.objects.create(
        cluster=world.cluster,
        start=start,
        end=start + timedelta(days=89),
        due=start + timedelta(days=119),
    )
    with pytest.raises(DomainError, match="has not started"):
        services.report_save(
            indicator=world.indicator,
            period=future,
            membership=world.member_membership,
            by=world.users["member"],
            cells={},
            total=D(1),
            submit=True,
        )


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"baseline_value": ""}, "A decrease is measured from a baseline"),
        (
            {
                "measure": "percentage",
                "aggregation": "sum",
                "baseline_value": "80",
                "target_value": "20",
            },
            "Percentages do not add up",
        ),
        ({"aggregation": "sum", "target_kind": "cumulative"}, "A cumulative sum can only grow"),
    ],
)
def test_indicator_definitions_that_cannot_show_progress_are_refused(
    world: World, overrides, field_error
):
    data = {**INDICATOR, "objective": world.indicator.objective_id, **overrides}
    response = world.client("coordinator").post(url(world, "indicator-create"), data)
    assert field_error in response.content.decode()
    assert not world.cluster.indicators.filter(code="I9").exists()


def test_the_definition_is_fixed_once_values_are_validated(world: World):
    services.report_validate(report=world.report, by=world.users["coordinator"])
    data = {
        **INDICATOR,
        "code": "I1",
        "objective": world.indicator.objective_id,
        "direction": "increase",
        "baseline_value": "0",
        "target_value": "100",
        "aggregation": "sum",
        "by_age": "on",
    }
    response = world.client("coordinator").post(
        url(world, "indicator-edit", pk=world.indicator.pk), data
    )
    assert "Validated values use this definition" in response.content.decode()
    world.indicator.refresh_from_db()
    assert world.indicator.by_sex and not world.indicator.by_age


def test_the_cluster_reporting_period_is_fixed_once_periods_exist(world: World):
    from tests.clusters.test_clusters import VALID

    response = world.client("coordinator").post(
        reverse("clusters:edit", args=[world.cluster.slug]),
        {**VALID, "status": "active", "reporting_period": "monthly"},
    )
    assert "the period cannot change any more" in response.content.decode()
    world.cluster.refresh_from_db()
    assert world.cluster.reporting_period == "quarterly"


@pytest.mark.parametrize(
    ("person", "name"),
    [("coordinator", "validation-queue"), ("member", "reporting"), ("observer", "period-list")],
)
def test_queue_reporting_and_periods_run_a_fixed_number_of_queries(
    world: World, person, name, django_assert_num_queries, django_assert_max_num_queries
):
    client = world.client(person)
    add_measurements(world, 1)
    with django_assert_max_num_queries(30) as small:
        client.get(url(world, name))
    add_measurements(world, 8)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url(world, name)).status_code == 200


def test_report_states_are_named_once_on_the_model(world: World):
    report = world.report
    assert (report.is_submitted, report.is_returned, report.can_validate) == (True, False, True)
    assert report.tone == ""
    queue = world.client("coordinator").get(url(world, "validation-queue")).content.decode()
    assert '<span class="badge ">Submitted</span>' in queue
    assert url(world, "report-validate", pk=report.pk) in queue
    services.report_return(report=report, by=world.users["coordinator"], reason="Check")
    report.refresh_from_db()
    assert (report.is_submitted, report.is_returned, report.can_validate) == (False, True, False)
    assert report.tone == "danger"
    page = world.client("member").get(report_url(world)).content.decode()
    assert '<span class="badge danger">Returned</span>' in page
    assert "<strong>Returned:</strong> Check" in page
    queue = (
        world.client("coordinator")
        .get(url(world, "validation-queue") + "?status=returned")
        .content.decode()
    )
    assert '<span class="badge danger">Returned</span>' in queue
    assert url(world, "report-validate", pk=report.pk) not in queue
    assert {status: tone for status, tone in MeasurementReport.TONES.items()} == {
        "draft": "warn",
        "submitted": "",
        "returned": "danger",
        "validated": "ok",
    }


def test_a_proposed_objective_is_marked_on_the_objectives_page(world: World):
    objective = world.indicator.objective
    Objective.objects.filter(pk=objective.pk).update(status=Objective.Status.PROPOSED)
    objective.refresh_from_db()
    assert objective.is_proposed
    page = world.client("observer").get(url(world, "objective-list")).content.decode()
    assert '<span class="badge warn">Proposed, awaiting a decision</span>' in page
