"""The health page costs the same queries for a cluster of three entities as for one of
thirty, for a coordinator who represents no entity as for a member who does; its figures'
section, cached, shows every entity."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import World
from tests.factories import ActorFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> tuple[int, str]:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_page_costs_the_same_queries_with_3_and_30_entities(world: World):
    url = reverse("health:health", args=[world.cluster.slug])
    few, _page = queries(world.client("coordinator"), url)
    for n in range(27):
        MembershipFactory(cluster=world.cluster, actor=ActorFactory(name=f"Entity {n:02}"))
    many, page = queries(world.client("coordinator"), url)
    assert many == few
    assert "Entity 26" in page
    member, _page = queries(world.client("member"), url)
    assert member == few
