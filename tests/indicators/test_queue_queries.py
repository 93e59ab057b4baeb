"""The validation queue costs the same queries with 3 entities as with 23, and names the
entities that owe the most overdue reports, the others on request."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators import views
from tests.conftest import World
from tests.factories import ActorFactory, MembershipFactory
from tests.indicators.test_baseline_and_current import since_last_year  # noqa: F401

pytestmark = pytest.mark.django_db


def read(client, url: str, data: dict | None = None):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(captured), response


def test_the_queue_costs_the_same_queries_with_3_and_23_entities(
    since_last_year: World,  # noqa: F811
    monkeypatch,
):
    world = since_last_year
    url = reverse("indicators:validation-queue", args=[world.cluster.slug])
    client = world.client("coordinator")
    few, _response = read(client, url)
    for n in range(20):
        MembershipFactory(cluster=world.cluster, actor=ActorFactory(name=f"Entity {n:02}"))
    many, response = read(client, url)
    assert many == few
    owing = response.context["overdue_count"]
    assert owing > 2, "the new entities owe the world's past periods"
    monkeypatch.setattr(views, "SHOWN_OVERDUE", 2)
    _count, response = read(client, url)
    assert len(response.context["overdue"]) == 2
    page = response.content.decode()
    assert "Show every entity" in page and "overdue=all" in page
    _count, response = read(client, url, {"overdue": "all"})
    assert len(response.context["overdue"]) == owing
    assert "Show every entity" not in response.content.decode()
