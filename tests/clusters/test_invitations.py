from __future__ import annotations

import re
import smtplib
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import TestCase
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.models import User
from actors.models import Actor, ActorUser
from clusters.models import AuditEntry, Invitation, Membership
from clusters.tokens import invitation_from_token, make_invitation_token
from tests.conftest import World
from tests.factories import (
    ActorUserFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)

PASSWORD = "correct-horse-battery-staple-91"


def invite(world: World, **data: str):
    client = world.client("coordinator")
    url = reverse("clusters:invitation-create", args=[world.cluster.slug])
    form = {
        "email": "",
        "actor": "",
        "actor_name": "",
        "actor_kind": "",
        "role": "member",
        "language": "en",
    }
    # The email task is queued after the transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, {**form, **data})


def link_from_email(message) -> str:
    return re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_coordinator_invites_a_new_entity_by_email(world: World):
    response = invite(world, email="Ana@Example.org ", actor_name="Food Bank", actor_kind="ngo")

    assert response.status_code == 302
    invitation = world.cluster.invitations.get(email="ana@example.org")
    assert invitation.actor_name == "Food Bank"
    assert invitation.invited_by == world.users["coordinator"]
    [message] = mail.outbox
    assert message.to == ["ana@example.org"]
    assert "Housing rights cluster" in message.subject
    assert "&#x27;" not in message.subject
    # The link opens this invitation (tokens carry a timestamp, so compare what they open).
    token = resolve(path_of(link_from_email(message))).kwargs["token"]
    assert invitation_from_token(token) == invitation
    assert AuditEntry.objects.filter(
        cluster=world.cluster, action=AuditEntry.Action.INVITATION_SENT
    ).exists()


def test_invitation_email_is_in_the_chosen_language(world: World):
    invite(world, email="rosa@example.org", actor_name="Casal", actor_kind="ngo", language="ca")
    [message] = mail.outbox
    assert message.subject.startswith("Invitació")
    assert "Per acceptar" in message.body


def test_the_invitation_form_offers_the_coordinators_language_first(world: World):
    client = world.client("coordinator")
    client.cookies["django_language"] = "es"
    response = client.get(reverse("clusters:members", args=[world.cluster.slug]))
    assert response.context["invite_form"]["language"].initial == "es"


