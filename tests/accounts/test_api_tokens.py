"""Personal API tokens on the settings page: created and named there, their secret shown
once, revoked there (or by the site's staff in the admin)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken
from clusters.models import AuditEntry
from tests.conftest import World

CREATE = reverse("api-token-create")
PREFERENCES = reverse("preferences")
SCHEMA = reverse("api:schema")


def revoke_url(token: ApiToken) -> str:
    return reverse("api-token-revoke", args=[token.pk])


def secret_of(response) -> str:
    page = response.content.decode()
    start = page.index('id="api-token-secret" type="text" value="') + len(
        'id="api-token-secret" type="text" value="'
    )
    return page[start : page.index('"', start)]


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_the_settings_page_lists_the_persons_tokens_and_no_one_elses(world: World):
    services.api_token_create(user=world.users["member"], name="Import script")
    old, _secret = services.api_token_create(user=world.users["member"], name="Old laptop")
    services.api_token_revoke(user=world.users["member"], token_id=old.pk)
    services.api_token_create(user=world.users["observer"], name="Observatory robot")
    page = world.client("member").get(PREFERENCES).content.decode()
    assert "Import script" in page and "Old laptop" in page
    assert "Observatory robot" not in page
    assert "Revoked on" in page and "Never" in page
    assert page.count(">Revoke<") == 1  # only the active one can be revoked


def test_the_secret_is_shown_once_on_the_creation_response_and_never_again(world: World):
    client = world.client("member")
    response = client.post(CREATE, {"name": "Import script"})
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    secret = secret_of(response)
    assert secret.startswith("ct_") and len(secret) > 40
    assert f"Authorization: Bearer {secret}" in response.content.decode()  # the curl example
    token = ApiToken.objects.get(user=world.users["member"])
    assert token.key_hash == services.api_token_hash(secret) and secret not in token.key_hash
    assert secret not in json.dumps(dict(client.session))
    page = client.get(PREFERENCES).content.decode()
    assert secret not in page
    assert f"{secret[:8]}…" in page


def test_a_second_post_of_the_same_name_makes_no_second_token(world: World):
    client = world.client("member")
    client.post(CREATE, {"name": "Import script"})
    response = client.post(CREATE, {"name": "Import  script "})
    assert response.status_code == 400
    assert "You already have a token with this name." in response.content.decode()
    assert ApiToken.objects.filter(user=world.users["member"]).count() == 1


def test_the_secret_works_as_a_bearer_token_until_it_is_revoked(world: World):
    client = world.client("member")
    secret = secret_of(client.post(CREATE, {"name": "Import script"}))
    assert bearer(secret).get(SCHEMA).status_code == 200
    token = ApiToken.objects.get(user=world.users["member"])
    assert token.last_used_at is not None
    confirm = client.get(revoke_url(token))
    assert "Revoke the token “Import script”" in confirm.content.decode()
    assert ApiToken.objects.get(pk=token.pk).is_active, "asking is not revoking"
    response = client.post(revoke_url(token))
    assert response.status_code == 302
    assert "revoked" in client.get(response.url).content.decode()
    assert bearer(secret).get(SCHEMA).status_code == 401
    assert client.post(revoke_url(token)).status_code == 302, "revoking again is harmless"


def test_another_persons_token_is_not_found_and_stays_active(world: World):
    token, secret = services.api_token_create(user=world.users["observer"], name="Robot")
    client = world.client("member")
    assert client.get(revoke_url(token)).status_code == 404
    assert client.post(revoke_url(token)).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).is_active
    assert bearer(secret).get(SCHEMA).status_code == 200


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 81, "Ensure this value has at most 80 characters (it has 81)."),
    ],
)
def test_a_name_empty_or_too_long_is_refused_with_a_message(world: World, name, message):
    response = world.client("member").post(CREATE, {"name": name})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_twenty_first_active_token_is_refused(world: World):
    user = world.users["member"]
    for n in range(services.API_TOKENS_MAX):
        services.api_token_create(user=user, name=f"Program {n}")
    response = world.client("member").post(CREATE, {"name": "One more"})
    assert response.status_code == 400
    assert "You have 20 tokens already: revoke one you no longer use first." in (
        response.content.decode()
    )
    assert ApiToken.objects.filter(user=user).count() == services.API_TOKENS_MAX


def test_tokens_are_not_audited_in_any_cluster(world: World):
    before = AuditEntry.objects.count()
    client = world.client("member")
    client.post(CREATE, {"name": "Import script"})
    client.post(revoke_url(ApiToken.objects.get(user=world.users["member"])))
    assert AuditEntry.objects.count() == before


def test_the_settings_page_reads_a_fixed_number_of_queries(world: World):
    client = world.client("member")
    services.api_token_create(user=world.users["member"], name="Program 0")
    with CaptureQueriesContext(connection) as few:
        client.get(PREFERENCES)
    for n in range(1, 6):
        services.api_token_create(user=world.users["member"], name=f"Program {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(PREFERENCES)
    assert len(many) == len(few)


def test_the_personal_data_lists_the_tokens_without_their_hash(world: World):
    token, secret = services.api_token_create(user=world.users["member"], name="Import script")
    response = world.client("member").get(reverse("personal-data"))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    data = json.loads(body)
    assert data["account"]["api_tokens"] == [
        {
            "name": "Import script",
            "starts_with": token.prefix,
            "created_at": token.created_at.isoformat(),
            "last_used_at": None,
            "revoked_at": None,
        }
    ]
    assert token.key_hash not in body.decode() and secret not in body.decode()


def test_deleting_the_account_revokes_its_tokens(world: World):
    user = world.users["representative"]
    user.set_password("a-long-passphrase-of-mine")
    user.save()
    _token, secret = services.api_token_create(user=user, name="Robot")
    services.account_delete(user=user, password="a-long-passphrase-of-mine")
    assert not ApiToken.objects.get(user=user).is_active
    assert bearer(secret).get(SCHEMA).status_code == 401


def test_the_admin_lists_tokens_without_their_hash_and_revokes_them(world: World, admin_client):
    token, secret = services.api_token_create(user=world.users["member"], name="Import script")
    page = admin_client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert "Import script" in page and token.prefix in page
    assert token.key_hash not in page
    detail = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert detail.status_code == 200 and token.key_hash not in detail.content.decode()
    assert admin_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    assert not ApiToken.objects.get(pk=token.pk).is_active
    assert bearer(secret).get(SCHEMA).status_code == 401
