from __future__ import annotations

import pytest
from django.urls import reverse

from clusters.audit import about_of
from clusters.models import AuditEntry, Membership
from tests.conftest import World


def post(world: World, name: str, membership: Membership, person: str = "coordinator", **data):
    url = reverse(name, args=[world.cluster.slug, membership.pk])
    return world.client(person).post(url, data, follow=True)


def test_coordinator_changes_a_members_role(world: World):
    response = post(world, "clusters:membership-role", world.member_membership, role="observer")
    assert "is now: Observer" in response.content.decode()
    world.member_membership.refresh_from_db()
    assert world.member_membership.role == Membership.Role.OBSERVER
    entry = AuditEntry.objects.get(action=AuditEntry.Action.MEMBER_ROLE_CHANGED)
    assert entry.by == world.users["coordinator"]
    assert entry.data["changes"] == {"role": ["member", "observer"]}
    assert about_of(entry) == "Neighbours Association"


def test_choosing_lead_asks_first_on_a_page_that_says_what_changes(world: World):
    response = post(world, "clusters:membership-role", world.member_membership, role="lead")
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "clusters:lead-handover", args=[world.cluster.slug, world.member_membership.pk]
    )
    assert "Neighbours Association becomes the lead entity" in page
    assert "Lead Foundation, the lead entity until now, becomes a member entity" in page
    # Nothing has changed yet.
    assert world.cluster.memberships.get(role="lead").actor.name == "Lead Foundation"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.MEMBER_ROLE_CHANGED).exists()


def test_the_lead_handover_page_is_for_coordinators(world: World):
    url = reverse("clusters:lead-handover", args=[world.cluster.slug, world.member_membership.pk])
    assert world.client("member").post(url).status_code == 403
    assert world.cluster.memberships.get(role="lead").actor.name == "Lead Foundation"


def test_handing_the_lead_to_the_lead_itself_changes_nothing(world: World):
    lead = world.cluster.memberships.get(role="lead")
    response = post(world, "clusters:lead-handover", lead)
    assert "is the lead entity" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.MEMBER_ROLE_CHANGED).exists()


def test_naming_a_new_lead_makes_the_previous_lead_a_member(world: World):
    response = post(world, "clusters:lead-handover", world.member_membership)
    assert "Neighbours Association is now the lead entity" in response.content.decode()
    # A second submit of the same confirmation changes nothing more.
    post(world, "clusters:lead-handover", world.member_membership)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.MEMBER_ROLE_CHANGED).count() == 1
    roles = dict(world.cluster.memberships.values_list("actor__name", "role"))
    assert roles["Neighbours Association"] == "lead"
    assert roles["Lead Foundation"] == "member"


def test_the_lead_keeps_its_role_until_another_is_named(world: World):
    lead = world.cluster.memberships.get(role="lead")
    response = post(world, "clusters:membership-role", lead, role="observer")
    assert "keeps its role" in response.content.decode()
    lead.refresh_from_db()
    assert lead.role == "lead"


def test_an_unknown_role_is_refused(world: World):
    response = post(world, "clusters:membership-role", world.member_membership, role="king")
    assert "Choose a valid role" in response.content.decode()
    world.member_membership.refresh_from_db()
    assert world.member_membership.role == "member"


def test_coordinator_removes_a_member_and_its_people_lose_access(world: World):
    response = post(world, "clusters:membership-remove", world.member_membership)
    assert "has been removed" in response.content.decode()
    world.member_membership.refresh_from_db()
    assert world.member_membership.status == Membership.Status.LEFT
    assert world.member_membership.left_at is not None
    overview = reverse("clusters:overview", args=[world.cluster.slug])
    assert world.client("member").get(overview).status_code == 404


def test_a_second_action_on_a_removed_member_says_why_and_changes_nothing(world: World):
    post(world, "clusters:membership-remove", world.member_membership)
    left_at = Membership.objects.get(pk=world.member_membership.pk).left_at
    for name, data in [
        ("clusters:membership-remove", {}),
        ("clusters:membership-role", {"role": "observer"}),
    ]:
        response = post(world, name, world.member_membership, **data)
        assert "no longer a member" in response.content.decode()
    membership = Membership.objects.get(pk=world.member_membership.pk)
    assert (membership.status, membership.role, membership.left_at) == ("left", "member", left_at)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.MEMBER_REMOVED).count() == 1


