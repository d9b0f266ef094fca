"""Redaction: identifying numbers in many formats become typed placeholders; what people ask about stays."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.redaction import PLACEHOLDERS, public_numbers, redact

SEPARATORS = st.sampled_from(["-", " ", ".", "", "\u2013", "\u2011", "\uff0d"])
DIGIT_SCRIPTS = st.sampled_from(["0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "０１２３４５６７８９", "०१२३४५६७८९"])
WORDS = st.lists(
    st.sampled_from(["my", "mi", "número", "es", "is", "SSN", "号码", "là", "رقم", "ok", "Rosa"]), max_size=4
)
SETTINGS = settings(max_examples=150, deadline=None)


def digits_of(text: str) -> str:
    return "".join(str(int(c)) for c in text if c.isdigit())


def in_script(digits: str, script: str) -> str:
    return "".join(script[int(d)] for d in digits)


def embed(words: list[str], value: str, after: list[str]) -> str:
    return " ".join([*words, value, *after])


def assert_gone(result: str, secret_digits: str) -> None:
    """No run of the secret's digits (any script, any separators) survives."""
    assert secret_digits not in digits_of(result)


@st.composite
def ssns(draw: st.DrawFn) -> str:
    area = draw(st.integers(1, 899).filter(lambda n: n != 666))
    group = draw(st.integers(1, 99))
    serial = draw(st.integers(1, 9999))
    return f"{area:03d}{group:02d}{serial:04d}"


@st.composite
def itins(draw: st.DrawFn) -> str:
    middle = draw(st.sampled_from([*range(50, 66), *range(70, 89), *range(90, 93), *range(94, 100)]))
    return f"9{draw(st.integers(0, 99)):02d}{middle:02d}{draw(st.integers(0, 9999)):04d}"


def luhn_complete(partial: str) -> str:
    for check in "0123456789":
        candidate = partial + check
        total = 0
        for index, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


@st.composite
def cards(draw: st.DrawFn) -> tuple[str, str]:
    """(digits, as typed): 16 digits in fours, or 15 in 4-6-5, or run together."""
    length = draw(st.sampled_from([15, 16]))
    digits = luhn_complete(
        draw(st.sampled_from("3456")) + draw(st.text("0123456789", min_size=length - 2, max_size=length - 2))
    )
    sep = draw(SEPARATORS)
    cuts = (4, 10) if length == 15 else (4, 8, 12)
    parts = [digits[a:b] for a, b in zip((0, *cuts), (*cuts, length), strict=True)]
    return digits, sep.join(parts)


@given(number=st.one_of(ssns(), itins()), sep=SEPARATORS, script=DIGIT_SCRIPTS, before=WORDS, after=WORDS)
@SETTINGS
def test_ssns_and_itins_in_any_format_and_script(
    number: str, sep: str, script: str, before: list[str], after: list[str]
) -> None:
    typed = in_script(number[:3], script) + sep + in_script(number[3:5], script) + sep + in_script(number[5:], script)
    result = redact(embed(before, typed, after))
    assert_gone(result.text, number)
    assert result.found
    if sep:  # written 3-2-4, a nine-digit number is an SSN or, starting with 9, an ITIN
        assert result.kinds == (("[ITIN]",) if number[0] == "9" else ("[SSN]",))


@given(
    digits=st.text("0123456789", min_size=8, max_size=9),
    prefix=st.sampled_from(["A", "a", "A-", "A#", "A# ", "A ", "A No. ", "a-"]),
    grouped=st.booleans(),
    before=WORDS,
)
@SETTINGS
def test_a_numbers(digits: str, prefix: str, grouped: bool, before: list[str]) -> None:
    typed = "-".join(digits[i : i + 3] for i in range(0, len(digits), 3)) if grouped else digits
    result = redact(embed(before, prefix + typed, ["please"]))
    assert "[A-NUMBER]" in result.text
    assert_gone(result.text, digits)


@given(card=cards(), before=WORDS)
@SETTINGS
def test_card_numbers(card: tuple[str, str], before: list[str]) -> None:
    digits, typed = card
    result = redact(embed(before, typed, []))
    assert_gone(result.text, digits)
    assert result.kinds == ("[CARD]",)


