"""The same bad report, through the report form, the import and the API: refused with the
same text by each, nothing saved. One function decides (indicators.services.report_save,
with indicators.rules for the words), whichever way the report comes."""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_token_create
from clusters.models import AuditEntry
from indicators.importing import import_reports
from indicators.models import (
    Indicator,
    Measurement,
    MeasurementReport,
    ReportEvent,
    ReportingPeriod,
)
from indicators.reading import ImportRefused
from tests.conftest import World

SEXES = ("sex=female", "sex=male", "sex=nonbinary")  # the form's cell_0, cell_1, cell_2
HEADER = ["indicator", "period", "cell", "value", "numerator", "denominator", "comment"]
NAMES = itertools.count()


@dataclass(frozen=True)
class Case:
    """A bad report: its indicator and period, its values as each way writes them, and
    words its refusal holds. ``form`` is None where the form has no input for it (its page
    offers only the indicator's cells); ``form_status`` where the form is not offered;
    ``form_own`` where the form's field refuses the input in its own words before the
    report reaches the service (a number field of 2 decimals)."""

    indicator: str
    period: str  # "current", "locked" or "future"
    form: dict[str, str] | None
    rows: list[list[str]]  # the import's rows: cell, value, numerator, denominator, comment
    api: dict = field(default_factory=dict)
    words: str = ""
    form_status: int = 400
    form_own: bool = False


