"""Degraded mode: the gateway answers from the knowledge base itself while the engine cannot.

The engine (Rasa and its action server) may be down, slow or not yet ready. The chat and SMS routes
ask it through `Fallback.call()`, which gives None instead of raising RasaUnavailable, and then
answer with `Fallback.answer()`: messages shaped like Rasa's REST output, holding the same answer
payload the action server sends (knowledge.answers), for the topic that knowledge.retrieval finds
among the example questions in the reply's language. Both routes render them as usual.

While the engine is known to be down, requests skip it instead of each waiting for the timeout;
one request tries it again every API_ENGINE_RETRY_S seconds, and the first that gets an answer
brings normal replies back, without a restart.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, TypeVar

import anyio.to_thread
from babel.support import Translations

from api.i18n import N_
from api.rasa import RasaUnavailable
from knowledge import KnowledgeBase, category_intent
from knowledge.answers import LANGUAGES_PAYLOAD, MENU_PAYLOAD, answer_payload, topic_buttons
from knowledge.retrieval import TopicRetriever

__all__ = ["CATEGORY_TITLES", "DIALOGUE_REPLIES", "Breaker", "Fallback"]

logger = logging.getLogger(__name__)
T = TypeVar("T")

MENU_TEXT = N_("bot.menu")
UNSURE_TEXT = N_("bot.unsure")
LANGUAGE_TITLE = N_("page.language")
CATEGORY_TITLES = {
    "events": N_("menu.events"),
    "for-me": N_("menu.for-me"),
    "help": N_("menu.help"),
    "about": N_("menu.about"),
}
"""The menu's category buttons, as bot/generate.py builds the engine's own menu (utter_menu)."""
DIALOGUE_REPLIES = {
    "greet": (N_("bot.greet"), True),
    "goodbye": (N_("bot.goodbye"), False),
    "thanks": (N_("bot.thanks"), False),
    "out_of_scope": (N_("bot.out_of_scope"), True),
}
"""What the engine's rules (bot/data/rules.yml) answer a dialogue intent with: the text, and whether
the menu follows it."""


class Breaker:
    """Whether to ask the engine now: always while it answers; once it has failed, one caller every
    `retry_s` seconds (0: every caller) until it answers again."""

    def __init__(self, *, retry_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._retry_s = retry_s
        self._clock = clock
        self._down_since: float | None = None
        self._next_try = 0.0

    @property
    def is_down(self) -> bool:
        """Whether the last answer from the engine was a failure."""
        return self._down_since is not None

    def allow(self) -> bool:
        """True while the engine is up; while it is down, True for the first caller after each retry_s."""
        if self._down_since is None:
            return True
        now = self._clock()
        if now < self._next_try:
            return False
        self._next_try = now + self._retry_s
        return True

    def failed(self) -> None:
        """Record a failure: callers skip the engine for the next retry_s seconds."""
        now = self._clock()
        if self._down_since is None:
            self._down_since = now
        self._next_try = now + self._retry_s

    def succeeded(self) -> float | None:
        """Record an answer. Returns how many seconds the engine had been down, or None if it was up."""
        if self._down_since is None:
            return None
        down, self._down_since = self._clock() - self._down_since, None
        return down


class Fallback:
    """The engine's calls guarded by a Breaker, and the answers to give without it."""

    def __init__(self, kb: KnowledgeBase, retriever: TopicRetriever, breaker: Breaker) -> None:
        self.kb = kb
        self.retriever = retriever
        self.breaker = breaker

    async def call(self, request: Callable[[], Awaitable[T]]) -> T | None:
        """What request() returns, or None when the engine is known to be down or raises RasaUnavailable
        now. Logs the reason (never any text)."""
        if not self.breaker.allow():
            logger.info("engine.degraded reason=known down")
            return None
        try:
            result = await request()
        except RasaUnavailable as exc:
            self.breaker.failed()
            logger.warning("engine.degraded reason=%s", exc)
            return None
        down = self.breaker.succeeded()
        if down is not None:
            logger.warning("engine.recovered down_s=%d", down)
        return result

    async def answer(self, text: str, *, lang: str, translations: Translations) -> list[dict[str, Any]]:
        """reply() in a worker thread: a language's search index is built on its first search (up to
        0.6 s of CPU), which must not hold up every other request on the event loop."""
        return await anyio.to_thread.run_sync(partial(self.reply, text, lang=lang, translations=translations))

    def reply(self, text: str, *, lang: str, translations: Translations) -> list[dict[str, Any]]:
        """Messages shaped like Rasa's REST output answering `text` (a button payload or a question)
        in `lang`: the topic's answer; the menu or a category's topics for their buttons; the
        engine's reply to a greeting or thanks; else the localized "not sure" and the menu."""
        kb = self.kb
        if text == MENU_PAYLOAD:
            return [self.menu(translations)]
        if kb.is_payload(text):
            topic = kb.topic_for_intent(text.removeprefix("/"))
            if topic is not None:
                return [{"custom": answer_payload(kb, topic, lang)}]
            return [{"text": translations.gettext(MENU_TEXT), "buttons": topic_buttons(kb, lang, text[1:])}]
        match = self.retriever.search(text, lang)
        label = match.label if match else ""
        topic = kb.topic(label)
        if topic is not None:
            return [{"custom": answer_payload(kb, topic, lang)}]
        if label == "menu":
            return [self.menu(translations)]
        key, with_menu = DIALOGUE_REPLIES.get(label, (UNSURE_TEXT, True))
        return [{"text": translations.gettext(key)}] + ([self.menu(translations)] if with_menu else [])

    def menu(self, translations: Translations) -> dict[str, Any]:
        """The main menu as the engine sends it: one button per category, then the language button."""
        buttons = [
            {"title": translations.gettext(key), "payload": "/" + category_intent(category)}
            for category, key in CATEGORY_TITLES.items()
        ]
        buttons.append({"title": translations.gettext(LANGUAGE_TITLE), "payload": LANGUAGES_PAYLOAD})
        return {"text": translations.gettext(MENU_TEXT), "buttons": buttons}
