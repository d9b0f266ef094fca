"""Switching language in the full-page chat (the widget, inline): its words, direction and answers follow."""

from __future__ import annotations

import pytest
import yaml
from playwright.sync_api import Page, expect

from api.i18n import format_day
from knowledge import load_knowledge
from tests.integration.test_languages_live import QUESTIONS
from tests.live import Stack

KB = load_knowledge()


def first_question(code: str) -> dict[str, str]:
    return yaml.safe_load((QUESTIONS / f"{code}.yml").read_text(encoding="utf-8"))["questions"][0]


@pytest.mark.parametrize("code", ["ar", "vi", "zh-Hant"])
def test_choosing_a_language_relabels_the_page_and_answers_in_it(page: Page, live_stack: Stack, code: str) -> None:
    page.goto(live_stack.gateway + "/")
    english_send = page.inner_text("#send")
    page.select_option("#lang", code)
    expect(page.locator(".root")).to_have_attribute("lang", code)
    direction = KB.language(code).dir  # type: ignore[union-attr]
    assert page.get_attribute(".root", "dir") == direction
    assert page.inner_text("#send") != english_send
    question = first_question(code)
    page.fill("#message", question["text"])
    page.press("#message", "Enter")
    answer = page.locator("#log li.bot[data-topic]").first
    answer.wait_for()
    assert answer.get_attribute("lang") == code and answer.get_attribute("dir") == direction
    assert answer.get_attribute("data-topic") == question["topic"]
    topic = KB.topic(question["topic"])
    assert topic is not None
    assert format_day(topic.last_reviewed, code, KB.language(code).months) in answer.inner_text()  # type: ignore[union-attr]


@pytest.mark.parametrize("browser_locale", ["ht-HT"])
def test_page_starts_in_the_browser_language_with_the_privacy_notice(page: Page, live_stack: Stack) -> None:
    page.goto(live_stack.gateway + "/")
    assert page.get_attribute("html", "lang") == "ht"
    expect(page.locator(".root")).to_have_attribute("lang", "ht")
    notice = page.inner_text("#privacy")
    assert notice and "cookie" in notice.lower()
    page.click("#privacy-more")
    page.locator("#log li.bot[data-topic='about.privacy']").wait_for()


def test_the_menu_lists_every_language_and_switches(page: Page, live_stack: Stack) -> None:
    page.goto(live_stack.gateway + "/")
    page.click("#menu")
    page.locator("#log li.bot .choices button").last.wait_for()
    page.locator("#log li.bot .choices button").last.click()
    khmer = KB.language("km")
    assert khmer is not None
    page.get_by_role("button", name=khmer.native, exact=True).click()
    page.locator("#log li.bot[lang='km']").first.wait_for()
