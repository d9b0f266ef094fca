from __future__ import annotations

import pytest

from knowledge import KnowledgeBase, Language, fold_digits, normalize_text


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۴۵۰۶ ٤٥٠٦ ৮৮২২ ੮੮੨੨ ૮૮૨૨ १०४० ២០២៥ ２０２５", "4506 4506 8822 8822 8822 1040 2025 2025"),
        ("Form 8822, 47,000", "Form 8822, 47,000"),
        ("ㄱ 一二三 ⅷ ²", "ㄱ 一二三 ⅷ ²"),  # numerals that are not decimal digits stay
    ],
)
def test_fold_digits_writes_decimal_digits_as_ascii(text: str, expected: str) -> None:
    assert fold_digits(text) == expected


def test_normalize_text_folds_digits_like_the_tokenizer() -> None:
    assert normalize_text("فرم ۴۵۰۶") == normalize_text("فرم 4506") == "فرم 4506"
    assert normalize_text("Form ８８２２!") == "form 8822"
