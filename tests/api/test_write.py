"""The API's one write: a member entity's measurement report, submitted for validation
with the rules of the form and the import (indicators.services.report_save)."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as accounts_services
from clusters.models import AuditEntry, ClusterRole
from indicators.models import Indicator, Measurement, MeasurementReport, ReportingPeriod
from tests.conftest import World, build_world
from tests.factories import UserFactory

NAMES = itertools.count()


def url(slug: str = "housing") -> str:
    return reverse("api:measurement-report-create", kwargs={"slug": slug})


def api(world: World | None, person: str | None = None, user=None) -> APIClient:
    """A client with a personal token of the person's, as a program would call."""
    client = APIClient()
    user = user or (world.users[person] if person else None)
    if user is not None:
        name = f"Tests {next(NAMES)}"
        _token, secret = accounts_services.api_token_create(user=user, name=name)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def counts() -> tuple[int, int, int]:
    return (
        MeasurementReport.objects.count(),
        Measurement.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def adults(world: World) -> Indicator:
    """A count the member reports on, without report yet."""
    return Indicator.objects.create(
        cluster=world.cluster,
        objective=world.indicator.objective,
        code="I2",
        name="Adults housed",
        type="outcome",
        measure="number",
        direction="increase",
        aggregation="sum",
        by_sex=True,
        data_source="administrative",
    )


def body(world: World, **values) -> dict:
    return {"indicator": "I2", "period": world.period.start.isoformat(), "total": 10} | values


def test_a_member_submits_a_report_that_waits_in_the_coordinators_queue(
    world: World, adults: Indicator
):
    before = set(AuditEntry.objects.values_list("pk", flat=True))
    response = api(world, "member").post(
        url(),
        body(
            world,
            total=None,
            cells={"sex=female": 6, "sex=male": 4, "sex=nonbinary": 0},
            comment="From the desk",
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "submitted"
    assert (data["indicator"], data["indicator_code"]) == (adults.pk, "I2")
    assert data["entity"] == world.member_actor.slug
    # Strings of 2 decimals, as the read side gives values (JSON floats would not be).
    assert data["total"] == "10.00"
    assert data["cells"] == {"sex=female": "6.00", "sex=male": "4.00", "sex=nonbinary": "0.00"}
    report = MeasurementReport.objects.get(pk=data["id"])
    assert report.is_submitted and report.comment == "From the desk"
    new = list(AuditEntry.objects.exclude(pk__in=before))
    assert [(e.action, e.cluster, e.by) for e in new] == [
        (AuditEntry.Action.REPORT_SUBMITTED, world.cluster, world.users["member"])
    ]
    queue = world.client("coordinator").get(
        reverse("indicators:validation-queue", args=[world.cluster.slug])
    )
    assert "Adults housed" in queue.content.decode() or "I2" in queue.content.decode()


def test_a_percentage_is_given_by_numerator_and_denominator(world: World):
    Indicator.objects.create(
        cluster=world.cluster,
        objective=world.indicator.objective,
        code="P1",
        name="Share of families rehoused",
        type="outcome",
        measure="percentage",
        direction="increase",
        aggregation="average",
        data_source="administrative",
    )
    response = api(world, "member").post(
        url(),
        body(world, indicator="P1", total={"numerator": 3, "denominator": 12}),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["total"] == {"numerator": "3.00", "denominator": "12.00"}
    assert Measurement.objects.get(report_id=response.json()["id"]).value == 25


def refused(client: APIClient, data: object) -> dict:
    before = counts()
    response = client.post(url(), data, format="json")
    assert response.status_code == 400, response.content
    assert counts() == before, "a refusal saves nothing"
    return response.json()


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"colour": "red"}, "colour", "Unknown field."),
        ({"total": "ten"}, "total", "A number is expected."),
        ({"total": True}, "total", "A number is expected."),
        ({"cells": [1, 2]}, "cells", "dictionary"),
        ({"comment": "x" * 2001}, "comment", "2000"),
        ({"text_value": 5}, "text_value", "valid string"),
        ({"period": "13/05/2026"}, "period", "Date has wrong format"),
        ({"indicator": "S1"}, "indicator", "There is no indicator “S1” in this cluster."),
        ({"indicator": "NOPE"}, "indicator", "There is no indicator “NOPE” in this cluster."),
        ({"period": "2019-01-01"}, "period", "No reporting period of this cluster starts on"),
        ({"total": -1}, "total", "-1 is not a count"),
        ({"total": 2.5}, "total", "2.5 is not a count"),
        (
            {"cells": {"sex=female": 3, "sex=male": 3, "sex=nonbinary": 3}},
            "total",
            "does not agree with the sum",
        ),
        ({"cells": {"colour=red": 3}}, "cells", "“colour=red” is not a cell of indicator I2."),
        ({"total": None}, "total", "Give the total, or every cell"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    world: World, adults: Indicator, values: dict, field: str, words: str
):
    errors = refused(api(world, "member"), body(world, **values))
    assert list(errors) == [field], errors
    assert words in " ".join(errors[field]), errors


def test_another_clusters_entity_is_refused_as_unknown(world: World, adults: Indicator):
    errors = refused(api(world, "member"), body(world, entity=world.outsider_actor.slug))
    assert errors == {"entity": ["Choose one of the entities you represent in this cluster."]}
    errors = refused(api(world, "member"), body(world, entity="no-such-entity"))
    assert errors == {"entity": ["Choose one of the entities you represent in this cluster."]}


def test_a_locked_period_is_refused(world: World, adults: Indicator):
    ReportingPeriod.objects.filter(pk=world.period.pk).update(locked_at=timezone.now())
    errors = refused(api(world, "member"), body(world))
    assert list(errors) == ["period"]
    assert "is locked: nothing in it can change." in errors["period"][0]


def test_a_period_not_started_is_refused(world: World, adults: Indicator):
    start = world.period.end + timedelta(days=1)
    ReportingPeriod.objects.create(
        cluster=world.cluster,
        start=start,
        end=start + timedelta(days=90),
        due=start + timedelta(days=120),
    )
    errors = refused(api(world, "member"), body(world, period=start.isoformat()))
    assert list(errors) == ["period"]
    assert "has not started yet." in errors["period"][0]


def test_an_indicator_the_entity_does_not_report_on_is_refused(world: World, adults: Indicator):
    adults.responsible.set([world.lead.memberships.get(cluster=world.cluster)])
    errors = refused(api(world, "member"), body(world))
    assert errors == {"indicator": ["Neighbours Association does not report on this indicator."]}


def test_a_second_report_for_the_same_cell_is_refused(world: World, adults: Indicator):
    client = api(world, "member")
    assert client.post(url(), body(world), format="json").status_code == 201
    errors = refused(client, body(world))
    assert errors == {"period": ["This report is submitted: it can no longer be changed."]}
    # The world's own report, submitted through the form's service, is refused the same way.
    errors = refused(client, body(world, indicator="I1", total=None, cells={}))
    assert errors == {"period": ["This report is submitted: it can no longer be changed."]}


def test_a_body_that_is_not_json_is_refused(world: World, adults: Indicator):
    client = api(world, "member")
    response = client.post(url(), "indicator=I2", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    response = client.post(url(), "[1, 2]", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("member", 201),
        ("representative", 201),
        ("coordinator", 201),  # the coordinator also represents the lead entity
        ("observer", 403),
        ("institution", 403),
        ("outsider", 404),
        (None, 401),
    ],
)
def test_only_representatives_of_lead_and_member_entities_write(
    world: World, adults: Indicator, person: str | None, expected: int
):
    before = counts()
    response = api(world, person).post(url(), body(world), format="json")
    assert response.status_code == expected, response.content
    if expected != 201:
        assert counts() == before


def test_a_coordinator_without_an_entity_is_forbidden(world: World, adults: Indicator):
    user = UserFactory()
    ClusterRole.objects.create(cluster=world.cluster, user=user, role=ClusterRole.Role.COORDINATOR)
    before = counts()
    assert api(world, user=user).post(url(), body(world), format="json").status_code == 403
    assert counts() == before


def test_another_clusters_slug_is_not_found(world: World, adults: Indicator):
    response = api(world, "member").post(url("other-cluster"), body(world), format="json")
    assert response.status_code == 404


def test_a_revoked_token_is_refused_with_401(world: World, adults: Indicator):
    token, secret = accounts_services.api_token_create(user=world.users["member"], name="Old")
    accounts_services.api_token_revoke(user=world.users["member"], token_id=token.pk)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    before = counts()
    assert client.post(url(), body(world), format="json").status_code == 401
    assert counts() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two connections writing at once: SQLite serialises whole transactions",
)
def test_the_same_report_sent_twice_at_once_is_saved_once():
    world = build_world()
    world_adults = Indicator.objects.create(
        cluster=world.cluster,
        objective=world.indicator.objective,
        code="I2",
        name="Adults housed",
        type="outcome",
        measure="number",
        direction="increase",
        aggregation="sum",
        data_source="administrative",
    )
    clients = [api(world, "member"), api(world, "representative")]
    barrier = threading.Barrier(2)
    statuses: list[int] = [0, 0]

    def send(index: int) -> None:
        try:
            barrier.wait()
            statuses[index] = clients[index].post(url(), body(world), format="json").status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 400]
    assert MeasurementReport.objects.filter(indicator=world_adults).count() == 1


