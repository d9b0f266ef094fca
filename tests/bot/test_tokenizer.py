from __future__ import annotations

import pytest
from components.folding import fold_latin
from components.tokenizer import MultilingualTokenizer, fold, fold_arabic
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
        ("ខ្ញុំត្រូវ ITIN ២០២៥", ["ខ្ញុំត្រូវ", "ITIN", "2025"]),
        ("２０２５年の ITIN", ["2025", "年", "の", "ITIN"]),
        ("Ayúdame是", ["Ayudame", "是"]),
        ("فرم ۴۵۰۶ می‌خواهم", ["فرم", "4506", "میخواهم"]),
        ("ফর্ম ৮৮২২", ["ফর্ম", "8822"]),
    ],
)
def test_keeps_every_script(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize("text", ["我的 ITIN 过期了", "ایتین من کی منقضی می\u200cشود"])
def test_offsets_point_into_the_text(text: str) -> None:
    tokenizer = MultilingualTokenizer(MultilingualTokenizer.get_default_config())
    found = tokenizer.tokenize(Message(data={"text": text}), "text")
    assert len(found) > 3
    for token in found:
        assert fold(text[token.start : token.end]) == token.text


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


def test_fold_drops_the_zero_width_non_joiner_and_does_every_folding() -> None:
    assert fold("آدرس\u200cها می\u200cخواهم") == "ادرسها میخواهم"  # آ -> ا is fold_arabic's
    assert fold("إقامة ۲۰۲۵ año") == "اقامه 2025 ano"


def test_offsets_survive_a_shorter_folded_token() -> None:
    text = "می\u200cخواهم فرم ٤٥٠٦是"
    tokenizer = MultilingualTokenizer(MultilingualTokenizer.get_default_config())
    found = tokenizer.tokenize(Message(data={"text": text}), "text")
    assert [(t.text, t.start, t.end) for t in found] == [
        ("میخواهم", 0, 8),
        ("فرم", 9, 12),
        ("4506", 13, 17),
        ("是", 17, 18),
    ]
