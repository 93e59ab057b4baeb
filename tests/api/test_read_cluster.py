"""A cluster's other endpoints as a program reads them: what the pages show its readers,
nothing more (another entity's draft proposal never shows), with the list filters."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from indicators.models import ReportingPeriod
from planning import proposal_services
from planning.models import JointAction
from tests.conftest import World


def get(world: World, person: str, name: str, **params):
    return world.client(person).get(reverse(f"api:{name}", kwargs={"slug": "housing"}), params)


def results(world: World, person: str, name: str, **params) -> list[dict]:
    response = get(world, person, name, **params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_cluster_detail(world: World):
    url = reverse("api:cluster-detail", kwargs={"slug": "housing"})
    cluster = world.client("observer").get(url).json()
    assert cluster["name"] == "Housing rights cluster"
    assert cluster["country"] == "ES"
    assert cluster["links"]["indicators"].endswith("/api/v1/clusters/housing/indicators/")


def test_members(world: World):
    members = {m["entity"]: m for m in results(world, "observer", "members")}
    assert set(members) == {
        "Lead Foundation",
        "Neighbours Association",
        "Observatory University",
        "Funding Institution",
    }
    assert members["Lead Foundation"]["role"] == "lead"
    assert members["Neighbours Association"]["status"] == "active"


def test_objectives(world: World):
    (objective,) = results(world, "member", "objectives")
    assert objective["code"] == "O1"
    assert objective["statement"] == "No eviction without alternative"


def test_periods_filter_by_lock(world: World):
    assert len(results(world, "member", "periods")) == 1
    assert results(world, "member", "periods", locked="true") == []
    response = get(world, "member", "periods", start_from="soon")
    assert response.status_code == 400
    assert list(response.json()) == ["start_from"]


def test_rights_issues(world: World):
    (issue,) = results(world, "member", "rights-issues")
    assert issue["title"] == "Evictions in the district"
    assert issue["status"] == "draft"
    assert {"consequences", "causes", "rights_holders", "duty_bearers"} <= issue.keys()
    assert results(world, "member", "rights-issues", status="validated") == []
    assert list(get(world, "member", "rights-issues", status="lost").json()) == ["status"]


def test_another_entitys_draft_proposal_stays_with_it(world: World):
    lead = world.cluster.memberships.get(actor=world.lead)
    proposal_services.proposal_create(
        membership=lead,
        by=world.users["coordinator"],
        title="Lead's unfinished idea",
        description="Not yet for the others",
    )
    assert [p["title"] for p in results(world, "member", "proposals")] == [
        "Shared emergency housing fund"
    ]
    assert len(results(world, "coordinator", "proposals")) == 2
    assert results(world, "member", "proposals", status="draft") == []


def test_a_decided_proposal_has_its_decision(world: World):
    proposal_services.proposal_decide(proposal=world.proposal, by=world.users["coordinator"])
    (proposal,) = results(world, "observer", "proposals", status="decided")
    (decision,) = proposal["decisions"]
    assert decision["round"] == 1
    assert decision["outcome"] in ("adopted", "rejected", "no_quorum")
    url = reverse("api:proposal-detail", kwargs={"slug": "housing", "pk": world.proposal.pk})
    assert world.client("observer").get(url).json()["decisions"] == [decision]


def test_joint_actions_filter(world: World):
    (action,) = results(world, "member", "joint-actions", objective="O1")
    assert action["title"] == "Legal joint action in the district"
    assert action["indicators"] == ["I1"]
    assert action["lead"] == "Neighbours Association"
    assert results(world, "member", "joint-actions", status=JointAction.Status.COMPLETED) == []
    assert list(get(world, "member", "joint-actions", objective="O2").json()) == ["objective"]


def test_published_reports_with_their_download(world: World):
    (report,) = results(world, "institution", "reports")
    assert report["download"] == (
        f"http://testserver/c/housing/reports/{world.published_report.pk}/pdf/"
    )
    assert world.client("institution").get(report["download"]).status_code == 200


def test_pages_of_results(world: World):
    response = get(world, "member", "members", page_size=2)
    body = response.json()
    assert body["count"] == 4
    assert len(body["results"]) == 2
    assert body["next"] == "http://testserver/api/v1/clusters/housing/members/?page=2&page_size=2"
    assert len(get(world, "member", "members", page_size=1000).json()["results"]) == 4
    assert get(world, "member", "members", page=9).status_code == 404


def test_a_page_holds_200_at_most(world: World):
    ReportingPeriod.objects.bulk_create(
        ReportingPeriod(
            cluster=world.cluster,
            start=date(1800 + n, 1, 1),
            end=date(1800 + n, 3, 31),
            due=date(1800 + n, 4, 30),
        )
        for n in range(205)
    )
    body = get(world, "member", "periods", page_size=500).json()
    assert body["count"] == 206
    assert len(body["results"]) == 200
    assert body["next"].endswith("?page=2&page_size=500")


def test_a_locked_filter_that_is_not_true_or_false_is_refused(world: World):
    assert len(results(world, "member", "periods", locked="false")) == 1
    response = get(world, "member", "periods", locked="maybe")
    assert response.status_code == 400
    assert list(response.json()) == ["locked"]


@pytest.mark.parametrize("name", ["indicator-detail", "proposal-detail", "report-file"])
def test_what_is_not_there_is_not_found_in_the_readers_language(world: World, name: str):
    url = reverse(f"api:{name}", kwargs={"slug": "housing", "pk": 999999})
    response = world.client("coordinator").get(url, headers={"accept-language": "ca"})
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert "matches the given query" not in detail and detail != "Not found."
