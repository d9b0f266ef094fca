"""Request dependencies, as Annotated aliases for handlers."""

from __future__ import annotations

from typing import Annotated

from babel.support import Translations
from fastapi import Depends, HTTPException, Request

from api.config import Settings, get_settings
from api.degraded import Fallback
from api.i18n import Detector
from api.keywords import Keywords
from api.rasa import RasaClient
from api.ratelimit import RateLimiter
from api.smsstore import SmsStore
from knowledge import KnowledgeBase

__all__ = [
    "DetectorDep",
    "FallbackDep",
    "KeywordsDep",
    "KnowledgeDep",
    "PublicNumbersDep",
    "RasaDep",
    "RateLimiterDep",
    "SettingsDep",
    "SmsStoreDep",
    "TranslationsDep",
    "supported_lang",
]


def _knowledge(request: Request) -> KnowledgeBase:
    kb: KnowledgeBase = request.app.state.knowledge
    return kb


def _rasa(request: Request) -> RasaClient:
    rasa: RasaClient = request.app.state.rasa
    return rasa


def _detector(request: Request) -> Detector:
    detector: Detector = request.app.state.detector
    return detector


def _translations(request: Request) -> dict[str, Translations]:
    translations: dict[str, Translations] = request.app.state.translations
    return translations


def _keywords(request: Request) -> Keywords:
    keywords: Keywords = request.app.state.keywords
    return keywords


def _public_numbers(request: Request) -> frozenset[str]:
    numbers: frozenset[str] = request.app.state.public_numbers
    return numbers


def _rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


def _fallback(request: Request) -> Fallback:
    fallback: Fallback = request.app.state.fallback
    return fallback


def _sms_store(request: Request) -> SmsStore:
    store: SmsStore = request.app.state.sms_store
    return store


SettingsDep = Annotated[Settings, Depends(get_settings)]
KnowledgeDep = Annotated[KnowledgeBase, Depends(_knowledge)]
RasaDep = Annotated[RasaClient, Depends(_rasa)]
DetectorDep = Annotated[Detector, Depends(_detector)]
TranslationsDep = Annotated[dict[str, Translations], Depends(_translations)]
KeywordsDep = Annotated[Keywords, Depends(_keywords)]
SmsStoreDep = Annotated[SmsStore, Depends(_sms_store)]
FallbackDep = Annotated[Fallback, Depends(_fallback)]
RateLimiterDep = Annotated[RateLimiter, Depends(_rate_limiter)]
PublicNumbersDep = Annotated[frozenset[str], Depends(_public_numbers)]
"""The knowledge base's own phone numbers, which redaction leaves alone."""


def supported_lang(kb: KnowledgeBase, lang: str) -> str:
    """The canonical code for lang (any case). Raises 422 naming the supported codes."""
    code = kb.code_for(lang)
    if code is None:
        raise HTTPException(422, f"unsupported language {lang!r}; use one of: {', '.join(kb.codes)}")
    return code
