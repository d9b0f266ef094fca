"""aclara's curated knowledge base: the single source of truth for every answer."""

from __future__ import annotations

from knowledge._load import DATA_DIR, KnowledgeError, check_knowledge, load_knowledge
from knowledge._model import (
    CATEGORIES,
    KnowledgeBase,
    Language,
    Problem,
    Source,
    Topic,
    Translation,
    category_intent,
    fold_digits,
    normalize_text,
)

__all__ = [
    "CATEGORIES",
    "DATA_DIR",
    "KnowledgeBase",
    "KnowledgeError",
    "Language",
    "Problem",
    "Source",
    "Topic",
    "Translation",
    "category_intent",
    "check_knowledge",
    "fold_digits",
    "load_knowledge",
    "normalize_text",
]
