"""Which of the knowledge base's languages a short message is written in.

A multinomial naive Bayes model over character 1- to 4-grams, trained on the knowledge base's own
example questions and dialogue messages: the way people actually type to this service, including
Arabizi, Finglish, Roman Urdu, Vietnamese without diacritics and Taglish, which general-purpose
detectors trained on formal text miss (see bench/langid.py and the README for the comparison).
Simplified and Traditional Chinese are told apart by their characters like any other language.
A language written mostly in another script gets a second class for its examples in Latin letters
(Roman Urdu, Arabizi, Finglish, romanised Punjabi): mixed into the native-script class, their
n-grams were a small share of it and lost to languages written only in Latin letters.
Training takes about 5 s (10 million n-grams) and needs nothing outside this package.
"""

from __future__ import annotations

import array
import collections
import math
import unicodedata
from collections.abc import Iterable

from knowledge._model import KnowledgeBase

__all__ = ["NgramLanguageDetector"]

ORDERS = (1, 2, 3, 4)
SMOOTHING = 0.1
MIN_COUNT = 2
"""N-grams seen fewer times than this in all languages together are dropped: they carry little and
would double the model's memory."""
PRIOR = 0.99
MIN_LATIN_SAMPLES = 20
"""A language written mostly in another script gets a Latin-letter class from this many examples."""


def _letters(text: str) -> str:
    """Words with at least one letter, without punctuation or symbols: numbers alone ("47000") say
    nothing about the language, but digits inside words do (Arabizi writes ع as 3: "3andi")."""
    normalized = unicodedata.normalize("NFC", text.casefold())
    kept = "".join(ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in normalized)
    return " ".join(word for word in kept.split() if any(unicodedata.category(ch)[0] == "L" for ch in word))


MIN_LETTERS = 3
"""Fewer letters than this ("ok", "W-7", "47000") is no evidence: the conversation keeps its language."""


def _is_latin(text: str) -> bool:
    """Whether most of the letters are Latin ones."""
    letters = [ch for ch in text if ch.isalpha()]
    return sum("LATIN" in unicodedata.name(ch, "") for ch in letters) * 2 > len(letters)


def _by_script(samples: dict[str, Iterable[str]]) -> list[tuple[str, list[str]]]:
    """(code, texts) per class: each language's texts as one class, or two when it is written mostly
    in another script and has enough texts in Latin letters."""
    classes: list[tuple[str, list[str]]] = []
    for code, texts in samples.items():
        native: list[str] = []
        latin: list[str] = []
        for text in texts:
            (latin if _is_latin(text) else native).append(text)
        if len(latin) < len(native) and len(latin) >= MIN_LATIN_SAMPLES:
            classes += [(code, native), (code, latin)]
        else:
            classes.append((code, native + latin))
    return classes


def _grams(text: str) -> list[str]:
    letters = _letters(text)
    if sum(ch.isalpha() for ch in letters) < MIN_LETTERS:
        return []
    padded = f" {letters} "
    return [g for n in ORDERS for i in range(len(padded) - n + 1) if (g := padded[i : i + n]).strip()]


class NgramLanguageDetector:
    """detect(text) -> (code, probability) or None, over the languages it was trained on."""

    def __init__(self, samples: dict[str, Iterable[str]]) -> None:
        classes = _by_script(samples)
        counts = [collections.Counter(g for t in texts for g in _grams(t)) for _, texts in classes]
        overall = collections.Counter[str]()
        for counter in counts:
            overall.update(counter)
        self._columns = tuple(code for code, _ in classes)
        """The language of each class, in column order."""
        self.codes = tuple(dict.fromkeys(self._columns))
        self._index = {g: i for i, g in enumerate(sorted(g for g, n in overall.items() if n >= MIN_COUNT))}
        size = len(self._index) + 1
        width = len(self._columns)
        denominators = [
            math.log(sum(n for g, n in counter.items() if g in self._index) + SMOOTHING * size) for counter in counts
        ]
        unseen = [math.log(SMOOTHING) - denominator for denominator in denominators]
        self._log_p = array.array("f", unseen * len(self._index))  # then the n-grams each class has seen
        for column, counter in enumerate(counts):
            for gram, count in counter.items():
                row = self._index.get(gram)
                if row is not None:
                    self._log_p[row * width + column] = math.log(count + SMOOTHING) - denominators[column]
        classes_of = collections.Counter(self._columns)
        self._log_share = tuple(-math.log(classes_of[code]) for code in self._columns)
        """A language's prior mass is shared equally by its classes."""

    @classmethod
    def from_knowledge(cls, kb: KnowledgeBase) -> NgramLanguageDetector:
        """Trained on every example question and dialogue message, per language."""
        samples: dict[str, list[str]] = {code: [] for code in kb.codes}
        for topic in kb.topics:
            for code, translation in topic.text.items():
                samples[code].extend(translation.examples)
        for by_lang in kb.dialogue.values():
            for code, examples in by_lang.items():
                samples[code].extend(examples)
        return cls(samples)

    def scores(self, text: str, prior: str | None = None) -> dict[str, float]:
        """Posterior probability of each language; n-grams never seen are ignored. `prior`, the language
        the conversation is already in, gets PRIOR of the prior mass, so that a message that says little
        ("ok", "IRS", "W-7") stays in it while a real sentence in another language still wins."""
        languages = len(self.codes)
        totals = []
        for code, share in zip(self._columns, self._log_share, strict=True):
            mass = 1 / languages
            if prior in self.codes:
                mass = PRIOR if code == prior else (1 - PRIOR) / (languages - 1)
            totals.append(math.log(mass) + share)
        width = len(self._columns)
        seen = False
        for gram in _grams(text):
            row = self._index.get(gram)
            if row is None:
                continue
            seen = True
            start = row * width
            totals = [t + p for t, p in zip(totals, self._log_p[start : start + width], strict=True)]
        if not seen:
            return {}
        best = max(totals)
        weights = [math.exp(t - best) for t in totals]
        norm = sum(weights)
        posterior = dict.fromkeys(self.codes, 0.0)
        for code, weight in zip(self._columns, weights, strict=True):
            posterior[code] += weight / norm
        return posterior

    def detect(self, text: str, prior: str | None = None) -> tuple[str, float] | None:
        """The most likely language and its probability, or None when no n-gram is known."""
        scores = self.scores(text, prior)
        if not scores:
            return None
        code = max(scores, key=scores.__getitem__)
        return code, scores[code]