@given(
    area=st.integers(200, 999),
    exchange=st.integers(200, 999),
    line=st.integers(0, 9999),
    style=st.sampled_from(
        [
            "({a}) {e}-{l}",
            "{a}-{e}-{l}",
            "{a}.{e}.{l}",
            "{a} {e} {l}",
            "{a}{e}{l}",
            "+1 {a} {e} {l}",
            "1-{a}-{e}-{l}",
            "+1{a}{e}{l}",
        ]
    ),
    before=WORDS,
)
@SETTINGS
def test_us_phone_numbers(area: int, exchange: int, line: int, style: str, before: list[str]) -> None:
    typed = style.format(a=f"{area:03d}", e=f"{exchange:03d}", l=f"{line:04d}")
    result = redact(embed(before, typed, ["thanks"]))
    assert_gone(result.text, f"{area:03d}{exchange:03d}{line:04d}")
    assert result.kinds == ("[PHONE]",)
    assert "+" not in result.text


@given(
    country=st.sampled_from(["52", "503", "63", "86", "84", "509", "880"]),
    groups=st.lists(st.text("0123456789", min_size=2, max_size=4), min_size=3, max_size=4),
)
@SETTINGS
def test_international_phone_numbers(country: str, groups: list[str]) -> None:
    result = redact(f"whatsapp +{country} {' '.join(groups)} ok")
    assert result.text == "whatsapp [PHONE] ok"


@given(
    user=st.from_regex(r"[a-z][a-z0-9._+\-]{0,15}", fullmatch=True),
    domain=st.from_regex(r"[a-z][a-z0-9\-]{0,10}", fullmatch=True),
    tld=st.sampled_from(["com", "org", "mx", "com.br", "co.uk"]),
)
@SETTINGS
def test_email_addresses(user: str, domain: str, tld: str) -> None:
    result = redact(f"write to {user}@{domain}.{tld} please")
    assert result.text == "write to [EMAIL] please"


@given(account=st.text("0123456789", min_size=10, max_size=17), before=WORDS)
@SETTINGS
def test_long_account_numbers(account: str, before: list[str]) -> None:
    result = redact(embed(before, account, ["thanks"]))
    assert_gone(result.text, account)
    assert result.found and all(kind in PLACEHOLDERS for kind in result.kinds)


def test_routing_and_account_numbers_are_typed() -> None:
    result = redact("routing 021000021 account 000123456789")
    assert result.text == "routing [ROUTING] account [ACCOUNT]"
    assert result.kinds == ("[ROUTING]", "[ACCOUNT]")


@given(text=st.text(st.characters(blacklist_categories=("Nd",), blacklist_characters="@"), max_size=200))
@SETTINGS
def test_text_without_digits_or_at_signs_is_unchanged(text: str) -> None:
    assert redact(text).text == text and not redact(text).found


@pytest.mark.parametrize(
    "text",
    [
        "What is Form 8822-B?",
        "section 6103 of the tax code",
        "about 47,000 people, of 1,270,000 asked",
        "between 47,289 and 47,489",
        "taxes for 2024 2025",
        "on 2025-08-07 or 07-08-2025",
        "Form 1040-X for 2024",
        "mi nombre es Rosa Quispe",
        "A 2025 form",
        "W-7 and 1040-NR",
    ],
)
def test_what_people_ask_about_stays(text: str) -> None:
    assert redact(text).text == text


def test_the_knowledge_bases_own_numbers_stay_and_only_those() -> None:
    public = public_numbers(["Call TAS at 877-777-4778.", "IRS: 800-829-1040"])
    assert public == {"8777774778", "8008291040"}
    result = redact("is 877-777-4778 or 8008291040 real? mine is 555-123-4567", public=public)
    assert result.text == "is 877-777-4778 or 8008291040 real? mine is [PHONE]"


def test_placeholders_are_left_as_they_are() -> None:
    once = redact("ssn 123-45-6789, email a@b.co, phone (555) 123-4567")
    assert redact(once.text).text == once.text
    assert set(re.findall(r"\[[A-Z-]+\]", once.text)) <= set(PLACEHOLDERS)
