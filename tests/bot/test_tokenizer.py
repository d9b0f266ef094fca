from __future__ import annotations

import pytest
from components.folding import fold_latin
from components.tokenizer import MultilingualTokenizer, fold_arabic
from rasa.shared.nlu.training_data.message import Message


def tokens(text: str) -> list[str]:
    tokenizer = MultilingualTokenizer(MultilingualTokenizer.get_default_config())
    return [t.text for t in tokenizer.tokenize(Message(data={"text": text}), "text")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ITIN 是什么", ["ITIN", "是", "什", "么"]),
        ("KTX 예약하고 싶어요", ["KTX", "예약하고", "싶어요"]),
        ("IRS와 ICE", ["IRS와", "ICE"]),
        ("¿Qué es un ITIN?", ["Que", "es", "un", "ITIN"]),
        ("Tôi cần giúp đỡ", ["Toi", "can", "giup", "do"]),
        ("ما هو ITIN", ["ما", "هو", "ITIN"]),
        ("هل أعطت مصلحة الضرائب عنواني؟", ["هل", "اعطت", "مصلحه", "الضرائب", "عنواني"]),
    ],
)
def test_keeps_every_script(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_offsets_point_into_the_text() -> None:
    text = "我的 ITIN 过期了"
    tokenizer = MultilingualTokenizer(MultilingualTokenizer.get_default_config())
    for token in tokenizer.tokenize(Message(data={"text": text}), "text"):
        assert text[token.start : token.end] == token.text


def test_real_emoji_are_dropped() -> None:
    assert tokens("hola 😀 ayuda") == ["hola", "ayuda"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¿Cuánto tiempo guardan mis datos? Año", "¿Cuanto tiempo guardan mis datos? Ano"),
        ("Tiếng Việt, Đà Nẵng", "Tieng Viet, Da Nang"),
        ("Kreyòl ayisyen, wikipedię, łódź", "Kreyol ayisyen, wikipedie, lodz"),
        ("फ़ारसी हिन्दी ગુજરાતી ਪੰਜਾਬੀ", "फ़ारसी हिन्दी ગુજરાતી ਪੰਜਾਬੀ"),  # marks are letters there
        ("مَرحبا привет й", "مَرحبا привет й"),
    ],
)
def test_fold_latin_drops_only_latin_accents(text: str, expected: str) -> None:
    assert fold_latin(text) == expected
    assert len(fold_latin(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("إقامة", "اقامه"),
        ("أين آخر عنوان؟", "اين اخر عنوان؟"),
        ("مَرْحَبًا", "مرحبا"),
        ("عــنوان مستشفى", "عنوان مستشفي"),
        ("ٱلضرائب", "الضرائب"),
        ("مالیات کی رپورٹ ہے", "مالیات کی رپورٹ ہے"),  # Persian and Urdu letters stay
        ("ITIN, Año, 是", "ITIN, Año, 是"),
    ],
)
def test_fold_arabic_folds_spelling_variants_only(text: str, expected: str) -> None:
    assert fold_arabic(text) == expected
