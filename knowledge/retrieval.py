"""Which topic a question is about, found without the engine: BM25 over character n-grams.

The gateway answers from this while Rasa or its action server cannot (degraded mode). Each language
has its own index, in which every topic (and every dialogue intent: greet, menu, out_of_scope, ...)
is one document made of all its example questions in that language. Text is folded as
`normalize_text` folds it (case, accents and punctuation go, so "Thuế" = "thue"), plus the few
letters Unicode does not decompose ("đ" = "d"), and cut into character 1- to 4-grams across word
boundaries, which needs no tokenizer for Chinese, Japanese or Khmer and tolerates typos.

A match's score is its BM25 score as a share of the most the question's n-grams could score (an
n-gram no example has counts at the highest weight), so that one threshold serves short and long
questions alike; below it, search() answers None. A language's index is built the first time it
is searched (0.1 to 0.6 s; all 21 languages take about 4.6 s of CPU and keep 26 MB), so a gateway
whose engine never fails pays nothing.
"""

from __future__ import annotations

import array
import bisect
import collections
import itertools
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from knowledge._model import KnowledgeBase, fold_digits

__all__ = ["THRESHOLD", "UNSPACED_THRESHOLD", "Match", "TopicRetriever"]

ORDERS = (1, 2, 3, 4)
K1 = 3.0
"""Term-frequency saturation. A document here is a whole topic's examples, in which a common n-gram
recurs many times: 3 did better on held-out examples than the textbook 1.2."""
B = 0.75
THRESHOLD = 0.1
"""The least score a match needs. On held-out examples it keeps 97% of the right matches, and about
1 string of random letters in 100 gets through to a topic."""
UNSPACED_THRESHOLD = 0.05
"""The same for questions written mostly in scripts without spaces between words (Chinese, Japanese,
Khmer): they are long runs whose 3- and 4-grams the examples often lack, so right matches score
about half as much, while random characters of those scripts score under 0.01."""
_UNSPACED_SCRIPTS = ("CJK UNIFIED IDEOGRAPH", "HIRAGANA", "KATAKANA", "KHMER")
_UNDECOMPOSED = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "ħ": "h"})
_SEPARATOR = "\n"  # never inside a folded text, so no n-gram spans two examples
_NOT_WORD = re.compile(r"[^\w\s]|_")
"""What normalize_text drops (neither str.isalnum nor str.isspace), as one C-speed substitution."""


def _fold(text: str) -> str:
    """normalize_text(text), then "đ" -> "d" and the like."""
    decomposed = unicodedata.normalize("NFKD", fold_digits(text).casefold())
    return " ".join(_NOT_WORD.sub("", decomposed).split()).translate(_UNDECOMPOSED)


def _is_unspaced(text: str) -> bool:
    """Whether most of the text's letters belong to a script written without spaces between words."""
    letters = [ch for ch in text if ch.isalpha()]
    unspaced = sum(unicodedata.name(ch, "").startswith(_UNSPACED_SCRIPTS) for ch in letters)
    return 2 * unspaced > len(letters)


def _grams(texts: Iterable[str]) -> collections.Counter[str]:
    """N-gram counts over texts, each padded with spaces so that word starts and ends count.
    Slicing one joined string in C is several times faster than a Python loop per text."""
    joined = _SEPARATOR + _SEPARATOR.join(f" {_fold(t)} " for t in texts) + _SEPARATOR
    counts: collections.Counter[str] = collections.Counter()
    for n in ORDERS:
        counts.update(map(joined.__getitem__, map(slice, range(len(joined) - n + 1), range(n, len(joined) + 1))))
    for gram in [g for g in counts if _SEPARATOR in g or not g.strip()]:
        del counts[gram]
    return counts


@dataclass(frozen=True)
class Match:
    """The best document for a question."""

    label: str
    """A topic id ("for-me.itin"), or a dialogue intent ("greet", "out_of_scope") of knowledge/dialogue.yml."""
    score: float
    """The BM25 score as a share of the most the question's n-grams could score: 0 to 1."""


