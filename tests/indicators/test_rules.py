"""One rule says whether a member entity may change a report, and submit it: the report
page, the service and the import follow it, with the same message."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.models import Membership
from core.errors import DomainError
from indicators import services
from indicators.importing import ImportRefused, import_reports
from indicators.models import MeasurementReport, ReportingPeriod
from indicators.rules import report_problem, submit_problem
from tests.conftest import World


def csv_upload(rows: list[list[object]]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["indicator", "period", "cell", "value"])
    writer.writerows(rows)
    return SimpleUploadedFile("values.csv", buffer.getvalue().encode("utf-8"))


def future_period(world: World) -> ReportingPeriod:
    start = world.period.end + timedelta(days=1)
    return ReportingPeriod.objects.create(
        cluster=world.cluster,
        start=start,
        end=start + timedelta(days=89),
        due=start + timedelta(days=119),
    )


def submitted(world: World) -> ReportingPeriod:
    return world.period  # the member's report is submitted


def validated(world: World) -> ReportingPeriod:
    services.report_validate(report=world.report, by=world.users["coordinator"])
    return world.period


def locked(world: World) -> ReportingPeriod:
    validated(world)
    services.period_lock(period=world.period, by=world.users["coordinator"])
    return world.period


def not_responsible(world: World) -> ReportingPeriod:
    world.indicator.responsible.set([world.cluster.memberships.get(role=Membership.Role.LEAD)])
    return world.period


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        (submitted, "This report is submitted: it can no longer be changed."),
        (validated, "This report is validated: it can no longer be changed."),
        (locked, "The period {period} is locked: nothing in it can change."),
        (future_period, "The period {period} has not started yet."),
        (not_responsible, "Neighbours Association does not report on this indicator."),
    ],
)
def test_the_page_the_service_and_the_import_follow_one_rule(world: World, situation, message):
    period = situation(world)
    period.refresh_from_db()
    indicator, membership = world.indicator, world.member_membership
    report = MeasurementReport.objects.filter(
        indicator=indicator, period=period, membership=membership
    ).first()
    problem = report_problem(
        indicator=indicator, period=period, membership=membership, report=report
    )
    assert problem == message.format(period=period.label)

    with pytest.raises(DomainError) as caught:
        services.report_save(
            indicator=indicator,
            period=period,
            membership=membership,
            by=world.users["member"],
            cells={},
            total=D(5),
        )
    assert str(caught.value) == problem

    with pytest.raises(ImportRefused) as refused:
        import_reports(
            cluster=world.cluster,
            membership=membership,
            by=world.users["member"],
            upload=csv_upload([[indicator.code, period.start.isoformat(), "", "5"]]),
            submit=False,
        )
    assert refused.value.errors == [(2, problem)]

    page = world.client("member").get(
        reverse("indicators:report-edit", args=[world.cluster.slug, indicator.pk, period.pk])
    )
    if situation is not_responsible:
        assert page.status_code == 403  # not theirs to report on, nor to see
    else:
        assert page.status_code == 200
        assert page.context["editable"] is False
        assert 'name="submit"' not in page.content.decode()


def test_a_returned_report_or_none_yet_may_change(world: World):
    services.report_return(report=world.report, by=world.users["coordinator"], reason="Check")
    world.report.refresh_from_db()
    for report in (world.report, None):
        assert (
            report_problem(
                indicator=world.indicator,
                period=world.period,
                membership=world.member_membership,
                report=report,
            )
            is None
        )
    page = world.client("member").get(
        reverse(
            "indicators:report-edit", args=[world.cluster.slug, world.indicator.pk, world.period.pk]
        )
    )
    assert page.context["editable"] is True


def test_submitting_needs_the_total_in_the_form_and_in_the_import_alike(world: World):
    """Incomplete cells without a total count for nothing in progress: neither the form
    nor the import submits them (the import once did)."""
    services.report_return(report=world.report, by=world.users["coordinator"], reason="Check")
    message = "Give the total, or every cell so that it can be added up."
    assert submit_problem(indicator=world.indicator, values={"sex=female": D(4)}, text="") == (
        message
    )
    assert submit_problem(indicator=world.indicator, values={"": D(4)}, text="") is None
    with pytest.raises(DomainError, match=message):
        services.report_save(
            indicator=world.indicator,
            period=world.period,
            membership=world.member_membership,
            by=world.users["member"],
            cells={"sex=female": D(4)},
            total=None,
            submit=True,
        )
    with pytest.raises(ImportRefused) as refused:
        import_reports(
            cluster=world.cluster,
            membership=world.member_membership,
            by=world.users["member"],
            upload=csv_upload([[world.indicator.code, world.period.start, "sex=female", 4]]),
            submit=True,
        )
    assert refused.value.errors == [(2, message)]
    # As a draft, both keep the incomplete cells.
    count = import_reports(
        cluster=world.cluster,
        membership=world.member_membership,
        by=world.users["member"],
        upload=csv_upload([[world.indicator.code, world.period.start, "sex=female", 4]]),
        submit=False,
    )
    assert count == 1
    world.report.refresh_from_db()
    assert world.report.status == MeasurementReport.Status.RETURNED
    assert {m.cell: m.value for m in world.report.measurements.all()} == {"sex=female": D(4)}
