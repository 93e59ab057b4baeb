"""The open data page, the IATI file's download, and its publication."""

from __future__ import annotations

import pytest
from django.urls import reverse
from lxml import etree

from api import services
from api.iati import validation
from clusters.models import AuditEntry
from core.errors import DomainError
from tests.conftest import World
from tests.factories import make_iati_ready

pytestmark = pytest.mark.django_db


def page(world: World) -> str:
    return reverse("opendata:open-data", args=[world.cluster.slug])


def xml(world: World) -> str:
    return reverse("opendata:iati", args=[world.cluster.slug])


def test_the_coordinator_downloads_a_valid_file(world: World):
    make_iati_ready(world.cluster)
    response = world.client("coordinator").get(xml(world))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert response["Content-Disposition"] == 'attachment; filename="housing-iati.xml"'
    assert validation.schema().validate(etree.fromstring(response.content))


def test_a_file_with_problems_is_not_served_but_its_problems_are_listed(world: World):
    response = world.client("coordinator").get(xml(world))
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "Lead Foundation has no IATI organisation identifier" in body
    assert reverse("actors:edit", args=[world.lead.slug]) in body
    assert "Choose the cluster" in body and reverse("clusters:edit", args=["housing"]) in body
    assert "<iati-activities" not in body


def test_the_page_shows_the_state_and_the_counts(world: World):
    client = world.client("coordinator")
    assert "has no IATI organisation identifier" in client.get(page(world)).content.decode()
    make_iati_ready(world.cluster)
    body = client.get(page(world)).content.decode()
    assert "Ready and valid" in body
    assert "2 activities" in body and "1 result" in body and "1 indicator" in body
    assert "1 period" in body and "Publish the file" in body and "/api/v1/docs/" in body


def test_once_published_everyone_in_the_cluster_downloads_it(world: World):
    make_iati_ready(world.cluster)
    for person in ("member", "observer", "institution"):
        assert world.client(person).get(xml(world)).status_code == 403
    response = world.client("coordinator").post(reverse("opendata:iati-publish", args=["housing"]))
    assert response.status_code == 302
    world.cluster.refresh_from_db()
    assert world.cluster.iati_is_published
    for person in ("member", "observer", "institution"):
        client = world.client(person)
        assert client.get(xml(world)).status_code == 200, person
        body = client.get(page(world)).content.decode()
        assert "Download the IATI file" in body and "Withdraw the file" not in body
    assert world.client("outsider").get(xml(world)).status_code == 404
    # The tab shows for them too, now.
    overview = world.client("institution").get(world.cluster.get_absolute_url())
    assert page(world) in overview.content.decode()


def test_publishing_a_file_with_problems_is_refused(world: World):
    with pytest.raises(DomainError):
        services.iati_publish(cluster=world.cluster, by=world.users["coordinator"])
    response = world.client("coordinator").post(
        reverse("opendata:iati-publish", args=["housing"]), follow=True
    )
    assert "fix them before publishing" in response.content.decode()
    world.cluster.refresh_from_db()
    assert world.cluster.iati_published_at is None
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IATI_PUBLISHED).exists()


def test_publishing_twice_or_withdrawing_an_unpublished_file_writes_nothing(world: World):
    make_iati_ready(world.cluster)
    by = world.users["coordinator"]
    services.iati_unpublish(cluster=world.cluster, by=by)
    services.iati_publish(cluster=world.cluster, by=by)
    services.iati_publish(cluster=world.cluster, by=by)
    services.iati_unpublish(cluster=world.cluster, by=by)
    actions = list(
        AuditEntry.objects.filter(action__startswith="iati").values_list("action", flat=True)
    )
    assert sorted(actions) == ["iati_published", "iati_unpublished"]