class _Index:
    """One language's BM25 index, stored as compressed sparse rows: the documents holding the n-gram
    of row r, and its weight in each, are docs[offsets[r]:offsets[r + 1]] and weights[...]. The
    n-grams themselves are kept only as their hashes, sorted for bisect: arrays instead of a dict of
    lists of tuples take a tenth of the memory. (Two n-grams sharing a 64-bit hash would share a
    row; among a language's hundred thousand the chance is about 1 in 10^9.)"""

    def __init__(self, documents: Mapping[str, Iterable[str]]) -> None:
        self.labels = tuple(documents)
        counts = [_grams(texts) for texts in documents.values()]
        lengths = [sum(c.values()) for c in counts]
        average = sum(lengths) / len(lengths) if lengths else 1.0
        frequency: collections.Counter[str] = collections.Counter()
        for counter in counts:
            frequency.update(counter.keys())
        grams = sorted(frequency, key=hash)
        self._hashes = array.array("q", map(hash, grams))
        self._idf = array.array("f", (self.idf(frequency[g]) for g in grams))
        self._offsets = array.array("L", itertools.accumulate((frequency[g] for g in grams), initial=0))
        rows = dict(zip(grams, range(len(grams))))
        idf = self._idf.tolist()
        cursor = self._offsets[:-1].tolist()
        docs = [0] * self._offsets[-1]
        weights = [0.0] * self._offsets[-1]
        for doc, (counter, length) in enumerate(zip(counts, lengths, strict=True)):
            norm = K1 * (1 - B + B * length / average)
            for gram, tf in counter.items():
                row = rows[gram]
                position = cursor[row]
                docs[position] = doc
                weights[position] = idf[row] * tf * (K1 + 1) / (tf + norm)
                cursor[row] = position + 1
        self._docs = array.array("I", docs)
        self._weights = array.array("f", weights)

    def idf(self, df: int) -> float:
        """BM25's inverse document frequency (never negative) of an n-gram found in df documents."""
        return math.log(1 + (len(self.labels) - df + 0.5) / (df + 0.5))

    def _row(self, gram: str) -> int | None:
        key = hash(gram)
        row = bisect.bisect_left(self._hashes, key)
        return row if row < len(self._hashes) and self._hashes[row] == key else None

    def best(self, text: str) -> Match | None:
        """The best-scoring document, or None when the text has no n-gram or there is no document."""
        scores = [0.0] * len(self.labels)
        ceiling = 0.0
        for gram in _grams([text]):
            row = self._row(gram)
            if row is None:
                ceiling += self.idf(0) * (K1 + 1)
                continue
            ceiling += self._idf[row] * (K1 + 1)
            for position in range(self._offsets[row], self._offsets[row + 1]):
                scores[self._docs[position]] += self._weights[position]
        if not ceiling or not self.labels:
            return None
        doc = max(range(len(scores)), key=scores.__getitem__)
        return Match(self.labels[doc], scores[doc] / ceiling)


class TopicRetriever:
    """search(text, lang) -> the best topic or dialogue intent among that language's examples, or None.

    >>> retriever = TopicRetriever({"en": {"itin": ["what is an itin"], "greet": ["hello", "hi there"]}})
    >>> retriever.search("What's an ITIN?", "en").label
    'itin'
    >>> retriever.search("zzzz", "en") is None
    True
    """

    def __init__(self, samples: Mapping[str, Mapping[str, Iterable[str]]]) -> None:
        """`samples`: language -> label -> example texts."""
        self._samples = {code: {label: tuple(texts) for label, texts in docs.items()} for code, docs in samples.items()}
        self._indexes: dict[str, _Index] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_knowledge(cls, kb: KnowledgeBase) -> TopicRetriever:
        """Over every topic's and dialogue intent's examples, per language."""
        samples: dict[str, dict[str, tuple[str, ...]]] = {code: {} for code in kb.codes}
        for topic in kb.topics:
            for code, translation in topic.text.items():
                samples[code][topic.id] = translation.examples
        for intent, by_lang in kb.dialogue.items():
            for code, examples in by_lang.items():
                samples[code][intent] = examples
        return cls(samples)

    @property
    def codes(self) -> tuple[str, ...]:
        """The languages it can search."""
        return tuple(self._samples)

    def search(self, text: str, lang: str) -> Match | None:
        """The best match among lang's examples, or None below the threshold or for a language it has no examples in."""
        if lang not in self._samples:
            return None
        with self._lock:  # each language's index is built once, on first use
            if lang not in self._indexes:
                self._indexes[lang] = _Index(self._samples[lang])
            index = self._indexes[lang]
        match = index.best(text)
        threshold = UNSPACED_THRESHOLD if _is_unspaced(text) else THRESHOLD
        return match if match and match.score >= threshold else None
