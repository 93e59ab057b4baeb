from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from actors.models import Actor, ActorUser, Capacity
from clusters.models import AuditEntry, Cluster, ClusterRole, Invitation, Membership
from planning.coverage import coverage
from planning.models import ActionUpdate, Contribution, Decision, JointAction, Proposal, Stance
from reports.models import ReportJob
from rights.models import (
    Cause,
    Consequence,
    DutyBearer,
    RightsHolderGroup,
    RightsIssue,
    RightsIssueChange,
)

MODELS = (
    User,
    Actor,
    ActorUser,
    Capacity,
    Cluster,
    ClusterRole,
    Membership,
    Invitation,
    AuditEntry,
    RightsIssue,
    Cause,
    Consequence,
    RightsHolderGroup,
    DutyBearer,
    RightsIssueChange,
    Proposal,
    Stance,
    Decision,
    JointAction,
    Contribution,
    ActionUpdate,
    ReportJob,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_demo_builds_a_realistic_cluster_and_running_it_twice_changes_nothing(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    first = counts()
    call_command("seed_demo", force=True, stdout=StringIO())
    assert counts() == first
    # The directory's capacity filter has something to find for every kind.
    assert set(Capacity.objects.values_list("kind", flat=True)) == set(Capacity.Kind.values)

    cluster = Cluster.objects.get()
    assert Actor.objects.count() >= 12
    assert len(set(Actor.objects.values_list("kind", flat=True))) >= 5
    assert cluster.memberships.filter(role="lead").count() == 1
    assert Capacity.objects.values("actor").distinct().count() >= 12
    # Three analysed issues, the evictions one complete and validated.
    assert cluster.rights_issues.count() == 3
    evictions = cluster.rights_issues.get(status="validated")
    assert set(evictions.rights.values_list("code", flat=True)) >= {"UDHR-25", "ICESCR-11"}
    assert {c.level for c in evictions.causes.all()} == {"immediate", "underlying", "structural"}
    # Its causes form linked chains, each cause with the duty-bearers responsible for it.
    chains = RightsIssue.objects.with_parts().get(pk=evictions.pk).cause_chains
    assert [chain.flags for chain in chains] == [[]] * evictions.causes.count()
    assert all(chain.responsible for chain in chains)
    assert evictions.holder_groups.exists() and evictions.duty_bearers.exists()
    # Its goal names migrants and people with disabilities: its groups count them, and
    # say where nobody knows (a cell unknown is not a 0).
    assert cluster.holder_dimensions() == ["sex", "age", "disability", "migration"]
    families = evictions.holder_groups.first()
    kinds = {key.split("=")[0] for key in families.cell_counts()}
    assert kinds == {"sex", "disability", "migration"}
    assert families.total.known > 0 and families.total.unknown > 0
    assert evictions.gender_problems() == []
    assert {gap.type for gap in evictions.capacity_gaps.all()} >= {"knowledge", "resources"}
    assert all(gap.has_tie for gap in evictions.capacity_gaps.all())
    assert evictions.participation.count() == 3
    assert evictions.participation.filter(nonbinary__isnull=True).exists()
    # Proposals in every state, one rejected by a block with its reason.
    statuses = set(cluster.proposals.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "open", "decided"}
    outcomes = set(Decision.objects.values_list("outcome", "reason"))
    assert outcomes == {("adopted", "agreed"), ("rejected", "blocked"), ("adopted", "majority")}
    # One decided in two rounds, each round's positions kept with their reasons.
    two_rounds = cluster.proposals.get(round=2)
    assert list(two_rounds.decisions.values_list("round", "outcome")) == [
        (1, "rejected"),
        (2, "adopted"),
    ]
    assert set(two_rounds.stances.values_list("round", flat=True)) == {1, 2}
    # A period locked, reopened with its reason to mend a mistake, and locked again.
    actions = list(
        cluster.audit.filter(action__startswith="period_")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["period_locked", "period_reopened", "period_locked"]
    # An action plan: one action from the adopted proposal, contributions of several
    # members, updates, a late action, and the gap and overlap the coverage page shows.
    assert cluster.joint_actions.count() >= 4
    assert cluster.joint_actions.filter(proposal__decisions__outcome="adopted").exists()
    assert Contribution.objects.values("membership").distinct().count() >= 5
    assert ActionUpdate.objects.count() >= 3
    assert any(action.is_late for action in cluster.joint_actions.all())
    found = coverage(cluster)
    assert found.has_gaps and found.has_overlaps
    # The last period's progress report, asked for (the worker renders and publishes it).
    assert cluster.report_jobs.get().scheduled


def test_the_five_demo_accounts_log_in_with_their_roles(db, client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    call_command("seed_demo", force=True, stdout=StringIO())
    cluster = Cluster.objects.get()
    expected = {
        "coordinator@demo.example": 200,
        "member@demo.example": 403,
        "observer@demo.example": 403,
        "institution@demo.example": 403,
        "admin@demo.example": 404,  # a site admin is not inside the cluster
    }
    for email, members_page in expected.items():
        client.logout()
        response = client.post(
            reverse("account_login"), {"login": email, "password": "demo-cluster-2026"}
        )
        assert response.status_code == 302, email
        status = client.get(reverse("clusters:members", args=[cluster.slug])).status_code
        assert status == members_page, email
    assert client.get(reverse("admin:index")).status_code == 200


def test_seed_demo_refuses_to_run_in_production_without_force(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_the_large_demo_cluster_has_the_promised_size_and_is_built_once(db):
    from django.db.models import Count

    from demo.large import SLUG
    from indicators.models import Measurement
    from planning.models import Comment

    call_command("seed_demo", force=True, large=True, stdout=StringIO())
    first = Cluster.objects.get(slug=SLUG)
    # A second run asking for two finds the first one and adds the second.
    output = StringIO()
    call_command("seed_demo", force=True, large=True, clusters=2, stdout=output)
    assert "2 large clusters ready" in output.getvalue()
    cluster = Cluster.objects.get(slug=SLUG)
    assert cluster.pk == first.pk
    assert cluster.memberships.count() == 300
    assert cluster.indicators.count() == 40
    assert Measurement.objects.filter(report__indicator__cluster=cluster).count() >= 100_000
    assert cluster.proposals.count() == 300
    assert Stance.objects.filter(proposal__cluster=cluster).count() >= 30_000
    assert Comment.objects.filter(proposal__cluster=cluster).count() == 2000
    assert cluster.joint_actions.count() == 300
    assert Contribution.objects.filter(action__cluster=cluster).count() == 1500
    # A realistic spread: proposals in every state, decisions both ways, some actions late.
    assert set(cluster.proposals.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "open",
        "decided",
    }
    outcomes = Decision.objects.filter(proposal__cluster=cluster).values("outcome")
    assert {row["outcome"] for row in outcomes.annotate(n=Count("id"))} >= {"adopted", "rejected"}
    assert any(action.is_late for action in cluster.joint_actions.all())

    # The second one: the same shape under its own names (entities' names and slugs too).
    second = Cluster.objects.get(slug=f"{SLUG}-2")
    assert second.name != cluster.name
    names = [set(c.memberships.values_list("actor__name", flat=True)) for c in (cluster, second)]
    assert len(names[1]) == 300 and not names[0] & names[1]

    def shape(cluster: Cluster) -> tuple[int, ...]:
        return (
            cluster.memberships.count(),
            cluster.indicators.count(),
            Measurement.objects.filter(report__indicator__cluster=cluster).count(),
            cluster.proposals.count(),
            Stance.objects.filter(proposal__cluster=cluster).count(),
            cluster.joint_actions.count(),
            cluster.meetings.count(),
        )

    assert shape(second) == shape(cluster)
    # The demo's member person represents an entity of the first one only.
    member = User.objects.get(email="member@demo.example")
    assert cluster.memberships.filter(actor__people__user=member).exists()
    assert not second.memberships.filter(actor__people__user=member).exists()


def test_clusters_without_large_is_refused(db):
    with pytest.raises(CommandError, match="add --large"):
        call_command("seed_demo", force=True, clusters=3, stdout=StringIO())
    assert not Cluster.objects.exists()
