"""Vietnamese without its marks, Arabic in Latin letters and Japanese in kana, respelled for the encoder.

People often type Vietnamese without diacritics ("thoi toi di day"), Arabic in Latin letters with
digits for the sounds Latin lacks ("3andi so2al", Arabizi) and Japanese in kana only
("ぜいきんのしょるい"). The n-gram features do not mind much: the tokenizer folds the marks, and
the training examples are written all these ways. The sentence encoder does: its vector of
"thoi toi di day" is not that of "thôi tôi đi đây", and it reads Arabizi and kana-only text poorly.
So, for the encoder only, this component writes such a message the way the training examples of
its language write it:

- Vietnamese: each word takes the marked form that the Vietnamese training examples use most
  often after the same previous word (else most often at all).
- Arabic: each Latin word is reduced to a consonant skeleton ("dara2eb" -> d r 2 b), and takes the
  Arabic word of the training examples with the same skeleton, after the same previous word where
  it can. The article ("el", "al") joins the next word. Words of the English examples ("IRS",
  "form") stay, unless they have a digit that stands for a letter ("3an").
- Japanese with no kanji: from the first character on, the longest run of kana that the Japanese
  training examples write in kanji (read by pykakasi, at training only) takes that spelling
  ("しょるい" -> "書類"). Words the examples write in kana ("ありがとう") stay in kana.

The tables are built in `train()` from the training examples only, whose language the generated
training data gives (the intent's metadata), so a held-out example never informs its own
respelling. A message is respelled only when its metadata names the language (the gateway sends
the reply language with every message), and the message keeps its text: the respelled text goes
to the sentence featurizer alone (`RESPELLED`). Training examples are never respelled: the model
learns from both spellings as typed (respelling them too measured worse).
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import METADATA, METADATA_INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.folding import fold_latin
from components.source import SourceFingerprinted

RESPELLED = "respelled_text"
"""The message attribute that holds the respelled text, for the sentence featurizer."""

TABLES = "respelling.json"
"""The file of the tables in the component's model storage."""

_WORD = re.compile(r"[^\W_]+")
_START = "\0"
"""The previous word of a message's first word."""

_KANJI = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HIRAGANA = re.compile("[\u3041-\u309f]")
_KANA_WORD = re.compile("[\u3041-\u309f]{2,}")

_ARABIC_WORD = re.compile("^[\u0621-\u064a\u067e\u0686\u06a4\u06af]+$")
_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670]")
_ARABIC_SKELETON = {
    **dict.fromkeys("اآىويةـ", ""),  # long vowels, teh marbuta, tatweel: Arabizi writes vowels loosely
    **dict.fromkeys("أإءئؤق", "2"),  # hamza, and qaf, which Levantine and Egyptian say as a hamza
    **dict.fromkeys("بپ", "b"),
    **dict.fromkeys("تط", "t"),
    **dict.fromkeys("ثسص", "s"),
    **dict.fromkeys("ذزظ", "z"),
    **dict.fromkeys("حه", "h"),
    **dict.fromkeys("دض", "d"),
    **dict.fromkeys("شچ", "c"),
    **dict.fromkeys("غگ", "g"),
    **dict.fromkeys("فڤ", "f"),
    "ج": "j",
    "خ": "x",
    "ر": "r",
    "ع": "3",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
}
_LATIN_SKELETON = (  # longest first; upper case marks a letter already read
    ("sh", "C"), ("ch", "C"), ("kh", "X"), ("gh", "G"), ("th", "S"), ("dh", "Z"), ("7'", "X"), ("3'", "G"),
    ("5", "X"), ("7", "H"), ("3", "3"), ("2", "2"), ("9", "2"), ("8", "2"), ("q", "2"), ("6", "T"),
    ("p", "B"), ("v", "F"), ("g", "J"), ("x", "KS"),
)  # fmt: skip
_FIRST_CONSONANTS = {"و": "w", "ي": "y"}
_ARTICLES = frozenset({"el", "al", "il", "l"})
_ARABIC_ARTICLE = "ال"
_ARTICLE_KEY = "l"
"""The skeleton of the article, joined to its word's: "el ma7kame" -> "lmhkm" (المحكمة)."""
_DIGIT_LETTERS = re.compile("[2357]")


def fold_vietnamese(word: str) -> str:
    """A word as typed without marks: "đây" -> "day"."""
    return fold_latin(word).lower()


