"""A person's own data: the download of everything the platform holds about them, and the
deletion of their account, which keeps the entity's work under "a former representative
of <entity>"."""

from __future__ import annotations

import json

from allauth.account.models import EmailAddress
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from actors.models import ActorUser
from clusters.audit import audit
from clusters.models import AuditEntry, Cluster, ClusterRole, Invitation
from indicators.models import MeasurementReport
from planning import proposal_services
from planning.models import Comment, Decision, Stance
from tests.conftest import World
from tests.factories import PASSWORD, ActorUserFactory, ClusterRoleFactory, InvitationFactory

DELETE = reverse("account-delete")
DOWNLOAD = reverse("personal-data")
OTHER_EMAILS = (
    "coordinator@example.org",
    "member@example.org",
    "observer@example.org",
    "institution@example.org",
    "outsider@example.org",
    "newcomer@example.org",
)


def download(world: World, person: str) -> dict:
    response = world.client(person).get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def speak(world: World, person: str, body: str) -> Comment:
    """The person comments on the world's proposal for the member entity."""
    return proposal_services.comment_add(
        proposal=world.proposal,
        by=world.users[person],
        membership=world.member_membership,
        body=body,
    )


# The download


def test_the_download_is_a_dated_json_file(world: World):
    response = world.client("member").get(DOWNLOAD)
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="my-data-{today}.json"'


def test_the_download_holds_the_account_and_what_the_person_did(world: World):
    speak(world, "member", "We can host two families")
    data = download(world, "member")
    assert data["account"]["email"] == "member@example.org"
    assert data["account"]["email_addresses"] == [
        {"email": "member@example.org", "verified": True, "primary": True}
    ]
    assert data["entities"] == [
        {
            "entity": "Neighbours Association",
            "role": "admin",
            "role_label": "Administrator",
            "since": data["entities"][0]["since"],
        }
    ]
    assert [p["title"] for p in data["proposals"]] == ["Shared emergency housing fund"]
    assert [c["comment"] for c in data["comments"]] == ["We can host two families"]
    assert data["comments"][0]["entity"] == "Neighbours Association"
    [report] = data["measurement_reports"]
    assert (report["indicator"], report["status"]) == ("I1", "submitted")
    actions = {entry["action"] for entry in data["audit_entries"]}
    assert {"proposal_created", "report_submitted", "comment_added"} <= actions


def test_the_coordinators_download_holds_their_roles_decisions_and_invitations(world: World):
    coordinator = world.users["coordinator"]
    invitation = InvitationFactory(
        cluster=world.cluster, email="newcomer@example.org", invited_by=coordinator
    )
    audit(
        cluster=world.cluster,
        by=coordinator,
        action=AuditEntry.Action.INVITATION_SENT,
        target=invitation,
        email=invitation.email,
    )
    proposal_services.proposal_decide(proposal=world.proposal, by=coordinator, minutes="Agreed")
    data = download(world, "coordinator")
    assert data["cluster_roles"][0]["cluster"] == "Housing rights cluster"
    assert data["invitations_sent"][0]["entity"] == invitation.entity_name
    assert [d["minutes"] for d in data["decisions_recorded"]] == ["Agreed"]
    assert "invitation_sent" in {entry["action"] for entry in data["audit_entries"]}


def test_the_download_names_no_other_persons_address(world: World):
    coordinator = world.users["coordinator"]
    invitation = InvitationFactory(
        cluster=world.cluster, email="newcomer@example.org", invited_by=coordinator
    )
    audit(
        cluster=world.cluster,
        by=coordinator,
        action=AuditEntry.Action.INVITATION_SENT,
        target=invitation,
        email=invitation.email,
    )
    for person in ("coordinator", "member", "representative", "outsider"):
        text = world.client(person).get(DOWNLOAD).content.decode()
        own = world.users[person].email
        assert own in text
        for other in OTHER_EMAILS:
            assert other == own or other not in text, f"{person}'s download shows {other}"


def test_the_download_holds_nothing_of_another_cluster(world: World):
    text = world.client("member").get(DOWNLOAD).content.decode()
    assert "Secret" not in text


