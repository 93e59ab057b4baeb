"""Choosing rights and SDG targets in a real browser, with the keyboard, in Catalan and
in English (core.widgets.ChoiceFilter and static/js/choice-filter.js).

A member entity's representative opens a new rights issue: the 58 rights are checkboxes
grouped by instrument and the 169 SDG targets grouped by goal. They type an instrument's
abbreviation into the filter box and see the other instruments' groups hide; they type a
right's title without its accents and in capitals and still find it; they tick it with
the space bar, clear the filter with Escape, find and tick a second right, and see
"2 chosen". Enter in the filter box filters, it does not send the form. They filter the
SDG targets by a goal's words, tick one, save, and the issue holds the two rights and the
target. Opened again, the form shows them ticked and counted.
"""

from __future__ import annotations

import unicodedata

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from rights.models import Instrument, Right, RightsIssue, SDGTarget
from tests.e2e.conftest import Visits, skip_without_chromium
from tests.e2e.pages import log_in, status_messages, t
from tests.e2e.test_rights_journey import RightsCluster

skip_without_chromium()

pytestmark = pytest.mark.e2e


def unaccented_capitals(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
    ).upper()


def chosen_text(language: str, n: int) -> str:
    with translation.override(language):
        return translation.ngettext("%(counter)s chosen", "%(counter)s chosen", n) % {"counter": n}


@pytest.fixture
def make_world(catalogue):
    return RightsCluster


@pytest.mark.parametrize("language", ["ca", "en"])
def test_the_rights_and_targets_are_found_by_typing_and_chosen_with_the_keyboard(
    language, make_world, live_server, new_page, shot, visits: Visits
):
    world = make_world(language)
    cluster = world.cluster
    housing = Right.objects.select_related("instrument").get(code="ICESCR-11")
    udhr_25 = Right.objects.select_related("instrument").get(code="UDHR-25")
    target = SDGTarget.objects.select_related("goal").get(code="11.1")
    with translation.override(language):
        icescr = Instrument.objects.get(code="ICESCR").abbreviation
        udhr = Instrument.objects.get(code="UDHR").abbreviation
        housing_label, udhr_label = str(housing), str(udhr_25)
        housing_title = housing.title
        target_label, goal_title = str(target), target.goal.title
    page: Page = new_page(language)
    log_in(page, live_server.url, world.representative.email, language, visits.check)

    page.goto(f"{live_server.url}{reverse('rights:issue-create', args=[cluster.slug])}")
    rights = page.locator("#id_rights")
    groups = rights.locator("fieldset.choice-group")
    shown_groups = rights.locator("fieldset.choice-group:visible")
    box = rights.get_by_role("searchbox", name=t(language, "Filter the list"))
    expect(box).to_be_visible()  # the script is there: the box shows
    expect(rights.locator(".choice-count")).to_have_text(chosen_text(language, 0))
    total_groups = groups.count()
    assert total_groups == Instrument.objects.count()
    shot(page, f"choice-filter-{language}-01-new-issue")

    # The instrument's abbreviation: its group stays, the other groups hide.
    box.focus()
    page.keyboard.type(icescr)
    expect(shown_groups).to_have_count(1)
    expect(rights.get_by_role("checkbox", name=housing_label, exact=True)).to_be_visible()
    expect(rights.get_by_role("checkbox", name=udhr_label, exact=True)).to_be_hidden()

    # Without accents and in capitals, the right is still found.
    box.fill(unaccented_capitals(housing_title))
    housing_box = rights.get_by_role("checkbox", name=housing_label, exact=True)
    expect(housing_box).to_be_visible()
    # The instrument and the article number: the space bar ticks the one right left.
    box.fill("")
    page.keyboard.type(f"{icescr} 11")
    expect(rights.locator("label.choice:visible")).to_have_count(1)
    page.keyboard.press("Enter")  # filters, does not send the form
    expect(page).to_have_url(
        f"{live_server.url}{reverse('rights:issue-create', args=[cluster.slug])}"
    )
    page.keyboard.press("Tab")
    expect(housing_box).to_be_focused()
    page.keyboard.press("Space")
    expect(housing_box).to_be_checked()
    expect(rights.locator(".choice-count")).to_have_text(chosen_text(language, 1))
    shot(page, f"choice-filter-{language}-02-rights-filtered")

    # Escape clears the filter: every group is back, the ticked right still ticked.
    box.focus()
    page.keyboard.press("Escape")
    expect(box).to_have_value("")
    expect(shown_groups).to_have_count(total_groups)
    expect(housing_box).to_be_checked()

    # A second right, in another instrument.
    page.keyboard.type(f"{udhr} 25")
    udhr_box = rights.get_by_role("checkbox", name=udhr_label, exact=True)
    page.keyboard.press("Tab")
    expect(udhr_box).to_be_focused()
    page.keyboard.press("Space")
    expect(rights.locator(".choice-count")).to_have_text(chosen_text(language, 2))

    # A word that matches nothing says so.
    box.fill("zzzz-nothing")
    expect(shown_groups).to_have_count(0)
    expect(rights.locator(".choice-none")).to_be_visible()
    box.fill("")

    # The SDG targets, grouped by goal: the goal's title finds its targets.
    targets = page.locator("#id_sdg_targets")
    targets.get_by_role("searchbox").fill(goal_title)
    expect(targets.locator("fieldset.choice-group:visible")).to_have_count(1)
    targets.get_by_role("checkbox", name=target_label, exact=True).check()
    expect(targets.locator(".choice-count")).to_have_text(chosen_text(language, 1))
    shot(page, f"choice-filter-{language}-03-targets-filtered")

    form = page.locator("main form.card")
    form.locator("input[name=title]").fill("Desnonaments")
    form.locator("textarea[name=description]").fill("Families evicted with no alternative.")
    form.get_by_role("button", name=t(language, "Save")).click()
    expect(status_messages(page)).to_have_count(1)
    shot(page, f"choice-filter-{language}-04-saved")

    issue = RightsIssue.objects.get(cluster=cluster)
    assert sorted(issue.rights.values_list("code", flat=True)) == ["ICESCR-11", "UDHR-25"]
    assert list(issue.sdg_targets.values_list("code", flat=True)) == ["11.1"]

    # Opened again: both ticked and counted.
    page.goto(f"{live_server.url}{reverse('rights:issue-edit', args=[cluster.slug, issue.pk])}")
    expect(page.locator("#id_rights .choice-count")).to_have_text(chosen_text(language, 2))
    expect(page.locator("#id_rights input:checked")).to_have_count(2)
    shot(page, f"choice-filter-{language}-05-edit")


