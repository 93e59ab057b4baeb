from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from actors.models import ThematicArea
from clusters.models import AuditEntry, Cluster, ClusterRole, Membership
from tests.conftest import World
from tests.factories import ClusterFactory, MembershipFactory, UserFactory

VALID = {
    "name": "  Energy   poverty cluster ",
    "kind": "cooperation",
    "common_goal": "No household without heating",
    "territory": "Girona",
    "decision_rule": "consent",
    "consensus_threshold": "75",
    "quorum": "50",
    "qualified_majority": "67",
    "reporting_period": "monthly",
    # Ticked as the settings page shows them (the cluster counts rights-holders by these).
    "groups_by_sex": "on",
    "groups_by_age": "on",
}


def test_an_entity_admin_creates_a_cluster_and_becomes_its_coordinator(world: World):
    energy = ThematicArea.objects.get(code="energy")
    data = {**VALID, "lead_actor": world.member_actor.pk, "thematic_areas": [energy.pk]}
    response = world.client("member").post(reverse("clusters:create"), data)
    cluster = Cluster.objects.get(name="Energy poverty cluster")
    assert response.url == reverse("clusters:members", args=[cluster.slug])
    assert cluster.slug == "energy-poverty-cluster"
    assert list(cluster.thematic_areas.all()) == [energy]
    assert ClusterRole.objects.filter(cluster=cluster, user=world.users["member"]).exists()
    assert cluster.memberships.get().actor == world.member_actor
    assert cluster.memberships.get().role == Membership.Role.LEAD
    assert AuditEntry.objects.filter(cluster=cluster, action="cluster_created").exists()


def test_bad_cluster_settings_are_refused_and_nothing_is_created(world: World):
    before = Cluster.objects.count()
    data = {**VALID, "quorum": "0", "consensus_threshold": "120", "lead_actor": world.lead.pk}
    response = world.client("coordinator").post(reverse("clusters:create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "greater than or equal to 1" in body
    assert "less than or equal to 100" in body
    assert Cluster.objects.count() == before


def test_the_lead_must_be_an_entity_the_person_administers(world: World):
    data = {**VALID, "lead_actor": world.outsider_actor.pk}
    response = world.client("member").post(reverse("clusters:create"), data)
    assert "Select a valid choice" in response.content.decode()
    assert not Cluster.objects.filter(name="Energy poverty cluster").exists()


def test_a_person_without_an_entity_cannot_create_a_cluster(db, client):
    client.force_login(UserFactory())
    assert client.get(reverse("clusters:create")).status_code == 403


def test_coordinator_edits_the_settings_and_it_is_recorded(world: World):
    url = reverse("clusters:edit", args=[world.cluster.slug])
    # The reporting period stays: the cluster already has periods.
    data = {**VALID, "name": "Renamed cluster", "status": "active", "reporting_period": "quarterly"}
    response = world.client("coordinator").post(url, data)
    assert response.status_code == 302
    world.cluster.refresh_from_db()
    assert world.cluster.name == "Renamed cluster"
    assert world.cluster.slug == "housing"
    entry = AuditEntry.objects.get(action="cluster_updated")
    assert entry.data["changes"]["name"] == ["Housing rights cluster", "Renamed cluster"]
    assert entry.data["changes"]["decision_rule"] == ["consensus", "consent"]
    assert "status" not in entry.data["changes"]  # unchanged values are not recorded


def test_a_refused_settings_change_saves_nothing_and_the_page_keeps_the_saved_name(world: World):
    url = reverse("clusters:edit", args=[world.cluster.slug])
    data = {**VALID, "name": "Half saved", "quorum": "500", "status": "active"}
    response = world.client("coordinator").post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "less than or equal to 100" in body
    assert '<span class="cluster-name">Housing rights cluster</span>' in body
    world.cluster.refresh_from_db()
    assert world.cluster.name == "Housing rights cluster"
    assert not AuditEntry.objects.filter(action="cluster_updated").exists()


def test_a_cluster_that_does_not_exist_is_not_found(world: World):
    response = world.client("coordinator").get(reverse("clusters:overview", args=["nowhere"]))
    assert response.status_code == 404


def test_overview_groups_members_by_role(world: World):
    body = world.client("member").get(world.cluster.get_absolute_url()).content.decode()
    for text in ("Lead entity", "Neighbours Association", "Observer", "Funding Institution"):
        assert text in body


def test_institutions_do_not_see_the_member_list(world: World):
    body = world.client("institution").get(world.cluster.get_absolute_url()).content.decode()
    assert "Neighbours Association" not in body
    assert "Published reports" in body  # the reports it follows, listed (tests/reports)


def test_home_lists_only_my_clusters_with_fixed_queries(
    world: World, django_assert_max_num_queries
):
    for _ in range(4):
        cluster = ClusterFactory()
        MembershipFactory(cluster=cluster, actor=world.member_actor)
        ClusterFactory()  # not mine
    client = world.client("member")
    # session, user, invitations to me, can-create check, clusters, my roles in them,
    # my memberships in them, my entities: 8, whatever the number of clusters.
    with django_assert_max_num_queries(8):
        body = client.get(reverse("home")).content.decode()
    assert body.count('class="card-title"') == 5
    # Every active entity of the shared cluster is counted, not only the viewer's own.
    assert "4 active entities" in body
    assert "Secret other cluster" not in body


def test_the_coordinator_reads_the_activity_with_a_fixed_number_of_queries(
    world: World, django_assert_num_queries, django_assert_max_num_queries
):
    from clusters.audit import audit

    client = world.client("coordinator")
    url = reverse("clusters:audit-log", args=[world.cluster.slug])
    audit(
        cluster=world.other_cluster,
        by=world.users["outsider"],
        action="member_left",
        target="Secret move",
    )
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for n in range(30):
        audit(
            cluster=world.cluster,
            by=world.users["member"],
            action="stance_taken",
            target=f"Proposal {n}",
        )
    with django_assert_num_queries(len(small.captured_queries)):
        body = client.get(url, {"action": "stance_taken"}).content.decode()
    assert body.count("Proposal ") == 30
    assert "Secret move" not in body
    assert client.get(url, {"action": "nonsense", "page": "x"}).status_code == 200


def test_the_activity_filters_by_person_date_and_subject(world: World):
    client = world.client("coordinator")
    url = reverse("clusters:audit-log", args=[world.cluster.slug])
    member = world.users["member"]
    by_member = client.get(url, {"person": member.pk}).context["page"]
    assert by_member.object_list and {e.by for e in by_member} == {member}
    about = client.get(url, {"about": "legal joint action"}).context["page"]
    assert {e.action for e in about} == {"action_created", "contribution_added"}
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert not client.get(url, {"since": tomorrow}).context["page"].object_list
    # Someone from the other cluster is not a choice; a bad date says so.
    response = client.get(url, {"person": world.users["outsider"].pk, "since": "soon"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in body and "Enter a valid date" in body
    assert "outsider@example.org" not in body
