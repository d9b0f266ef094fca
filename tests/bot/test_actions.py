from __future__ import annotations

from typing import Any

import pytest
from actions.answer import ActionAnswerTopic
from actions.content import knowledge_base
from actions.language import ActionSetLanguage
from actions.menu import ActionShowMenu
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher


def tracker(intent: str = "greet", metadata: dict[str, Any] | None = None, **slots: Any) -> Tracker:
    return Tracker(
        sender_id="test",
        slots={"language": "en", "language_chosen": False, **slots},
        latest_message={"text": "x", "intent": {"name": intent}, "entities": [], "metadata": metadata or {}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def test_language_slots_follow_metadata() -> None:
    events = ActionSetLanguage().run(CollectingDispatcher(), tracker(metadata={"language": "es", "chosen": True}), {})
    assert events == [SlotSet("language", "es"), SlotSet("language_chosen", True)]


def test_language_unchanged_or_unsupported_sets_nothing() -> None:
    assert ActionSetLanguage().run(CollectingDispatcher(), tracker(metadata={"language": "en"}), {}) == []
    assert ActionSetLanguage().run(CollectingDispatcher(), tracker(metadata={"language": "xx"}), {}) == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_answer_comes_from_knowledge_in_the_language(lang: str) -> None:
    kb = knowledge_base()
    topic = kb.topic("events.how-many")
    assert topic is not None
    dispatcher = CollectingDispatcher()
    events = ActionAnswerTopic().run(dispatcher, tracker(topic.intent, metadata={"language": lang}), {})
    assert events == []
    [message] = dispatcher.messages
    payload = message["custom"]
    assert payload["topic"] == "events.how-many"
    assert payload["text"] == topic.text[lang].long
    assert payload["short"] == topic.text[lang].short
    assert payload["last_reviewed"] == topic.last_reviewed.isoformat()
    assert payload["as_of"] == "2026-06-09"
    assert [s["url"] for s in payload["sources"]] == [s.url for s in topic.sources]
    assert [b["title"] for b in payload["buttons"]] == [kb.topic(i).text[lang].title for i in topic.related[:3]]


def test_answer_uses_slot_when_metadata_has_no_language() -> None:
    topic = knowledge_base().topic("for-me.itin")
    assert topic is not None
    dispatcher = CollectingDispatcher()
    ActionAnswerTopic().run(dispatcher, tracker(topic.intent, language="es"), {})
    assert dispatcher.messages[0]["custom"]["text"] == topic.text["es"].long


def test_unknown_intent_says_unsure_instead_of_guessing() -> None:
    dispatcher = CollectingDispatcher()
    ActionAnswerTopic().run(dispatcher, tracker("ask_nothing"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_unsure"]


def test_menu_sends_the_category_menu_response() -> None:
    dispatcher = CollectingDispatcher()
    ActionShowMenu().run(dispatcher, tracker("menu", metadata={"language": "es"}), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_menu"  # its category buttons are generated into the domain
    assert message["buttons"] == []


def test_category_payload_lists_its_topics() -> None:
    kb = knowledge_base()
    dispatcher = CollectingDispatcher()
    ActionShowMenu().run(dispatcher, tracker("menu_help", metadata={"language": "es"}), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_category"
    help_topics = [t for t in kb.topics if t.category == "help"]
    assert [b["title"] for b in message["buttons"]] == [t.text["es"].title for t in help_topics]
    assert [b["payload"] for b in message["buttons"]] == [f"/{t.intent}" for t in help_topics]
