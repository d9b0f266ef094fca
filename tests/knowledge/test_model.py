from __future__ import annotations

import pytest

from knowledge import KnowledgeBase, Language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Español", "es"),
        ("¡ESPAÑOL!", "es"),
        ("espanol", "es"),
        ("Spanish.", "es"),
        ("  english ", "en"),
        ("inglés", "en"),
        ("Tiếng Việt", "vi"),
        ("tieng viet", "vi"),
        ("中文", "zh-Hans"),
        ("فارسی", "fa"),
        ("Kreyòl", "ht"),
        ("kreyol", "ht"),
        ("español please", None),
        ("es", None),
        ("", None),
        ("???", None),
    ],
)
def test_language_named(text: str, expected: str | None) -> None:
    kb = KnowledgeBase(
        languages=(
            Language("en", "English", "English", "ltr", ("inglés",)),
            Language("es", "Spanish", "Español", "ltr"),
            Language("vi", "Vietnamese", "Tiếng Việt", "ltr"),
            Language("zh-Hans", "Chinese (Simplified)", "简体中文", "ltr", ("中文",)),
            Language("fa", "Persian", "فارسی", "rtl", ("Farsi",)),
            Language("ht", "Haitian Creole", "Kreyòl ayisyen", "ltr", ("Kreyòl",)),
        ),
        topics=(),
    )
    assert kb.language_named(text) == expected
