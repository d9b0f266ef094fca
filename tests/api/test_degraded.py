"""Degraded mode's pieces: the breaker that spares requests the timeout, and the answers without the engine."""

from __future__ import annotations

import asyncio
import logging

import pytest
from babel.support import Translations

from api.degraded import Breaker, Fallback
from api.i18n import load_translations
from api.rasa import RasaUnavailable
from knowledge import KnowledgeBase
from knowledge.answers import answer_payload
from knowledge.retrieval import TopicRetriever


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def catalogs(knowledge: KnowledgeBase) -> dict[str, Translations]:
    return load_translations(knowledge.codes)


def make_fallback(kb: KnowledgeBase, *, retry_s: float = 5.0, clock: Clock | None = None) -> Fallback:
    return Fallback(kb, TopicRetriever.from_knowledge(kb), Breaker(retry_s=retry_s, clock=clock or Clock()))


def test_breaker_skips_the_engine_after_a_failure_and_tries_it_again_once_per_period() -> None:
    clock = Clock()
    breaker = Breaker(retry_s=5, clock=clock)
    assert breaker.allow() and breaker.allow()  # up: everyone asks
    breaker.failed()
    assert breaker.is_down and not breaker.allow()
    clock.now += 4.9
    assert not breaker.allow()
    clock.now += 0.1
    assert breaker.allow()  # one request tries again ...
    assert not breaker.allow()  # ... the others still skip it while it does
    breaker.failed()
    clock.now += 5
    assert breaker.allow()
    assert breaker.succeeded() == pytest.approx(10.0)  # down since the first failure
    assert not breaker.is_down and breaker.allow() and breaker.allow()
    assert breaker.succeeded() is None


def test_breaker_with_no_retry_period_lets_every_request_try() -> None:
    breaker = Breaker(retry_s=0, clock=Clock())
    breaker.failed()
    assert breaker.allow() and breaker.allow()


def test_call_gives_none_on_failure_and_logs_only_the_reason(
    knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    clock = Clock()
    fallback = make_fallback(knowledge, clock=clock)
    calls: list[str] = []

    async def failing() -> str:
        calls.append("failing")
        raise RasaUnavailable("engine answered 500")

    async def working() -> str:
        calls.append("working")
        return "answer"

    assert asyncio.run(fallback.call(failing)) is None
    assert asyncio.run(fallback.call(working)) is None  # known down: not asked
    clock.now += 5
    assert asyncio.run(fallback.call(working)) == "answer"
    assert calls == ["failing", "working"]
    assert [r.getMessage() for r in caplog.records] == [
        "engine.degraded reason=engine answered 500",
        "engine.degraded reason=known down",
        "engine.recovered down_s=5",
    ]


def test_other_errors_are_not_swallowed(knowledge: KnowledgeBase) -> None:
    async def broken() -> str:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        asyncio.run(make_fallback(knowledge).call(broken))


def test_a_question_gets_the_same_answer_payload_the_action_server_sends(
    knowledge: KnowledgeBase, catalogs: dict[str, Translations]
) -> None:
    topic = knowledge.topic("help.free-help")
    assert topic is not None
    reply = make_fallback(knowledge).reply(topic.text["ko"].examples[0], lang="ko", translations=catalogs["ko"])
    assert reply == [{"custom": answer_payload(knowledge, topic, "ko")}]


@pytest.mark.parametrize(
    ("text", "key", "menu"), [("hello there", "bot.greet", True), ("thank you", "bot.thanks", False)]
)
def test_a_greeting_or_thanks_gets_the_engines_reply(
    knowledge: KnowledgeBase, catalogs: dict[str, Translations], text: str, key: str, menu: bool
) -> None:
    reply = make_fallback(knowledge).reply(text, lang="en", translations=catalogs["en"])
    assert reply[0] == {"text": catalogs["en"].gettext(key)}
    language = {"title": catalogs["en"].gettext("page.language"), "payload": "/language"}
    assert [m["buttons"][-1] for m in reply[1:]] == ([language] if menu else [])


def test_the_menu_payload_gets_the_menu(knowledge: KnowledgeBase, catalogs: dict[str, Translations]) -> None:
    [menu] = make_fallback(knowledge).reply("/menu", lang="ar", translations=catalogs["ar"])
    assert menu["text"] == catalogs["ar"].gettext("bot.menu")
    payloads = [b["payload"] for b in menu["buttons"]]
    assert payloads == ["/menu_events", "/menu_for_me", "/menu_help", "/menu_about", "/language"]
    assert menu["buttons"][0]["title"] == catalogs["ar"].gettext("menu.events")


def test_the_first_search_in_a_language_does_not_hold_up_the_event_loop(
    knowledge: KnowledgeBase, catalogs: dict[str, Translations]
) -> None:
    fallback = make_fallback(knowledge)
    topic = knowledge.topic("help.free-help")
    assert topic is not None
    question = topic.text["ar"].examples[0]

    async def run() -> tuple[list[dict[str, object]], int]:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.001)

        ticker = asyncio.create_task(tick())
        await asyncio.sleep(0)
        before = ticks
        reply = await fallback.answer(question, lang="ar", translations=catalogs["ar"])  # builds the ar index
        ticker.cancel()
        return reply, ticks - before

    reply, ticks = asyncio.run(run())
    assert reply == [{"custom": answer_payload(knowledge, topic, "ar")}]
    assert ticks >= 5  # the Arabic index takes 0.1 s or more to build; other tasks ran meanwhile
