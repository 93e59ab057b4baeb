"""Policy coherence in a real browser: a member entity's strategy recorded and scored, a
score questioned and revised, and an incoherence taken up by a proposal.

The Neighbours Association's representative finds the coherence page empty, records a
strategy (its kind, dates in the date pickers, territory, summary, an SDG target found
with the choice filter, status) and scores it on the sheet against the cluster's two
common objectives: −2 against O1 without a reason is refused with the message and nothing
is saved; with a reason, and +1 against O2, it is. The coordinator, for the lead entity,
questions the −2 on the score's page; the representative reads the question and revises
the score to −1 with a new reason, and the score's page shows both values. The coherence
page then draws the heat map (each cell writes its score) and lists the incoherence with
both sides; the coordinator opens a proposal to resolve it from there, the form arrives
prefilled, the draft says which incoherence it resolves; submitted and opened for
positions in the pages, the coherence page shows the proposal open, and once adopted
(through the services, as the decision pages do) "Being addressed". The observer reads
the page in Catalan, on a desk and on a phone 390 px wide: the page does not scroll
sideways (the heat map scrolls in its own box), and offers no "Record a strategy".

Every page is checked by axe-core and photographed in /tmp/e2e-shots/coherence-*.png.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from coherence.models import Score, Strategy
from indicators.models import Objective
from planning import proposal_services
from planning.models import Proposal
from rights.models import SDGTarget
from tests.conftest import World
from tests.e2e.conftest import skip_without_chromium
from tests.e2e.pages import alert_messages, log_in, status_messages, submit, t
from tests.factories import PASSWORD

skip_without_chromium()

pytestmark = pytest.mark.e2e

LANGUAGE = "en"
PHONE = {"width": 390, "height": 844}
TITLE = "Block renovation programme"
SUMMARY = "Renovates the district's oldest blocks, moving their tenants out while it lasts."
FIRST_REASON = "Tenants are moved out during the works with no rehousing guaranteed."
SECOND_REASON = "Rehousing is now offered, but only to tenants with a contract."
RENTS_REASON = "Renovated flats keep their rents for five years."
QUESTION = "The council's protocol rehouses every family moved out: is it −2 still?"


def page_overflow(page: Page) -> int:
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def sheet_row(page: Page, code: str):
    return page.locator("fieldset.sheet-row").filter(has=page.locator("legend", has_text=code))


def test_a_strategy_is_scored_questioned_revised_and_its_incoherence_taken_up(
    catalogue, world: World, live_server, new_page, visits, shot
):
    base = live_server.url
    slug = world.cluster.slug
    coherence = f"{base}{reverse('coherence:coherence', args=[slug])}"
    o1 = world.indicator.objective
    o2 = Objective.objects.create(
        cluster=world.cluster, code="O2", statement="Affordable rents for every family"
    )
    target = SDGTarget.objects.select_related("goal").get(code="11.1")
    with translation.override(LANGUAGE):
        target_label = str(target)

    # 1. The Neighbours Association's representative: an empty page, then a strategy.
    member = new_page(LANGUAGE)
    log_in(member, base, "representative@example.org", LANGUAGE, visits.check)
    member.goto(coherence)
    main = member.locator("main")
    expect(member.get_by_role("heading", level=1)).to_have_text(
        t(LANGUAGE, "Coherence of the members' strategies")
    )
    expect(main).to_contain_text(t(LANGUAGE, "No member entity has recorded a strategy yet."))
    expect(main).to_contain_text(
        t(LANGUAGE, "No incoherence: no strategy in play has a negative score.")
    )
    shot(member, "coherence-01-empty")
    member.get_by_role("link", name=t(LANGUAGE, "Record a strategy")).click()
    expect(member.get_by_role("heading", level=1)).to_have_text(t(LANGUAGE, "Record a strategy"))
    shot(member, "coherence-02-strategy-form")
    form = member.locator("main form")
    form.locator("#id_title").fill(TITLE)
    form.locator("#id_kind").select_option(Strategy.Kind.PROGRAMME.value)
    form.locator("#id_starts_on").fill("2026-01-01")
    form.locator("#id_ends_on").fill("2027-12-31")
    form.locator("#id_territory").fill("Ciutat Vella")
    form.locator("#id_summary").fill(SUMMARY)
    targets = form.locator("#id_sdg_targets")
    targets.get_by_role("searchbox", name=t(LANGUAGE, "Filter the list")).fill("11.1")
    targets.get_by_role("checkbox", name=target_label, exact=True).check()
    expect(targets.locator(".choice-count")).to_have_text("1 chosen")
    form.locator("#id_status").select_option(Strategy.Status.IN_FORCE.value)
    submit(member, form.get_by_role("button", name=t(LANGUAGE, "Save")))
    expect(status_messages(member)).to_have_text(t(LANGUAGE, "The strategy has been saved."))
    strategy = Strategy.objects.get(title=TITLE)
    assert strategy.membership == world.member_membership
    assert strategy.kind == Strategy.Kind.PROGRAMME
    assert str(strategy.starts_on) == "2026-01-01" and str(strategy.ends_on) == "2027-12-31"
    assert list(strategy.sdg_targets.all()) == [target]
    expect(member.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(main).to_contain_text(t(LANGUAGE, "Not scored yet."))
    expect(main).to_contain_text("11.1")
    shot(member, "coherence-03-strategy")

    # The sheet: −2 against O1 without a reason is refused, nothing saved.
    sheet = member.locator("#sheet")
    sheet_row(member, "O1").get_by_role("combobox", name="Score against O1").select_option("-2")
    submit(member, sheet.get_by_role("button", name=t(LANGUAGE, "Save the scores")))
    expect(sheet_row(member, "O1")).to_contain_text(
        t(LANGUAGE, "Say why: a score other than 0 needs a reason.")
    )
    expect(status_messages(member)).to_have_count(0)
    assert not Score.objects.filter(strategy=strategy).exists()
    # What was chosen is still there to complete.
    expect(sheet_row(member, "O1").get_by_role("combobox", name="Score against O1")).to_have_value(
        "-2"
    )
    shot(member, "coherence-04-sheet-refused")
    o1_row, o2_row = sheet_row(member, "O1"), sheet_row(member, "O2")
    o1_row.get_by_role("textbox", name="Reason for the score against O1").fill(FIRST_REASON)
    o2_row.get_by_role("combobox", name="Score against O2").select_option("1")
    o2_row.get_by_role("textbox", name="Reason for the score against O2").fill(RENTS_REASON)
    submit(member, member.get_by_role("button", name=t(LANGUAGE, "Save the scores")))
    expect(status_messages(member)).to_have_text(t(LANGUAGE, "The scores have been saved."))
    score = Score.objects.get(strategy=strategy, objective=o1)
    assert (score.value, score.reason) == (-2, FIRST_REASON)
    assert Score.objects.get(strategy=strategy, objective=o2).value == 1
    scores = member.locator("#scores")
    expect(scores).to_contain_text("−2 Counteracting")
    expect(scores).to_contain_text(FIRST_REASON)
    expect(scores).to_contain_text("+1 Enabling")
    shot(member, "coherence-05-scored")
    # The entity's own coherence profile: its map and each strategy's scores.
    member.locator("main dl").get_by_role("link", name="Neighbours Association").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(
        "Strategies of Neighbours Association"
    )
    expect(member.locator("div.heat-map svg")).to_be_visible()
    expect(member.locator("main table")).to_contain_text(FIRST_REASON)
    shot(member, "coherence-05b-entity")
    member.go_back()

    # 2. The coordinator, for the lead entity, questions the −2 on the score's page.
    coordinator = new_page(LANGUAGE)
    log_in(coordinator, base, "coordinator@example.org", LANGUAGE, visits.check)
    coordinator.goto(f"{base}{strategy.get_absolute_url()}")
    expect(coordinator.locator("#sheet")).to_have_count(0)  # not its entity's to score
    shot(coordinator, "coherence-06-strategy-coordinator")
    coordinator.locator("#scores li.finding", has_text="O1").get_by_role(
        "link", name="1 revision, 0 questions"
    ).click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(f"{TITLE} against O1")
    questions = coordinator.locator("#questions")
    expect(questions).to_contain_text(t(LANGUAGE, "Nobody has questioned this score."))
    shot(coordinator, "coherence-07-score-coordinator")
    questions.get_by_label(t(LANGUAGE, "What you question about this score")).fill(QUESTION)
    submit(coordinator, questions.get_by_role("button", name=t(LANGUAGE, "Send the question")))
    expect(status_messages(coordinator)).to_have_text(
        t(LANGUAGE, "Your question has been sent to the entity.")
    )
    asked = coordinator.locator("#questions blockquote")
    expect(asked).to_have_count(1)
    expect(asked).to_contain_text("Lead Foundation")
    expect(asked).to_contain_text("on the score −2")
    expect(asked).to_contain_text(QUESTION)
    assert score.questions.get().membership.actor == world.lead
    shot(coordinator, "coherence-08-questioned")

    # The representative reads the question and revises the score: −2 → −1.
    member.goto(f"{base}{reverse('coherence:score-detail', args=[slug, score.pk])}")
    expect(member.locator("#questions blockquote")).to_contain_text(QUESTION)
    expect(member.locator("#questions form")).to_have_count(0)  # its own score
    shot(member, "coherence-09-score-member")
    member.get_by_role("link", name=t(LANGUAGE, "Revise the score")).click()
    expect(member.locator("#scores blockquote")).to_contain_text(QUESTION)
    o1_row = sheet_row(member, "O1")
    expect(o1_row.get_by_role("combobox", name="Score against O1")).to_have_value("-2")
    o1_row.get_by_role("combobox", name="Score against O1").select_option("-1")
    o1_row.get_by_role("textbox", name="Reason for the score against O1").fill(SECOND_REASON)
    submit(member, member.get_by_role("button", name=t(LANGUAGE, "Save the scores")))
    expect(status_messages(member)).to_have_text(t(LANGUAGE, "The scores have been saved."))
    expect(member.locator("#scores")).to_contain_text("−1 Constraining")
    shot(member, "coherence-10-revised")
    member.locator("#scores li.finding", has_text="O1").get_by_role(
        "link", name="2 revisions, 1 question"
    ).click()
    revisions = member.locator("table tbody tr")
    expect(revisions).to_have_count(2)
    expect(revisions.nth(0)).to_contain_text("−1 Constraining")
    expect(revisions.nth(0)).to_contain_text(SECOND_REASON)
    expect(revisions.nth(1)).to_contain_text("−2 Counteracting")
    expect(revisions.nth(1)).to_contain_text(FIRST_REASON)
    shot(member, "coherence-11-revisions")
    score.refresh_from_db()
    assert (score.value, score.reason) == (-1, SECOND_REASON)
    assert score.revisions.count() == 2

    # 3. The coherence page: the heat map, the incoherence with both sides.
    coordinator.goto(coherence)
    heat_map = coordinator.locator(".heat-map svg")
    expect(heat_map).to_be_visible()
    # Each cell of the matrix writes its score (the legend's swatches aside).
    cells = heat_map.evaluate(
        "svg => [...svg.querySelectorAll('rect.cell + text')]"
        ".filter(text => !text.closest('.legend')).map(text => text.textContent)"
    )
    assert cells == ["−1", "+1"]
    expect(heat_map).to_contain_text(TITLE)
    expect(heat_map).to_contain_text("Neighbours Association")
    incoherences = coordinator.locator("section", has=coordinator.locator("#incoherences-title"))
    found = incoherences.locator("li.finding")
    expect(found).to_have_count(1)
    expect(found).to_contain_text(TITLE)
    expect(found).to_contain_text("Neighbours Association")
    expect(found).to_contain_text("−1 Constraining")
    expect(found).to_contain_text(o1.statement)
    expect(found).to_contain_text(SECOND_REASON)
    shot(coordinator, "coherence-12-heat-map")

    # The coordinator opens a proposal from it: prefilled, and the draft resolves it.
    found.get_by_role("link", name=t(LANGUAGE, "Open a proposal to resolve it")).click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(t(LANGUAGE, "New proposal"))
    proposal_form = coordinator.locator("main form")
    expect(proposal_form.locator("#id_title")).to_have_value(
        f"Resolve the incoherence between {TITLE} and O1"
    )
    expect(proposal_form.locator("textarea[name=description]")).to_contain_text(SECOND_REASON)
    expect(proposal_form.locator("input[name=resolves]")).to_have_value(str(score.pk))
    shot(coordinator, "coherence-13-proposal-form")
    submit(coordinator, proposal_form.get_by_role("button", name=t(LANGUAGE, "Save the draft")))
    expect(status_messages(coordinator)).to_have_text(
        t(LANGUAGE, "The proposal has been saved as a draft.")
    )
    proposal = Proposal.objects.get(resolves=score)
    assert proposal.proposer.actor == world.lead and proposal.is_draft
    assert list(proposal.objectives.all()) == [o1]
    expect(coordinator.locator("main")).to_contain_text(
        f"{t(LANGUAGE, 'Resolves the incoherence:')} {TITLE} (Neighbours Association) against O1"
    )
    shot(coordinator, "coherence-14-proposal-draft")

    # Submitted and opened for positions, in the pages: the coherence page shows it open.
    submit(
        coordinator,
        coordinator.get_by_role("button", name=t(LANGUAGE, "Submit to the coordinator")),
    )
    expect(status_messages(coordinator)).to_have_count(1)
    coordinator.get_by_label(t(LANGUAGE, "Positions close at")).fill("2026-05-27T18:00")
    submit(coordinator, coordinator.locator(f"form[action$='/{proposal.pk}/open/'] button"))
    expect(alert_messages(coordinator)).to_have_count(0)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN
    shot(coordinator, "coherence-15-proposal-open")
    coordinator.goto(coherence)
    found = coordinator.locator("section", has=coordinator.locator("#incoherences-title")).locator(
        "li.finding"
    )
    expect(found.get_by_role("link", name=proposal.title)).to_be_visible()
    expect(found).to_contain_text(str(Proposal.Status.OPEN.label))
    expect(
        found.get_by_role("link", name=t(LANGUAGE, "Open a proposal to resolve it"))
    ).to_have_count(0)
    shot(coordinator, "coherence-16-proposal-open-listed")

    # Adopted: both voting entities agree and the coordinator records the decision.
    lead = world.cluster.memberships.get(actor=world.lead)
    for membership, by in [
        (lead, world.users["coordinator"]),
        (world.member_membership, world.users["member"]),
    ]:
        proposal_services.stance_take(
            proposal=proposal, membership=membership, by=by, position="agree"
        )
    proposal_services.proposal_decide(proposal=proposal, by=world.users["coordinator"])
    coordinator.reload()
    found = coordinator.locator("section", has=coordinator.locator("#incoherences-title")).locator(
        "li.finding"
    )
    expect(found.locator(".badge.ok")).to_have_text(t(LANGUAGE, "Being addressed"))
    shot(coordinator, "coherence-17-being-addressed")

    # 4. The observer, in Catalan: reads it all, records nothing; on a desk and a phone.
    observer = new_page("ca")
    log_in(observer, base, "observer@example.org", "ca", visits.check)
    observer.goto(coherence)
    expect(observer.get_by_role("heading", level=1)).to_have_text(
        t("ca", "Coherence of the members' strategies")
    )
    expect(observer.locator(".heat-map svg")).to_be_visible()
    expect(observer.locator(".heat-map svg title").first).to_have_text(
        t("ca", "Coherence of the members' strategies with the common objectives")
    )
    expect(observer.locator("main")).to_contain_text(t("ca", "Being addressed"))
    expect(observer.get_by_role("link", name=t("ca", "Record a strategy"))).to_have_count(0)
    expect(
        observer.get_by_role("link", name=t("ca", "Open a proposal to resolve it"))
    ).to_have_count(0)
    shot(observer, "coherence-18-observer-ca")
    observer.set_viewport_size(PHONE)
    assert page_overflow(observer) <= 0, "the coherence page scrolls sideways on a phone"
    region = observer.locator("div.heat-map")
    assert region.evaluate("e => e.scrollWidth > e.clientWidth"), "the map scrolls in its box"
    shot(observer, "coherence-19-observer-ca-390")

    # The coordinator's own page in Catalan on a phone, the strategy's page too.
    catalan = new_page("ca")
    catalan.set_viewport_size(PHONE)
    log_in(catalan, base, "coordinator@example.org", "ca", visits.check, password=PASSWORD)
    catalan.goto(f"{base}{strategy.get_absolute_url()}")
    assert page_overflow(catalan) <= 0, "the strategy page scrolls sideways on a phone"
    shot(catalan, "coherence-20-strategy-ca-390")
    catalan.goto(f"{base}{reverse('coherence:score-detail', args=[slug, score.pk])}")
    assert page_overflow(catalan) <= 0, "the score page scrolls sideways on a phone"
    shot(catalan, "coherence-21-score-ca-390")