def arabic_skeleton(word: str) -> str:
    """The consonants of an Arabic word in Arabizi's terms: "ضرائب" -> "dr2b", "عنواني" -> "3nn"."""
    word = _ARABIC_MARKS.sub("", word)
    if word.startswith(("أ", "إ", "آ")):  # a first hamza is a vowel to Arabizi ("ana" = أنا)
        word = "ا" + word[1:]
    codes = [_ARABIC_SKELETON.get(char, "?") for char in word]
    if word[:1] in _FIRST_CONSONANTS:  # a first waw or yeh is a consonant ("wein" = وين, "ya3ni" = يعني)
        codes[0] = _FIRST_CONSONANTS[word[0]]
    return "".join(code for i, code in enumerate(codes) if not (i and code and code == codes[i - 1]))


def latin_skeleton(word: str) -> str:
    """The consonants of an Arabizi word: "dara2eb" -> "dr2b", "3enwani" -> "3nn"."""
    word = re.sub(r"(.)\1+", r"\1", word.lower())  # a doubled letter is one (shadda: "mowazzaf")
    word = re.sub("^[aeiou]+", "", word)
    for latin, letter in _LATIN_SKELETON:
        word = word.replace(latin, letter)
    first = word[:1] if word[:1] in "wy" else ""
    return first + re.sub("[aeiouwy]", "", word[len(first) :]).lower()


def _most_common(counts: dict[str, Counter[str]]) -> dict[str, str]:
    """For each key, its most frequent word (ties: the first in sort order, so builds repeat)."""
    return {key: min(words.items(), key=lambda item: (-item[1], item[0]))[0] for key, words in counts.items()}


def _context(previous: str, key: str) -> str:
    return f"{previous}\t{key}"


@dataclass(frozen=True)
class Respeller:
    """Tables from training examples: Vietnamese by unmarked word, Arabic by Latin skeleton,
    Japanese by reading.

    The Vietnamese and Arabic tables map "previous key<TAB>key" and "key" to a word; `english` holds
    the words of the English examples, which Arabizi leaves as they are; `japanese` maps a reading
    in kana to its spelling in the examples (itself for words they write in kana)."""

    vietnamese: dict[str, str]
    arabic: dict[str, str]
    english: frozenset[str]
    japanese: dict[str, str]

    @classmethod
    def build(cls, examples: Iterable[tuple[str, str]]) -> Respeller:
        """The tables from (text, language code) pairs."""
        vietnamese: dict[str, Counter[str]] = defaultdict(Counter)
        arabic: dict[str, Counter[str]] = defaultdict(Counter)
        english: set[str] = set()
        japanese: dict[str, Counter[str]] = defaultdict(Counter)
        read = None
        for text, language in examples:
            if language == "en":
                english.update(word.lower() for word in _WORD.findall(text))
            elif language == "vi" and fold_latin(text) != text:  # typed with marks (as generate.py tells)
                previous = _START
                for word in (word.lower() for word in _WORD.findall(text)):
                    key = fold_vietnamese(word)
                    vietnamese[key][word] += 1
                    vietnamese[_context(previous, key)][word] += 1
                    previous = key
            elif language == "ar":
                previous = _START
                for word in _WORD.findall(text):
                    if not _ARABIC_WORD.match(word):
                        previous = _START
                        continue
                    key = arabic_skeleton(word)
                    arabic[key][word] += 1
                    arabic[_context(previous, key)][word] += 1
                    if word.startswith(_ARABIC_ARTICLE) and len(word) > 3:  # "المحكمة" also as "محكمة"
                        arabic[arabic_skeleton(word[2:])][word[2:]] += 1
                    previous = key
            elif language == "ja":
                if read is None:
                    import pykakasi  # training only: the tables need no reader

                    read = pykakasi.kakasi().convert
                for segment in read(text):
                    spelling, reading = segment["orig"], segment["hira"]
                    if _KANJI.search(spelling) and len(reading) > 1 and _HIRAGANA.match(reading):
                        japanese[reading][spelling] += 1
                    elif _KANA_WORD.fullmatch(spelling):
                        japanese[spelling][spelling] += 1
        return cls(_most_common(vietnamese), _most_common(arabic), frozenset(english), _most_common(japanese))

    def respell(self, text: str, language: Optional[str]) -> Optional[str]:
        """`text` as the training examples of `language` write it, or None if it stays as it is."""
        if language == "vi" and text.isascii():
            respelled = self._vietnamese(text)
        elif language == "ar" and _mostly_latin(text):
            respelled = self._arabic(text)
        elif language == "ja" and _HIRAGANA.search(text) and not _KANJI.search(text):
            respelled = self._japanese(text)
        else:
            return None
        return respelled if respelled != text else None

    def _vietnamese(self, text: str) -> str:
        previous = _START

        def replace(match: re.Match[str]) -> str:
            nonlocal previous
            key = match.group().lower()
            word = self.vietnamese.get(_context(previous, key)) or self.vietnamese.get(key)
            previous = key
            return word or match.group()

        return _WORD.sub(replace, text)

    def _arabic(self, text: str) -> str:
        pieces: list[str] = []
        previous, end = _START, 0
        article: Optional[tuple[str, str]] = None
        for match in _WORD.finditer(text):
            between, word = text[end : match.start()], match.group()
            end = match.end()
            lower = word.lower()
            if lower in _ARTICLES and article is None:
                article = (between, word)  # kept back until the next word shows whether it joins it
                continue
            key = None
            if word.isascii() and not word.isdigit() and (lower not in self.english or _DIGIT_LETTERS.search(lower)):
                key = latin_skeleton(lower)
            candidates = [] if not key else [_ARTICLE_KEY + key, key] if article else [key]
            found = self._arabic_word(previous, candidates)
            if found:
                previous, arabic = found
                if article and not arabic.startswith(_ARABIC_ARTICLE):
                    arabic = _ARABIC_ARTICLE + arabic
                pieces.append((article[0] if article else between) + arabic)
            else:
                pieces.append(("".join(article) if article else "") + between + word)
                previous = _START
            article = None
        pieces.append(("".join(article) if article else "") + text[end:])
        return "".join(pieces)

    def _arabic_word(self, previous: str, keys: list[str]) -> Optional[tuple[str, str]]:
        """The first of `keys` the table knows, with its word (after `previous` where it can)."""
        for key in keys:
            word = self.arabic.get(_context(previous, key)) or self.arabic.get(key)
            if word:
                return key, word
        return None

    def _japanese(self, text: str) -> str:
        longest = self._longest_reading
        pieces, start = [], 0
        while start < len(text):
            for end in range(min(len(text), start + longest), start, -1):
                spelling = self.japanese.get(text[start:end])
                if spelling:
                    pieces.append(spelling)
                    start = end
                    break
            else:
                pieces.append(text[start])
                start += 1
        return "".join(pieces)

    @functools.cached_property
    def _longest_reading(self) -> int:
        return max(map(len, self.japanese), default=0)

    def to_json(self) -> str:
        """The tables as JSON, keys sorted (the same examples give the same file)."""
        tables = {
            "vietnamese": self.vietnamese,
            "arabic": self.arabic,
            "english": sorted(self.english),
            "japanese": self.japanese,
        }
        return json.dumps(tables, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, document: str) -> Respeller:
        """The tables `to_json` wrote."""
        tables = json.loads(document)
        return cls(tables["vietnamese"], tables["arabic"], frozenset(tables["english"]), tables["japanese"])


