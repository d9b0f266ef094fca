"""The knowledge base's data model: frozen dataclasses, no behaviour beyond lookups."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

__all__ = [
    "CATEGORIES",
    "DIALOGUE_INTENTS",
    "STATUSES",
    "KnowledgeBase",
    "Language",
    "Problem",
    "Source",
    "Topic",
    "Translation",
    "category_intent",
    "fold_digits",
    "normalize_text",
]

CATEGORIES = ("events", "for-me", "help", "about")
DIALOGUE_INTENTS = ("greet", "goodbye", "thanks", "menu", "out_of_scope")
STATUSES = ("machine-drafted", "reviewed")


# The zeros of Arabic, Persian, Devanagari, Bengali, Gurmukhi, Gujarati, Khmer and fullwidth digits
_DIGIT_ZEROS = (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x17E0, 0xFF10)
_DIGITS = str.maketrans({chr(zero + n): str(n) for zero in _DIGIT_ZEROS for n in range(10)})


def fold_digits(text: str) -> str:
    """Write the digits of the scripts people type here ("فرم ۴۵۰۶", "២០២៥", "２０２５") as 0-9."""
    return text.translate(_DIGITS)


def normalize_text(text: str) -> str:
    """Casefolded, without accents, punctuation or extra spaces, digits as 0-9: "¡Español!" -> "espanol"."""
    stripped = unicodedata.normalize("NFKD", fold_digits(text).casefold())
    return " ".join("".join(ch for ch in stripped if ch.isalnum() or ch.isspace()).split())


def category_intent(category: str) -> str:
    """The Rasa intent (and, with a leading "/", the button payload) that lists one category's topics."""
    return "menu_" + category.replace("-", "_")


@dataclass(frozen=True)
class Language:
    """A language the service answers in."""

    code: str
    name: str
    native: str
    dir: str
    aliases: tuple[str, ...] = ()
    """Other names people type to ask for this language ("espanol", "castellano")."""
    months: tuple[str, ...] = ()
    """Month names, January first, for a language whose CLDR data has none (Haitian Creole)."""
    long_limit: tuple[int, str] = (180, "words")
    """The most a long answer may hold: (n, "words") where spaces separate words, else (n, "chars").
    Vietnamese spaces every syllable and Chinese, Japanese and Khmer do not space words, so their
    limits are set in languages.yml to match the English 180 words."""

    def measure(self, text: str) -> int:
        """The length of a text in this language's long_limit unit (characters exclude spaces)."""
        if self.long_limit[1] == "chars":
            return sum(not ch.isspace() for ch in text)
        return len(text.split())

    @property
    def names(self) -> tuple[str, ...]:
        """Every name that selects this language: English, native, aliases."""
        return (self.name, self.native, *self.aliases)


@dataclass(frozen=True)
class Source:
    """Where a topic's facts come from."""

    title: str
    publisher: str
    url: str
    published: dt.date


@dataclass(frozen=True)
class Translation:
    """One topic's text in one language."""

    lang: str
    title: str
    long: str
    short: str
    examples: tuple[str, ...]
    status: str
    version: int
    """For English, the version of the text; for other languages, the English version it was made from."""


@dataclass(frozen=True)
class Topic:
    """One answerable topic, in every language."""

    id: str
    category: str
    last_reviewed: dt.date
    review_by: dt.date
    as_of: dt.date | None
    related: tuple[str, ...]
    sources: tuple[Source, ...]
    text: dict[str, Translation]

    @property
    def intent(self) -> str:
        """The Rasa intent name for this topic."""
        return "ask_" + self.id.replace(".", "__").replace("-", "_")

    def is_stale(self, today: dt.date) -> bool:
        """Whether the topic is past its review-by date."""
        return today > self.review_by


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the knowledge files."""

    file: str
    field: str
    message: str
    is_error: bool = True

    def __str__(self) -> str:
        kind = "error" if self.is_error else "warning"
        return f"{self.file}: {self.field}: {kind}: {self.message}"


@dataclass(frozen=True)
class KnowledgeBase:
    """Every topic and language, indexed for lookup."""

    languages: tuple[Language, ...]
    topics: tuple[Topic, ...]
    dialogue: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    """Example messages for the non-topic intents (greet, menu, out_of_scope, ...), by intent and language."""
    _by_id: dict[str, Topic] = field(default_factory=dict, repr=False, compare=False)
    _by_intent: dict[str, Topic] = field(default_factory=dict, repr=False, compare=False)
    _payloads: set[str] = field(default_factory=set, repr=False, compare=False)
    _by_name: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({t.id: t for t in self.topics})
        self._by_intent.update({t.intent: t for t in self.topics})
        intents = [t.intent for t in self.topics] + [category_intent(c) for c in CATEGORIES] + ["menu"]
        self._payloads.update("/" + intent for intent in intents)
        for language in self.languages:  # the first language listed keeps a name two would share
            for name in language.names:
                self._by_name.setdefault(normalize_text(name), language.code)

    @property
    def codes(self) -> tuple[str, ...]:
        """The supported language codes, English first."""
        return tuple(lang.code for lang in self.languages)

    def topic(self, topic_id: str) -> Topic | None:
        """The topic with this id, or None."""
        return self._by_id.get(topic_id)

    def topic_for_intent(self, intent: str) -> Topic | None:
        """The topic a Rasa intent stands for, or None."""
        return self._by_intent.get(intent)

    def code_for(self, tag: str) -> str | None:
        """The supported code matching a language tag in any letter case, or None."""
        return next((code for code in self.codes if code.lower() == tag.lower()), None)

    def language_named(self, text: str) -> str | None:
        """The code of the language whose name is the whole message ("español", "Tiếng Việt"), or None.
        Case, accents, punctuation and extra spaces are ignored."""
        return self._by_name.get(normalize_text(text))

    def is_payload(self, text: str) -> bool:
        """Whether text is a button payload the bot understands: a topic, a category, or the menu."""
        return text in self._payloads

    def language(self, code: str) -> Language | None:
        """The language with this code, or None."""
        return next((lang for lang in self.languages if lang.code == code), None)
