"""The IATI file is built once and kept until what it reads changes: a validation (any
write in the cluster's log), an entity's profile, the cluster's settings. The next read
after each change has it, and a read with nothing changed costs one short query."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from lxml import etree

from actors.models import Actor
from api.iati import validation
from indicators import services as indicator_services
from tests.api.test_iati_file import grow
from tests.conftest import World
from tests.factories import make_iati_ready

pytestmark = pytest.mark.django_db


def actuals(cluster) -> list[str]:
    checked = validation.checked_file(cluster)
    assert checked.problems == []
    root = etree.fromstring(checked.content)
    return [actual.get("value") for actual in root.iter("actual")]


def test_a_validation_is_in_the_next_file(world: World):
    cluster = make_iati_ready(world.cluster)
    assert actuals(cluster) == []
    indicator_services.report_validate(report=world.report, by=world.users["coordinator"])
    assert actuals(cluster) == ["10", "6", "4", "0"]


def test_an_entitys_new_identifier_is_in_the_next_file(world: World):
    cluster = make_iati_ready(world.cluster)
    validation.checked_file(cluster)
    # An entity's profile is not in any cluster's log: the file notices it all the same.
    Actor.objects.filter(pk=world.lead.pk).update(iati_identifier="ES-CIF-B12345678")
    root = etree.fromstring(validation.checked_file(cluster).content)
    assert root.find("iati-activity/reporting-org").get("ref") == "ES-CIF-B12345678"


def test_a_cluster_without_its_sector_is_refused_at_once(world: World):
    cluster = make_iati_ready(world.cluster)
    assert validation.checked_file(cluster).is_valid
    cluster.dac_sector = ""
    assert not validation.checked_file(cluster).is_valid


@pytest.mark.parametrize("objectives", [0, 4])
def test_a_file_read_again_costs_one_query(
    world: World, objectives: int, django_assert_num_queries
):
    grow(world, objectives)
    cluster = make_iati_ready(world.cluster)
    cache.clear()
    first = validation.checked_file(cluster)
    with django_assert_num_queries(1):  # the entities' profiles
        again = validation.checked_file(cluster)
    assert again.content == first.content
