"""The pages of a member's and a coordinator's week, on a phone 390 px wide.

No page scrolls sideways as a whole (a wide table or the problem tree scrolls in its own
box); the problem tree keeps its text at 12 px or more; the cluster's sections fold into a
menu that opens with a click and with the keyboard, without any script; on a wide screen
the sections are tabs, as before. Every page is checked by axe and photographed.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rights.models import Cause, Consequence
from tests.conftest import World, build_world
from tests.e2e.conftest import skip_without_chromium
from tests.e2e.pages import log_in, t
from tests.test_permissions import MATRIX

skip_without_chromium()

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LANGUAGE = "en"

MEMBER_PAGES = [
    "clusters:overview",
    "reports:todo",
    "rights:issue-detail",
    "planning:proposal-list",
    "planning:proposal-detail",
    "indicators:objective-list",
    "indicators:indicator-detail",
    "planning:action-list",
    "indicators:reporting",
    "indicators:report-edit",
    "reports:list",
    "reports:detail",
]
COORDINATOR_PAGES = [
    "clusters:overview",
    "reports:dashboard",
    "rights:issue-detail",
    "planning:proposal-list",
    "planning:proposal-detail",
    "indicators:validation-queue",
    "clusters:members",
    "clusters:audit-log",
    "clusters:edit",
    "reports:list",
    "reports:detail",
]


def url_of(world: World, base_url: str, name: str) -> str:
    return base_url + reverse(name, kwargs=MATRIX[name].kwargs(world))


def page_overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen (0 when it is not)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def tree_text_sizes(page: Page) -> tuple[float, float]:
    """(the smallest computed font size of the tree's text, the smallest size it is drawn
    at once the drawing is scaled to its box), in CSS pixels."""
    return tuple(
        page.evaluate(
            """() => {
                const svg = document.querySelector('.problem-tree svg');
                const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                const sizes = [...svg.querySelectorAll('text')].map(
                    text => parseFloat(getComputedStyle(text).fontSize));
                const smallest = Math.min(...sizes);
                return [smallest, smallest * scale];
            }"""
        )
    )


def phone_page(new_page, base_url: str, email: str, visits) -> Page:
    page = new_page(LANGUAGE)
    page.set_viewport_size(PHONE)
    log_in(page, base_url, email, LANGUAGE, visits.check)
    return page


def walk(page: Page, world: World, base_url: str, names: list[str], person: str, shot) -> None:
    for name in names:
        page.goto(url_of(world, base_url, name))
        assert page_overflow(page) <= 0, f"{name} scrolls sideways on a phone as {person}"
        # A line chart keeps its drawn size (its labels' size) and scrolls in its box.
        scales = page.locator("svg.line-chart").evaluate_all(
            "charts => charts.map(c => c.getBoundingClientRect().width / c.viewBox.baseVal.width)"
        )
        assert all(scale >= 1 for scale in scales), f"{name}: a chart shrunk to {scales}"
        shot(page, f"phone-{person}-{name.replace(':', '-')}")


@pytest.fixture
def world(transactional_db) -> World:
    world = build_world()
    consequence = Consequence.objects.create(
        issue=world.issue, description="Families split between relatives' homes"
    )
    for level, text in [
        ("immediate", "Rent arrears after a job loss"),
        ("underlying", "No public rental stock in the district"),
        ("structural", "Housing treated as an investment, not a right"),
    ]:
        cause = Cause.objects.create(issue=world.issue, level=level, description=text)
        cause.consequences.add(consequence)
    return world


def test_a_member_and_a_coordinator_use_every_page_on_a_phone(
    world: World, live_server, new_page, visits, shot
):
    base = live_server.url
    member = phone_page(new_page, base, world.users["member"].email, visits)
    walk(member, world, base, MEMBER_PAGES, "member", shot)
    coordinator = phone_page(new_page, base, world.users["coordinator"].email, visits)
    walk(coordinator, world, base, COORDINATOR_PAGES, "coordinator", shot)


def test_the_problem_tree_scrolls_in_its_box_with_its_text_at_12_px_or_more(
    world: World, live_server, new_page, visits, shot
):
    page = phone_page(new_page, live_server.url, world.users["member"].email, visits)
    page.goto(url_of(world, live_server.url, "rights:issue-detail"))
    shot(page, "phone-problem-tree")
    computed, drawn = tree_text_sizes(page)
    assert computed >= 12 and drawn >= 12
    tree = page.locator("div.problem-tree")
    assert tree.evaluate("box => box.scrollWidth > box.clientWidth")  # it scrolls, itself
    assert page_overflow(page) <= 0  # and the page does not
    # It opens at the trunk, in the middle of the drawing (static/js/problem-tree.js).
    start, middle = tree.evaluate(
        "box => [box.scrollLeft, (box.scrollWidth - box.clientWidth) / 2]"
    )
    assert abs(start - middle) <= 1
    tree.focus()  # the keyboard scrolls it too
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "start => document.querySelector('div.problem-tree').scrollLeft > start", arg=start
    )


def test_the_sections_menu_opens_by_click_and_by_keyboard_on_a_phone(
    world: World, live_server, new_page, visits, shot
):
    page = phone_page(new_page, live_server.url, world.users["coordinator"].email, visits)
    page.goto(url_of(world, live_server.url, "clusters:overview"))
    summary = page.locator(".cluster-menu > summary")
    settings_link = page.locator(".cluster-nav").get_by_role("link", name=t(LANGUAGE, "Settings"))
    expect(summary).to_be_visible()
    expect(settings_link).to_be_hidden()
    summary.click()
    expect(settings_link).to_be_visible()
    shot(page, "phone-menu-open")
    summary.click()
    expect(settings_link).to_be_hidden()

    summary.focus()
    page.keyboard.press("Enter")
    expect(settings_link).to_be_visible()
    page.keyboard.press("Tab")  # into the menu: its first section
    overview = page.locator(".cluster-nav").get_by_role("link", name=t(LANGUAGE, "Overview"))
    expect(overview).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    shot(page, "phone-menu-followed")
    summary.focus()
    page.keyboard.press("Space")
    expect(settings_link).to_be_visible()


def test_on_a_wide_screen_the_sections_are_tabs(world: World, live_server, new_page, visits):
    page = new_page(LANGUAGE)
    log_in(page, live_server.url, world.users["coordinator"].email, LANGUAGE, visits.check)
    page.goto(url_of(world, live_server.url, "clusters:overview"))
    visits.check(page)
    expect(page.locator(".cluster-menu > summary")).to_be_hidden()
    nav = page.locator(".cluster-nav")
    for label in ("Overview", "Dashboard", "Proposals", "Validation", "Settings"):
        expect(nav.get_by_role("link", name=t(LANGUAGE, label))).to_be_visible()
