"""Each list answers in the same number of queries for one row as for many."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning import proposal_services
from rights.models import Cause, Consequence, RightsHolderGroup
from tests.conftest import World, build_action
from tests.factories import ActorFactory, MembershipFactory, RightsIssueFactory


def more_members(w: World, count: int) -> None:
    for n in range(count):
        MembershipFactory(cluster=w.cluster, actor=ActorFactory(name=f"Entity {count} {n}"))


def more_issues(w: World, count: int) -> None:
    for n in range(count):
        issue = RightsIssueFactory(cluster=w.cluster, title=f"Issue {count} {n}")
        consequence = Consequence.objects.create(issue=issue, description="Homelessness")
        cause = Cause.objects.create(issue=issue, level="immediate", description="No offer")
        cause.consequences.add(consequence)
        RightsHolderGroup.objects.create(issue=issue, name="Families")


def more_proposals(w: World, count: int) -> None:
    for n in range(count):
        proposal_services.proposal_create(
            membership=w.member_membership,
            by=w.users["member"],
            title=f"Idea {count} {n}",
            description="More",
        )


def more_actions(w: World, count: int) -> None:
    lead = w.cluster.memberships.get(actor=w.lead)
    for n in range(count):
        build_action(
            w.indicator.objective,
            [w.indicator],
            lead,
            w.member_membership,
            w.users["coordinator"],
            prefix=f"Action {count} {n}",
        )


MORE = {
    "members": more_members,
    "rights-issues": more_issues,
    "proposals": more_proposals,
    "joint-actions": more_actions,
}


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", sorted(MORE))
def test_fixed_queries(world: World, name: str):
    client = world.client("member")
    url = reverse(f"api:{name}", kwargs={"slug": "housing"})
    # A row of every part first: a prefetch of no rows at all asks nothing further.
    MORE[name](world, 1)
    one = queries(client, url)
    MORE[name](world, 4)
    assert queries(client, url) == one
