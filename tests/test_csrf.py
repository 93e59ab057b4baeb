"""Every POST of the project refuses a request without its CSRF token, and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clusters.models import AuditEntry
from tests.conftest import World
from tests.test_permissions import MATRIX

POSTS = sorted(name for name, row in MATRIX.items() if row.method == "post")


@pytest.mark.parametrize("name", POSTS)
def test_a_post_without_its_csrf_token_is_refused(world: World, name: str):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["coordinator"])
    # Made first: a row's maker may itself write the log (a survey round it prepares).
    url = reverse(name, kwargs=MATRIX[name].kwargs(world))
    before = AuditEntry.objects.count()
    response = client.post(url, {})
    assert response.status_code == 403, name
    assert AuditEntry.objects.count() == before


def test_every_post_of_the_project_is_checked():
    assert len(POSTS) >= 20