def test_the_download_reads_a_fixed_number_of_queries(world: World):
    client = world.client("member")
    speak(world, "member", "First")
    with CaptureQueriesContext(connection) as few:
        client.get(DOWNLOAD)
    for n in range(5):
        speak(world, "member", f"Comment {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(DOWNLOAD)
    assert len(many) == len(few)


def test_the_download_is_for_logged_in_people(db, client):
    response = client.get(DOWNLOAD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# Deleting the account


def delete(world: World, person: str, password: str = PASSWORD):
    return world.client(person).post(DELETE, {"password": password})


def test_the_confirmation_page_says_what_goes_and_what_stays(world: World):
    page = world.client("representative").get(DELETE).content.decode()
    assert "What goes" in page and "What stays, without your name" in page
    assert "a former representative of Neighbours Association" in page
    assert 'name="password"' in page


def test_deleting_empties_the_account_and_ends_its_sessions(world: World):
    representative = world.users["representative"]
    other_browser = world.client("representative")
    response = delete(world, "representative")
    assert response.status_code == 302 and response.url == reverse("privacy")
    user = User.objects.get(pk=representative.pk)
    assert user.is_erased and not user.is_active and not user.has_usable_password()
    assert (user.first_name, user.last_name, user.language) == ("", "", "")
    assert "representative@example.org" not in user.email
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not ActorUser.objects.filter(user=user).exists()
    assert user.display_name == "a former representative of Neighbours Association"
    # A browser still logged in is logged out at its next page.
    assert other_browser.get(reverse("preferences")).status_code == 302


def test_the_address_cannot_log_in_after(world: World, client):
    delete(world, "representative")
    client.post(
        reverse("account_login"), {"login": "representative@example.org", "password": PASSWORD}
    )
    assert not client.session.get("_auth_user_id")


def test_a_wrong_password_deletes_nothing(world: World):
    response = delete(world, "representative", "not-my-password")
    assert response.status_code == 200
    assert "The password is not right" in response.content.decode()
    user = User.objects.get(pk=world.users["representative"].pk)
    assert not user.is_erased and user.email == "representative@example.org"


def test_the_only_administrator_of_an_active_member_is_refused(world: World):
    page = world.client("member").get(DELETE).content.decode()
    assert "You are the only administrator of Neighbours Association" in page
    assert 'name="password"' not in page
    response = delete(world, "member")
    assert "You are the only administrator of Neighbours Association" in response.content.decode()
    assert not User.objects.get(pk=world.users["member"].pk).is_erased


def test_another_administrator_lets_the_administrator_go(world: World):
    ActorUser.objects.filter(user=world.users["representative"]).update(role=ActorUser.Role.ADMIN)
    delete(world, "member")
    assert User.objects.get(pk=world.users["member"].pk).is_erased
    # The entity's report stays, submitted, waiting for validation by the former member.
    report = MeasurementReport.objects.get(pk=world.report.pk)
    assert report.status == "submitted" and report.updated_by_id == world.users["member"].pk
    queue = world.client("coordinator").get(
        reverse("indicators:validation-queue", args=[world.cluster.slug])
    )
    text = queue.content.decode()
    assert "a former representative of Neighbours Association" in text
    assert "member@example.org" not in text


def test_the_only_coordinator_is_refused(world: World):
    ActorUserFactory(actor=world.lead, role=ActorUser.Role.ADMIN)  # not the lead's only admin
    response = delete(world, "coordinator")
    text = response.content.decode()
    assert "You are the only coordinator of Housing rights cluster" in text
    assert "First name another coordinator" in text
    assert "only administrator" not in text
    assert not User.objects.get(pk=world.users["coordinator"].pk).is_erased


def test_the_coordinator_of_a_closed_cluster_may_go(world: World):
    ActorUserFactory(actor=world.outsider_actor, role=ActorUser.Role.ADMIN)
    Cluster.objects.filter(pk=world.other_cluster.pk).update(status=Cluster.Status.CLOSED)
    delete(world, "outsider")
    assert User.objects.get(pk=world.users["outsider"].pk).is_erased


def co_coordinator(world: World) -> User:
    """A second coordinator of the cluster who represents the lead entity."""
    link = ActorUserFactory(
        actor=world.lead,
        role=ActorUser.Role.REPRESENTATIVE,
        user__email="co@example.org",
        user__first_name="Carla",
        user__last_name="Coordinadora",
    )
    ClusterRoleFactory(cluster=world.cluster, user=link.user)
    return link.user


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_what_the_person_did_stays_with_the_former_representative_wording(world: World):
    representative = world.users["representative"]
    proposal_services.stance_take(
        proposal=world.proposal,
        membership=world.member_membership,
        by=representative,
        position="agree",
    )
    speak(world, "representative", "Our entity agrees")
    delete(world, "representative")
    stance = Stance.objects.get(proposal=world.proposal, membership=world.member_membership)
    assert stance.position == "agree" and stance.by_id == representative.pk
    assert Comment.objects.filter(body="Our entity agrees").exists()
    page = world.client("coordinator").get(
        reverse("planning:proposal-detail", args=[world.cluster.slug, world.proposal.pk])
    )
    text = page.content.decode()
    assert "a former representative of Neighbours Association" in text
    assert "representative@example.org" not in text


def test_a_deleted_coordinators_decision_stays_by_a_former_representative(world: World):
    co = co_coordinator(world)
    Decision.objects.all().delete()
    proposal_services.proposal_decide(proposal=world.proposal, by=co, minutes="Agreed")
    logged_in(co).post(DELETE, {"password": PASSWORD})
    decision = Decision.objects.get(proposal=world.proposal)
    assert decision.minutes == "Agreed" and decision.decided_by_id == co.pk
    assert not ClusterRole.objects.filter(user=co).exists()
    page = world.client("coordinator").get(
        reverse("planning:proposal-detail", args=[world.cluster.slug, world.proposal.pk])
    )
    text = page.content.decode()
    assert "a former representative of Lead Foundation" in text
    assert "Carla" not in text and "co@example.org" not in text


def test_a_coordinator_of_no_entity_is_a_former_coordinator(world: World):
    co = co_coordinator(world)
    ActorUser.objects.filter(user=co).delete()
    logged_in(co).post(DELETE, {"password": PASSWORD})
    assert User.objects.get(pk=co.pk).display_name == "a former coordinator"


def test_the_audit_log_and_its_spreadsheet_keep_the_entries_without_the_name(world: World):
    co = co_coordinator(world)
    coordinator = world.users["coordinator"]
    # An invitation to the person, in the log with their address, accepted by them.
    invitation = InvitationFactory(
        cluster=world.cluster, email="co@example.org", invited_by=coordinator
    )
    audit(
        cluster=world.cluster,
        by=coordinator,
        action=AuditEntry.Action.INVITATION_SENT,
        target=invitation,
        email=invitation.email,
        note="for Carla Coordinadora",
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        status=Invitation.Status.ACCEPTED, accepted_by=co, closed_at=timezone.now()
    )
    audit(
        cluster=world.cluster,
        by=co,
        action=AuditEntry.Action.PROPOSAL_CHANGED,
        target=world.proposal,
    )
    logged_in(co).post(DELETE, {"password": PASSWORD})

    assert AuditEntry.objects.filter(by=co, action="proposal_changed").exists()
    for entry in AuditEntry.objects.all():
        text = json.dumps(entry.data) + entry.target
        assert "co@example.org" not in text and "Carla Coordinadora" not in text
    assert Invitation.objects.get(pk=invitation.pk).email == ""
    coordinator_client = world.client("coordinator")
    log = coordinator_client.get(reverse("clusters:audit-log", args=[world.cluster.slug]))
    text = log.content.decode()
    assert "a former representative of Lead Foundation" in text
    assert "co@example.org" not in text and "Carla" not in text
    csv = coordinator_client.get(reverse("clusters:audit-export", args=[world.cluster.slug]))
    text = csv.content.decode()
    assert "a former representative of Lead Foundation" in text
    assert "co@example.org" not in text and "Carla" not in text
    members = coordinator_client.get(reverse("clusters:members", args=[world.cluster.slug]))
    assert "co@example.org" not in members.content.decode()


def test_deleting_twice_is_harmless(world: World):
    client = world.client("representative")
    client.post(DELETE, {"password": PASSWORD})
    response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 302  # logged out: to the login page
    assert User.objects.filter(pk=world.users["representative"].pk, erased_at__isnull=False)


def test_the_privacy_page_is_public_and_linked(world: World, client):
    page = client.get(reverse("privacy")).content.decode()
    assert "What is stored, and why" in page and "For how long" in page
    assert "14 days" in page
    assert reverse("privacy") in client.get(reverse("account_login")).content.decode()
    settings_page = world.client("member").get(reverse("preferences")).content.decode()
    for url in (reverse("privacy"), DOWNLOAD, DELETE):
        assert url in settings_page


def test_the_invitation_expiry_the_page_states_is_the_settings(world: World, client, settings):
    settings.INVITATION_VALID_DAYS = 30
    assert "30 days" in client.get(reverse("privacy")).content.decode()


def test_the_download_holds_the_survey_answers_the_person_gave(world: World):
    from tests.health.survey import answer_all, make_round

    round = make_round(world.cluster, world.users["coordinator"])
    answer_all(round, world.users["member"], world.member_membership, 3, "Often enough")
    data = download(world, "member")
    answers = data["survey_answers"]
    assert len(answers) == round.questions.filter(audience="partners").count()
    assert {(a["entity"], a["answer"], a["comment"]) for a in answers} == {
        ("Neighbours Association", 3, "Often enough")
    }
    # The coordinator prepared the round; the member did not.
    assert data["survey_rounds_prepared"] == []
    assert [r["year"] for r in download(world, "coordinator")["survey_rounds_prepared"]] == [
        round.year
    ]


def test_the_download_holds_the_strategies_scores_and_questions_the_person_wrote(world: World):
    from coherence import services
    from tests.coherence.test_services import fields

    member, coordinator = world.users["member"], world.users["coordinator"]
    strategy = services.strategy_create(membership=world.member_membership, by=member, **fields())
    objective = world.indicator.objective
    score = services.score_set(
        strategy=strategy,
        objective=objective,
        membership=world.member_membership,
        by=member,
        value=-1,
        reason="It delays rehousing",
    )
    lead = world.cluster.memberships.get(actor=world.lead)
    services.score_question(score=score, membership=lead, by=coordinator, comment="Why not -2?")
    data = download(world, "member")
    assert [s["title"] for s in data["strategies_recorded"]] == [strategy.title]
    assert [(s["objective"], s["score"], s["reason"]) for s in data["coherence_scores_given"]] == [
        (objective.code, -1, "It delays rehousing")
    ]
    assert data["coherence_questions_asked"] == []
    asked = download(world, "coordinator")["coherence_questions_asked"]
    assert [(q["entity"], q["comment"]) for q in asked] == [("Lead Foundation", "Why not -2?")]
