"""Recording a decision and mending a locked period, in a real browser.

The coordinator fills in the decide form of a proposal in its second round, sees the
outcome it will record (the tally, the rule, the reason in words) and confirms it; the
decision page then shows both rounds with their positions and reasons. Then the
coordinator locks a reporting period on the page that says what locking does, and reopens
it with a reason: the member entity's people are emailed.

Every page is checked by axe-core and screenshotted at 1280 px and 390 px in
/tmp/e2e-shots/decision-*.png and /tmp/e2e-shots/reopen-*.png.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from clusters.models import AuditEntry
from indicators import services as indicator_services
from planning import proposal_services
from tests.clock import days
from tests.conftest import World
from tests.e2e.conftest import skip_without_chromium
from tests.e2e.pages import alert_messages, log_in, status_messages, submit, t

skip_without_chromium()

pytestmark = pytest.mark.e2e

LANGUAGE = "en"
BLOCK = "The rota has no lawyer on Fridays yet."
DISAGREE = "We would rather wait for the council's own service."


def both_widths(page: Page, shot, name: str) -> None:
    shot(page, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 800})


def in_its_second_round(world: World) -> None:
    """Blocked in round 1 under "consensus, then qualified majority", open again."""
    world.cluster.decision_rule = "consensus_then_majority"
    world.cluster.save()
    coordinator = world.users["coordinator"]
    lead = world.cluster.memberships.get(role="lead")
    proposal = world.proposal

    def take(membership, by, position, reason=""):
        proposal_services.stance_take(
            proposal=proposal, membership=membership, by=by, position=position, reason=reason
        )

    take(world.member_membership, world.users["member"], "agree")
    take(lead, coordinator, "block", BLOCK)
    proposal_services.proposal_decide(proposal=proposal, by=coordinator, minutes="Blocked")
    proposal_services.proposal_second_round(
        proposal=proposal, by=coordinator, closes_at=proposal.closes_at
    )
    take(world.member_membership, world.users["member"], "agree")
    take(lead, coordinator, "disagree", DISAGREE)


def test_the_decision_is_previewed_confirmed_and_shown_with_both_rounds(
    world: World, live_server, new_page, shot
):
    in_its_second_round(world)
    page = new_page(LANGUAGE)
    log_in(
        page,
        live_server.url,
        "coordinator@example.org",
        LANGUAGE,
        lambda p: shot(p, "decision-00-login"),
    )
    detail = reverse("planning:proposal-detail", args=[world.cluster.slug, world.proposal.pk])
    page.goto(f"{live_server.url}{detail}")
    shot(page, "decision-01-proposal")
    page.locator("textarea[name=minutes]").fill("Voted at the May assembly.")
    page.locator("input[name=review_date]").fill(days(90).isoformat())
    submit(page, page.get_by_role("button", name=t(LANGUAGE, "See the outcome")))

    # The preview: the outcome in words, and nothing recorded yet.
    expect(page.get_by_role("heading", level=1)).to_have_text(t(LANGUAGE, "Confirm the decision"))
    reason = page.locator(".decision-reason")
    expect(reason).to_contain_text(
        "1 agree of the 2 entities that may take a position; the qualified majority is 67 %"
    )
    expect(reason).to_contain_text("The qualified majority is not reached: it is rejected.")
    expect(page.locator("main")).to_contain_text("Voted at the May assembly.")
    assert world.proposal.decisions.count() == 1
    both_widths(page, shot, "decision-02-preview")

    submit(page, page.get_by_role("button", name=t(LANGUAGE, "Confirm and record the decision")))
    expect(status_messages(page)).to_have_text(t(LANGUAGE, "The decision has been recorded."))
    assert world.proposal.decisions.count() == 2

    # The decision page: both rounds, the rule, the reason, the review date, the minutes.
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Round 2 · Decision and positions")).to_be_visible()
    expect(main.get_by_role("heading", name="Round 1 · Decision and positions")).to_be_visible()
    expect(main).to_contain_text(BLOCK)
    expect(main).to_contain_text(DISAGREE)
    expect(main).to_contain_text(
        "Consensus, then qualified majority (quorum 50 %, qualified majority 67 %)"
    )
    expect(main).to_contain_text(date_format(days(90), "DATE_FORMAT"))
    expect(main).to_contain_text("Voted at the May assembly.")
    both_widths(page, shot, "decision-03-decided")

    # Going back and confirming again records nothing more.
    page.go_back()
    submit(page, page.get_by_role("button", name=t(LANGUAGE, "Confirm and record the decision")))
    expect(alert_messages(page)).to_contain_text("already been decided")
    assert world.proposal.decisions.count() == 2


def test_a_locked_period_is_reopened_with_a_reason(
    world: World, live_server, site_url, new_page, shot
):
    indicator_services.report_validate(report=world.report, by=world.users["coordinator"])
    page = new_page(LANGUAGE)
    log_in(
        page,
        live_server.url,
        "coordinator@example.org",
        LANGUAGE,
        lambda p: shot(p, "reopen-00-login"),
    )
    periods = reverse("indicators:period-list", args=[world.cluster.slug])
    page.goto(f"{live_server.url}{periods}")
    shot(page, "reopen-01-periods")

    # Locking asks first, on a page that says what it does.
    page.get_by_role("link", name=t(LANGUAGE, "Lock"), exact=True).click()
    expect(page.locator("main")).to_contain_text(
        "No report of this period can be saved, submitted, validated or returned any more."
    )
    both_widths(page, shot, "reopen-02-lock-confirm")
    submit(page, page.get_by_role("button", name=t(LANGUAGE, "Lock the period")))
    expect(status_messages(page)).to_have_count(1)
    shot(page, "reopen-03-locked")
    world.period.refresh_from_db()
    assert world.period.is_locked

    # Reopening needs a reason, and tells the entities with reports in the period.
    page.get_by_role("link", name=t(LANGUAGE, "Reopen"), exact=True).click()
    expect(page.locator("main")).to_contain_text("Neighbours Association")
    both_widths(page, shot, "reopen-04-form")
    mail.outbox.clear()
    submit(page, page.get_by_role("button", name=t(LANGUAGE, "Reopen the period")))
    expect(page.locator("main")).to_contain_text(t(LANGUAGE, "This field is required."))
    shot(page, "reopen-05-no-reason")
    page.get_by_label(t(LANGUAGE, "Why it is reopened")).fill("A hearing was counted twice.")
    submit(page, page.get_by_role("button", name=t(LANGUAGE, "Reopen the period")))
    expect(status_messages(page)).to_contain_text("is open again")
    shot(page, "reopen-06-reopened")
    world.period.refresh_from_db()
    assert not world.period.is_locked
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PERIOD_REOPENED).count() == 1
    assert {m.to[0] for m in mail.outbox} == {"member@example.org", "representative@example.org"}
    assert all("A hearing was counted twice." in m.body for m in mail.outbox)
