"""Which of the knowledge base's languages a short message is written in.

A multinomial naive Bayes model over character 1- to 4-grams, trained on the knowledge base's own
example questions and dialogue messages: the way people actually type to this service, including
Arabizi, Finglish, Roman Urdu, Vietnamese without diacritics and Taglish, which general-purpose
detectors trained on formal text miss (see bench/langid.py and the README for the comparison).
Simplified and Traditional Chinese are told apart by their characters like any other language.
Training takes about a second and needs nothing outside this package.
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


def _letters(text: str) -> str:
    """Words with at least one letter, without punctuation or symbols: numbers alone ("47000") say
    nothing about the language, but digits inside words do (Arabizi writes ع as 3: "3andi")."""
    normalized = unicodedata.normalize("NFC", text.casefold())
    kept = "".join(ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in normalized)
    return " ".join(word for word in kept.split() if any(unicodedata.category(ch)[0] == "L" for ch in word))


MIN_LETTERS = 3
"""Fewer letters than this ("ok", "W-7", "47000") is no evidence: the conversation keeps its language."""


def _grams(text: str) -> list[str]:
    letters = _letters(text)
    if sum(ch.isalpha() for ch in letters) < MIN_LETTERS:
        return []
    padded = f" {letters} "
    return [g for n in ORDERS for i in range(len(padded) - n + 1) if (g := padded[i : i + n]).strip()]


class NgramLanguageDetector:
    """detect(text) -> (code, probability) or None, over the languages it was trained on."""

    def __init__(self, samples: dict[str, Iterable[str]]) -> None:
        counts = {code: collections.Counter(g for t in texts for g in _grams(t)) for code, texts in samples.items()}
        overall = collections.Counter[str]()
        for counter in counts.values():
            overall.update(counter)
        self.codes = tuple(counts)
        self._index = {g: i for i, g in enumerate(sorted(g for g, n in overall.items() if n >= MIN_COUNT))}
        size = len(self._index) + 1
        self._log_p = array.array("f", bytes(4 * len(self.codes) * len(self._index)))
        for column, code in enumerate(self.codes):
            counter = counts[code]
            denominator = math.log(sum(counter[g] for g in self._index) + SMOOTHING * size)
            for gram, row in self._index.items():
                self._log_p[row * len(self.codes) + column] = math.log(counter[gram] + SMOOTHING) - denominator

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
        width = len(self.codes)
        totals = [math.log(PRIOR if code == prior else (1 - PRIOR) / (width - 1)) if prior in self.codes else 0.0
                  for code in self.codes]
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
        return {code: w / norm for code, w in zip(self.codes, weights, strict=True)}

    def detect(self, text: str, prior: str | None = None) -> tuple[str, float] | None:
        """The most likely language and its probability, or None when no n-gram is known."""
        scores = self.scores(text, prior)
        if not scores:
            return None
        code = max(scores, key=scores.__getitem__)
        return code, scores[code]
