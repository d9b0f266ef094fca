"""Pure functions that turn knowledge topics into bot payloads. No rasa_sdk here."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from knowledge import KnowledgeBase, Topic, category_intent, load_knowledge

__all__ = ["RELATED_BUTTONS", "answer_payload", "knowledge_base", "language_of", "payload_for", "topic_buttons"]

RELATED_BUTTONS = 3


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    """The knowledge base, loaded and validated once per process."""
    return load_knowledge()


def payload_for(topic: Topic) -> str:
    """The button payload that selects a topic."""
    return f"/{topic.intent}"


def language_of(metadata: dict[str, Any], slot: Any, kb: KnowledgeBase) -> str:
    """The reply language: the gateway's metadata, else the slot, else English."""
    for candidate in (metadata.get("language"), slot):
        if candidate in kb.codes:
            return str(candidate)
    return "en"


def answer_payload(kb: KnowledgeBase, topic: Topic, lang: str) -> dict[str, Any]:
    """The structured answer for one topic in one language, with sources and related topics."""
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
    """The topics of the category an intent such as menu_events stands for, titled in the language."""
    return [{"title": t.text[lang].title, "payload": payload_for(t)} for t in kb.topics
            if category_intent(t.category) == intent]
