"""GET /widget.js, the embeddable chat, and GET /, the full-page version of the same widget.

Their security headers (a strict Content-Security-Policy, no framing) are set for every response
by api/headers.py."""

from __future__ import annotations

from html import escape
from pathlib import Path
from string import Template

from fastapi import APIRouter, Header, Query
from fastapi.responses import HTMLResponse, Response

from api.deps import KnowledgeDep, TranslationsDep
from api.i18n import negotiate
from api.labels import labels_for

router = APIRouter(tags=["page"])
STATIC = Path(__file__).resolve().parent.parent / "static"

WIDGET_HEADERS = {"Cache-Control": "public, max-age=300"}
"""widget.js runs on other sites; its security headers (any origin may load it) come from api/headers.py."""


@router.get("/widget.js", include_in_schema=False)
async def widget() -> Response:
    """The embeddable chat widget: one vanilla-JS file (README, "Embed on your site")."""
    return Response(
        (STATIC / "widget.js").read_bytes(), media_type="text/javascript; charset=utf-8", headers=WIDGET_HEADERS
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def page(
    kb: KnowledgeDep,
    translations: TranslationsDep,
    lang: str | None = Query(default=None, max_length=35),
    accept_language: str | None = Header(default=None),
) -> HTMLResponse:
    """The full-page chat: the widget rendered inline, in lang, else the negotiated language."""
    code = (kb.code_for(lang) if lang else None) or negotiate(accept_language, kb.codes) or "en"
    labels = labels_for(kb, translations, code)
    html = Template((STATIC / "page.html").read_text(encoding="utf-8")).substitute(
        lang=code, dir=labels["dir"], title=escape(labels["title"])
    )
    return HTMLResponse(html)  # its Content-Security-Policy comes from api/headers.py
