"""aclara's curated knowledge base: the single source of truth for every answer."""

from __future__ import annotations

from knowledge._load import DATA_DIR, KnowledgeError, check_knowledge, load_knowledge
from knowledge._model import KnowledgeBase, Language, Problem, Source, Topic, Translation

__all__ = [
    "DATA_DIR",
    "KnowledgeBase",
    "KnowledgeError",
    "Language",
    "Problem",
    "Source",
    "Topic",
    "Translation",
    "check_knowledge",
    "load_knowledge",
]
