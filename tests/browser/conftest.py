"""Headless Chromium (Debian's package, driven by Playwright) against the real stack.

Every page gets a fresh context, and any request that leaves the gateway's origin fails the
test: the page must make no third-party requests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.live import Stack

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()


@pytest.fixture
def browser_locale() -> str:
    """The browser's language (Accept-Language and navigator.language); tests may override it."""
    return "en-US"


@pytest.fixture
def page(browser: Browser, live_stack: Stack, browser_locale: str) -> Iterator[Page]:
    context = browser.new_context(locale=browser_locale)
    origin = urlsplit(live_stack.gateway).netloc
    foreign: list[str] = []

    def only_our_origin(route, request) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(request.url).netloc == origin or request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            foreign.append(request.url)
            route.abort()

    context.route("**/*", only_our_origin)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert foreign == [], f"third-party requests: {foreign}"