def test_the_new_account_takes_the_language_the_person_reads_in(world: World, client):
    invitation = InvitationFactory(cluster=world.cluster, email="lang@example.org", language="ca")
    client.cookies["django_language"] = "es"
    client.post(
        reverse("clusters:invitation-accept", args=[make_invitation_token(invitation)]),
        {"first_name": "L", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.get(email="lang@example.org").language == "es"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "not-an-email", "actor_name": "X", "actor_kind": "ngo"}, "valid email"),
        ({"email": "a@example.org"}, "give the new entity"),
        ({"email": "a@example.org", "actor_name": "X"}, "what kind of entity"),
        ({"email": "a@example.org", "actor_name": "X", "actor_kind": "alien"}, "valid choice"),
        (
            {"email": "a@example.org", "actor_name": "X", "actor_kind": "ngo", "role": "lead"},
            "valid choice",
        ),
        (
            {"email": "a" * 250 + "@example.org", "actor_name": "X", "actor_kind": "ngo"},
            "at most 254",
        ),
    ],
)
def test_bad_invitation_is_refused_and_creates_nothing(world: World, data, error):
    before = Invitation.objects.count()
    response = invite(world, **data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert Invitation.objects.count() == before
    assert mail.outbox == []


def test_entity_already_in_the_cluster_cannot_be_invited(world: World):
    response = invite(world, email="x@example.org", actor=str(world.member_actor.pk))
    assert response.status_code == 400
    assert not world.cluster.invitations.filter(email="x@example.org").exists()


def test_entity_already_in_the_cluster_is_refused_by_the_service_too(world: World):
    from clusters.services import invitation_create
    from core.errors import DomainError

    with pytest.raises(DomainError, match="already a member"):
        invitation_create(
            cluster=world.cluster,
            by=world.users["coordinator"],
            email="x@example.org",
            role="member",
            actor=world.member_actor,
        )


def test_a_second_pending_invitation_to_the_same_email_is_refused(world: World):
    invite(world, email="dup@example.org", actor_name="A", actor_kind="ngo")
    response = invite(world, email="DUP@example.org", actor_name="B", actor_kind="ngo")
    assert response.status_code == 400
    assert "already has a pending invitation" in response.content.decode()
    assert world.cluster.invitations.filter(email="dup@example.org").count() == 1


def test_an_existing_entity_is_invited_through_one_of_its_administrators(world: World):
    response = invite(world, email="outsider@example.org", actor=str(world.outsider_actor.pk))
    assert response.status_code == 302
    invitation = world.cluster.invitations.get(email="outsider@example.org")
    assert invitation.actor == world.outsider_actor


def test_an_existing_entity_cannot_be_invited_to_someone_elses_address(world: World):
    """Otherwise a coordinator could invite any entity to their own address, accept, and
    become its representative in every cluster it belongs to."""
    response = invite(world, email="coordinator@example.org", actor=str(world.outsider_actor.pk))
    assert response.status_code == 400
    assert "through one of its administrators" in response.content.decode()
    assert not world.cluster.invitations.filter(actor=world.outsider_actor).exists()


def test_accepting_for_an_existing_entity_needs_to_administer_it(world: World):
    from clusters.services import invitation_accept
    from core.errors import DomainError

    stranger = UserFactory(email="stranger@example.org")
    invitation = InvitationFactory(
        cluster=world.cluster,
        email=stranger.email,
        actor=world.outsider_actor,
        actor_name="",
        actor_kind="",
    )
    with pytest.raises(DomainError, match="Only an administrator"):
        invitation_accept(invitation=invitation, user=stranger)
    assert not ActorUser.objects.filter(user=stranger).exists()
    assert not world.cluster.memberships.filter(actor=world.outsider_actor).exists()


def test_new_person_accepts_creates_account_entity_and_membership(world: World, client):
    invite(world, email="ana@example.org", actor_name="Food Bank", actor_kind="ngo")
    path = path_of(link_from_email(mail.outbox[0]))

    page = client.get(path)
    assert page.status_code == 200
    assert "Food Bank" in page.content.decode()

    response = client.post(
        path,
        {"first_name": "Ana", "last_name": "Soler", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == world.cluster.get_absolute_url()
    user = User.objects.get(email="ana@example.org")
    actor = Actor.objects.get(name="Food Bank")
    assert ActorUser.objects.get(user=user, actor=actor).role == ActorUser.Role.ADMIN
    membership = world.cluster.memberships.get(actor=actor)
    assert membership.role == Membership.Role.MEMBER and membership.is_active
    assert EmailAddress.objects.get(user=user).verified
    # Logged in, on the member's first page, with a welcome.
    overview = client.get(response.url)
    assert overview.status_code == 200
    assert "Welcome!" in overview.content.decode()
    assert "Food Bank" in overview.content.decode()


def test_weak_password_is_refused_and_nothing_is_created(world: World, client):
    invitation = InvitationFactory(cluster=world.cluster, email="weak@example.org")
    path = reverse("clusters:invitation-accept", args=[make_invitation_token(invitation)])
    response = client.post(
        path, {"first_name": "W", "last_name": "", "password1": "short", "password2": "short"}
    )
    assert response.status_code == 400
    assert "at least 12 characters" in response.content.decode()
    assert not User.objects.filter(email="weak@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_mismatched_passwords_are_refused(world: World, client):
    invitation = InvitationFactory(cluster=world.cluster, email="typo@example.org")
    path = reverse("clusters:invitation-accept", args=[make_invitation_token(invitation)])
    response = client.post(
        path, {"first_name": "T", "password1": PASSWORD, "password2": PASSWORD + "x"}
    )
    assert response.status_code == 400
    assert "do not match" in response.content.decode()
    assert not User.objects.filter(email="typo@example.org").exists()


def test_existing_person_logs_in_then_accepts_for_their_entity(world: World):
    person = world.users["outsider"]
    invitation = InvitationFactory(
        cluster=world.cluster,
        email=person.email,
        actor=world.outsider_actor,
        actor_name="",
        actor_kind="",
    )
    path = reverse("clusters:invitation-accept", args=[make_invitation_token(invitation)])
    anonymous = world.client("anonymous")
    page = anonymous.get(path)
    assert "Log in to accept" in page.content.decode()

    anonymous.force_login(person)
    assert anonymous.get(path).status_code == 200
    links_before = ActorUser.objects.count()
    response = anonymous.post(path)
    assert response.status_code == 302
    assert world.cluster.memberships.get(actor=world.outsider_actor).is_active
    assert ActorUser.objects.count() == links_before


def test_logged_in_as_another_person_cannot_accept(world: World):
    invitation = InvitationFactory(cluster=world.cluster, email="someone@example.org")
    path = reverse("clusters:invitation-accept", args=[make_invitation_token(invitation)])
    response = world.client("member").post(path)
    assert response.status_code == 403
    assert "someone@example.org" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_expired_link_says_so_and_changes_nothing(world: World, client):
    invitation = InvitationFactory(
        cluster=world.cluster, expires_at=timezone.now() - timedelta(minutes=1)
    )
    path = reverse("clusters:invitation-accept", args=[make_invitation_token(invitation)])
    response = client.post(path, {"first_name": "L", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_revoked_link_says_so(world: World, client):
    invitation = InvitationFactory(cluster=world.cluster, status=Invitation.Status.REVOKED)
    response = client.get(
        reverse("clusters:invitation-accept", args=[make_invitation_token(invitation)])
    )
    assert response.status_code == 410
    assert "revoked" in response.content.decode()


def test_a_used_link_cannot_be_used_again(world: World, client):
    invitation = InvitationFactory(cluster=world.cluster, email="once@example.org")
    path = reverse("clusters:invitation-accept", args=[make_invitation_token(invitation)])
    data = {"first_name": "O", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post(path, data).status_code == 302
    again = world.client("anonymous").post(path, data)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert User.objects.filter(email="once@example.org").count() == 1
    assert world.cluster.memberships.filter(actor__name=invitation.actor_name).count() == 1


@pytest.mark.parametrize("token", ["garbage", "WzEsImFiYyJd:1x:bad", "a" * 300])
def test_forged_links_are_not_found(db, client, token):
    assert client.get(reverse("clusters:invitation-accept", args=[token])).status_code == 404


def test_resend_replaces_the_link_and_extends_the_expiry(world: World):
    invitation = InvitationFactory(
        cluster=world.cluster, expires_at=timezone.now() + timedelta(hours=1)
    )
    old_path = reverse("clusters:invitation-accept", args=[make_invitation_token(invitation)])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = world.client("coordinator").post(
            reverse("clusters:invitation-resend", args=[world.cluster.slug, invitation.pk])
        )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.send_count == 2
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    [message] = mail.outbox
    new_path = path_of(link_from_email(message))
    assert new_path != old_path
    anonymous = world.client("anonymous")
    assert anonymous.get(old_path).status_code == 404
    assert anonymous.get(new_path).status_code == 200


def test_resending_right_after_sending_is_refused(world: World):
    invitation = InvitationFactory(cluster=world.cluster, sent_at=timezone.now())
    response = world.client("coordinator").post(
        reverse("clusters:invitation-resend", args=[world.cluster.slug, invitation.pk]),
        follow=True,
    )
    assert "wait a few minutes" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.send_count == 1
    assert mail.outbox == []


def test_a_cluster_cannot_send_more_than_a_days_worth_of_invitations(world: World):
    from clusters.services import INVITATIONS_PER_CLUSTER_PER_DAY

    InvitationFactory.create_batch(INVITATIONS_PER_CLUSTER_PER_DAY, cluster=world.cluster)
    response = invite(world, email="one-more@example.org", actor_name="X", actor_kind="ngo")
    assert response.status_code == 400
    assert "try again tomorrow" in response.content.decode()
    assert mail.outbox == []


def test_revoke_closes_the_link(world: World):
    invitation = InvitationFactory(cluster=world.cluster)
    path = reverse("clusters:invitation-accept", args=[make_invitation_token(invitation)])
    world.client("coordinator").post(
        reverse("clusters:invitation-revoke", args=[world.cluster.slug, invitation.pk])
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert world.client("anonymous").get(path).status_code == 410


def test_revoking_twice_says_why_and_changes_nothing(world: World):
    invitation = InvitationFactory(cluster=world.cluster)
    url = reverse("clusters:invitation-revoke", args=[world.cluster.slug, invitation.pk])
    client = world.client("coordinator")
    client.post(url)
    closed_at = Invitation.objects.get(pk=invitation.pk).closed_at
    response = client.post(url, follow=True)
    assert "has been revoked" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).closed_at == closed_at
    assert AuditEntry.objects.filter(action=AuditEntry.Action.INVITATION_REVOKED).count() == 1


def test_resending_an_accepted_invitation_is_refused(world: World):
    invitation = InvitationFactory(cluster=world.cluster, status=Invitation.Status.ACCEPTED)
    response = world.client("coordinator").post(
        reverse("clusters:invitation-resend", args=[world.cluster.slug, invitation.pk]),
        follow=True,
    )
    assert "already been accepted" in response.content.decode()
    assert mail.outbox == []


def test_another_clusters_invitation_is_not_found(world: World):
    theirs = world.other_cluster.invitations.get()
    for name in ("clusters:invitation-resend", "clusters:invitation-revoke"):
        response = world.client("coordinator").post(
            reverse(name, args=[world.cluster.slug, theirs.pk])
        )
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Invitation.Status.PENDING and theirs.send_count == 1


def test_entity_that_left_can_be_invited_back(world: World):
    gone = MembershipFactory(
        cluster=world.cluster,
        actor__name="Returning Entity",
        status=Membership.Status.LEFT,
        left_at=timezone.now(),
    )
    person = UserFactory(email="back@example.org")
    ActorUserFactory(user=person, actor=gone.actor)
    invitation = InvitationFactory(
        cluster=world.cluster,
        email=person.email,
        actor=gone.actor,
        actor_name="",
        actor_kind="",
        role=Membership.Role.OBSERVER,
    )
    client = world.client("anonymous")
    client.force_login(person)
    client.post(reverse("clusters:invitation-accept", args=[make_invitation_token(invitation)]))
    gone.refresh_from_db()
    assert gone.is_active and gone.left_at is None and gone.role == Membership.Role.OBSERVER


def test_the_re_invite_form_offers_an_entity_that_left_even_if_active_elsewhere(world: World):
    gone = MembershipFactory(
        cluster=world.cluster, status=Membership.Status.LEFT, left_at=timezone.now()
    )
    MembershipFactory(cluster=world.other_cluster, actor=gone.actor)
    response = world.client("coordinator").get(
        reverse("clusters:members", args=[world.cluster.slug])
    )
    choices = response.context["invite_form"].fields["actor"].queryset
    assert gone.actor in choices
    assert world.member_actor not in choices


def test_a_mail_outage_does_not_turn_a_saved_invitation_into_an_error_page(world: World, settings):
    settings.EMAIL_BACKEND = "tests.clusters.test_invitations.BrokenEmailBackend"
    response = invite(world, email="outage@example.org", actor_name="X", actor_kind="ngo")
    assert response.status_code == 302
    assert world.cluster.invitations.filter(email="outage@example.org").exists()


class BrokenEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"outage@example.org": (550, b"no such user")})


def test_pending_invitations_show_on_the_invited_persons_home(world: World):
    person = UserFactory(email="waiting@example.org")
    InvitationFactory(cluster=world.cluster, email=person.email, actor_name="Waiting Entity")
    client = world.client("anonymous")
    client.force_login(person)
    body = client.get(reverse("home")).content.decode()
    assert "Waiting Entity" in body
    assert "Housing rights cluster" in body


def test_email_is_not_sent_for_an_invitation_revoked_before_the_task_ran(world: World):
    from clusters.notifications import invitation_send_email

    invitation = InvitationFactory(cluster=world.cluster, status=Invitation.Status.REVOKED)
    assert invitation_send_email(invitation_id=invitation.pk) is False
    assert mail.outbox == []
