"""Inviting a cluster's entities from a file, in a real browser, in Catalan (issue 15,
point 14).

The coordinator goes from the members page to the import, uploads a file with mistakes
and sees each bad row and why (nobody invited), then the corrected file: the entities are
invited, the one already invited is reported, and their emails leave.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext
from playwright.sync_api import expect

from actors.models import ActorUser
from clusters.models import ClusterRole, Membership
from tests.e2e.conftest import skip_without_chromium
from tests.e2e.pages import cluster_bar, log_in, submit, t
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

LANGUAGE = "ca"
HEADER = "email,entity,kind,role,language"
BAD = "\r\n".join(
    [
        HEADER,
        "banc@example.org,Banc del Temps,ngo,member,ca",
        "not-an-address,Casal Jove,ngo,member,ca",
        "escola@example.org,Escola Bressol,school,member,ca",
        "banc@example.org,Banc del Temps Dos,ngo,member,es",
    ]
)
GOOD = "\r\n".join(
    [
        HEADER,
        "banc@example.org,Banc del Temps,ngo,member,ca",
        "casal@example.org,Casal Jove,community_group,observer,es",
        "pending@example.org,Coral del Barri,ngo,,",
    ]
)


@pytest.fixture
def forming_cluster(db):
    coordinator = UserFactory(email="coordinator@example.org", first_name="Núria")
    lead = ActorFactory(name="Fundació Llar Solidària")
    ActorUserFactory(user=coordinator, actor=lead, role=ActorUser.Role.ADMIN)
    cluster = ClusterFactory(name="Clúster de Nou Barris", slug="nou-barris")
    ClusterRoleFactory(cluster=cluster, user=coordinator, role=ClusterRole.Role.COORDINATOR)
    MembershipFactory(cluster=cluster, actor=lead, role=Membership.Role.LEAD)
    InvitationFactory(cluster=cluster, email="pending@example.org", actor_name="Coral")
    return cluster, coordinator


def upload(page, content: str) -> None:
    page.locator("input[name=file]").set_input_files(
        files=[{"name": "entitats.csv", "mimeType": "text/csv", "buffer": content.encode()}]
    )
    submit(page, page.get_by_role("button", name=t(LANGUAGE, "Send the invitations")))


def test_a_coordinator_invites_the_entities_of_a_file(
    forming_cluster, live_server, site_url, new_page, shot
):
    cluster, coordinator = forming_cluster
    page = new_page(LANGUAGE)
    log_in(page, live_server.url, coordinator.email, LANGUAGE, lambda p: shot(p, "bulk-01"))

    page.goto(f"{live_server.url}{cluster.get_absolute_url()}")
    shot(page, "bulk-02-overview")
    cluster_bar(page).get_by_role("link", name=t(LANGUAGE, "Members and invitations")).click()
    shot(page, "bulk-03-members")
    page.get_by_role("link", name=t(LANGUAGE, "Invite them from a CSV or XLSX file")).click()
    expect(page).to_have_url(
        f"{live_server.url}{reverse('clusters:invitation-import', args=[cluster.slug])}"
    )
    shot(page, "bulk-04-import")

    # A file with mistakes: every bad row, and nobody invited.
    upload(page, BAD)
    alert = page.get_by_role("alert").filter(
        has_text=t(LANGUAGE, "The file was refused: nobody has been invited.")
    )
    expect(alert).to_be_visible()
    expect(alert.locator("li")).to_have_count(3)
    expect(alert).to_contain_text("not-an-address")
    expect(alert).to_contain_text("school")
    expect(alert).to_contain_text(t(LANGUAGE, "Row %(row)s already invites this address.", row=2))
    shot(page, "bulk-05-refused")
    assert mail.outbox == []
    assert cluster.invitations.count() == 1

    # The corrected file: two invited, the address already invited reported.
    upload(page, GOOD)
    outcome = page.locator("section[aria-labelledby=outcome-title]")
    with translation.override(LANGUAGE):
        sent = ngettext("%(counter)s invitation sent", "%(counter)s invitations sent", 2)
    expect(outcome.get_by_role("heading", level=2)).to_have_text(sent % {"counter": 2})
    expect(outcome).to_contain_text("Banc del Temps")
    expect(outcome).to_contain_text(
        t(LANGUAGE, "%(email)s is already invited.", email="pending@example.org")
    )
    shot(page, "bulk-06-sent")
    assert sorted(m.to[0] for m in mail.outbox) == ["banc@example.org", "casal@example.org"]
    assert cluster.invitations.pending().count() == 3
