"""Reading grade of an answer, for the languages that have a validated formula.

English uses the Flesch-Kincaid grade. Spanish uses Fernandez-Huerta's reading ease, Flesch's
formula recalibrated for Spanish, read on Flesch's own scale (90-100 grade 5, 80-90 grade 6,
70-80 grade 7, 60-70 grades 8-9): grade = 5 + (100 - ease) / 10. Syllables are counted with a
vowel-group rule per language, which is close enough for a check that aims at grade 6-8.

Links, URLs, phone numbers, citations and abbreviations are simplified first, so that
"26 U.S.C. §6103(i)(2)" or "800-829-1040" neither end a sentence nor count as long words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SUPPORTED", "Readability", "readability"]

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+|\b[\w.-]+\.(?:gov|org|com)(?:/\S*)?")
_PHONE = re.compile(r"\b\d{3}-\d{3}-\d{4}\b")
_CITATION = re.compile(r"\d+\s+U\.S\.C\.|§+\s*[\w()]+|\b[A-Z](?:\.[A-Z])+\.?")
_NUMBER = re.compile(r"[$]?\d[\d,.]*%?")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+")
_EN_VOWELS = re.compile(r"[aeiouy]+")
_ES_VOWEL = set("aeiouáéíóúü")
_ES_STRONG = set("aeoáéóíú")  # an accented í or ú breaks a diphthong, so it counts as strong


@dataclass(frozen=True)
class Readability:
    """Counts and the resulting school grade of one text."""

    words: int
    sentences: int
    syllables: int
    grade: float


def _simplify(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = _URL.sub("link", text)
    text = _PHONE.sub("number", text)
    text = _CITATION.sub("law", text)
    return _NUMBER.sub("9", text)


def _syllables_en(word: str) -> int:
    word = word.lower()
    count = len(_EN_VOWELS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(count, 1)


def _syllables_es(word: str) -> int:
    count = 0
    previous = ""
    for char in word.lower():
        if char in _ES_VOWEL and (previous not in _ES_VOWEL or (previous in _ES_STRONG and char in _ES_STRONG)):
            count += 1
        previous = char
    return max(count, 1)


def _grade_en(words: int, sentences: int, syllables: int) -> float:
    return 0.39 * words / sentences + 11.8 * syllables / words - 15.59


def _grade_es(words: int, sentences: int, syllables: int) -> float:
    ease = 206.84 - 0.60 * 100 * syllables / words - 1.02 * 100 * sentences / words
    return 5 + (100 - ease) / 10


_FORMULAS = {
    "en": (_syllables_en, _grade_en),
    "es": (_syllables_es, _grade_es),
}
SUPPORTED = frozenset(_FORMULAS)
"""Language codes that have a readability formula."""


def readability(text: str, code: str) -> Readability | None:
    """Counts and grade of `text` in language `code`, or None without a formula or without words."""
    formula = _FORMULAS.get(code)
    if formula is None:
        return None
    count_syllables, grade = formula
    simple = _simplify(text)
    words = _WORD.findall(simple)
    if not words:
        return None
    sentences = max(len([s for s in _SENTENCE_END.split(simple) if _WORD.search(s)]), 1)
    syllables = sum(1 if w.isdigit() else count_syllables(w) for w in words)
    return Readability(len(words), sentences, syllables, round(grade(len(words), sentences, syllables), 1))
