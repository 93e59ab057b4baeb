"""The cluster's time zone, chosen in its settings: the meetings' times are shown in it."""

from __future__ import annotations

from django.urls import reverse

from clusters.forms import COMMON_TIME_ZONES, ClusterForm
from clusters.models import AuditEntry, Cluster
from tests.conftest import World


def settings_post(world: World, **changes: str) -> dict:
    """What the settings page posts back when its fields are left as they are."""
    form = ClusterForm(instance=Cluster.objects.get(pk=world.cluster.pk))
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return {**data, **changes}


def test_the_settings_offer_the_common_zones_with_madrid_chosen(world: World):
    body = world.client("coordinator").get(reverse("clusters:edit", args=["housing"])).content
    body = body.decode()
    assert '<option value="Europe/Madrid" selected>Europe/Madrid</option>' in body
    assert '<option value="Atlantic/Canary">Atlantic/Canary</option>' in body
    assert len(COMMON_TIME_ZONES) < 30


def test_the_coordinator_moves_the_cluster_to_the_canaries_and_it_is_recorded(world: World):
    url = reverse("clusters:edit", args=["housing"])
    response = world.client("coordinator").post(
        url, settings_post(world, time_zone="Atlantic/Canary")
    )
    assert response.status_code == 302
    world.cluster.refresh_from_db()
    assert world.cluster.time_zone == "Atlantic/Canary"
    entry = AuditEntry.objects.get(action="cluster_updated")
    assert entry.data["changes"] == {"time_zone": ["Europe/Madrid", "Atlantic/Canary"]}


def test_a_zone_not_offered_is_refused(world: World):
    url = reverse("clusters:edit", args=["housing"])
    response = world.client("coordinator").post(url, settings_post(world, time_zone="Mars/Base"))
    assert response.status_code == 200
    world.cluster.refresh_from_db()
    assert world.cluster.time_zone == "Europe/Madrid"


def test_a_zone_set_elsewhere_stays_offered_and_saving_unchanged_keeps_it(world: World):
    Cluster.objects.filter(pk=world.cluster.pk).update(time_zone="Asia/Tokyo")
    url = reverse("clusters:edit", args=["housing"])
    assert b'value="Asia/Tokyo" selected' in world.client("coordinator").get(url).content
    response = world.client("coordinator").post(url, settings_post(world))
    assert response.status_code == 302
    world.cluster.refresh_from_db()
    assert world.cluster.time_zone == "Asia/Tokyo"
    assert not AuditEntry.objects.filter(action="cluster_updated").exists()


def test_a_post_without_the_zone_keeps_the_clusters(world: World):
    data = settings_post(world)
    del data["time_zone"]
    url = reverse("clusters:edit", args=["housing"])
    assert world.client("coordinator").post(url, data).status_code == 302
    world.cluster.refresh_from_db()
    assert world.cluster.time_zone == "Europe/Madrid"
