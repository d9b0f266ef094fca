"""SMS carrier keywords (STOP, HELP, DELETE, ...) in every language, and the texts that answer them.

The words live in the catalogs (sms.keywords.*, comma-separated, most natural first), so each
language's translator chooses them; the English words work in every language, as carriers require.
A message is a keyword only when it is nothing else: case, accents and punctuation are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from babel.support import Translations

from api.i18n import N_
from knowledge import normalize_text

__all__ = ["ACTIONS", "REPLIES", "TEXTS", "Keywords"]

ACTIONS = {
    "stop": N_("sms.keywords.stop"),
    "start": N_("sms.keywords.start"),
    "help": N_("sms.keywords.help"),
    "delete": N_("sms.keywords.delete"),
    "more": N_("sms.keywords.more"),
    "menu": N_("sms.keywords.menu"),
}
REPLIES = {
    "stop": N_("sms.stop"),
    "start": N_("sms.start"),
    "help": N_("sms.help"),
    "delete": N_("sms.delete"),
}
"""The confirmation for each keyword that has one; MORE and MENU answer with content."""
TEXTS = {
    "first": N_("sms.first"),
    "more": N_("sms.more"),
    "choose": N_("sms.choose"),
    "sources": N_("sms.sources"),
}
"""Other SMS wording: the first reply's footer, the MORE prompt, numbered choices, the sources line."""


def _words(value: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in value.split(",") if word.strip())


@dataclass(frozen=True)
class Keywords:
    """Every language's keywords, read once from the compiled catalogs."""

    by_language: Mapping[str, Mapping[str, tuple[str, ...]]]
    """code -> action -> the words as translators wrote them, most natural first."""
    _lookup: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for words in [self.by_language.get("en", {})] + list(self.by_language.values()):
            for action, listed in words.items():
                for word in listed:
                    self._lookup.setdefault(normalize_text(word), action)

    @classmethod
    def from_catalogs(cls, translations: Mapping[str, Translations]) -> Keywords:
        """The keywords of every loaded language."""
        return cls(
            {
                code: {action: _words(catalog.gettext(key)) for action, key in ACTIONS.items()}
                for code, catalog in translations.items()
            }
        )

    def action(self, text: str) -> str | None:
        """stop, start, help, delete, more or menu when the whole message is one keyword in any
        language ("stop", "Parar!", "ARRÊT"), else None."""
        return self._lookup.get(normalize_text(text))

    @staticmethod
    def normalized(text: str) -> str:
        """How keywords are compared: case, accents and punctuation ignored."""
        return normalize_text(text)

    def normalized_words(self, code: str) -> set[str]:
        """Every keyword of one language, normalized."""
        return {normalize_text(word) for words in self.by_language.get(code, {}).values() for word in words}

    def word(self, code: str, action: str) -> str:
        """The word to show a person writing in `code`, e.g. PARAR for stop in Spanish."""
        listed = self.by_language.get(code, {}).get(action) or self.by_language["en"][action]
        return listed[0]
