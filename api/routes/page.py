"""GET /: a minimal full-page chat, labelled from the catalogs in the visitor's language."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from string import Template

from fastapi import APIRouter, Header, Query
from fastapi.responses import HTMLResponse

from api.deps import KnowledgeDep, TranslationsDep
from api.i18n import negotiate
from api.labels import labels_for

router = APIRouter(tags=["page"])
STATIC = Path(__file__).resolve().parent.parent / "static"


CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def page(
    kb: KnowledgeDep,
    translations: TranslationsDep,
    lang: str | None = Query(default=None, max_length=35),
    accept_language: str | None = Header(default=None),
) -> HTMLResponse:
    """The full-page chat."""
    code = (kb.code_for(lang) if lang else None) or negotiate(accept_language, kb.codes) or "en"
    labels = labels_for(kb, translations, code)
    html = Template((STATIC / "page.html").read_text(encoding="utf-8")).substitute(
        lang=code,
        dir=labels["dir"],
        title=escape(labels["title"]),
        intro=escape(labels["intro"]),
        labels=json.dumps(labels).replace("<", "\\u003c"),
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})
