"""The people of an entity, in a real browser, in Catalan and in English (issue 15,
point 2).

The administrator of a member entity opens its profile, invites a colleague; the
colleague opens the emailed link, creates an account and lands on the entity's page as
its representative. The administrator then removes them, confirming on a page that says
what happens, and the cluster's log records both.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from actors.models import ActorUser
from clusters.models import AuditEntry, Membership
from tests.e2e.conftest import skip_without_chromium
from tests.e2e.pages import alert_messages, log_in, log_out, status_messages, submit, t
from tests.factories import (
    ActorFactory,
    ActorUserFactory,
    ClusterFactory,
    MembershipFactory,
    UserFactory,
)

skip_without_chromium()

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "correct-horse-battery-staple-91"
COLLEAGUE = "carla.colleague@example.org"
LINK_RE = re.compile(r"https?://\S+/invitations/[^/\s]+/")


@pytest.fixture
def entity(db):
    admin = UserFactory(email="jordi@example.org", first_name="Jordi", last_name="Serra")
    actor = ActorFactory(name="Associació Veïnal de Nou Barris")
    ActorUserFactory(user=admin, actor=actor, role=ActorUser.Role.ADMIN)
    cluster = ClusterFactory(name="Clúster pel dret a l'habitatge", slug="habitatge")
    MembershipFactory(cluster=cluster, actor=actor, role=Membership.Role.MEMBER)
    return admin, actor, cluster


@pytest.mark.parametrize("language", ["ca", "en"])
def test_an_administrator_invites_a_colleague_and_later_removes_them(
    language, entity, live_server, site_url, new_page, shot
):
    admin, actor, cluster = entity
    page = new_page(language)
    log_in(page, live_server.url, admin.email, language, lambda p: shot(p, f"people-{language}-01"))

    # 1. The entity's profile, from the directory, shows its people to its administrator.
    page.goto(f"{live_server.url}{actor.get_absolute_url()}")
    people = page.locator("#people")
    expect(people.get_by_role("heading", level=2)).to_have_text(t(language, "People of the entity"))
    expect(people).to_contain_text(admin.email)
    shot(page, f"people-{language}-02-profile")

    # 2. Invites a colleague as representative.
    people.get_by_role("link", name=t(language, "Invite a person")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "Invite a person to %(entity)s", entity=actor.name)
    )
    shot(page, f"people-{language}-03-invite")
    page.locator("input[name=person-email]").fill(COLLEAGUE)
    page.locator("select[name=person-role]").select_option(ActorUser.Role.REPRESENTATIVE)
    submit(page, page.get_by_role("button", name=t(language, "Send the invitation")))
    expect(status_messages(page)).to_have_text(
        t(
            language,
            "An invitation to represent %(entity)s has been sent to %(email)s.",
            entity=actor.name,
            email=COLLEAGUE,
        )
    )
    expect(people).to_contain_text(COLLEAGUE)
    shot(page, f"people-{language}-04-invited")
    [email] = mail.outbox
    assert email.subject == t(language, "Invitation to act for %(entity)s", entity=actor.name)
    link = LINK_RE.findall(email.body)[0]
    log_out(page, language)
    shot(page, f"people-{language}-05-logged-out")

    # 3. The colleague opens the link, creates an account, and represents the entity.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "Invitation to an entity")
    )
    expect(page.locator(".card").first).to_contain_text(actor.name)
    shot(page, f"people-{language}-06-signup")
    page.locator("input[name=first_name]").fill("Carla")
    page.locator("input[name=password1]").fill(NEW_PASSWORD)
    page.locator("input[name=password2]").fill(NEW_PASSWORD)
    submit(page, page.get_by_role("button", name=t(language, "Create my account and join")))
    expect(page).to_have_url(f"{live_server.url}{actor.get_absolute_url()}")
    expect(status_messages(page)).to_have_text(
        t(language, "Welcome! You now represent %(entity)s.", entity=actor.name)
    )
    # A representative does not see the list of people.
    expect(page.locator("#people")).to_have_count(0)
    shot(page, f"people-{language}-07-welcome")
    link_row = actor.people.get(user__email=COLLEAGUE)
    assert link_row.role == ActorUser.Role.REPRESENTATIVE
    log_out(page, language)
    shot(page, f"people-{language}-08-logged-out")

    # 4. The administrator removes them, after a page that says what happens.
    log_in(page, live_server.url, admin.email, language, lambda p: shot(p, f"people-{language}-09"))
    page.goto(f"{live_server.url}{actor.get_absolute_url()}")
    shot(page, f"people-{language}-10-profile")
    page.locator("#people").get_by_role(
        "link", name=t(language, "Remove %(person)s", person="Carla")
    ).click()
    expect(page).to_have_url(
        f"{live_server.url}"
        f"{reverse('clusters:entity-person-remove', args=[actor.slug, link_row.pk])}"
    )
    expect(page.locator("main")).to_contain_text(cluster.name)
    shot(page, f"people-{language}-11-confirm")
    submit(page, page.get_by_role("button", name=t(language, "Remove the person")))
    expect(status_messages(page)).to_have_text(
        t(language, "%(person)s no longer represents %(entity)s.", person="Carla", entity=actor)
    )
    expect(page.locator("#people")).not_to_contain_text(COLLEAGUE)
    shot(page, f"people-{language}-12-removed")

    # 5. The last administrator cannot remove themselves.
    page.locator("#people").get_by_role(
        "link", name=t(language, "Remove %(person)s", person=admin.display_name)
    ).click()
    shot(page, f"people-{language}-13-confirm-self")
    submit(page, page.get_by_role("button", name=t(language, "Remove the person")))
    expect(alert_messages(page)).to_contain_text(admin.display_name)
    expect(page.locator("#people")).to_contain_text(admin.email)
    shot(page, f"people-{language}-14-refused")

    actions = list(cluster.audit.values_list("action", flat=True))
    assert AuditEntry.Action.REPRESENTATIVE_INVITED in actions
    assert AuditEntry.Action.REPRESENTATIVE_JOINED in actions
    assert AuditEntry.Action.REPRESENTATIVE_REMOVED in actions
