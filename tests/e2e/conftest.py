"""Headless Chromium for the end-to-end journeys.

The browser is Debian's Chromium (/usr/bin/chromium); Playwright never downloads one.
Without it the e2e test modules skip themselves (see ``skip_without_chromium``).

Every page a journey looks at (``shot``) is also checked by axe-core, and a journey fails
if it navigated to a page it never checked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps as django_apps
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from rights.models import Right

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS_DIR = Path("/tmp/e2e-shots")
# axe-core's impact levels that fail a journey: all of them. The bar asked for is no
# serious or critical violation; the pages have none of any level, and should stay so.
BLOCKING_IMPACTS = {"minor", "moderate", "serious", "critical"}
AXE = Axe()


def skip_without_chromium() -> None:
    """Call at the top of each e2e test module."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium package is not installed: apt-get install chromium",
            allow_module_level=True,
        )


@pytest.fixture(scope="package")
def allow_orm_beside_playwright() -> Iterator[None]:
    """Let the test thread use the ORM while Playwright runs.

    Playwright's sync API drives the browser from an asyncio event loop running in this
    thread, so Django sees a "running event loop" and every ORM call made by the test body
    or its fixtures (factories, assertions on the database, the flush after each test)
    would raise SynchronousOnlyOperation. The calls really are synchronous here, and the
    live server answers in its own thread, so the check is turned off.

    Only while the e2e package runs, not from import time: the variable is inherited by
    subprocesses, and tests/config/test_settings.py runs `manage.py check --deploy`,
    which rightly fails (async.E001) when it sees it.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Package scope: one browser for all e2e tests, and Playwright's event loop stops before
# the rest of the suite runs (async_to_sync refuses to run in a thread with a live loop).
@pytest.fixture(scope="package")
def browser(allow_orm_beside_playwright: None) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Accounts are created and logged into for real, just without PBKDF2's cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def cookies_without_expiry(settings) -> None:
    """The server runs at the suite's "today" (tests/clock.py), the browser at the real
    date: a cookie the server dates to expire in two weeks may already have expired for the
    browser, which would then drop the session. Cookies that last as long as the browser
    keep the two clocks out of each other's way."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    settings.LANGUAGE_COOKIE_AGE = None


@pytest.fixture
def site_url(settings, live_server) -> str:
    """Links in emails point to the live server."""
    settings.SITE_URL = live_server.url
    return live_server.url


def page_key(page: Page, url: str) -> tuple[int, str]:
    """A page as one person saw it: their browser, and the path without host, query or
    fragment (each person's view of a page is checked, once)."""
    return id(page.context), urlsplit(url).path


@dataclass
class Visits:
    """The pages (paths) the journey's browsers loaded, and those axe checked."""

    loaded: set[tuple[int, str]] = field(default_factory=set)
    checked: set[tuple[int, str]] = field(default_factory=set)

    def watch(self, page: Page) -> None:
        def loaded(frame) -> None:
            if frame == page.main_frame and frame.url.startswith("http"):
                self.loaded.add(page_key(page, frame.url))

        page.on("framenavigated", loaded)

    def check(self, page: Page, exclude: tuple[str, ...] = ()) -> None:
        """axe-core on the page as it is now; any violation fails. ``exclude``: CSS
        selectors of parts drawn by third-party code that the project does not write
        (Swagger UI's), left out of the check and said so where it is called."""
        context = {"exclude": [[selector] for selector in exclude]} if exclude else None
        results = AXE.run(page, context=context)
        blocking = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
            for violation in results.response["violations"]
            if violation["impact"] in BLOCKING_IMPACTS
        ]
        assert not blocking, f"axe on {page.url}:\n" + "\n".join(blocking)
        self.checked.add(page_key(page, page.url))


@pytest.fixture
def visits() -> Visits:
    return Visits()


@pytest.fixture
def new_page(browser: Browser, visits: Visits) -> Iterator[Callable[[str], Page]]:
    """A page in a fresh browser context (no cookies) speaking the given language,
    both as the browser's locale and as the Accept-Language header that Django's
    LocaleMiddleware reads.

    When the test ends, every page its browsers loaded must have been checked by axe
    (through ``shot``): a journey cannot walk past a page without checking it."""
    contexts: list[BrowserContext] = []

    def make(language: str) -> Page:
        context = browser.new_context(
            locale=language,
            extra_http_headers={"Accept-Language": language},
            viewport={"width": 1280, "height": 800},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        visits.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()
    unchecked = sorted(path for _browser, path in visits.loaded - visits.checked)
    assert not unchecked, f"pages loaded but never checked by axe: {unchecked}"


@pytest.fixture
def shot(visits: Visits) -> Callable[..., None]:
    """Check the page with axe-core (``exclude``: see ``Visits.check``), then save a
    full-page screenshot as /tmp/e2e-shots/<name>.png."""
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str, exclude: tuple[str, ...] = ()) -> None:
        visits.check(page, exclude)
        page.screenshot(path=str(SHOTS_DIR / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def catalogue(transactional_db) -> None:
    """The catalogue of rights and SDGs, as its data migration loads it.

    Live-server tests empty the database after each test, migration data included.
    ``serialized_rollback`` does not help beside Playwright: once its event loop runs in
    this thread, Django keeps connections per context, and depending on the order the
    fixtures start in, the test's connection lacks the serialized copy. So the migration's
    own loader runs again.
    """
    if not Right.objects.filter(code="UDHR-25").exists():
        import_module("rights.migrations.0002_catalogue").load(django_apps, None)
        # The General Comments (the demo's housing issue cites two).
        import_module("rights.migrations.0008_full_catalogue_general_comments_references").load(
            django_apps, None
        )
