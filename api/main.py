"""create_app(): the FastAPI gateway, assembled from settings, middleware and routers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from api.config import Settings, get_settings
from api.i18n import Detector, load_translations
from api.keywords import Keywords
from api.limits import BodyLimitMiddleware
from api.rasa import RasaClient, RasaUnavailable
from api.routes import chat, health, meta, page, sms
from api.smsstore import SmsStore
from knowledge import KnowledgeBase, load_knowledge
from knowledge.langid import NgramLanguageDetector

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
        app.state.keywords = Keywords.from_catalogs(app.state.translations)
        app.state.sms_store = SmsStore(settings.sms_db, ttl_s=settings.sms_ttl_days * 86400)
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
                app.state.sms_store.close()

    app = FastAPI(title="aclara", version="0.1.0", lifespan=lifespan)
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

    @app.exception_handler(RasaUnavailable)
    async def engine_unavailable(request: Request, exc: RasaUnavailable) -> JSONResponse:
        logging.getLogger(__name__).warning("engine.unavailable reason=%s", exc)
        return JSONResponse(
            {"detail": "engine unavailable"}, status_code=503, headers={"Retry-After": str(settings.retry_after_s)}
        )

    app.include_router(chat.router)
    app.include_router(meta.router)
    app.include_router(sms.router)
    app.include_router(health.router)
    app.include_router(page.router)
    app.mount("/static", StaticFiles(directory=page.STATIC), name="static")
    return app
