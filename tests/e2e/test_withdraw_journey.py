"""A proposing entity withdraws its proposal before the decision, in a real browser.

The member who proposed it opens it, reads what withdrawing does, withdraws it, and sees it
marked withdrawn with nothing left to do on it; the positions already taken stay on the
page. In Catalan and in English; every page is checked by axe-core and screenshotted in
/tmp/e2e-shots/withdraw-*.png.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clusters.models import AuditEntry
from planning import proposal_services
from tests.conftest import World
from tests.e2e.conftest import skip_without_chromium
from tests.e2e.pages import log_in, status_messages, submit, t

skip_without_chromium()

pytestmark = pytest.mark.e2e

REASON = "Ens cal el pressupost municipal abans de decidir-ho."


@pytest.mark.parametrize("language", ["ca", "en"])
def test_the_proposing_entity_withdraws_its_proposal(
    world: World, live_server, new_page, shot, language: str
):
    proposal = world.proposal
    lead = world.cluster.memberships.get(role="lead")
    proposal_services.stance_take(
        proposal=proposal,
        membership=lead,
        by=world.users["coordinator"],
        position="disagree",
        reason=REASON,
    )
    page = new_page(language)
    log_in(
        page,
        live_server.url,
        "member@example.org",
        language,
        lambda p: shot(p, f"withdraw-{language}-00-login"),
    )
    detail = reverse("planning:proposal-detail", args=[world.cluster.slug, proposal.pk])
    page.goto(f"{live_server.url}{detail}")
    main = page.locator("main")
    expect(main).to_contain_text(
        t(
            language,
            "Withdrawing it ends it: the cluster will not decide on it, and the positions "
            "taken stay on record.",
        )
    )
    shot(page, f"withdraw-{language}-01-open")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, f"withdraw-{language}-01-open-390")
    page.set_viewport_size({"width": 1280, "height": 800})

    submit(page, page.get_by_role("button", name=t(language, "Withdraw the proposal")))
    expect(status_messages(page)).to_have_text(
        t(language, "The proposal has been withdrawn: the cluster will not decide on it.")
    )
    expect(main.locator(".badge").first).to_have_text(t(language, "Withdrawn"))
    # Nothing is left to do on it: no withdrawing again, no position to take.
    expect(page.get_by_role("button", name=t(language, "Withdraw the proposal"))).to_have_count(0)
    expect(page.get_by_role("button", name=t(language, "Save the position"))).to_have_count(0)
    # The position already taken stays on record.
    expect(main).to_contain_text(REASON)
    shot(page, f"withdraw-{language}-02-withdrawn")

    proposal.refresh_from_db()
    assert proposal.is_withdrawn
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.PROPOSAL_WITHDRAWN, object_id=proposal.pk
    ).exists()