def test_without_the_script_the_grouped_checkboxes_still_work(make_world, live_server, browser):
    """JavaScript off: no filter box, every group and option shown, and ticking two
    rights and saving keeps them. (axe-core needs JavaScript to run: the same pages are
    checked with it in the journey above.)"""
    world = make_world("en")
    context = browser.new_context(
        java_script_enabled=False, locale="en", extra_http_headers={"Accept-Language": "en"}
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, live_server.url, world.representative.email, "en", lambda page: None)
        page.goto(f"{live_server.url}{reverse('rights:issue-create', args=[world.cluster.slug])}")
        rights = page.locator("#id_rights")
        expect(rights.get_by_role("searchbox")).to_be_hidden()
        expect(rights.locator("fieldset.choice-group:visible")).to_have_count(
            Instrument.objects.count()
        )
        expect(rights.locator("label.choice:visible")).to_have_count(Right.objects.count())
        with translation.override("en"):
            labels = [str(Right.objects.get(code=code)) for code in ("UDHR-25", "CRC-27")]
        for label in labels:
            rights.get_by_role("checkbox", name=label, exact=True).check()
        form = page.locator("main form.card")
        form.locator("input[name=title]").fill("Overcrowding")
        form.locator("textarea[name=description]").fill("Three families in one flat.")
        form.get_by_role("button", name="Save").click()
        expect(status_messages(page)).to_have_count(1)
        issue = RightsIssue.objects.get(cluster=world.cluster)
        assert sorted(issue.rights.values_list("code", flat=True)) == ["CRC-27", "UDHR-25"]
    finally:
        context.close()
