"""Headless Chromium (Debian's package, driven by Playwright) against the real stack.

Every page gets a fresh context, and any request that leaves the gateway's origin fails the
test: the page must make no third-party requests. `site` serves pages from a second origin (a
community group's site) that embed the widget; there the only other origin allowed is the gateway.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


@contextmanager
def guarded_page(browser: Browser, locale: str, allowed: set[str]) -> Iterator[tuple[Page, list[str]]]:
    """A page in a fresh context, and the URL of every request it makes. A request to any host
    outside `allowed` (netlocs) is aborted and fails the test when the page closes."""
    context = browser.new_context(locale=locale)
    seen: list[str] = []
    foreign: list[str] = []

    def only_allowed(route, request) -> None:  # type: ignore[no-untyped-def]
        seen.append(request.url)
        if urlsplit(request.url).netloc in allowed or request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            foreign.append(request.url)
            route.abort()

    context.route("**/*", only_allowed)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page, seen
    context.close()
    assert foreign == [], f"third-party requests: {foreign}"


@pytest.fixture
def page(browser: Browser, live_stack: Stack, browser_locale: str) -> Iterator[Page]:
    with guarded_page(browser, browser_locale, {urlsplit(live_stack.gateway).netloc}) as (page, _):
        yield page


@dataclass
class Site:
    """A community group's site on another origin: tests put pages in `pages` (path -> HTML)."""

    origin: str
    pages: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="session")
def site_server(live_stack: Stack) -> Iterator[Site]:
    site = Site(live_stack.site)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            html = site.pages.get(self.path)
            body = (html or "not found").encode("utf-8")
            self.send_response(200 if html else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    parts = urlsplit(site.origin)
    server = ThreadingHTTPServer((parts.hostname or "127.0.0.1", parts.port or 80), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


@dataclass
class Embedded:
    """A browser page on the site, and every request it made, by origin."""

    page: Page
    requests: list[str]


@pytest.fixture
def site(site_server: Site) -> Iterator[Site]:
    site_server.pages.clear()
    yield site_server


@pytest.fixture
def embedded(browser: Browser, live_stack: Stack, site: Site, browser_locale: str) -> Iterator[Embedded]:
    """A page context on the site's origin that may reach the site and the gateway, and nothing else."""
    allowed = {urlsplit(live_stack.gateway).netloc, urlsplit(site.origin).netloc}
    with guarded_page(browser, browser_locale, allowed) as (page, seen):
        yield Embedded(page, seen)
