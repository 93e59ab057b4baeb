"""The API's permission matrix again, with each person's token rather than their session:
the same answers (outsider 404, role missing 403), 401 for a revoked or unknown token, and
never the other cluster's data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import api_token_create, api_token_revoke
from tests.conftest import PEOPLE, World
from tests.test_permissions import MATRIX, SECRETS

API_ROWS = sorted(name for name in MATRIX if name.startswith("api:"))
PERSONS = [person for person in PEOPLE if person != "anonymous"]


def token_client(world: World, person: str) -> tuple[Client, str]:
    token, secret = api_token_create(user=world.users[person], name="Reporting program")
    return Client(headers={"authorization": f"Bearer {secret}"}), token


@pytest.mark.parametrize("person", PERSONS)
@pytest.mark.parametrize("name", API_ROWS)
def test_token_matrix(world: World, name: str, person: str):
    row = MATRIX[name]
    client, _token = token_client(world, person)
    response = getattr(client, row.method)(reverse(name, kwargs=row.kwargs(world)))
    assert response.status_code == row.expected[person], f"{name} as {person}"
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    for secret in SECRETS[person]:
        assert secret not in raw.decode(errors="replace"), f"{name} as {person}"


@pytest.mark.parametrize("name", [n for n in API_ROWS if n not in ("api:schema", "api:docs")])
def test_without_credentials_401_with_the_scheme(world: World, name: str):
    response = Client().get(reverse(name, kwargs=MATRIX[name].kwargs(world)))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "detail" in response.json()


def test_a_revoked_token_is_refused(world: World):
    client, token = token_client(world, "member")
    url = reverse("api:clusters")
    assert client.get(url).status_code == 200
    api_token_revoke(user=world.users["member"], token_id=token.pk)
    response = client.get(url)
    assert response.status_code == 401
    assert response.json() == {"detail": "This token has been revoked."}


def test_an_unknown_token_is_refused(world: World):
    client = Client(headers={"authorization": "Bearer ct_not-a-token"})
    response = client.get(reverse("api:clusters"))
    assert response.status_code == 401
    assert response.json() == {"detail": "This token is not valid."}


def test_the_list_of_clusters_is_the_persons_own(world: World):
    client, _token = token_client(world, "outsider")
    slugs = [c["slug"] for c in client.get(reverse("api:clusters")).json()["results"]]
    assert slugs == [world.other_cluster.slug]
    client, _token = token_client(world, "institution")
    (cluster,) = client.get(reverse("api:clusters")).json()["results"]
    assert cluster["slug"] == "housing"
    assert cluster["links"]["reports"] == "http://testserver/api/v1/clusters/housing/reports/"
