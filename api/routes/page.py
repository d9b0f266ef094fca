"""GET /widget.js, the embeddable chat, and GET /, the full-page version of the same widget."""

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

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""For the full page: nothing but this origin, no inline code, and no framing."""

WIDGET_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "public, max-age=300",
    "Cross-Origin-Resource-Policy": "cross-origin",
    "X-Content-Type-Options": "nosniff",
}
"""widget.js runs on other sites (so any origin may load it); opened directly it is inert."""


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
    return HTMLResponse(html, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})
