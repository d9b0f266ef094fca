from __future__ import annotations

import pytest

from knowledge import load_knowledge
from knowledge.langid import NgramLanguageDetector

KB = load_knowledge()
DETECTOR = NgramLanguageDetector.from_knowledge(KB)


def test_it_knows_every_language_of_the_knowledge_base() -> None:
    assert DETECTOR.codes == KB.codes


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("¿Cuántas personas afectó?", "es"),
        ("How many people were affected?", "en"),
        ("puedo seguir declarando impuestos", "es"),
        ("what are my rights", "en"),
    ],
)
def test_detects_questions_it_never_saw(text: str, lang: str) -> None:
    detected = DETECTOR.detect(text)
    assert detected is not None and detected[0] == lang and detected[1] >= 0.8


@pytest.mark.parametrize("text", ["12345 ???", "ok", "W-7", ""])
def test_too_few_letters_is_no_evidence(text: str) -> None:
    assert DETECTOR.detect(text) is None


def test_the_conversation_language_is_a_prior_not_a_veto() -> None:
    weak = "ITIN"
    assert DETECTOR.detect(weak, prior="es") is not None
    assert DETECTOR.detect(weak, prior="es")[0] == "es"  # type: ignore[index]
    strong = DETECTOR.detect("What happened with the IRS and ICE?", prior="es")
    assert strong is not None and strong[0] == "en"


def test_scores_are_probabilities() -> None:
    scores = DETECTOR.scores("where can i get free help")
    assert set(scores) == set(KB.codes)
    assert sum(scores.values()) == pytest.approx(1.0)


def test_trained_only_on_what_it_is_given() -> None:
    toy = NgramLanguageDetector({"aa": ["aaaa aaa aaaaa"] * 3, "bb": ["bbbb bbb bbbbb"] * 3})
    assert toy.detect("aaa aaaa") == ("aa", pytest.approx(1.0))
    assert toy.detect("bbbbbb")[0] == "bb"  # type: ignore[index]
    assert toy.detect("zzzz") is None


def test_a_language_typed_in_latin_letters_has_its_own_class() -> None:
    """Urdu written mostly in its own script: its few Roman Urdu examples, mixed into that class,
    lost to a language written only in Latin letters."""
    urdu = ["آپ کیا کر رہے ہیں"] * 60 + [f"aap kya kar rahe ho {i}" for i in range(20)]
    tagalog = [f"ano ang ginagawa mo ko ka {i}" for i in range(80)]
    detector = NgramLanguageDetector({"ur": urdu, "tl": tagalog})
    assert detector.codes == ("ur", "tl")
    assert detector.detect("kya kar rahe ho")[0] == "ur"  # type: ignore[index]
    assert detector.detect("آپ کیا")[0] == "ur"  # type: ignore[index]
    assert detector.detect("ano ang ginagawa")[0] == "tl"  # type: ignore[index]
    assert sum(detector.scores("kya ano").values()) == pytest.approx(1.0)