def twin(world: World, adults: Indicator, code: str) -> Indicator:
    """Another indicator whose code differs from one's only by case (codes are unique
    case-sensitively)."""
    return Indicator.objects.create(
        cluster=world.cluster,
        objective=adults.objective,
        code=code,
        name=f"Indicator {code}",
        type="outcome",
        measure="number",
        direction="increase",
        aggregation="sum",
        data_source="administrative",
    )


def test_the_indicator_is_named_by_its_id_as_the_read_side_names_it(
    world: World, adults: Indicator
):
    response = api(world, "member").post(url(), body(world, indicator=adults.pk), format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["indicator"], response.json()["indicator_code"]) == (adults.pk, "I2")
    other = world.other_cluster.indicators.first()
    errors = refused(api(world, "member"), body(world, indicator=other.pk))
    assert errors == {"indicator": [f"There is no indicator {other.pk} in this cluster."]}


def test_a_code_is_matched_exactly_before_regardless_of_case(world: World, adults: Indicator):
    lower = twin(world, adults, "i2")
    response = api(world, "member").post(url(), body(world, indicator="i2"), format="json")
    assert response.json()["indicator"] == lower.pk
    response = api(world, "member").post(url(), body(world, indicator="I2"), format="json")
    assert response.json()["indicator"] == adults.pk


def test_a_code_that_only_matches_regardless_of_case_must_be_one(world: World, adults: Indicator):
    response = api(world, "member").post(url(), body(world, indicator="i2"), format="json")
    assert response.json()["indicator"] == adults.pk  # the only one, whatever the case
    twin(world, adults, "ab")
    twin(world, adults, "AB")
    errors = refused(api(world, "member"), body(world, indicator="Ab"))
    assert errors == {
        "indicator": ["Several indicators are written “Ab” in other cases: give its id."]
    }
    errors = refused(api(world, "member"), body(world, indicator=True))
    assert errors == {"indicator": ["Give the indicator's id, or its code."]}
