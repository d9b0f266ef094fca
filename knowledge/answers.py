"""What the bot sends for a topic: the answer payload and the topic buttons, in one language.

The action server sends these through Rasa (bot/actions); the gateway builds the same ones itself
while the engine is down (api/degraded.py), so both paths answer alike.
"""

from __future__ import annotations

from typing import Any

from knowledge._model import KnowledgeBase, Topic, category_intent

__all__ = ["LANGUAGES_PAYLOAD", "MENU_PAYLOAD", "RELATED_BUTTONS", "answer_payload", "payload_for", "topic_buttons"]

RELATED_BUTTONS = 3
MENU_PAYLOAD = "/menu"
"""The payload that shows the main menu."""
LANGUAGES_PAYLOAD = "/language"
"""The menu's language button (bot/generate.py); the gateway answers it with one button per language."""


def payload_for(topic: Topic) -> str:
    """The button payload that selects a topic: "/" + its intent."""
    return f"/{topic.intent}"


def answer_payload(kb: KnowledgeBase, topic: Topic, lang: str) -> dict[str, Any]:
    """The structured answer for one topic in one language (JSON-ready), with sources and related topics."""
    text = topic.text[lang]
    related = [t for t in (kb.topic(i) for i in topic.related) if t is not None][:RELATED_BUTTONS]
    return {
        "topic": topic.id,
        "lang": lang,
        "title": text.title,
        "text": text.long,
        "short": text.short,
        "sources": [
            {"title": s.title, "publisher": s.publisher, "url": s.url, "published": s.published.isoformat()}
            for s in topic.sources
        ],
        "last_reviewed": topic.last_reviewed.isoformat(),
        "review_by": topic.review_by.isoformat(),
        "as_of": topic.as_of.isoformat() if topic.as_of else None,
        "buttons": [{"title": t.text[lang].title, "payload": payload_for(t)} for t in related],
    }


def topic_buttons(kb: KnowledgeBase, lang: str, intent: str) -> list[dict[str, str]]:
    """The topics of the category an intent such as menu_events stands for, titled in the language
    (none for any other intent)."""
    return [
        {"title": t.text[lang].title, "payload": payload_for(t)}
        for t in kb.topics
        if category_intent(t.category) == intent
    ]
