"""Where a program starts (the API's root) and the links of a cluster: only the endpoints
the person may read."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.test_tenancy import token_client
from tests.conftest import World

ALL_LINKS = {
    "members",
    "objectives",
    "indicators",
    "periods",
    "rights-issues",
    "proposals",
    "joint-actions",
    "reports",
}


def test_the_root_links_to_the_clusters_the_schema_and_the_docs(world: World):
    client, _token = token_client(world, "institution")
    root = client.get("/api/v1/").json()
    assert root == {
        "clusters": "http://testserver/api/v1/clusters/",
        "schema": "http://testserver/api/v1/schema/",
        "docs": "http://testserver/api/v1/docs/",
    }
    for url in root.values():
        assert client.get(url).status_code == 200


def test_the_root_asks_for_credentials(db):
    response = Client().get(reverse("api:root"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def links(client, slug: str = "housing") -> dict[str, str]:
    return client.get(reverse("api:cluster-detail", kwargs={"slug": slug})).json()["links"]


@pytest.mark.parametrize("person", ["coordinator", "member", "observer"])
def test_a_reader_has_every_link(world: World, person: str):
    client, _token = token_client(world, person)
    assert set(links(client)) == ALL_LINKS
    for url in links(client).values():
        assert client.get(url).status_code == 200


def test_an_institution_has_the_reports_only(world: World):
    client, _token = token_client(world, "institution")
    cluster = client.get(reverse("api:cluster-detail", kwargs={"slug": "housing"})).json()
    assert cluster["links"] == {"reports": "http://testserver/api/v1/clusters/housing/reports/"}
    assert client.get(cluster["links"]["reports"]).status_code == 200
    assert client.get(cluster["url"]).status_code == 200


def test_the_list_gives_each_cluster_the_links_of_the_persons_role_there(world: World):
    # The institution's entity joins the other cluster as a member: the list gives its
    # reports only here, every link there.
    membership = world.cluster.memberships.get(role="institution")
    world.other_cluster.memberships.create(actor=membership.actor, role="member")
    client, _token = token_client(world, "institution")
    clusters = client.get(reverse("api:clusters")).json()["results"]
    by_slug = {c["slug"]: set(c["links"]) for c in clusters}
    assert by_slug == {"housing": {"reports"}, world.other_cluster.slug: ALL_LINKS}
