"""Who does what, where and when: the table, its HXL export, and the gaps and overlaps."""

from __future__ import annotations

import io

import hxl
from django.urls import reverse

from clusters.models import Membership
from indicators.models import Objective
from planning import action_services
from planning.coverage import coverage
from planning.models import JointAction
from tests.clock import days
from tests.conftest import World
from tests.factories import RightsIssueFactory


def url(world: World, name: str) -> str:
    return reverse(f"planning:{name}", kwargs={"slug": world.cluster.slug})


def add_action(world: World, title: str, territory: str, **changes) -> JointAction:
    fields = {
        "objective": world.indicator.objective,
        "lead": world.cluster.memberships.get(role=Membership.Role.LEAD),
        "start": days(-100),
        "end": days(200),
        **changes,
    }
    return action_services.action_create(
        cluster=world.cluster,
        by=world.users["coordinator"],
        title=title,
        territory=territory,
        **fields,
    )


def test_the_table_has_a_row_per_entity_and_action_lead_first(world: World):
    response = world.client("member").get(url(world, "who-does-what"))
    rows = [(r.entity, r.leads, r.action.title) for r in response.context["rows"]]
    assert rows == [
        ("Neighbours Association", True, "Legal joint action in the district"),
        ("Lead Foundation", False, "Legal joint action in the district"),
    ]


def test_filtering_by_member_shows_only_that_entitys_rows(world: World):
    add_action(world, "Housing census", "Gràcia")
    lead = world.cluster.memberships.get(role=Membership.Role.LEAD)
    response = world.client("member").get(url(world, "who-does-what"), {"member": lead.pk})
    rows = [(r.entity, r.action.title) for r in response.context["rows"]]
    assert rows == [
        ("Lead Foundation", "Legal joint action in the district"),
        ("Lead Foundation", "Housing census"),
    ]


def test_another_clusters_entity_in_the_filter_is_refused(world: World):
    outsider = world.other_cluster.memberships.get()
    response = world.client("member").get(url(world, "who-does-what"), {"member": outsider.pk})
    assert "Select a valid choice" in response.content.decode("utf-8-sig")
    assert "Secret" not in response.content.decode("utf-8-sig")


def test_the_csv_export_reads_as_hxl(world: World):
    add_action(world, "Housing census", "Gràcia", status="planned")
    response = world.client("observer").get(url(world, "who-does-what-csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    source = hxl.data(io.BytesIO(response.content), hxl.InputOptions(allow_local=True))
    assert source.display_tags == [
        "#org+impl",
        "#meta+role",
        "#sector",
        "#activity+name",
        "#adm1+name",
        "#date+start",
        "#date+end",
        "#status",
        "#indicator+progress",
    ]
    rows = list(source)
    assert [row.get("#org+impl") for row in rows] == [
        "Neighbours Association",
        "Lead Foundation",
        "Lead Foundation",
    ]
    census = rows[-1]
    assert census.get("#activity+name") == "Housing census"
    assert census.get("#adm1+name") == "Gràcia"
    assert census.get("#date+start") == days(-100).isoformat()
    assert census.get("#date+end") == days(200).isoformat()
    assert census.get("#status") == "Planned"
    assert census.get("#sector").startswith("O1 · ")


def test_the_csv_export_keeps_the_filters_and_the_persons_language(world: World):
    add_action(world, "Housing census", "Gràcia")
    client = world.client("observer")
    client.cookies["django_language"] = "ca"
    body = client.get(url(world, "who-does-what-csv"), {"territory": "gràcia"}).content.decode(
        "utf-8-sig"
    )
    assert "Housing census" in body and "Legal joint action" not in body
    assert body.splitlines()[0].startswith("Entitat")


def test_gaps_are_the_issue_territories_without_an_action(world: World):
    objective = world.indicator.objective
    objective.rights_issues.add(
        RightsIssueFactory(cluster=world.cluster, territory="Ciutat Vella"),
        RightsIssueFactory(cluster=world.cluster, territory="Nou Barris"),
    )
    spare = Objective.objects.create(cluster=world.cluster, code="O2", statement="Awareness")
    world.cluster.territory = "Barcelona"
    world.cluster.save()
    result = {item.objective.code: item for item in coverage(world.cluster).objectives}
    # O1's issues are in Ciutat Vella (the world's action runs there) and Nou Barris.
    assert result["O1"].gaps == ["Nou Barris"]
    # O2 answers no issue yet: the cluster's whole territory needs it.
    assert result["O2"].gaps == ["Barcelona"] and result["O2"].total == 0
    assert spare.status == Objective.Status.ADOPTED


def test_overlaps_count_running_actions_only(world: World):
    add_action(world, "Second legal desk", " ciutat  vella ")
    add_action(world, "Cancelled desk", "Ciutat Vella", status="cancelled")
    add_action(world, "Last year's desk", "Ciutat Vella", status="completed")
    item = coverage(world.cluster).objectives[0]
    assert item.overlaps == [("Ciutat Vella", 2)]
    page = world.client("member").get(url(world, "gaps-and-overlaps")).content.decode("utf-8-sig")
    assert "2 actions" in page


def test_proposed_objectives_are_not_in_the_plan_yet(world: World):
    Objective.objects.create(
        cluster=world.cluster, code="O9", statement="Draft", status=Objective.Status.PROPOSED
    )
    codes = [item.objective.code for item in coverage(world.cluster).objectives]
    assert codes == ["O1"]


def test_the_csv_defuses_spreadsheet_formulas(world: World):
    add_action(world, "=HYPERLINK(1)", "+Ciutat Vella")
    body = world.client("observer").get(url(world, "who-does-what-csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "'+Ciutat Vella" in body
