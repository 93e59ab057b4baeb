"""An indicator as a program reads it: each period with the validated total over the
entities and its disaggregation cells; a submitted or draft report never shows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators import services
from indicators.models import Indicator
from tests.clock import quarter_start
from tests.conftest import World


def detail(world: World, client=None, **params):
    client = client or world.client("observer")
    url = reverse("api:indicator-detail", kwargs={"slug": "housing", "pk": world.indicator.pk})
    return client.get(url, params)


def lead_membership(world: World):
    return world.cluster.memberships.get(actor=world.lead)


def test_a_submitted_report_does_not_count(world: World):
    (period,) = detail(world).json()["periods"]
    assert period["start"] == quarter_start().isoformat()
    assert period["value"] is None
    assert period["reports"] == 0
    assert period["cells"] == []


def test_validated_values_with_their_cells_over_the_entities(world: World):
    services.report_validate(report=world.report, by=world.users["coordinator"])
    # The lead's draft of the same period stays out.
    services.report_save(
        indicator=world.indicator,
        period=world.period,
        membership=lead_membership(world),
        by=world.users["coordinator"],
        cells={"sex=female": 37, "sex=male": 41, "sex=nonbinary": 1},
        total=None,
    )
    (period,) = detail(world).json()["periods"]
    assert period["value"] == "10.00"
    assert period["reports"] == 1
    cells = {cell["key"]: cell for cell in period["cells"]}
    assert cells["sex=female"]["value"] == "6.00"
    assert cells["sex=female"]["dimensions"] == {"sex": "female"}
    assert cells["sex=female"]["label"] == "Women and girls"
    assert cells["sex=male"]["value"] == "4.00"
    assert cells["sex=nonbinary"]["value"] == "0.00"
    assert "37.00" not in detail(world).content.decode()


def test_the_labels_follow_the_request_language(world: World):
    services.report_validate(report=world.report, by=world.users["coordinator"])
    client = world.client("member")
    response = client.get(
        reverse("api:indicator-detail", kwargs={"slug": "housing", "pk": world.indicator.pk}),
        headers={"accept-language": "ca"},
    )
    labels = {cell["key"]: cell["label"] for cell in response.json()["periods"][0]["cells"]}
    assert labels["sex=female"] == "Dones i nenes"


def test_the_period_filter(world: World):
    assert len(detail(world, period=quarter_start().isoformat()).json()["periods"]) == 1
    assert detail(world, period=quarter_start(-1).isoformat()).json()["periods"] == []
    response = detail(world, period="last spring")
    assert response.status_code == 400
    assert list(response.json()) == ["period"]


def test_another_clusters_indicator_is_not_found(world: World):
    secret = Indicator.objects.get(cluster=world.other_cluster)
    url = reverse("api:indicator-detail", kwargs={"slug": "housing", "pk": secret.pk})
    assert world.client("coordinator").get(url).status_code == 404


def test_the_list_filters_by_objective_of_the_cluster_only(world: World):
    client = world.client("member")
    url = reverse("api:indicators", kwargs={"slug": "housing"})
    (row,) = client.get(url, {"objective": "O1"}).json()["results"]
    assert row["code"] == "I1"
    assert row["disaggregation"] == {"sex": ["female", "male", "nonbinary"]}
    assert row["url"] == f"http://testserver/api/v1/clusters/housing/indicators/{row['id']}/"
    # The other cluster has an O1 too: here it is this cluster's; an unknown code is refused.
    response = client.get(url, {"objective": "O9"})
    assert response.status_code == 400
    assert list(response.json()) == ["objective"]
    assert client.get(url, {"type": "nonsense"}).status_code == 400


def queries(client, url: str) -> int:
    """The queries of a request, the validated values' cache warm (indicators.progress)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["api:indicators", "api:indicator-detail"])
def test_fixed_queries_whatever_the_rows(world: World, name: str):
    client = world.client("coordinator")
    kwargs = {"slug": "housing"} | ({"pk": world.indicator.pk} if "detail" in name else {})
    url = reverse(name, kwargs=kwargs)
    one = queries(client, url)
    for n in range(2, 7):
        Indicator.objects.create(
            cluster=world.cluster,
            objective=world.indicator.objective,
            code=f"I{n}",
            name=f"Indicator {n}",
            type="outcome",
            measure="number",
            direction="increase",
            aggregation="sum",
            data_source="survey",
        )
    for start in (quarter_start(-3), quarter_start(-2), quarter_start(-1)):
        services.periods_ensure(world.cluster, until=start)
    assert world.cluster.periods.count() > 1 or name == "api:indicators"
    assert queries(client, url) == one


def test_a_qualitative_indicator_gives_its_validated_texts(world: World):
    indicator = Indicator.objects.create(
        cluster=world.cluster,
        objective=world.indicator.objective,
        code="Q1",
        name="Protocol in force",
        type="structural",
        measure="qualitative",
        direction="increase",
        aggregation="latest",
        data_source="administrative",
    )
    report = services.report_save(
        indicator=indicator,
        period=world.period,
        membership=world.member_membership,
        by=world.users["member"],
        cells={},
        total=None,
        text_value="Applied in half of the hearings",
        submit=True,
    )
    url = reverse("api:indicator-detail", kwargs={"slug": "housing", "pk": indicator.pk})
    client = world.client("observer")
    assert client.get(url).json()["periods"][0]["texts"] == []
    services.report_validate(report=report, by=world.users["coordinator"])
    (period,) = client.get(url).json()["periods"]
    assert period["texts"] == [
        {"entity": "Neighbours Association", "text": "Applied in half of the hearings"}
    ]
    assert period["value"] is None
