"""The knowledge base and the reply language for the actions. No rasa_sdk here. The payloads
themselves are built in knowledge.answers, which the gateway also uses while the engine is down."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from knowledge import KnowledgeBase, load_knowledge

__all__ = ["knowledge_base", "language_of"]


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    """The knowledge base, loaded and validated once per process."""
    return load_knowledge()


def language_of(metadata: dict[str, Any], slot: Any, kb: KnowledgeBase) -> str:
    """The reply language: the gateway's metadata, else the slot, else English."""
    for candidate in (metadata.get("language"), slot):
        if candidate in kb.codes:
            return str(candidate)
    return "en"
