from __future__ import annotations

import pytest

from api.smstext import gsm_friendly, paginate, plain_text, twiml
from knowledge.sms import is_gsm7, sms_segments


def test_typographic_punctuation_becomes_gsm7_in_latin_text() -> None:
    text = "L\u2019IRS a dit \u00ab oui \u00bb \u2014 c\u2019est \u201cfini\u201d\u2026"
    assert not is_gsm7(text)
    friendly = gsm_friendly(text)
    assert friendly == 'L\'IRS a dit " oui " - c\'est "fini"...'
    assert is_gsm7(friendly)
    assert sms_segments(friendly * 5) < sms_segments(text * 5)


def test_other_scripts_keep_their_punctuation() -> None:
    assert gsm_friendly("Налоговая служба \u00abIRS\u00bb") == "Налоговая служба \u00abIRS\u00bb"
    assert gsm_friendly("Thu\u1ebf \u201cIRS\u201d") == 'Thu\u1ebf "IRS"'  # Vietnamese is Latin script


def test_markdown_links_become_plain_text() -> None:
    assert (
        plain_text("See [the IRS page](https://www.irs.gov/x) **now**")
        == "See the IRS page (https://www.irs.gov/x) now"
    )


def test_paginate_keeps_short_text_whole_and_cuts_long_text_at_a_space() -> None:
    assert paginate("short", "Reply MORE") == ("short", "")
    words = " ".join(f"word{i}" for i in range(200))
    page, rest = paginate(words, "Reply MORE", "footer line")
    assert sms_segments(page) <= 3 and page.endswith("Reply MORE\n\nfooter line")
    assert (page.split("\n\n")[0] + " " + rest).split() == words.split()


def test_paginate_prefers_whole_paragraphs() -> None:
    first, second = "a " * 200, "b " * 200
    page, rest = paginate(first.strip() + "\n\n" + second.strip(), "MORE")
    assert page == first.strip() + "\n\nMORE" and rest == second.strip()


@pytest.mark.parametrize("text", ["\u20ac" * 80, "Hola {x}", "\u4e2d" * 150])
def test_pages_always_fit_three_segments(text: str) -> None:
    page, rest = paginate(text * 3, "MORE")
    assert sms_segments(page) <= 3
    assert "".join((page.removesuffix("\n\nMORE") + rest).split()) == "".join((text * 3).split())


def test_twiml_escapes_and_may_be_empty() -> None:
    assert twiml([]) == '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
    assert "<Message>1 &lt; 2 &amp; 3 &gt; 2</Message>" in twiml(["1 < 2 & 3 > 2"])


def test_text_without_spaces_fills_the_page() -> None:
    text = "ITIN " + "是美国国税局发给不能申请社会安全号码的人的九位数税号。" * 20
    page, rest = paginate(text, "MORE")
    assert sms_segments(page) <= 3 and len(page) > 150
    assert page.removesuffix("\n\nMORE") + rest == text
