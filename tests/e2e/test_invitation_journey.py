"""The invitation journey in a real browser, in Catalan and in English.

A coordinator logs in, invites a new entity from the members page; the invited person
opens the emailed link, creates an account and lands in the cluster. Then the links that
must not work: an expired one, and one already used.

Texts are looked up through gettext in the page's language, so the assertions hold
whether or not the project's own strings are translated yet; what must already be in
Catalan (allauth's login page, the lang attribute, the language selector) is asserted
literally.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from actors.models import Actor, ActorUser
from clusters import services
from clusters.models import ClusterRole, Invitation, Membership
from clusters.tokens import make_invitation_token
from core.words import de
from tests.e2e.conftest import skip_without_chromium
from tests.e2e.pages import status_messages, t
from tests.factories import PASSWORD as COORDINATOR_PASSWORD
from tests.factories import (
    ActorFactory,
    ActorUserFactory,
    ClusterFactory,
    ClusterRoleFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)

skip_without_chromium()

pytestmark = pytest.mark.e2e

LANGUAGES = ["ca", "en"]
NEW_PASSWORD = "correct-horse-battery-staple-91"
INVITEE_EMAIL = "nuria.invited@example.org"
NEW_ENTITY = "Cooperativa La Teixidora"
LINK_RE = re.compile(r"https?://\S+/invitations/[^/\s]+/")


def expect_language(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#language-select")).to_have_value(language)


@pytest.fixture
def coordinated_cluster(db):
    """A cluster whose coordinator administers the lead entity."""
    coordinator = UserFactory(
        email="coordinator@example.org", first_name="Montserrat", last_name="Roig"
    )
    lead = ActorFactory(name="Fundació Habitatge Digne")
    ActorUserFactory(user=coordinator, actor=lead, role=ActorUser.Role.ADMIN)
    cluster = ClusterFactory(
        name="Clúster pel dret a l'habitatge",
        slug="habitatge",
        common_goal="Adequate housing for every family in the neighbourhood.",
    )
    ClusterRoleFactory(cluster=cluster, user=coordinator, role=ClusterRole.Role.COORDINATOR)
    MembershipFactory(cluster=cluster, actor=lead, role=Membership.Role.LEAD)
    return cluster, coordinator, lead


@pytest.mark.parametrize("language", LANGUAGES)
def test_invited_entity_joins_through_the_emailed_link(
    language, coordinated_cluster, live_server, site_url, new_page, shot
):
    cluster, coordinator, lead = coordinated_cluster
    page = new_page(language)

    # 1. The coordinator logs in through the real login page, in their language.
    login_path = reverse("account_login")
    page.goto(f"{live_server.url}{login_path}")
    expect_language(page, language)
    # allauth's own page says "Sign In", the project's override "Log in"; in Catalan both
    # read "Inicia la sessió", which proves the page really is in Catalan.
    login_heading = "|".join(re.escape(t(language, text)) for text in ("Sign In", "Log in"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(f"^({login_heading})$"))
    if language == "ca":
        expect(page.get_by_role("heading", level=1)).to_have_text("Inicia la sessió")
    shot(page, f"{language}-01-login")
    login_form = page.locator(f"main form[action='{login_path}']")
    login_form.locator("input[name=login]").fill(coordinator.email)
    login_form.locator("input[name=password]").fill(COORDINATOR_PASSWORD)
    login_form.locator("button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "My clusters"))
    expect_language(page, language)
    shot(page, f"{language}-02-home")

    # 2. From their clusters to the members page of this one.
    page.get_by_role("link", name=cluster.name).click()
    expect(page).to_have_url(f"{live_server.url}/c/{cluster.slug}/")
    page.locator(".cluster-nav").get_by_role(
        "link", name=t(language, "Members and invitations")
    ).click()
    expect(page).to_have_url(f"{live_server.url}/c/{cluster.slug}/members/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "Members and invitations")
    )
    expect(page.locator("table").first).to_contain_text(lead.name)
    shot(page, f"{language}-03-members")

    # 3. The invitation for a new entity.
    form = page.locator(
        f"form[action='{reverse('clusters:invitation-create', args=[cluster.slug])}']"
    )
    form.locator("input[name=email]").fill(INVITEE_EMAIL)
    form.locator("input[name=actor_name]").fill(NEW_ENTITY)
    form.locator("select[name=actor_kind]").select_option(Actor.Kind.COMMUNITY_GROUP)
    form.locator("select[name=role]").select_option(Membership.Role.MEMBER)
    form.get_by_role("button", name=t(language, "Send the invitation")).click()

    expect(page).to_have_url(f"{live_server.url}/c/{cluster.slug}/members/")
    expect(status_messages(page)).to_have_text(
        t(
            language,
            "An invitation has been sent to %(email)s for %(entity)s.",
            email=INVITEE_EMAIL,
            entity=NEW_ENTITY,
        )
    )
    pending = page.locator("section[aria-labelledby=pending-title] tbody tr")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text(NEW_ENTITY)
    expect(pending).to_contain_text(INVITEE_EMAIL)
    shot(page, f"{language}-04-invitation-sent")

    # 4. The email, in the language the invitation was sent in, with a link to this site.
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [INVITEE_EMAIL]
    assert email.subject == t(
        language, "Invitation to join %(de_cluster)s", de_cluster=de(cluster.name, language)
    )
    assert NEW_ENTITY in email.body
    assert cluster.name in email.body
    assert coordinator.display_name in email.body
    assert t(language, "To accept, open this link, then create your account or log in:") in (
        email.body
    )
    links = LINK_RE.findall(email.body)
    assert len(links) == 1, email.body
    link = links[0]
    assert link.startswith(f"{live_server.url}/invitations/")
    assert Invitation.objects.get().language == language

    # 5. The coordinator logs out with the button in the header.
    logout_form = page.locator(f"header form[action='{reverse('account_logout')}']")
    logout_form.get_by_role("button").click()
    expect(page.locator("header").get_by_role("link", name=t(language, "Log in"))).to_be_visible()
    expect(logout_form).to_have_count(0)
    shot(page, f"{language}-05-logged-out")

    # 6. The invited person opens the link and sees what they are invited to.
    response = page.goto(link)
    assert response is not None and response.status == 200
    expect_language(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "Invitation to a cluster")
    )
    summary = page.locator(".card").first
    expect(summary).to_contain_text(cluster.name)
    expect(summary).to_contain_text(NEW_ENTITY)
    expect(summary).to_contain_text(coordinator.display_name)
    expect(page.locator("#invited-email")).to_have_value(INVITEE_EMAIL)
    shot(page, f"{language}-06-signup")

    # 7. Creates the account and joins.
    page.locator("input[name=first_name]").fill("Núria")
    page.locator("input[name=last_name]").fill("Puig i Ferrer")
    page.locator("input[name=password1]").fill(NEW_PASSWORD)
    page.locator("input[name=password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name=t(language, "Create my account and join")).click()

    # 8. The cluster's overview: welcome message, the new entity among the members.
    expect(page).to_have_url(f"{live_server.url}/c/{cluster.slug}/")
    expect_language(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text(cluster.name)
    expect(status_messages(page)).to_have_text(
        t(
            language,
            "Welcome! %(entity)s is now part of %(de_cluster)s.",
            entity=NEW_ENTITY,
            de_cluster=de(cluster.name, language),
        )
    )
    # Exact names: each voting entity also has a "Strategies of <entity>" link beside it.
    members = page.locator("section[aria-labelledby=members-title]")
    expect(members.get_by_role("link", name=NEW_ENTITY, exact=True)).to_be_visible()
    expect(members.get_by_role("link", name=lead.name, exact=True)).to_be_visible()
    expect(
        members.get_by_role("link", name=t(language, "Strategies of %(entity)s", entity=NEW_ENTITY))
    ).to_be_visible()
    expect(members).to_contain_text(t(language, "Member"))
    expect(page.locator("header .user-name")).to_have_text("Núria Puig i Ferrer")
    shot(page, f"{language}-07-welcome")

    # What the journey left behind.
    invited = User.objects.get(email=INVITEE_EMAIL)
    assert invited.language == language
    assert invited.check_password(NEW_PASSWORD)
    entity = Actor.objects.get(name=NEW_ENTITY)
    assert entity.kind == Actor.Kind.COMMUNITY_GROUP
    assert ActorUser.objects.filter(user=invited, actor=entity, role=ActorUser.Role.ADMIN).exists()
    assert cluster.memberships.active().get(actor=entity).role == Membership.Role.MEMBER
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED


def open_unusable_link(page: Page, live_server, invitation: Invitation, language: str) -> None:
    path = reverse("clusters:invitation-accept", args=[make_invitation_token(invitation)])
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None and response.status == 410
    expect_language(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "This invitation cannot be used")
    )
    # Nothing to fill in: no account form on a dead link.
    expect(page.locator("input[name=password1]")).to_have_count(0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_expired_link_cannot_be_used(language, coordinated_cluster, live_server, new_page, shot):
    cluster, coordinator, _lead = coordinated_cluster
    invitation = InvitationFactory(
        cluster=cluster,
        invited_by=coordinator,
        language=language,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    page = new_page(language)

    open_unusable_link(page, live_server, invitation, language)
    expect(page.get_by_role("alert")).to_have_text(
        t(
            language,
            "This invitation has expired. Ask the cluster's coordinator to send it again.",
        )
    )
    shot(page, f"{language}-expired")
    assert not User.objects.filter(email=invitation.email).exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_link_already_used_says_so(language, coordinated_cluster, live_server, new_page, shot):
    cluster, coordinator, _lead = coordinated_cluster
    invitation = InvitationFactory(cluster=cluster, invited_by=coordinator, language=language)
    invited = UserFactory(email=invitation.email)
    services.invitation_accept(invitation=invitation, user=invited)
    page = new_page(language)

    open_unusable_link(page, live_server, invitation, language)
    expect(page.get_by_role("alert")).to_have_text(
        t(language, "This invitation has already been used.")
    )
    shot(page, f"{language}-reused")
    assert cluster.memberships.active().filter(actor__name=invitation.actor_name).count() == 1
