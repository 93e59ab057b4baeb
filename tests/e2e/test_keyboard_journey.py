"""Taking a position on a proposal with the keyboard only, in Catalan.

No mouse: the representative of a member entity logs in, skips to the content, follows
links, chooses a position among radio buttons, writes the reason and saves, with Tab,
the arrows, Space and Enter. Every element that takes the focus on the way must show it
(an outline or a box shadow), and each page is checked by axe.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from actors.models import ActorUser
from clusters.models import ClusterRole, Membership
from planning.models import Position, Stance
from tests.conftest import build_open_proposal
from tests.e2e.conftest import skip_without_chromium
from tests.e2e.pages import status_messages, t
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

LANGUAGE = "ca"
MAX_TABS = 80
REASON = "Ens falta saber qui paga el lloguer de l'oficina."


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def focus_is_visible(page: Page) -> bool:
    """The focused element draws an outline or a box shadow."""
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
            return outline || style.boxShadow !== 'none';
        }"""
    )


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until the target has the focus, as a keyboard user would;
    every element passed on the way must show its focus."""
    if is_focused(target):
        return
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        assert focus_is_visible(page), page.evaluate("document.activeElement.outerHTML")
        if is_focused(target):
            return
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {target}")


@pytest.fixture
def open_proposal(db):
    cluster = ClusterFactory(name="Clúster pel dret a l'habitatge", slug="habitatge")
    coordinator = UserFactory(email="coordinator@example.org")
    lead = ActorFactory(name="Fundació Habitatge Digne")
    ActorUserFactory(user=coordinator, actor=lead, role=ActorUser.Role.ADMIN)
    MembershipFactory(cluster=cluster, actor=lead, role=Membership.Role.LEAD)
    ClusterRoleFactory(cluster=cluster, user=coordinator, role=ClusterRole.Role.COORDINATOR)
    entity = ActorFactory(name="Associació de Veïns de Roquetes")
    membership = MembershipFactory(cluster=cluster, actor=entity, role=Membership.Role.MEMBER)
    representative = UserFactory(email="jordi.member@example.org", language=LANGUAGE)
    ActorUserFactory(user=representative, actor=entity, role=ActorUser.Role.ADMIN)
    proposal = build_open_proposal(membership, representative, coordinator)
    return proposal, representative, membership


def test_a_member_takes_a_position_with_the_keyboard_only(
    open_proposal, live_server, new_page, shot
):
    proposal, representative, membership = open_proposal
    cluster = proposal.cluster
    page = new_page(LANGUAGE)
    main = page.locator("main")

    # The login page: the skip link comes first and takes the focus to the content.
    page.goto(f"{live_server.url}{reverse('account_login')}")
    shot(page, "keyboard-01-login")
    skip = page.get_by_role("link", name=t(LANGUAGE, "Skip to content"))
    tab_to(page, skip)
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert main.evaluate("main => main.contains(document.activeElement)")
    tab_to(page, main.locator("input[name=login]"))
    page.keyboard.type(representative.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(LANGUAGE, "My clusters"))
    shot(page, "keyboard-02-home")

    # To the cluster, its proposals, and the open proposal: links followed with Enter.
    tab_to(page, main.get_by_role("link", name=cluster.name))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}{cluster.get_absolute_url()}")
    shot(page, "keyboard-03-overview")
    tab_to(page, page.locator(".cluster-nav").get_by_role("link", name=t(LANGUAGE, "Proposals")))
    page.keyboard.press("Enter")
    proposals = reverse("planning:proposal-list", args=[cluster.slug])
    expect(page).to_have_url(f"{live_server.url}{proposals}")
    shot(page, "keyboard-04-proposals")
    tab_to(page, main.get_by_role("link", name=proposal.title))
    page.keyboard.press("Enter")
    detail = reverse("planning:proposal-detail", args=[cluster.slug, proposal.pk])
    expect(page).to_have_url(f"{live_server.url}{detail}")
    shot(page, "keyboard-05-proposal")

    # The position: Tab into the radio group and Space to choose; the arrows move the
    # choice within the group. A disagreement needs its reason, typed in the next field.
    form = main.locator(
        f"form[action='{reverse('planning:stance-take', args=[cluster.slug, proposal.pk])}']"
    )
    agree = form.get_by_label(t(LANGUAGE, "Agree"), exact=True)
    tab_to(page, agree)
    page.keyboard.press("Space")
    expect(agree).to_be_checked()
    disagree = form.get_by_label(t(LANGUAGE, "Disagree"), exact=True)
    for _ in range(2):  # Agree → Abstain → Disagree
        page.keyboard.press("ArrowDown")
    expect(disagree).to_be_checked()
    expect(disagree).to_be_focused()
    tab_to(page, form.locator("textarea[name=reason]"))
    page.keyboard.type(REASON)
    tab_to(page, form.get_by_role("button", name=t(LANGUAGE, "Save the position")))
    shot(page, "keyboard-06-position-typed")
    page.keyboard.press("Enter")

    expect(status_messages(page)).to_have_count(1)
    positions = main.locator("table tbody tr", has_text=membership.actor.name)
    expect(positions).to_contain_text(t(LANGUAGE, "Disagree"))
    expect(positions).to_contain_text(REASON)
    shot(page, "keyboard-07-position-saved")
    stance = Stance.objects.get(proposal=proposal, membership=membership)
    assert (stance.position, stance.reason) == (Position.DISAGREE, REASON)