def test_the_lead_cannot_be_removed(world: World):
    lead = world.cluster.memberships.get(role="lead")
    response = post(world, "clusters:membership-remove", lead)
    assert "make another entity lead first" in response.content.decode()
    lead.refresh_from_db()
    assert lead.is_active


@pytest.mark.parametrize("name", ["clusters:membership-role", "clusters:membership-remove"])
def test_another_clusters_membership_is_not_found(world: World, name: str):
    theirs = world.other_cluster.memberships.get()
    response = world.client("coordinator").post(
        reverse(name, args=[world.cluster.slug, theirs.pk]), {"role": "observer"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active and theirs.role == "lead"


def test_a_member_entity_leaves(world: World):
    client = world.client("member")
    url = reverse("clusters:leave", args=[world.cluster.slug])
    page = client.get(url).content.decode()
    assert "Neighbours Association" in page
    response = client.post(url, {"membership": world.member_membership.pk}, follow=True)
    assert "Neighbours Association has left" in response.content.decode()
    world.member_membership.refresh_from_db()
    assert world.member_membership.status == Membership.Status.LEFT
    entry = AuditEntry.objects.get(action=AuditEntry.Action.MEMBER_LEFT)
    assert entry.by == world.users["member"]


def test_a_person_with_two_entities_chooses_which_one_leaves(world: World):
    from tests.factories import ActorUserFactory

    ActorUserFactory(user=world.users["member"], actor=world.observer_actor)
    client = world.client("member")
    url = reverse("clusters:leave", args=[world.cluster.slug])
    client.post(url, {"membership": world.observer_membership.pk})
    world.observer_membership.refresh_from_db()
    world.member_membership.refresh_from_db()
    assert world.observer_membership.status == Membership.Status.LEFT
    assert world.member_membership.is_active


def test_leaving_for_an_entity_the_person_does_not_administer_is_refused(world: World):
    url = reverse("clusters:leave", args=[world.cluster.slug])
    response = world.client("member").post(url, {"membership": world.observer_membership.pk})
    assert response.status_code == 400
    world.observer_membership.refresh_from_db()
    assert world.observer_membership.is_active


def test_the_lead_entity_cannot_leave(world: World):
    url = reverse("clusters:leave", args=[world.cluster.slug])
    lead = world.cluster.memberships.get(role="lead")
    response = world.client("coordinator").post(url, {"membership": lead.pk})
    assert response.status_code == 403
    lead.refresh_from_db()
    assert lead.is_active


def test_a_representative_who_is_not_the_entitys_admin_cannot_make_it_leave(world: World):
    client = world.client("representative")
    url = reverse("clusters:leave", args=[world.cluster.slug])
    assert client.post(url, {"membership": world.member_membership.pk}).status_code == 403
    world.member_membership.refresh_from_db()
    assert world.member_membership.is_active
    overview = client.get(world.cluster.get_absolute_url()).content.decode()
    assert "Leave this cluster" not in overview


def test_naming_a_new_lead_records_the_previous_lead_in_the_same_entry(world: World):
    post(world, "clusters:lead-handover", world.member_membership)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.MEMBER_ROLE_CHANGED)
    assert about_of(entry) == "Neighbours Association"
    assert entry.data["changes"] == {"role": ["member", "lead"]}
    assert entry.data["previous_lead"] == ["Lead Foundation"]


def test_members_page_lists_members_and_pending_invitations_with_fixed_queries(
    world: World, django_assert_max_num_queries
):
    from tests.factories import InvitationFactory, MembershipFactory

    for _ in range(5):
        MembershipFactory(cluster=world.cluster)
        InvitationFactory(cluster=world.cluster)
    client = world.client("coordinator")
    url = reverse("clusters:members", args=[world.cluster.slug])
    # session, user, cluster, coordinator role, own memberships, memberships with their
    # actors, pending invitations, the invite form's entity choices, recent closed
    # invitations, the coordinators: 10, whatever the number of members.
    with django_assert_max_num_queries(10):
        response = client.get(url)
    body = response.content.decode()
    # Every active entity but the lead has a role control.
    assert body.count("Change role") == 8
    assert "To change the lead, make another entity lead." in body
    assert "Secret other cluster" not in body
