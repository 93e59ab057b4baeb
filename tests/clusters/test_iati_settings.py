"""The cluster's country and sector, and an entity's IATI identifier, in their forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusters.models import AuditEntry
from tests.conftest import World
from tests.html_forms import forms_on

pytestmark = pytest.mark.django_db


def form_data(response, action: str) -> dict:
    """What the browser sends of the page's form to ``action``, unchanged."""
    (form,) = [f for f in forms_on(response.content.decode(), "", action) if f.action == action]
    return form.submission()


def test_the_coordinator_chooses_the_country_and_the_sector(world: World):
    client = world.client("coordinator")
    url = reverse("clusters:edit", args=[world.cluster.slug])
    body = client.get(url).content.decode()
    assert '<option value="FR">France</option>' in body
    assert '<option value="16030">16030 · Housing policy and administrative management' in body
    data = {**form_data(client.get(url), url), "country": "SN", "dac_sector": "16040"}
    assert client.post(url, data).status_code == 302
    world.cluster.refresh_from_db()
    assert (world.cluster.country, world.cluster.dac_sector) == ("SN", "16040")
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CLUSTER_UPDATED).latest("pk")
    assert entry.data["changes"]["dac_sector"] == ["", "16040"]


def test_an_entity_gets_its_iati_identifier_and_a_wrong_one_is_refused(world: World):
    client = world.client("coordinator")
    url = reverse("actors:edit", args=[world.lead.slug])
    data = {**form_data(client.get(url), url), "iati_identifier": "ES CIF G1"}
    assert "is not an IATI organisation identifier" in client.post(url, data).content.decode()
    data["iati_identifier"] = " ES-CIF-G12345678 "
    assert client.post(url, data).status_code == 302
    world.lead.refresh_from_db()
    assert world.lead.iati_identifier == "ES-CIF-G12345678"
