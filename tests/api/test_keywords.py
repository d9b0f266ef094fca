from __future__ import annotations

import pytest

from api.i18n import load_translations
from api.keywords import ACTIONS, Keywords
from knowledge import load_knowledge, normalize_text

KB = load_knowledge()
KEYWORDS = Keywords.from_catalogs(load_translations(KB.codes))


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("STOP", "stop"),
        ("stop", "stop"),
        (" Unsubscribe! ", "stop"),
        ("PARAR", "stop"),
        ("alto", "stop"),
        ("START", "start"),
        ("unstop", "start"),
        ("HELP", "help"),
        ("ayuda", "help"),
        ("DELETE", "delete"),
        ("Borrar", "delete"),
        ("MORE", "more"),
        ("más", "more"),
        ("mas", "more"),
    ],
)
def test_english_and_spanish_keywords(text: str, action: str) -> None:
    assert KEYWORDS.action(text) == action


@pytest.mark.parametrize("text", ["stop sharing my data", "help me with my ITIN", "is it safe?", "", "1"])
def test_a_keyword_must_be_the_whole_message(text: str) -> None:
    assert KEYWORDS.action(text) is None


@pytest.mark.parametrize("code", KB.codes)
def test_every_language_has_its_own_words_for_every_action(code: str) -> None:
    for action in ACTIONS:
        words = KEYWORDS.by_language[code][action]
        assert words, (code, action)
        assert KEYWORDS.word(code, action) == words[0]


@pytest.mark.parametrize("code", KB.codes)
def test_every_word_means_one_thing(code: str) -> None:
    """A word two languages use for different actions would do the wrong thing in one of them;
    and no keyword may be a language's name, which switches the language instead."""
    for action, words in KEYWORDS.by_language[code].items():
        for word in words:
            assert KEYWORDS.action(word) == action, (code, word)
            assert KB.language_named(word) is None, (code, word)
            assert normalize_text(word), (code, word)
