"""A person's own data in a real browser, in Catalan and in English: a representative
downloads everything the platform holds about them from their settings, then deletes
their account; the coordinator then finds their comment and their entity's position on
the proposal, by "a former representative" of the entity."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from actors.models import ActorUser
from clusters.models import ClusterRole, Membership
from planning import proposal_services
from tests.e2e.conftest import skip_without_chromium
from tests.e2e.pages import log_in, status_messages, submit, t
from tests.factories import (
    PASSWORD,
    ActorFactory,
    ActorUserFactory,
    ClusterFactory,
    ClusterRoleFactory,
    MembershipFactory,
    UserFactory,
)

skip_without_chromium()

pytestmark = pytest.mark.e2e

LANGUAGES = ["ca", "en"]


@pytest.fixture
def deliberation(db):
    """An open proposal on which the representative of a member entity has commented and
    taken the entity's position."""
    coordinator = UserFactory(email="coordinator@example.org", first_name="Montserrat")
    lead = ActorFactory(name="Fundació Habitatge Digne")
    ActorUserFactory(user=coordinator, actor=lead, role=ActorUser.Role.ADMIN)
    member = ActorFactory(name="Associació Veïnal del Turó")
    ActorUserFactory(actor=member, role=ActorUser.Role.ADMIN)
    person = UserFactory(email="jordi@example.org", first_name="Jordi", last_name="Puig")
    ActorUserFactory(user=person, actor=member, role=ActorUser.Role.REPRESENTATIVE)
    cluster = ClusterFactory(name="Clúster pel dret a l'habitatge", slug="habitatge")
    ClusterRoleFactory(cluster=cluster, user=coordinator, role=ClusterRole.Role.COORDINATOR)
    MembershipFactory(cluster=cluster, actor=lead, role=Membership.Role.LEAD)
    membership = MembershipFactory(cluster=cluster, actor=member)
    proposal = proposal_services.proposal_create(
        membership=membership,
        by=person,
        title="Fons d'emergència habitacional",
        description="Un fons per a les famílies desnonades sense alternativa",
    )
    proposal_services.proposal_submit(proposal=proposal, by=person)
    proposal = proposal_services.proposal_open(
        proposal=proposal, by=coordinator, closes_at=timezone.now() + timedelta(days=7)
    )
    proposal_services.comment_add(
        proposal=proposal, by=person, membership=membership, body="Podem acollir dues famílies"
    )
    proposal_services.stance_take(
        proposal=proposal, membership=membership, by=person, position="agree"
    )
    return cluster, proposal, person, coordinator, member


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_downloads_their_data_then_deletes_their_account(
    language, deliberation, live_server, new_page, shot
):
    cluster, proposal, person, coordinator, member = deliberation
    base = live_server.url
    page = new_page(language)
    log_in(page, base, person.email, language, lambda p: shot(p, f"own-data-{language}-01-login"))

    # 1. From the name in the header to their settings, where their data is.
    page.locator("header .user-name").click()
    expect(page).to_have_url(f"{base}{reverse('preferences')}")
    shot(page, f"own-data-{language}-02-settings")

    # 2. The download: one JSON file, dated, with their account and what they wrote.
    with page.expect_download() as info:
        page.get_by_role("link", name=t(language, "Download your data (JSON)")).click()
    download = info.value
    assert download.suggested_filename == f"my-data-{timezone.localdate():%Y-%m-%d}.json"
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == "jordi@example.org"
    assert [c["comment"] for c in data["comments"]] == ["Podem acollir dues famílies"]
    assert [p["position"] for p in data["positions"]] == ["agree"]
    assert "coordinator@example.org" not in json.dumps(data)

    # 3. The confirmation page says what goes and what stays, and asks for the password.
    page.get_by_role("link", name=t(language, "Delete your account")).click()
    expect(page).to_have_url(f"{base}{reverse('account-delete')}")
    former = t(language, "a former representative of %(entity)s", entity=member.name)
    expect(page.locator("main")).to_contain_text(former)
    shot(page, f"own-data-{language}-03-delete-confirmation")
    page.locator("input[name=password]").fill("not-my-password")
    submit(page, page.get_by_role("button", name=t(language, "Delete my account")))
    expect(page.locator(".messages [role=alert]")).to_contain_text(
        t(language, "The password is not right: your account has not been deleted.")
    )
    page.locator("input[name=password]").fill(PASSWORD)
    submit(page, page.get_by_role("button", name=t(language, "Delete my account")))

    # 4. Logged out, on the privacy page.
    expect(page).to_have_url(f"{base}{reverse('privacy')}")
    expect(status_messages(page)).to_have_text(t(language, "Your account has been deleted."))
    expect(page.locator("header").get_by_role("link", name=t(language, "Log in"))).to_be_visible()
    shot(page, f"own-data-{language}-04-privacy-after-deletion")
    assert User.objects.get(pk=person.pk).is_erased

    # 5. The coordinator finds the entity's position and the comment, without the name.
    other = new_page(language)
    log_in(other, base, coordinator.email, language, lambda p: shot(p, f"own-data-{language}-05"))
    other.goto(f"{base}{reverse('planning:proposal-detail', args=[cluster.slug, proposal.pk])}")
    main = other.locator("main")
    expect(main).to_contain_text("Podem acollir dues famílies")
    expect(main).to_contain_text(former)
    expect(main).not_to_contain_text("Jordi")
    shot(other, f"own-data-{language}-06-proposal-after-deletion")