def _mostly_latin(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and sum(char.isascii() for char in letters) * 2 > len(letters)


def _language(message: Message) -> Optional[str]:
    """The language the message's metadata names: a training example's (its intent's metadata, from
    the generated data) or a message's (the gateway's reply language)."""
    metadata = message.get(METADATA) or {}
    language = metadata.get("language") or (metadata.get(METADATA_INTENT) or {}).get("language")
    return language if isinstance(language, str) else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class EncoderRespeller(SourceFingerprinted, GraphComponent):
    """Respells a message for the sentence featurizer (`RESPELLED`); its text stays as typed."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """No options."""
        return {}

    def __init__(self, model_storage: ModelStorage, resource: Resource, respeller: Respeller) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.respeller = respeller

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EncoderRespeller:
        """An untrained respeller: it respells nothing."""
        return cls(model_storage, resource, Respeller({}, {}, frozenset(), {}))

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EncoderRespeller:
        """The tables `train()` stored; a resource that was never trained respells nothing."""
        try:
            with model_storage.read_from(resource) as directory:
                respeller = Respeller.from_json((directory / TABLES).read_text(encoding="utf-8"))
        except ValueError:  # Rasa's "resource does not exist"
            return cls.create(config, model_storage, resource, execution_context)
        return cls(model_storage, resource, respeller)

    def train(self, training_data: TrainingData) -> Resource:
        """Build the tables from the training examples and store them."""
        examples = ((m.get(TEXT), _language(m)) for m in training_data.training_examples if m.get(TEXT))
        self.respeller = Respeller.build((text, language) for text, language in examples if language)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / TABLES).write_text(self.respeller.to_json(), encoding="utf-8")
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples stay as typed (see the module's docstring)."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Set `RESPELLED` on each message that its language's tables respell."""
        for message in messages:
            text = message.get(TEXT)
            respelled = self.respeller.respell(text, _language(message)) if text else None
            if respelled:
                message.set(RESPELLED, respelled)
        return messages
