"""create_app(): the FastAPI gateway, assembled from settings, middleware and routers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from api.config import Settings, get_settings
from api.degraded import Breaker, Fallback
from api.errors import validation_error
from api.headers import SecurityHeadersMiddleware
from api.i18n import Detector, load_translations
from api.keywords import Keywords
from api.limits import BodyLimitMiddleware
from api.rasa import RasaClient, RasaUnavailable
from api.ratelimit import RateLimiter, limit_web_client
from api.redaction import public_numbers
from api.routes import chat, health, meta, page, sms
from api.smsstore import open_sms_store
from knowledge import KnowledgeBase, load_knowledge
from knowledge.langid import NgramLanguageDetector
from knowledge.retrieval import TopicRetriever

__all__ = ["create_app"]


def create_app(
    settings: Settings | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    detector: Detector | None = None,
    knowledge: KnowledgeBase | None = None,
) -> FastAPI:
    """Build the gateway. Tests may pass settings, a fake Rasa transport, a fake detector and an
    already loaded knowledge base."""
    settings = settings or get_settings()
    # httpx logs every URL at INFO, and Rasa URLs carry the API token.
    logging.getLogger("httpx").setLevel(logging.WARNING)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        kb = knowledge or load_knowledge()
        app.state.knowledge = kb
        app.state.translations = load_translations(kb.codes)
        app.state.detector = detector or NgramLanguageDetector.from_knowledge(kb)
        # degraded mode; each language's index is built when first searched
        app.state.fallback = Fallback(kb, TopicRetriever.from_knowledge(kb), Breaker(retry_s=settings.engine_retry_s))
        app.state.keywords = Keywords.from_catalogs(app.state.translations)
        app.state.public_numbers = public_numbers(
            t.long + "\n" + t.short for topic in kb.topics for t in topic.text.values()
        )
        app.state.sms_store = open_sms_store(settings.sms_db, ttl_s=settings.sms_ttl_days * 86400)
        app.state.rate_limiter = RateLimiter.from_settings(settings)
        async with httpx.AsyncClient(timeout=settings.rasa_timeout_s, transport=transport) as client:
            app.state.rasa = RasaClient(
                client,
                url=settings.rasa_url,
                token=settings.rasa_token.get_secret_value(),
                actions_url=settings.actions_url,
            )
            try:
                yield
            finally:
                await app.state.sms_store.close()
                await app.state.rate_limiter.close()

    # No /docs or /redoc: FastAPI's would load Swagger UI and ReDoc from a CDN, a third party that
    # would see every visitor. The schema is at /openapi.json.
    app = FastAPI(title="aclara", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.dependency_overrides[get_settings] = lambda: settings
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    # Only the listed sites' pages may call the API from a browser; no credentials ever cross.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.widget_origin_list,
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Content-Type", "Accept-Language"],
        allow_credentials=False,
        max_age=600,
    )
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: also on 413s, preflights and 429s

    app.add_exception_handler(RequestValidationError, validation_error)

    @app.exception_handler(RasaUnavailable)
    async def engine_unavailable(request: Request, exc: RasaUnavailable) -> JSONResponse:
        logging.getLogger(__name__).warning("engine.unavailable reason=%s", exc)
        return JSONResponse(
            {"detail": "engine unavailable"}, status_code=503, headers={"Retry-After": str(settings.retry_after_s)}
        )

    # Per-client limits on the chat API only (not on static files or probes); SMS limits per number.
    app.include_router(
        chat.router, dependencies=[Depends(limit_web_client)], responses={429: {"description": "rate limited"}}
    )
    app.include_router(meta.router)
    app.include_router(sms.router)
    app.include_router(health.router)
    app.include_router(page.router)
    app.mount("/static", StaticFiles(directory=page.STATIC), name="static")
    return app
