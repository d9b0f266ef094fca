"""Languages: negotiation, detection, the choice for each message, catalogs and dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.dates import format_date
from babel.support import NullTranslations, Translations

__all__ = [
    "LOCALES_DIR",
    "N_",
    "CatalogError",
    "Choice",
    "Detector",
    "choose_language",
    "format_day",
    "gettext_locale",
    "load_translations",
    "negotiate",
    "parse_accept_language",
]

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def N_(key: str) -> str:
    """Mark a catalog key for extraction by pybabel; its text in every language lives in locales/."""
    return key


class CatalogError(Exception):
    """A supported language has no compiled catalog."""


class Detector(Protocol):
    """Anything that guesses a supported language code and a probability from text, given the
    language the conversation is already in (knowledge.langid.NgramLanguageDetector in production)."""

    def detect(self, text: str, prior: str | None = None) -> tuple[str, float] | None: ...


def gettext_locale(code: str) -> str:
    """BCP-47 code as gettext and Babel name it: zh-Hans -> zh_Hans."""
    return code.replace("-", "_")


def parse_accept_language(header: str | None) -> list[str]:
    """Language tags from an Accept-Language header, best first; q=0 and junk are dropped.

    >>> parse_accept_language("es-MX;q=0.9, en;q=0.8, fr;q=0")
    ['es-MX', 'en']
    """
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(header: str | None, codes: tuple[str, ...]) -> str | None:
    """The supported code that best matches an Accept-Language header, or None.

    >>> negotiate("es-MX,es;q=0.9,en;q=0.5", ("en", "es"))
    'es'
    """
    preferred = parse_accept_language(header)
    match = negotiate_locale(preferred, list(codes), sep="-")
    if match is None:
        return None
    return next((code for code in codes if code.lower() == match.lower()), None)


@dataclass(frozen=True)
class Choice:
    """The language for one reply and whether the person chose it explicitly."""

    lang: str
    chosen: bool


def choose_language(
    *,
    explicit: str | None,
    session_lang: str | None,
    session_chosen: bool,
    detected: tuple[str, float] | None,
    threshold: float,
    accepted: str | None,
    default: str = "en",
) -> Choice:
    """explicit > the session's chosen language > a confident detection > the session's language >
    Accept-Language > default."""
    if explicit:
        return Choice(explicit, True)
    if session_chosen and session_lang:
        return Choice(session_lang, True)
    if detected and detected[1] >= threshold:
        return Choice(detected[0], False)
    return Choice(session_lang or accepted or default, False)


def load_translations(codes: tuple[str, ...], directory: Path = LOCALES_DIR) -> dict[str, Translations]:
    """A real compiled catalog for every code. Raises CatalogError instead of silently using English."""
    loaded: dict[str, Translations] = {}
    for code in codes:
        translations = Translations.load(directory, [gettext_locale(code)], domain="messages")
        if type(translations) is NullTranslations:
            raise CatalogError(f"no compiled catalog for {code!r} in {directory}; run `make catalogs`")
        loaded[code] = translations
    return loaded


def format_day(day: dt.date, code: str, months: tuple[str, ...] = ()) -> str:
    """A date written the way the language writes it, e.g. "June 9, 2026" / "9 de junio de 2026".
    `months` (from languages.yml) stand in where CLDR has no month names: "9 jen 2026" in Kreyòl.
    A code Babel does not know raises ValueError rather than falling back to English."""
    if months:
        return f"{day.day} {months[day.month - 1]} {day.year}"
    try:
        locale = Locale.parse(gettext_locale(code))
    except UnknownLocaleError as exc:
        raise ValueError(f"no CLDR locale for {code!r}") from exc
    return format_date(day, format="long", locale=locale)
