from __future__ import annotations

import datetime as dt

import pytest
from babel.support import Translations

from api.i18n import (
    Choice,
    LangidDetector,
    choose_language,
    format_day,
    load_translations,
    negotiate,
    parse_accept_language,
)

CODES = ("en", "es")


def test_parse_accept_language_orders_by_quality() -> None:
    assert parse_accept_language("en;q=0.5, es-MX, fr;q=0, *;q=0.1, de;q=bad") == ["es-MX", "en"]
    assert parse_accept_language(None) == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [("es-MX,es;q=0.9", "es"), ("fr-FR, en-US;q=0.8", "en"), ("de, fr", None), ("ES", "es"), ("", None)],
)
def test_negotiate(header: str, expected: str | None) -> None:
    assert negotiate(header, CODES) == expected


def choose(**kwargs: object) -> Choice:
    base: dict[str, object] = dict(
        explicit=None, session_lang=None, session_chosen=False, detected=None, threshold=0.8, accepted=None
    )
    return choose_language(**(base | kwargs))  # type: ignore[arg-type]


def test_choice_order() -> None:
    assert choose(explicit="es", session_lang="en", session_chosen=True) == Choice("es", True)
    assert choose(session_lang="es", session_chosen=True, detected=("en", 0.99)) == Choice("es", True)
    assert choose(session_lang="en", detected=("es", 0.95)) == Choice("es", False)
    assert choose(session_lang="en", detected=("es", 0.5), accepted="es") == Choice("en", False)
    assert choose(detected=("es", 0.5), accepted="es") == Choice("es", False)
    assert choose() == Choice("en", False)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("¿Cuántas personas afectó?", "es"),
        ("How many people were affected?", "en"),
        ("puedo seguir declarando impuestos", "es"),
        ("what are my rights", "en"),
    ],
)
def test_langid_detects_supported_languages(text: str, lang: str) -> None:
    detected = LangidDetector(CODES).detect(text)
    assert detected is not None and detected[0] == lang and detected[1] >= 0.8


def test_langid_ignores_text_without_letters() -> None:
    assert LangidDetector(CODES).detect("12345 ???") is None


def test_every_language_has_a_real_compiled_catalog() -> None:
    loaded = load_translations(CODES)
    assert all(type(t) is Translations for t in loaded.values())
    assert loaded["es"].gettext("page.send") == "Enviar"


def test_format_day_per_locale() -> None:
    day = dt.date(2026, 6, 9)
    assert format_day(day, "en") == "June 9, 2026"
    assert format_day(day, "es") == "9 de junio de 2026"

