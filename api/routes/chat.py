"""The chat API used by the web page and the widget."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Annotated, Any

from babel.support import Translations
from fastapi import APIRouter, Header, Path, Response

from api.config import Settings
from api.deps import (
    DetectorDep,
    FallbackDep,
    KnowledgeDep,
    PublicNumbersDep,
    RasaDep,
    SettingsDep,
    TranslationsDep,
    supported_lang,
)
from api.i18n import N_, choose_language, format_day, negotiate
from api.models import Button, ChatReply, ChatRequest, Message
from api.privacy import SESSION_ID_PATTERN, keyed_hash, new_session_id
from api.redaction import redact
from knowledge import KnowledgeBase
from knowledge.answers import LANGUAGES_PAYLOAD, MENU_PAYLOAD

router = APIRouter(prefix="/api/v1", tags=["chat"])
logger = logging.getLogger(__name__)


def sender_for(settings: Settings, session_id: str) -> str:
    """The id Rasa sees for a session: a keyed hash, never the session id itself. The "web-" prefix
    tells the engine's tracker store which retention period applies."""
    return "web-" + keyed_hash(settings.secret_key.get_secret_value(), "web:" + session_id)


def normalize_payload(kb: KnowledgeBase, text: str) -> tuple[str, bool]:
    """(text, is_payload): known button payloads pass through; any other leading "/" is dropped
    so that typed text can never trigger an arbitrary intent."""
    if kb.is_payload(text):
        return text, True
    return (text.lstrip("/").strip() or "?"), False


LANGUAGE_PREFIX = "/language/"
"""LANGUAGE_PREFIX + code: the payload of each button of the language menu, which switches to it."""
LANGUAGES_TITLE = N_("page.language")
STALE_NOTICE = N_("notice.stale")
REDACTED_NOTICE = N_("notice.redacted")
"""Said when a message held an identifying number or address, which was removed before anything kept it."""
DEGRADED_NOTICE = N_("notice.degraded")
"""Marks an answer found by the gateway's own search while the engine is unavailable."""
LAST_REVIEWED = N_("page.last_reviewed")


def to_message(
    raw: dict[str, Any], *, lang: str, translations: Translations, today: dt.date, months: tuple[str, ...] = ()
) -> Message | None:
    """A bot message from Rasa's REST output: an answer payload (custom) or plain text with buttons.
    Dates come with labels written the language's way (Babel); an answer past its review date
    carries a localized notice."""
    custom = raw.get("custom")
    if isinstance(custom, dict) and custom.get("topic"):
        message = Message.model_validate(
            {k: custom.get(k) for k in ("text", "buttons", "sources", "topic", "last_reviewed")}
        )
        for source in message.sources:
            source.published_label = format_day(source.published, lang, months)
        if message.last_reviewed:
            reviewed = format_day(message.last_reviewed, lang, months)
            message.last_reviewed_label = translations.gettext(LAST_REVIEWED).format(date=reviewed)
            review_by = dt.date.fromisoformat(str(custom.get("review_by") or dt.date.max))
            if review_by < today:
                message.notice = translations.gettext(STALE_NOTICE).format(date=reviewed)
        return message
    if isinstance(raw.get("text"), str):
        return Message(text=raw["text"], buttons=raw.get("buttons") or [])
    return None


def language_menu(kb: KnowledgeBase, translations: Translations) -> Message:
    """One button per language, each titled with its own name."""
    buttons = [Button(title=lang.native, payload=LANGUAGE_PREFIX + lang.code) for lang in kb.languages]
    return Message(text=translations.gettext(LANGUAGES_TITLE), buttons=buttons)


@router.post(
    "/chat", response_model=ChatReply, responses={400: {"description": "unreadable body"}, 422: {}, 413: {}, 503: {}}
)
async def chat(
    body: ChatRequest,
    settings: SettingsDep,
    kb: KnowledgeDep,
    rasa: RasaDep,
    detector: DetectorDep,
    translations: TranslationsDep,
    public_numbers: PublicNumbersDep,
    fallback: FallbackDep,
    accept_language: str | None = Header(default=None),
) -> ChatReply:
    """Send one message and get the bot's reply, in the chosen or detected language. While the engine
    cannot answer, the reply comes from the knowledge base (api/degraded.py) and says `degraded`."""
    started = time.monotonic()
    explicit = supported_lang(kb, body.lang) if body.lang else None
    session_id = body.session_id or new_session_id()
    sender = sender_for(settings, session_id)
    redacted = redact(body.message, public=public_numbers)  # before anything else sees the text
    message = redacted.text.strip() or redacted.text
    if message.startswith(LANGUAGE_PREFIX) and kb.language(message.removeprefix(LANGUAGE_PREFIX)):
        explicit, message = message.removeprefix(LANGUAGE_PREFIX), MENU_PAYLOAD
    text, is_payload = normalize_payload(kb, message)
    is_payload = is_payload or message == LANGUAGES_PAYLOAD
    named = None if is_payload or explicit else kb.language_named(text)
    if named:  # "español" alone: switch (and stick), and show the menu in that language
        explicit, text, is_payload = named, MENU_PAYLOAD, True
    found = await fallback.call(lambda: rasa.slots(sender)) if body.session_id else {}
    slots = found or {}
    accepted = negotiate(accept_language, kb.codes)
    session_lang = slots.get("language") if slots.get("language") in kb.codes else None
    choice = choose_language(
        explicit=explicit,
        session_lang=session_lang,
        session_chosen=bool(slots.get("language_chosen")),
        detected=None if is_payload else detector.detect(text, prior=session_lang or accepted),
        threshold=settings.detect_threshold,
        accepted=accepted,
    )
    catalog = translations[choice.lang]
    if message == LANGUAGES_PAYLOAD:
        return ChatReply(session_id=session_id, lang=choice.lang, messages=[language_menu(kb, catalog)])
    metadata = {"language": choice.lang, "chosen": choice.chosen}
    raw = None if found is None else await fallback.call(lambda: rasa.send(sender, text, metadata))
    degraded = raw is None
    if raw is None:
        raw = await fallback.answer(text, lang=choice.lang, translations=catalog)
    today = dt.date.today()
    language = kb.language(choice.lang)
    months = language.months if language else ()
    replies = (to_message(r, lang=choice.lang, translations=catalog, today=today, months=months) for r in raw)
    messages = [m for m in replies if m is not None]
    if degraded and messages:
        notice = catalog.gettext(DEGRADED_NOTICE)
        messages[0].notice = f"{messages[0].notice} {notice}" if messages[0].notice else notice
    if redacted.found:
        messages.insert(0, Message(text=catalog.gettext(REDACTED_NOTICE)))
    logger.info(
        "chat.reply lang=%s chosen=%s n=%d degraded=%s ms=%d",
        choice.lang,
        choice.chosen,
        len(messages),
        degraded,
        (time.monotonic() - started) * 1000,
    )
    return ChatReply(session_id=session_id, lang=choice.lang, messages=messages, degraded=degraded)


@router.delete("/sessions/{session_id}", status_code=204, responses={422: {}, 503: {}})
async def forget_session(
    session_id: Annotated[str, Path(pattern=SESSION_ID_PATTERN)], settings: SettingsDep, rasa: RasaDep
) -> Response:
    """Forget a conversation: everything Rasa holds for it is replaced by nothing."""
    await rasa.forget(sender_for(settings, session_id))
    return Response(status_code=204)
