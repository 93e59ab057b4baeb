"""The demo cluster's IATI file: valid against the official schema, published, and what
it holds."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from lxml import etree

from api.iati import validation
from clusters.models import Cluster
from demo.clusters import CLUSTER_SLUG
from planning.models import JointAction

pytestmark = pytest.mark.django_db


def test_the_demo_iati_file_is_valid_and_published(client):
    call_command("seed_demo", force=True, stdout=StringIO())
    cluster = Cluster.objects.get(slug=CLUSTER_SLUG)
    checked = validation.checked_file(cluster)
    assert checked.problems == []
    root = etree.fromstring(checked.content)
    assert validation.schema_errors(root) == []
    counts = checked.counts
    assert counts.activities == 1 + JointAction.objects.filter(cluster=cluster).count()
    assert counts.results >= 3 and counts.indicators >= counts.results
    assert counts.periods >= counts.indicators
    # Validated reports make actuals, broken down by sex where the indicator is.
    assert root.find(".//actual[@value]") is not None
    assert root.find(".//actual/dimension[@name='sex']") is not None
    print(f"\nIATI demo file: {len(checked.content)} bytes, {counts}")
    assert cluster.iati_is_published
    client.login(email="institution@demo.example", password="demo-cluster-2026")
    response = client.get(reverse("opendata:iati", args=[CLUSTER_SLUG]))
    assert response.status_code == 200
    # Seeding again writes nothing new and the file stays valid.
    call_command("seed_demo", force=True, stdout=StringIO())
    assert validation.checked_file(cluster).is_valid
