"""An entity's people (invited and removed by its administrators), co-coordinators, and
entity names matched however they are typed (issue 15, point 2)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from actors.models import Actor, ActorUser, name_key
from clusters import services
from clusters.models import AuditEntry, ClusterRole, Invitation, Membership
from core.errors import DomainError
from tests.conftest import World
from tests.factories import ActorFactory, ActorUserFactory, InvitationFactory, UserFactory

PASSWORD = "correct-horse-battery-staple-91"


def link_from_email(message) -> str:
    return "/" + re.search(r"https?://\S+/invitations/\S+/", message.body).group(0).split("/", 3)[3]


def post(client, url: str, data: dict | None = None):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {})


# --- The one name comparison ------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "Fundació Dones i Llar",
        "fundacio  dones i LLAR",
        " FUNDACIÓ DONES I LLAR ",
        "Fundacio\tdones i llar",
    ],
)
def test_names_that_differ_in_case_accents_or_spaces_have_one_key(typed: str):
    assert name_key(typed) == name_key("Fundació Dones i Llar") == "fundacio dones i llar"


def test_different_names_keep_different_keys():
    assert name_key("Fundació Dones i Llar") != name_key("Fundació Dones i Llars")


def test_an_entity_keeps_its_key_when_renamed(db):
    actor = ActorFactory(name="Casal de Barri")
    actor.name = "Casal  de Barri Prosperitat"
    actor.save(update_fields=["name"])

    assert Actor.named("casal de barri prosperitat") == actor


# --- Where invitations are sent: a new entity's name that exists already ------------------


def test_inviting_a_new_entity_under_an_existing_name_offers_that_entity(world: World):
    ActorFactory(name="Fundació Dones i Llar")
    client = world.client("coordinator")
    url = reverse("clusters:invitation-create", args=[world.cluster.slug])
    data = {"email": "ana@example.org", "actor_name": "fundacio  dones i LLAR", "actor_kind": "ngo"}
    response = post(client, url, {**data, "role": "member", "language": "en"})

    assert response.status_code == 400
    assert (
        "Fundació Dones i Llar is already on the platform: choose it under “Existing entity” "
        "and invite one of its administrators." in response.content.decode()
    )
    assert not world.cluster.invitations.filter(email="ana@example.org").exists()
    assert Actor.objects.filter(name_key="fundacio dones i llar").count() == 1


# --- Where invitations are accepted: the entity made meanwhile is used -------------------


def test_accepting_a_new_entity_that_now_exists_joins_with_it(world: World):
    invitation = InvitationFactory(
        cluster=world.cluster, email="ana@example.org", actor_name="Fundació Dones i Llar"
    )
    # Made after the invitation was sent, typed otherwise, by the same person.
    ana = UserFactory(email="ana@example.org")
    existing = ActorFactory(name="fundacio dones  i llar")
    ActorUserFactory(user=ana, actor=existing, role=ActorUser.Role.ADMIN)
    client = Client()
    client.force_login(ana)
    token_url = link_for(invitation)
    page = client.get(token_url).content.decode()
    assert "it joins the cluster, rather than a second entity of the same name" in page

    response = client.post(token_url)

    assert response.status_code == 302
    assert Membership.objects.get(cluster=world.cluster, actor=existing).is_active
    assert Actor.objects.filter(name_key="fundacio dones i llar").count() == 1


def test_someone_who_does_not_administer_the_existing_entity_cannot_make_a_second(world: World):
    invitation = InvitationFactory(
        cluster=world.cluster, email="ana@example.org", actor_name="Fundació Dones i Llar"
    )
    ana = UserFactory(email="ana@example.org")
    ActorFactory(name="FUNDACIO DONES I LLAR")

    with pytest.raises(DomainError, match="is already on the platform"):
        services.invitation_accept(invitation=invitation, user=ana)
    assert Actor.objects.filter(name_key="fundacio dones i llar").count() == 1
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.PENDING


def link_for(invitation: Invitation) -> str:
    from clusters.tokens import make_invitation_token

    return reverse("clusters:invitation-accept", args=[make_invitation_token(invitation)])


# --- An entity's people, from its profile page ------------------------------------------


def test_the_profile_shows_its_people_to_administrators_only(world: World):
    url = world.member_actor.get_absolute_url()
    admin_page = world.client("member").get(url).content.decode()
    rep_page = world.client("representative").get(url).content.decode()

    assert "People of the entity" in admin_page
    assert "representative@example.org" in admin_page
    assert "Invite a person" in admin_page
    assert "People of the entity" not in rep_page
    assert "representative@example.org" not in rep_page


def invite_person(world: World, person: str = "member", **data: str):
    url = reverse("clusters:entity-person-invite", args=[world.member_actor.slug])
    values = {"person-email": "colleague@example.org", "person-role": "representative"}
    return post(world.client(person), url, {**values, "person-language": "en", **data})


def test_an_administrator_invites_a_representative_who_signs_up_and_acts_for_the_entity(
    world: World, client
):
    response = invite_person(world, **{"person-email": "Colleague@Example.org"})

    assert response.status_code == 302
    invitation = world.member_actor.invitations.get(email="colleague@example.org")
    assert invitation.is_for_representative and invitation.cluster is None
    [message] = mail.outbox
    assert message.subject == "Invitation to act for Neighbours Association"
    # Recorded in the log of the cluster the entity is a member of.
    entry = world.cluster.audit.get(action=AuditEntry.Action.REPRESENTATIVE_INVITED)
    assert entry.by == world.users["member"]

    page = client.get(link_from_email(message))
    assert "invites you to act for" in page.content.decode()
    response = client.post(
        link_from_email(message),
        {"first_name": "Carla", "last_name": "Puig", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    link = world.member_actor.people.get(user__email="colleague@example.org")
    assert link.role == ActorUser.Role.REPRESENTATIVE
    assert world.cluster.audit.filter(action=AuditEntry.Action.REPRESENTATIVE_JOINED).exists()
    assert response.url == world.member_actor.get_absolute_url()


def test_only_an_administrator_invites_people(world: World):
    response = invite_person(world, "representative")

    assert response.status_code == 403
    assert not Invitation.objects.filter(email="colleague@example.org").exists()


def test_inviting_someone_already_representing_the_entity_is_refused(world: World):
    response = invite_person(world, **{"person-email": "representative@example.org"})

    assert response.status_code == 400
    assert "representative@example.org already represents Neighbours Association." in (
        response.content.decode()
    )


def test_a_second_invitation_to_the_same_person_is_refused(world: World):
    invite_person(world)
    response = invite_person(world)

    assert response.status_code == 400
    assert world.member_actor.invitations.for_people().count() == 1


def test_an_administrator_revokes_a_pending_invitation(world: World):
    invite_person(world)
    invitation = world.member_actor.invitations.get()
    url = reverse(
        "clusters:entity-invitation-revoke", args=[world.member_actor.slug, invitation.pk]
    )

    response = post(world.client("member"), url)

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert world.cluster.audit.filter(action=AuditEntry.Action.INVITATION_REVOKED).exists()


def test_another_entitys_invitation_is_not_found(world: World):
    invitation = InvitationFactory(
        kind=Invitation.Kind.REPRESENTATIVE,
        cluster=None,
        actor=world.outsider_actor,
        actor_name="",
        actor_kind="",
        actor_role=ActorUser.Role.REPRESENTATIVE,
    )
    url = reverse(
        "clusters:entity-invitation-revoke", args=[world.member_actor.slug, invitation.pk]
    )

    assert post(world.client("member"), url).status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.PENDING


def remove_url(world: World, link: ActorUser) -> str:
    return reverse("clusters:entity-person-remove", args=[world.member_actor.slug, link.pk])


def test_removing_a_representative_asks_first_then_removes_and_records_it(world: World):
    link = world.member_actor.people.get(user=world.users["representative"])
    client = world.client("member")

    page = client.get(remove_url(world, link)).content.decode()
    assert "Remove" in page and "Housing rights cluster" in page
    assert world.member_actor.people.filter(pk=link.pk).exists()  # asking changed nothing

    response = post(client, remove_url(world, link))

    assert response.status_code == 302
    assert not world.member_actor.people.filter(pk=link.pk).exists()
    entry = world.cluster.audit.get(action=AuditEntry.Action.REPRESENTATIVE_REMOVED)
    assert entry.data["email"] == "representative@example.org"
    assert entry.by == world.users["member"]


def test_the_last_administrator_cannot_be_removed(world: World):
    link = world.member_actor.people.get(user=world.users["member"])
    client = world.client("member")

    response = post(client, remove_url(world, link))

    assert response.status_code == 302
    assert world.member_actor.people.filter(pk=link.pk).exists()
    assert not world.cluster.audit.filter(action=AuditEntry.Action.REPRESENTATIVE_REMOVED).exists()
    page = client.get(response.url).content.decode()
    assert "is the last administrator of Neighbours Association" in page


def test_with_a_second_administrator_one_can_remove_themselves(world: World):
    ActorUserFactory(actor=world.member_actor, user=UserFactory(), role=ActorUser.Role.ADMIN)
    link = world.member_actor.people.get(user=world.users["member"])

    post(world.client("member"), remove_url(world, link))

    assert not world.member_actor.people.filter(pk=link.pk).exists()


def test_removing_twice_is_harmless(world: World):
    link = world.member_actor.people.get(user=world.users["representative"])
    client = world.client("member")
    post(client, remove_url(world, link))

    assert post(client, remove_url(world, link)).status_code == 404
    assert world.cluster.audit.filter(action=AuditEntry.Action.REPRESENTATIVE_REMOVED).count() == 1


def test_a_representative_cannot_remove_anyone(world: World):
    link = world.member_actor.people.get(user=world.users["member"])

    assert post(world.client("representative"), remove_url(world, link)).status_code == 403
    assert world.member_actor.people.filter(pk=link.pk).exists()


# --- A co-coordinator -------------------------------------------------------------------


def invite_coordinator(world: World, email: str = "co@example.org"):
    url = reverse("clusters:coordinator-invite", args=[world.cluster.slug])
    data = {"person-email": email, "person-language": "en", "person-message": ""}
    return post(world.client("coordinator"), url, data)


def test_a_coordinator_names_a_co_coordinator_who_accepts(world: World):
    response = invite_coordinator(world)

    assert response.status_code == 302
    invitation = world.cluster.invitations.get(email="co@example.org")
    assert invitation.is_for_coordinator
    [message] = mail.outbox
    assert message.subject == "Invitation to co-coordinate Housing rights cluster"
    members_page = world.client("coordinator").get(response.url).content.decode()
    assert "co@example.org" in members_page and "Co-coordinator" in members_page

    co = UserFactory(email="co@example.org")
    services.invitation_accept(invitation=invitation, user=co)

    assert ClusterRole.objects.filter(cluster=world.cluster, user=co).exists()
    assert world.cluster.audit.filter(action=AuditEntry.Action.COORDINATOR_JOINED).exists()
    browser = Client()
    browser.force_login(co)
    assert browser.get(reverse("clusters:members", args=[world.cluster.slug])).status_code == 200


def test_a_coordinator_cannot_be_invited_twice(world: World):
    response = invite_coordinator(world, "coordinator@example.org")

    assert response.status_code == 400
    assert "coordinator@example.org already coordinates this cluster." in response.content.decode()


def test_a_member_cannot_name_a_co_coordinator(world: World):
    url = reverse("clusters:coordinator-invite", args=[world.cluster.slug])
    response = post(world.client("member"), url, {"person-email": "x@example.org"})

    assert response.status_code == 403
    assert not Invitation.objects.filter(email="x@example.org").exists()


def test_an_entity_and_a_co_coordinator_invitation_to_one_address_can_coexist(world: World):
    InvitationFactory(cluster=world.cluster, email="co@example.org")

    assert invite_coordinator(world).status_code == 302
    assert world.cluster.invitations.pending().filter(email="co@example.org").count() == 2


def test_the_people_section_costs_the_same_queries_however_many_people(
    world: World, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client("member")
    url = world.member_actor.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        ActorUserFactory(actor=world.member_actor, role=ActorUser.Role.REPRESENTATIVE)
        InvitationFactory(
            kind=Invitation.Kind.REPRESENTATIVE,
            cluster=None,
            actor=world.member_actor,
            actor_name="",
            actor_kind="",
            actor_role=ActorUser.Role.REPRESENTATIVE,
            email=f"colleague{n}@example.org",
        )

    with django_assert_max_num_queries(len(few)):
        body = client.get(url).content.decode()
    assert body.count("colleague") == 5 * 3  # the address, and in each button's label


def test_invitations_to_represent_or_co_coordinate_wait_on_the_persons_home(world: World):
    InvitationFactory(
        kind=Invitation.Kind.REPRESENTATIVE,
        cluster=None,
        actor=world.outsider_actor,
        actor_name="",
        actor_kind="",
        actor_role=ActorUser.Role.ADMIN,
        email="member@example.org",
    )
    InvitationFactory(
        kind=Invitation.Kind.COORDINATOR,
        cluster=world.cluster,
        actor_name="",
        actor_kind="",
        email="member@example.org",
    )

    body = world.client("member").get(reverse("home")).content.decode()

    assert "You are invited to act for Outsider Entity as Administrator." in body
    assert "You are invited to co-coordinate Housing rights cluster." in body


def test_a_logged_in_person_accepts_a_co_coordination_with_one_click(world: World):
    invitation = InvitationFactory(
        kind=Invitation.Kind.COORDINATOR,
        cluster=world.cluster,
        actor_name="",
        actor_kind="",
        email="member@example.org",
    )
    client = world.client("member")
    page = client.get(link_for(invitation)).content.decode()
    assert "invites you to co-coordinate" in page and "Co-coordinate the cluster" in page

    response = client.post(link_for(invitation))

    assert response.url == world.cluster.get_absolute_url()
    assert world.cluster.roles.filter(user=world.users["member"]).exists()
    # The link is used: a second click changes nothing.
    assert client.post(link_for(invitation)).status_code == 410
    assert world.cluster.roles.filter(user=world.users["member"]).count() == 1
