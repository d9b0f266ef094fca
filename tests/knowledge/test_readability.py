from __future__ import annotations

import pytest

from knowledge.readability import SUPPORTED, readability


def test_plain_english_scores_lower_than_dense_english() -> None:
    plain = "The IRS gave some addresses to ICE. You can still get free help. Call a clinic near you."
    dense = (
        "Notwithstanding statutory confidentiality protections, the administration's interagency memorandum "
        "contemplates verification of individualized taxpayer information for enforcement investigations."
    )
    easy, hard = readability(plain, "en"), readability(dense, "en")
    assert easy is not None and hard is not None
    assert easy.grade < 6
    assert hard.grade > 12
    assert (easy.words, easy.sentences) == (18, 3)


def test_spanish_syllables_respect_diphthongs_and_hiatus() -> None:
    # cie-lo (2), pa-ís (2), le-er (2), bue-no (2)
    result = readability("cielo país leer bueno.", "es")
    assert result is not None
    assert (result.words, result.sentences, result.syllables) == (4, 1, 8)


def test_citations_phones_and_links_do_not_end_sentences_or_inflate_words() -> None:
    text = "Read 26 U.S.C. §6103(i)(2) at [the IRS site](https://www.irs.gov/x) or call 800-829-1040 today."
    result = readability(text, "en")
    assert result is not None
    assert result.sentences == 1
    assert result.words == 11  # read law law at the irs site or call number today


@pytest.mark.parametrize("code", ["zh-Hans", "vi", "xx"])
def test_languages_without_a_formula_are_not_scored(code: str) -> None:
    assert code not in SUPPORTED
    assert readability("Some text here.", code) is None


def test_text_without_words() -> None:
    assert readability("  800-829-1040 ", "en") is not None  # a phone number reads as one word
    assert readability("", "en") is None
