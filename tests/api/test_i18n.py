from __future__ import annotations

import datetime as dt

import pytest
from babel.support import Translations

from api.i18n import (
    Choice,
    choose_language,
    format_day,
    load_translations,
    negotiate,
    parse_accept_language,
)
from knowledge import load_knowledge

KB = load_knowledge()
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
    base: dict[str, object] = {
        "explicit": None,
        "session_lang": None,
        "session_chosen": False,
        "detected": None,
        "threshold": 0.8,
        "accepted": None,
    }
    return choose_language(**(base | kwargs))  # type: ignore[arg-type]


def test_choice_order() -> None:
    assert choose(explicit="es", session_lang="en", session_chosen=True) == Choice("es", True)
    assert choose(session_lang="es", session_chosen=True, detected=("en", 0.99)) == Choice("es", True)
    assert choose(session_lang="en", detected=("es", 0.95)) == Choice("es", False)
    assert choose(session_lang="en", detected=("es", 0.5), accepted="es") == Choice("en", False)
    assert choose(detected=("es", 0.5), accepted="es") == Choice("es", False)
    assert choose() == Choice("en", False)


def test_every_language_has_a_real_compiled_catalog() -> None:
    loaded = load_translations(KB.codes)
    assert all(type(t) is Translations for t in loaded.values())
    assert loaded["es"].gettext("page.send") == "Enviar"


def test_format_day_per_locale() -> None:
    day = dt.date(2026, 6, 9)
    assert format_day(day, "en") == "June 9, 2026"
    assert format_day(day, "es") == "9 de junio de 2026"


@pytest.mark.parametrize("code", KB.codes)
def test_every_language_writes_dates_its_own_way(code: str) -> None:
    """No language silently gets the English date, nor CLDR's placeholder month names ("M06")."""
    language = KB.language(code)
    assert language is not None
    written = format_day(dt.date(2026, 6, 9), code, language.months)
    assert "2026" in written and "9" in written
    assert "M06" not in written
    if code != "en":
        assert written != format_day(dt.date(2026, 6, 9), "en")


def test_format_day_uses_month_names_from_the_knowledge_base() -> None:
    months = tuple(f"m{i}" for i in range(1, 13))
    assert format_day(dt.date(2026, 6, 9), "ht", months) == "9 m6 2026"


def test_format_day_refuses_an_unknown_locale() -> None:
    with pytest.raises(ValueError, match="no CLDR locale for 'xx'"):
        format_day(dt.date(2026, 6, 9), "xx")
