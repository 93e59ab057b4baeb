"""The OpenAPI schema (generated without warnings, every path under /api/v1/), its
documentation page under the content policy, and the rate limit per token."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from accounts.services import api_token_create
from api.throttling import PerTokenThrottle
from tests.conftest import World


def test_schema_generates_without_warnings(db, tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["paths"]
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_schema_is_served(client, db):
    response = client.get(reverse("api:schema"), headers={"accept": "application/json"})
    assert response.status_code == 200
    assert "/api/v1/clusters/{slug}/indicators/{id}/" in response.json()["paths"]


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict] = []
        self.styles = 0
        self.style_attributes = 0
        self.stylesheets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if "style" in attributes:
            self.style_attributes += 1
        if tag == "script":
            self.scripts.append(attributes)
        elif tag == "style":
            self.styles += 1
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes["href"])


def tags(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    return parser


def test_docs_page_has_no_inline_script_or_style(client, db):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    found = tags(response.content.decode())
    assert found.styles == 0
    assert found.style_attributes == 0
    sources = [script.get("src") for script in found.scripts]
    assert all(sources), "every script comes from a file"
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in sources
    assert "/api/v1/docs/?script=" in sources
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css" in found.stylesheets


def test_browsable_page_has_no_inline_style(world: World):
    url = reverse("api:indicators", kwargs={"slug": "housing"})
    response = world.client("member").get(url, headers={"accept": "text/html"})
    assert response.status_code == 200
    found = tags(response.content.decode())
    assert found.styles == 0
    assert found.style_attributes == 0
    # Scripts without a source are JSON data (the CSRF token), which nothing runs.
    assert all(s.get("src") or s.get("type") == "application/json" for s in found.scripts)


@pytest.fixture
def three_a_minute(monkeypatch):
    # DRF reads the rates into the class when it is defined: the setting is patched there.
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"token": "3/minute"})


def test_rate_limit_per_token(world: World, client, three_a_minute):
    _token, secret = api_token_create(user=world.users["member"], name="Busy program")
    _other, other_secret = api_token_create(user=world.users["member"], name="Quiet program")
    url = reverse("api:clusters")
    for _n in range(3):
        assert client.get(url, headers={"authorization": f"Bearer {secret}"}).status_code == 200
    response = client.get(url, headers={"authorization": f"Bearer {secret}"})
    assert response.status_code == 429
    assert "detail" in response.json()
    assert int(response["Retry-After"]) > 0
    assert client.get(url, headers={"authorization": f"Bearer {other_secret}"}).status_code == 200
