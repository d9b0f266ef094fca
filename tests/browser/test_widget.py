"""The widget embedded with one script tag on a community group's page, on another origin.

The host page styles buttons and fonts aggressively, as real sites do; the widget must neither
suffer from it nor change the page. Every test also fails on any request to a third host.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect

from api.i18n import format_day, load_translations
from api.labels import labels_for
from knowledge import load_knowledge
from tests.browser.conftest import Embedded, Site
from tests.integration.test_languages_live import QUESTIONS
from tests.live import Stack

KB = load_knowledge()
TRANSLATIONS = load_translations(KB.codes)
AXE = Path(os.environ.get("AXE_CORE", ".venv/gateway/axe/node_modules/axe-core/axe.min.js"))
SCREENSHOTS = os.environ.get("WIDGET_SCREENSHOTS")
"""If set, a directory where the embedded widget's screenshots are written (README, docs/)."""

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Eastside Workers Center</title>
<style>
  body {{ font-family: Georgia, serif; color: #222; margin: 2rem; }}
  h1 {{ font-size: 40px; color: #7a1f1f; }}
  button, input, li {{ background: yellow !important; font-size: 30px !important; display: inline !important; }}
  * {{ box-sizing: content-box; }}
</style></head>
<body>
<h1>Eastside Workers Center</h1>
<p>Free tax help on Saturdays. Ask our chat about the IRS and ICE.</p>
<script src="{gateway}/widget.js" {attributes} async></script>
</body></html>
"""


def host_page(site: Site, live_stack: Stack, name: str = "/clinic.html", **attributes: str) -> str:
    """Put a page that embeds the widget with these data-* attributes on the site; return its URL."""
    attrs = " ".join(f'data-{k}="{v}"' for k, v in attributes.items())
    site.pages[name] = HOST_PAGE.format(gateway=live_stack.gateway, attributes=attrs)
    return site.origin + name


def labels(code: str) -> dict[str, str]:
    """The widget's words in one language, as the gateway serves them."""
    return labels_for(KB, TRANSLATIONS, code)


def first_question(code: str) -> dict[str, str]:
    return yaml.safe_load((QUESTIONS / f"{code}.yml").read_text(encoding="utf-8"))["questions"][0]


def open_widget(page: Page, open_label: str) -> None:
    page.get_by_role("button", name=open_label).click()
    expect(page.locator("#panel")).to_be_visible()


def ask(page: Page, question: str) -> None:
    page.fill("#message", question)
    page.press("#message", "Enter")


def last_answer(page: Page):  # type: ignore[no-untyped-def]
    answer = page.locator("#log li.bot[data-topic]").last
    answer.wait_for()
    return answer


def contrast_with_white(css_color: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css_color)[:3])
    channel = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    luminance = 0.2126 * channel[0] + 0.7152 * channel[1] + 0.0722 * channel[2]
    return 1.05 / (luminance + 0.05)


def test_embedded_widget_answers_with_sources(embedded: Embedded, site: Site, live_stack: Stack) -> None:
    page = embedded.page
    page.goto(host_page(site, live_stack, title="Ask aclara", color="#ffcc00"))
    heading = page.locator("h1")
    before = heading.evaluate("(h) => [getComputedStyle(h).fontSize, getComputedStyle(h).fontFamily]")
    en = labels("en")
    open_widget(page, en["open"])
    assert heading.evaluate("(h) => [getComputedStyle(h).fontSize, getComputedStyle(h).fontFamily]") == before
    assert page.inner_text("#title") == "Ask aclara"
    expect(page.locator("#privacy")).to_contain_text(en["privacy"])
    # The host's `button { background: yellow !important }` does not reach inside the widget.
    send = page.locator("#send")
    assert "Georgia" not in send.evaluate("(b) => getComputedStyle(b).fontFamily")
    assert contrast_with_white(send.evaluate("(b) => getComputedStyle(b).backgroundColor")) >= 4.5

    ask(page, "What is an ITIN?")
    answer = last_answer(page)
    assert answer.get_attribute("data-topic") == "for-me.itin"
    assert answer.get_attribute("lang") == "en" and answer.get_attribute("dir") == "ltr"
    topic = KB.topic("for-me.itin")
    assert topic is not None
    sources = answer.locator("p.sources a")
    assert sources.all_inner_texts() == [f"{s.publisher}, {format_day(s.published, 'en')}" for s in topic.sources]
    assert [sources.nth(i).get_attribute("href") for i in range(sources.count())] == [s.url for s in topic.sources]
    assert format_day(topic.last_reviewed, "en") in answer.locator("p.reviewed").inner_text()
    assert answer.locator(".choices button").count() == len(topic.related)
    # The panel shows the start of the answer, where reading begins.
    scroller, top = page.locator(".scroll").bounding_box(), answer.bounding_box()
    assert scroller and top and scroller["y"] <= top["y"] < scroller["y"] + scroller["height"] / 2
    # Every request went to the site (the page itself) or to the gateway, and the chat to the gateway.
    assert any(url.startswith(live_stack.gateway + "/api/v1/chat") for url in embedded.requests)
    assert {u.split("/")[2] for u in embedded.requests} == {site.origin.split("/")[2], live_stack.gateway.split("/")[2]}


def test_widget_keeps_no_cookies_or_local_storage(embedded: Embedded, site: Site, live_stack: Stack) -> None:
    page = embedded.page
    page.goto(host_page(site, live_stack))
    open_widget(page, labels("en")["open"])
    ask(page, "What is an ITIN?")
    last_answer(page)
    assert page.context.cookies() == []
    assert page.evaluate("localStorage.length") == 0
    stored = page.evaluate("Object.keys(sessionStorage)")
    assert stored == [f"aclara.session:{live_stack.gateway}"]


@pytest.mark.parametrize("code", ["ar", "fa", "ur"])
def test_switching_to_a_right_to_left_language(embedded: Embedded, site: Site, live_stack: Stack, code: str) -> None:
    page = embedded.page
    page.goto(host_page(site, live_stack))
    open_widget(page, labels("en")["open"])
    english_send = page.inner_text("#send")
    page.select_option("#lang", code)
    root = page.locator(".root")
    expect(root).to_have_attribute("lang", code)
    assert root.get_attribute("dir") == "rtl"
    assert page.locator("#panel").evaluate("(p) => getComputedStyle(p).direction") == "rtl"
    assert page.inner_text("#send") != english_send
    question = first_question(code)
    ask(page, question["text"])
    answer = last_answer(page)
    assert answer.get_attribute("lang") == code and answer.get_attribute("dir") == "rtl"
    assert answer.get_attribute("data-topic") == question["topic"]
    # In right-to-left text the user's own messages sit on the left: the start edge is the right.
    panel = page.locator("#panel").bounding_box()
    user = page.locator("#log li.user").last.bounding_box()
    assert panel and user and user["x"] - panel["x"] < (panel["x"] + panel["width"]) - (user["x"] + user["width"])


def test_the_whole_flow_by_keyboard(embedded: Embedded, site: Site, live_stack: Stack) -> None:
    page = embedded.page
    page.goto(host_page(site, live_stack, lang="es"))
    es = labels("es")
    launcher = page.get_by_role("button", name=es["open"])
    launcher.wait_for()
    page.keyboard.press("Tab")
    assert launcher.evaluate("(b) => b.getRootNode().activeElement === b")
    assert launcher.evaluate("(b) => getComputedStyle(b).outlineStyle") != "none"  # focus is visible
    page.keyboard.press("Enter")
    expect(page.locator("#panel")).to_be_visible()
    assert page.locator("#message").evaluate("(i) => i.getRootNode().activeElement === i")
    page.keyboard.type("¿Qué es un ITIN?")
    page.keyboard.press("Enter")
    answer = last_answer(page)
    assert answer.get_attribute("data-topic") == "for-me.itin"
    related = answer.locator(".choices button").first
    expected = KB.topic("for-me.itin").related[0]  # type: ignore[union-attr]
    for _ in range(60):  # Tab until the first related-topic button has the focus
        if related.evaluate("(b) => b.getRootNode().activeElement === b"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the related-topic button cannot be reached with Tab")
    assert related.evaluate("(b) => getComputedStyle(b).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.locator(f"#log li.bot[data-topic='{expected}']")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()
    assert launcher.evaluate("(b) => b.getRootNode().activeElement === b")
    assert launcher.get_attribute("aria-expanded") == "false"


def test_clear_conversation_deletes_it_everywhere(embedded: Embedded, site: Site, live_stack: Stack) -> None:
    page = embedded.page
    page.goto(host_page(site, live_stack))
    open_widget(page, labels("en")["open"])
    ask(page, "What is an ITIN?")
    last_answer(page)
    key = f"aclara.session:{live_stack.gateway}"
    session_id = page.evaluate("(k) => sessionStorage.getItem(k)", key)
    assert session_id
    with page.expect_response(lambda r: r.request.method == "DELETE") as deleted:
        page.click("#clear")
    assert deleted.value.status == 204 and deleted.value.url.endswith(f"/api/v1/sessions/{session_id}")
    assert page.evaluate("(k) => sessionStorage.getItem(k)", key) is None
    assert page.locator("#log li").all_text_contents() == [f"{labels('en')['bot']}: {labels('en')['cleared']}"]
    ask(page, "What is an ITIN?")
    last_answer(page)
    assert page.evaluate("(k) => sessionStorage.getItem(k)", key) not in (None, session_id)


HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'


def test_markup_in_answers_and_messages_stays_text(embedded: Embedded, site: Site, live_stack: Stack) -> None:
    """The answer comes from a replaced chat response (the one boundary faked here), so that
    every field the widget renders carries markup; the user's own message goes the real way first."""
    page = embedded.page
    page.goto(host_page(site, live_stack))
    open_widget(page, labels("en")["open"])
    ask(page, HOSTILE)
    page.locator("#log li.bot:not(.typing)").last.wait_for()
    assert HOSTILE in page.locator("#log li.user").first.inner_text()

    reply = {
        "session_id": "s" * 32,
        "lang": "en",
        "messages": [
            {
                "text": f"Answer {HOSTILE} [click](javascript:alert(1))",
                "topic": "for-me.itin",
                "sources": [
                    {
                        "title": HOSTILE,
                        "publisher": HOSTILE,
                        "url": "javascript:window.pwned=3",
                        "published": "2026-01-02",
                    },
                ],
                "buttons": [{"title": HOSTILE, "payload": "/menu"}],
                "last_reviewed_label": HOSTILE,
                "notice": HOSTILE,
            }
        ],
    }
    page.route(
        f"{live_stack.gateway}/api/v1/chat",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(reply),
            headers={"Access-Control-Allow-Origin": site.origin},
        ),
    )
    ask(page, "anything")
    answer = last_answer(page)
    assert answer.inner_text().count(HOSTILE) >= 4
    widget = page.locator("aclara-chat")
    assert widget.evaluate("(h) => h.shadowRoot.querySelectorAll('img, script:not([src])').length") == 0
    assert answer.locator("a").count() == 0  # neither javascript: URL became a link
    assert page.evaluate("window.pwned") is None


@pytest.mark.parametrize(("width", "height", "scale"), [(320, 640, 1), (640, 400, 2)], ids=["320px", "zoom-200"])
def test_small_screens_and_zoom(
    browser,
    live_stack: Stack,
    site: Site,
    width: int,
    height: int,
    scale: int,  # type: ignore[no-untyped-def]
) -> None:
    """At 320 CSS px, and at 200% zoom of a 1280x800 screen (640x400 CSS px at scale 2), the open
    panel fits the viewport, nothing scrolls sideways, and a question gets its answer."""
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale)
    try:
        page = context.new_page()
        page.goto(host_page(site, live_stack))
        open_widget(page, labels("en")["open"])
        box = page.locator("#panel").bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["y"] >= 0
        assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height
        send = page.locator("#send").bounding_box()
        assert send is not None and send["x"] + send["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        ask(page, "What is an ITIN?")
        assert last_answer(page).get_attribute("data-topic") == "for-me.itin"
    finally:
        context.close()


@pytest.mark.parametrize("color", ["#ffff00", "#9e9e9e", "#00ff00", "#0000aa", "nonsense"])
def test_any_colour_keeps_text_readable(embedded: Embedded, site: Site, live_stack: Stack, color: str) -> None:
    page = embedded.page
    page.goto(host_page(site, live_stack, color=color))
    open_widget(page, labels("en")["open"])
    for selector in ("#send", "header", "#launcher"):
        background = page.locator(selector).evaluate("(e) => getComputedStyle(e).backgroundColor")
        assert contrast_with_white(background) >= 4.5, (selector, background)
    menu_text = page.locator("#menu").evaluate("(e) => getComputedStyle(e).color")
    assert contrast_with_white(menu_text) >= 4.5


def test_inline_target_and_left_position(embedded: Embedded, site: Site, live_stack: Stack) -> None:
    page = embedded.page
    url = host_page(site, live_stack, target="#chat-here")
    site.pages["/inline.html"] = site.pages["/clinic.html"].replace("<p>", '<div id="chat-here"></div><p>', 1)
    page.goto(url.replace("/clinic.html", "/inline.html"))
    expect(page.locator("#chat-here aclara-chat #panel")).to_be_visible()
    assert page.locator("#launcher").count() == 0
    ask(page, "What is an ITIN?")
    assert last_answer(page).get_attribute("data-topic") == "for-me.itin"

    page.goto(host_page(site, live_stack, name="/left.html", position="left"))
    launcher = page.locator("#launcher")
    launcher.wait_for()
    box = launcher.bounding_box()
    assert box is not None and box["x"] < page.viewport_size["width"] / 2  # type: ignore[index]


@pytest.mark.parametrize("code", ["en", "es", "ar"])
def test_no_serious_accessibility_violations(embedded: Embedded, site: Site, live_stack: Stack, code: str) -> None:
    """axe-core, injected into the host page, on the open widget with a question and its answer."""
    assert AXE.is_file(), f"axe-core is missing at {AXE}: run make test (it installs it)"
    page = embedded.page
    page.goto(host_page(site, live_stack, lang=code))
    open_widget(page, labels(code)["open"])
    ask(page, first_question(code)["text"])
    last_answer(page)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target)}))"""
    )
    assert violations == []
    if SCREENSHOTS and code in ("es", "ar"):
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"widget-{code}.png"))


def test_network_failure_says_so_and_retries(embedded: Embedded, site: Site, live_stack: Stack) -> None:
    page = embedded.page
    page.goto(host_page(site, live_stack, lang="es"))
    es = labels("es")
    open_widget(page, es["open"])
    chat = f"{live_stack.gateway}/api/v1/chat"
    page.route(chat, lambda route: route.abort("internetdisconnected"))
    ask(page, "¿Qué es un ITIN?")
    error = page.locator("#log li.error")
    expect(error).to_contain_text(es["error"])
    assert page.locator("#log li.typing").count() == 0
    page.unroute(chat)
    error.get_by_role("button", name=es["retry"]).click()
    assert last_answer(page).get_attribute("data-topic") == "for-me.itin"
    assert page.locator("#log li.error").count() == 0
    assert page.locator("#log li.user").all_text_contents() == [f"{es['you']}: ¿Qué es un ITIN?"]
