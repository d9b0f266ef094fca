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
