"""Pure functions that turn knowledge topics into bot payloads. No rasa_sdk here."""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge import CATEGORIES, KnowledgeBase, Topic, category_intent, load_knowledge

__all__ = [
    "RELATED_BUTTONS",
    "answer_payload",
    "category_buttons",
    "knowledge_base",
    "language_of",
    "topic_buttons",
    "payload_for",
    "translate",
]

LOCALES = Path(__file__).resolve().parents[2] / "locales"


def N_(key: str) -> str:
    """Mark a catalog key for extraction by pybabel."""
    return key


CATEGORY_TITLES = {
    "events": N_("menu.events"),
    "for-me": N_("menu.for-me"),
    "help": N_("menu.help"),
    "about": N_("menu.about"),
}

RELATED_BUTTONS = 3


@lru_cache(maxsize=None)
def _catalog(lang: str) -> gettext.NullTranslations:
    # compiled by `make` (pybabel compile); a missing catalog is an error, not a silent English fallback
    return gettext.translation("messages", LOCALES, languages=[lang.replace("-", "_")])


def translate(key: str, lang: str) -> str:
    """A catalog text in the given language (stdlib gettext over the compiled catalogs)."""
    return _catalog(lang).gettext(key)


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


def category_buttons(lang: str) -> list[dict[str, str]]:
    """The top menu: one button per category, titled from the catalogs."""
    return [{"title": translate(CATEGORY_TITLES[c], lang), "payload": "/" + category_intent(c)} for c in CATEGORIES]


def topic_buttons(kb: KnowledgeBase, lang: str, intent: str) -> list[dict[str, str]]:
    """The topics of the category an intent such as menu_events stands for, titled in the language."""
    return [{"title": t.text[lang].title, "payload": payload_for(t)} for t in kb.topics
            if category_intent(t.category) == intent]