CASES = {
    "locked period": Case(
        "C1", "locked", {"total": "5"}, [["", "5", "", "", ""]], {"total": 5}, "is locked"
    ),
    "period not started": Case(
        "C1", "future", {"total": "5"}, [["", "5", "", "", ""]], {"total": 5}, "not started yet"
    ),
    "indicator the entity does not report on": Case(
        "R1",
        "current",
        {"total": "5"},
        [["", "5", "", "", ""]],
        {"total": 5},
        "Neighbours Association does not report on this indicator.",
        form_status=403,
    ),
    "second report for a submitted cell": Case(
        "I1",
        "current",
        {"total": "10"},
        [["", "10", "", "", ""]],
        {"total": 10},
        "This report is submitted: it can no longer be changed.",
    ),
    "negative count": Case(
        "C1", "current", {"total": "-1"}, [["", "-1", "", "", ""]], {"total": -1}, "not a count"
    ),
    "fractional count": Case(
        "C1", "current", {"total": "2.5"}, [["", "2.5", "", "", ""]], {"total": 2.5}, "not a count"
    ),
    "cells that do not add up to the total": Case(
        "C1",
        "current",
        {"total": "10", "cell_0": "3", "cell_1": "3", "cell_2": "3"},
        [["", "10", "", "", ""], *([sex, "3", "", "", ""] for sex in SEXES)],
        {"total": 10, "cells": dict.fromkeys(SEXES, 3)},
        "The total (10) does not agree with the sum of the cells (9).",
    ),
    "unknown disaggregation cell": Case(
        "C1",
        "current",
        None,
        [["colour=red", "3", "", "", ""]],
        {"cells": {"colour=red": 3}},
        "“colour=red” is not a cell of indicator C1.",
    ),
    "percentage without its denominator": Case(
        "P1",
        "current",
        {"total_numerator": "3"},
        [["", "", "3", "", ""]],
        {"total": {"numerator": 3}},
        "Give the denominator too: of how many?",
    ),
    "percentage of nothing": Case(
        "P1",
        "current",
        {"total_numerator": "0", "total_denominator": "0"},
        [["", "", "0", "0", ""]],
        {"total": {"numerator": 0, "denominator": 0}},
        "The denominator is above zero: a percentage of nothing is not one.",
    ),
    "numerator above its denominator": Case(
        "P1",
        "current",
        {"total_numerator": "15", "total_denominator": "12"},
        [["", "", "15", "12", ""]],
        {"total": {"numerator": 15, "denominator": 12}},
        "The numerator (15) is a part of the denominator (12): it cannot be more.",
    ),
    "percentage as a bare number": Case(
        "P1",
        "current",
        None,
        [["", "50", "", "", ""]],
        {"total": 50},
        "Indicator P1 is a percentage: give its numerator and denominator (cell Total).",
    ),
    "yes/no answered maybe": Case(
        "Y1",
        "current",
        None,
        [["", "maybe", "", "", ""]],
        {"total": "maybe"},
        "Indicator Y1 is answered yes or no: write yes or no, not “maybe”.",
    ),
    "yes/no answered 2": Case(
        "Y1",
        "current",
        {"total": "2"},
        [["", "2", "", "", ""]],
        {"total": 2},
        "Indicator Y1 is answered yes or no: write yes or no, not “2”.",
    ),
    "yes/no answered 2, a % in its code": Case(
        "Y%(x)s",
        "current",
        {"total": "2"},
        [["", "2", "", "", ""]],
        {"total": 2},
        "Indicator Y%(x)s is answered yes or no: write yes or no, not “2”.",
    ),
    "numeric indicator submitted without total": Case(
        "C1",
        "current",
        {"comment": "Counted later"},
        [["", "", "", "", "Counted later"]],
        {"comment": "Counted later"},
        "Give the total, or every cell so that it can be added up.",
    ),
    "qualitative indicator given a number": Case(
        "Q1",
        "current",
        None,
        [["", "5", "", "", ""]],
        {"total": 5, "text_value": "Better"},
        "Indicator Q1 is qualitative: write in the text column, not in the value.",
    ),
    "total of more than 2 decimals": Case(
        "N1",
        "current",
        {"total": "0.005"},
        [["", "0.005", "", "", ""]],
        {"total": 0.005},
        "0.005 has more than 2 decimals.",
        form_own=True,
    ),
    "cell of more than 2 decimals": Case(
        "C1",
        "current",
        {"cell_0": "1.125"},
        [["sex=female", "1.125", "", "", ""]],
        {"cells": {"sex=female": 1.125}},
        "1.125 has more than 2 decimals.",
        form_own=True,
    ),
    "numerator of more than 2 decimals": Case(
        "P1",
        "current",
        {"total_numerator": "0.005", "total_denominator": "1"},
        [["", "", "0.005", "1", ""]],
        {"total": {"numerator": 0.005, "denominator": 1}},
        "0.005 has more than 2 decimals.",
        form_own=True,
    ),
    "denominator of more than 2 decimals": Case(
        "P1",
        "current",
        {"total_numerator": "1", "total_denominator": "2.001"},
        [["", "", "1", "2.001", ""]],
        {"total": {"numerator": 1, "denominator": 2.001}},
        "2.001 has more than 2 decimals.",
        form_own=True,
    ),
}


def indicator(world: World, code: str, measure: str = "number", **values) -> Indicator:
    return Indicator.objects.create(
        cluster=world.cluster,
        objective=world.indicator.objective,
        code=code,
        name=f"Indicator {code}",
        type="outcome",
        measure=measure,
        direction="increase",
        aggregation={"percentage": "average", "yes_no": "latest"}.get(measure, "sum"),
        data_source="administrative",
        **values,
    )


@pytest.fixture
def setting(world: World) -> World:
    """The indicators and periods the cases need, beside the world's submitted I1 report."""
    indicator(world, "C1", is_count=True, by_sex=True)
    indicator(world, "N1")
    indicator(world, "Q1", "qualitative")
    indicator(world, "P1", "percentage")
    indicator(world, "Y1", "yes_no")
    indicator(world, "Y%(x)s", "yes_no")  # Django's "% params" once made it a 500
    indicator(world, "R1", is_count=True).responsible.set(
        [world.lead.memberships.get(cluster=world.cluster)]
    )
    end = world.period.start - timedelta(days=1)
    ReportingPeriod.objects.create(
        cluster=world.cluster,
        start=date(end.year, end.month - 2, 1),
        end=end,
        due=end + timedelta(days=30),
        locked_at=timezone.now(),
    )
    start = world.period.end + timedelta(days=1)
    ReportingPeriod.objects.create(
        cluster=world.cluster,
        start=start,
        end=start + timedelta(days=90),
        due=start + timedelta(days=120),
    )
    return world


