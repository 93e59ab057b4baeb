"""The IATI file through the API: a funder's system with a token reads the same file as
the Open data page serves, under the same rule (the coordinator's until published), and a
cluster whose data would not validate answers 409 with its problems, never a file."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from lxml import etree

from actors.models import Actor
from api.iati.validation import schema
from tests.api.test_tenancy import token_client
from tests.conftest import World
from tests.factories import make_iati_ready

URL = reverse("api:iati", kwargs={"slug": "housing"})


def test_the_coordinators_token_gets_a_file_that_validates(world: World):
    make_iati_ready(world.cluster)
    client, _token = token_client(world, "coordinator")
    response = client.get(URL, headers={"accept": "application/xml"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="housing-iati.xml"'
    root = etree.fromstring(response.content)
    assert schema().validate(root)
    page = world.client("coordinator").get(reverse("opendata:iati", args=["housing"]))
    assert response.content == page.content


def test_the_institution_gets_it_once_published(world: World):
    make_iati_ready(world.cluster)
    client, _token = token_client(world, "institution")
    refused = client.get(URL)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "The cluster's IATI file is not published yet."}
    world.cluster.iati_published_at = timezone.now()
    world.cluster.save(update_fields=["iati_published_at"])
    assert client.get(URL).status_code == 200


def test_a_cluster_that_would_not_validate_answers_409_with_its_problems(world: World):
    make_iati_ready(world.cluster)
    Actor.objects.filter(pk=world.lead.pk).update(iati_identifier="")
    client, _token = token_client(world, "coordinator")
    response = client.get(URL)
    assert response.status_code == 409
    answer = response.json()
    assert answer["detail"] == "The cluster's data would not make a valid IATI file."
    assert any(world.lead.name in problem for problem in answer["problems"])


def test_an_outsider_does_not_learn_the_cluster_exists(world: World):
    make_iati_ready(world.cluster)
    world.cluster.iati_published_at = timezone.now()
    world.cluster.save(update_fields=["iati_published_at"])
    client, _token = token_client(world, "outsider")
    assert client.get(URL).status_code == 404
