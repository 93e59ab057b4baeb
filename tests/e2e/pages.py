"""What the journeys share: the page's texts in its language, the message areas, logging
in through the real login page."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import Locator, Page, expect

from tests.factories import PASSWORD


def t(language: str, message: str, **values: object) -> str:
    """What the page shows for a message in the given language."""
    with translation.override(language):
        text = gettext(message)
    return text % values if values else text


def tc(language: str, context: str, message: str) -> str:
    """What the page shows for a message with a context ({% translate "Open" context ... %})."""
    with translation.override(language):
        return pgettext(context, message)


def status_messages(page: Page) -> Locator:
    return page.locator(".messages [role=status]")


def alert_messages(page: Page) -> Locator:
    return page.locator(".messages [role=alert]")


def cluster_bar(page: Page) -> Locator:
    return page.locator(".cluster-nav")


def log_in(
    page: Page,
    base_url: str,
    email: str,
    language: str,
    check: Callable[[Page], None],
    password: str = PASSWORD,
) -> None:
    """Through the real login page (checked by ``check``, axe); lands on "My clusters"."""
    login_path = reverse("account_login")
    page.goto(f"{base_url}{login_path}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    check(page)
    form = page.locator(f"main form[action='{login_path}']")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{base_url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "My clusters"))
    check(page)


def submit(page: Page, button: Locator) -> None:
    """Press a form's button and wait for the page the server answers with: a message
    left on the current page must not pass for the answer."""
    with page.expect_navigation():
        button.click()


def log_out(page: Page, language: str) -> None:
    """With the button in the header."""
    page.locator(f"header form[action='{reverse('account_logout')}']").get_by_role("button").click()
    expect(page.locator("header").get_by_role("link", name=t(language, "Log in"))).to_be_visible()
