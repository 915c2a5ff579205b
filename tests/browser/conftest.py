"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Nothing is downloaded: Chromium is the system one (`/usr/bin/chromium`), never `playwright install`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

# Playwright's sync API keeps an event loop running in the test thread, and Django refuses ORM calls
# from a thread with a running loop unless told it is fine (the live server has its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "secret-pass-123"  # tests/factories.py: UserFactory
VIEWPORT = {"width": 1400, "height": 900}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

expect.set_options(timeout=5_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # English unless a test switches: the browser's Accept-Language must not pick Japanese.
    return {**browser_context_args, "viewport": VIEWPORT, "locale": "en-US"}


@pytest.fixture(scope="session", autouse=True)
def _static_root() -> None:
    """WhiteNoise warns when STATIC_ROOT is missing; the test settings serve from the finders."""
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


class Site:
    """The live server as one browser page sees it."""

    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str) -> Page:
        self.page.goto(self.url(path))
        return self.page

    def login(self, user) -> None:
        """Log in without the form: a session made by Django's test client, set as the cookie."""
        from django.test import Client

        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": self.base_url}]
        )

    def login_with_form(self, username: str, password: str = PASSWORD) -> None:
        page = self.goto("/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("form:has(#id_password) button[type=submit]").click()

    def logout(self) -> None:
        """Through the user menu in the top bar."""
        menu = self.page.locator("details.usermenu")
        menu.locator("summary").click()
        menu.locator("form[action$='/logout/'] button").click()

    def screenshot(self, name: str) -> None:
        """A full-page screenshot of the page as `name` (e.g. "inbox.png") in $KUROKO_SCREENSHOT_DIR when
        that is set; nothing otherwise."""
        folder = os.environ.get("KUROKO_SCREENSHOT_DIR")
        if folder:
            self.page.screenshot(path=str(Path(folder) / name), full_page=True)

    def mark(self) -> None:
        """Remember this document; `assert_same_document` fails after a full page load."""
        self.page.evaluate("window.__kurokoSameDocument = true")

    def assert_same_document(self) -> None:
        assert self.page.evaluate("window.__kurokoSameDocument === true"), "the page was fully reloaded"


@pytest.fixture
def site(page: Page, live_server, transactional_db) -> Iterator[Site]:
    yield Site(page, live_server.url)


def pytest_configure(config: pytest.Config) -> None:
    # pytest-base-url (pulled in by pytest-playwright) defines `base_url` in a way pytest 9 deprecates.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning",
    )
