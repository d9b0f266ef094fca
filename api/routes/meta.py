"""What the service offers: languages and the topic menu."""

from __future__ import annotations

from fastapi import APIRouter, Header, Query

from api.deps import KnowledgeDep, TranslationsDep, supported_lang
from api.i18n import negotiate
from api.labels import labels_for
from api.models import LanguageInfo, TopicInfo

router = APIRouter(prefix="/api/v1", tags=["meta"])


@router.get("/languages", response_model=list[LanguageInfo])
async def languages(kb: KnowledgeDep) -> list[LanguageInfo]:
    """Every supported language with its native name and text direction."""
    return [
        LanguageInfo(code=lang.code, name=lang.name, native_name=lang.native, dir=lang.dir)  # type: ignore[arg-type]
        for lang in kb.languages
    ]


@router.get("/topics", response_model=list[TopicInfo], responses={422: {}})
async def topics(
    kb: KnowledgeDep,
    lang: str | None = Query(default=None, max_length=35),
    accept_language: str | None = Header(default=None),
) -> list[TopicInfo]:
    """The topic menu in one language (lang, else Accept-Language, else English)."""
    code = supported_lang(kb, lang) if lang else (negotiate(accept_language, kb.codes) or "en")
    return [
        TopicInfo(id=t.id, category=t.category, title=t.text[code].title, payload=f"/{t.intent}") for t in kb.topics
    ]


@router.get("/labels", response_model=dict[str, str], responses={422: {}})
async def labels(
    kb: KnowledgeDep,
    translations: TranslationsDep,
    lang: str | None = Query(default=None, max_length=35),
    accept_language: str | None = Header(default=None),
) -> dict[str, str]:
    """The page's and the widget's words in one language, with its code and text direction."""
    code = supported_lang(kb, lang) if lang else (negotiate(accept_language, kb.codes) or "en")
    return labels_for(kb, translations, code)