def period_of(world: World, which: str) -> ReportingPeriod:
    periods = world.cluster.periods.order_by("start")
    return {"locked": periods.first(), "current": world.period, "future": periods.last()}[which]


def saved() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (MeasurementReport, Measurement, ReportEvent, AuditEntry)
    )


def through_the_form(world: World, case: Case) -> list[str] | int:
    the_indicator = world.cluster.indicators.get(code=case.indicator)
    url = reverse(
        "indicators:report-edit",
        args=[world.cluster.slug, the_indicator.pk, period_of(world, case.period).pk],
    )
    data = {"total": "", "cell_0": "", "cell_1": "", "cell_2": "", "comment": ""}
    data |= {"total_numerator": "", "total_denominator": ""} | case.form | {"submit": ""}
    response = world.client("member").post(url, data)
    if response.status_code != 400:
        return response.status_code
    form = response.context["form"]
    return [str(message) for messages in form.errors.values() for message in messages]


def through_the_import(world: World, case: Case) -> list[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    start = period_of(world, case.period).start.isoformat()
    writer.writerows([case.indicator, start, *row] for row in case.rows)
    upload = SimpleUploadedFile("values.csv", buffer.getvalue().encode())
    with pytest.raises(ImportRefused) as refused:
        import_reports(
            cluster=world.cluster,
            membership=world.member_membership,
            by=world.users["member"],
            upload=upload,
            submit=True,
        )
    return [str(message) for _row, message in refused.value.errors]


def through_the_api(world: World, case: Case) -> tuple[int, list[str]]:
    _token, secret = api_token_create(user=world.users["member"], name=f"Test {next(NAMES)}")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = {"indicator": case.indicator, "period": period_of(world, case.period).start.isoformat()}
    response = client.post(
        reverse("api:measurement-report-create", args=[world.cluster.slug]),
        body | case.api,
        format="json",
    )
    data = response.json()
    return response.status_code, [message for messages in data.values() for message in messages]


@pytest.mark.parametrize("name", list(CASES))
def test_the_form_the_import_and_the_api_refuse_alike(setting: World, name: str):
    case = CASES[name]
    before = saved()
    status, api_messages = through_the_api(setting, case)
    assert status == 400
    imported = through_the_import(setting, case)
    assert imported == api_messages, "the import and the API say the same"
    assert len(api_messages) == 1 and case.words in api_messages[0]
    if case.form is not None:
        posted = through_the_form(setting, case)
        if case.form_own:
            assert isinstance(posted, list) and posted  # refused, in its own words
        elif case.form_status == 400:
            assert posted == api_messages, "the form and the API say the same"
        else:
            assert posted == case.form_status  # the page does not offer the form at all
    # (The API's token is the only row made; nothing of the report, nor an audit entry.)
    assert saved() == before


@pytest.mark.parametrize(
    ("given", "stored"),
    [(True, 1), (False, 0), ("yes", 1), ("No", 0), ("sí", 1), (1, 1), (0, 0)],
)
def test_the_api_takes_a_yes_no_answer_as_the_import_does(setting: World, given, stored):
    _token, secret = api_token_create(user=setting.users["member"], name=f"Test {next(NAMES)}")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = {"indicator": "Y1", "period": setting.period.start.isoformat(), "total": given}
    response = client.post(
        reverse("api:measurement-report-create", args=[setting.cluster.slug]), body, format="json"
    )
    assert response.status_code == 201, response.json()
    report = MeasurementReport.objects.get(indicator__code="Y1")
    assert [m.value for m in report.measurements.all()] == [stored]


def test_an_answer_is_no_number_for_a_numeric_indicator(setting: World):
    status, messages = through_the_api(setting, Case("N1", "current", None, [], {"total": "yes"}))
    assert (status, messages) == (400, ["A number is expected."])
