"""SMS webhooks: POST /sms/twilio (Twilio, TwiML) and POST /sms/inbound (any gateway, JSON).

Both check the sender's signature before anything else, replace the phone number with its keyed
hash, answer carrier keywords (STOP, START, HELP, DELETE, MORE, MENU, in every language) before
any dialogue, and reply with the knowledge base's short answers in at most three segments.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlsplit

from babel.support import Translations
from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from api.config import Settings
from api.degraded import Fallback
from api.deps import (
    DetectorDep,
    FallbackDep,
    KeywordsDep,
    KnowledgeDep,
    PublicNumbersDep,
    RasaDep,
    RateLimiterDep,
    SettingsDep,
    SmsStoreDep,
    TranslationsDep,
)
from api.i18n import Detector, choose_language, format_day
from api.keywords import REPLIES, TEXTS, Keywords
from api.privacy import keyed_hash
from api.rasa import RasaClient
from api.ratelimit import RateLimiter
from api.redaction import redact
from api.routes.chat import DEGRADED_NOTICE, LANGUAGE_PREFIX, LANGUAGES_TITLE, REDACTED_NOTICE
from api.signatures import valid_body_signature, valid_twilio_signature
from api.smsstore import SmsStore, SmsStoreUnavailable
from api.smstext import fits, gsm_friendly, paginate, plain_text, twiml
from knowledge import KnowledgeBase
from knowledge.answers import LANGUAGES_PAYLOAD, MENU_PAYLOAD

router = APIRouter(prefix="/sms", tags=["sms"])
logger = logging.getLogger(__name__)

MAX_AGE_S = 300
"""Generic webhook requests signed longer ago than this (or this far ahead) are refused as replays."""
MAX_CHOICES = 9
MAX_SMS_CHARS = 2000
"""Longest inbound text accepted (Twilio delivers at most 1,600 characters); longer gets 422."""


class InboundSms(BaseModel):
    """The generic gateway's request."""

    from_: str = Field(alias="from", min_length=3, max_length=32)
    to: str = Field(default="", max_length=32)
    text: str = Field(max_length=MAX_SMS_CHARS)
    id: str = Field(min_length=1, max_length=128)


class TwilioSms(BaseModel):
    """The fields of Twilio's form post that the gateway reads; Twilio sends more, which are ignored."""

    from_: str = Field(alias="From", min_length=1, max_length=64)
    to: str = Field(default="", alias="To", max_length=64)
    body: str = Field(default="", alias="Body", max_length=MAX_SMS_CHARS)
    message_sid: str = Field(alias="MessageSid", min_length=1, max_length=64)


class SmsReplies(BaseModel):
    replies: list[str]


# Both webhooks read their raw body themselves (signatures cover its exact bytes), so their bodies
# and signature headers are documented here for the OpenAPI schema (and the fuzz tests).
def _signed(body: dict[str, Any], *headers: str) -> dict[str, Any]:
    parameters = [{"name": name, "in": "header", "required": True, "schema": {"type": "string"}} for name in headers]
    return {"parameters": parameters, "requestBody": {"required": True, "content": body}}


TWILIO_REQUEST = _signed(
    {"application/x-www-form-urlencoded": {"schema": TwilioSms.model_json_schema(by_alias=True)}},
    "X-Twilio-Signature",
)
INBOUND_REQUEST = _signed(
    {"application/json": {"schema": InboundSms.model_json_schema(by_alias=True)}},
    "X-Aclara-Timestamp",
    "X-Aclara-Signature",
)
TWIML = {200: {"description": "TwiML", "content": {"application/xml": {"schema": {"type": "string"}}}}}


@dataclass(frozen=True)
class SmsTurn:
    """Everything one SMS turn needs, gathered once per request."""

    settings: Settings
    kb: KnowledgeBase
    rasa: RasaClient
    detector: Detector
    translations: dict[str, Translations]
    keywords: Keywords
    store: SmsStore
    public_numbers: frozenset[str]
    limiter: RateLimiter
    fallback: Fallback


def sms_turn(
    settings: SettingsDep,
    kb: KnowledgeDep,
    rasa: RasaDep,
    detector: DetectorDep,
    translations: TranslationsDep,
    keywords: KeywordsDep,
    store: SmsStoreDep,
    public_numbers: PublicNumbersDep,
    limiter: RateLimiterDep,
    fallback: FallbackDep,
) -> SmsTurn:
    return SmsTurn(settings, kb, rasa, detector, translations, keywords, store, public_numbers, limiter, fallback)


SmsTurnDep = Annotated[SmsTurn, Depends(sms_turn)]


def operator_name(settings: Settings) -> str:
    return settings.sms_operator or urlsplit(settings.public_url).hostname or "aclara"


def keyword_language(keywords: Keywords, text: str, current: str | None) -> str:
    """The language a keyword was written in: the conversation's if the word is one of its own,
    else the first other language that lists it, else English."""
    word = keywords.normalized(text)
    if current and word in keywords.normalized_words(current):
        return current
    return next(
        (code for code in keywords.by_language if code != "en" and word in keywords.normalized_words(code)),
        current or "en",
    )


def confirmation(translations: Translations, keywords: Keywords, settings: Settings, code: str, action: str) -> str:
    words = {name: keywords.word(code, name) for name in ("stop", "start", "menu", "delete", "more")}
    return gsm_friendly(translations.gettext(REPLIES[action]).format(operator=operator_name(settings), **words))


def compose(
    raw: list[dict[str, Any]], *, kb: KnowledgeBase, lang: str, translations: Translations
) -> tuple[str, list[tuple[str, str]]]:
    """Rasa's messages as one plain text (short answers, one sources line each, with the source's
    link if the whole still fits in three segments) and the choices offered."""
    parts: list[str] = []
    links: list[tuple[int, str]] = []
    choices: list[tuple[str, str]] = []
    language = kb.language(lang)
    months = language.months if language else ()
    for message in raw:
        custom = message.get("custom")
        topic = kb.topic(str(custom.get("topic"))) if isinstance(custom, dict) and custom.get("topic") else None
        if topic is not None:
            text = topic.text[lang].short if lang in topic.text else topic.text["en"].short
            first = topic.sources[0]
            source = f"{first.publisher}, {format_day(first.published, lang, months)}"
            # The sources line is its own paragraph, so that a reply cut for MORE never splits it.
            parts += [text, f"{translations.gettext(TEXTS['sources'])} {source}"]
            links.append((len(parts) - 1, first.url))
            buttons = custom.get("buttons") or []  # type: ignore[union-attr]
        elif isinstance(message.get("text"), str):
            parts.append(plain_text(message["text"]))
            buttons = message.get("buttons") or []
        else:
            continue
        choices += [(str(b["title"]), str(b["payload"])) for b in buttons if b.get("payload")]
    choices = choices[:MAX_CHOICES]
    if choices:
        numbered = "\n".join(f"{n} {title}" for n, (title, _) in enumerate(choices, start=1))
        parts.append(f"{translations.gettext(TEXTS['choose'])}\n{numbered}")
    body = gsm_friendly(plain_text("\n\n".join(parts)))
    for index, url in links:  # a source's link only when the reply still fits in three segments
        linked = parts[:index] + [f"{parts[index]} {url}"] + parts[index + 1 :]
        candidate = gsm_friendly(plain_text("\n\n".join(linked)))
        if url.startswith("https://") and fits(candidate):
            parts, body = linked, candidate
    return body, choices


async def answer(number: str, text: str, turn: SmsTurn) -> list[str]:
    """The replies to one inbound text from one (hashed) number."""
    settings, kb, rasa, keywords, store = turn.settings, turn.kb, turn.rasa, turn.keywords, turn.store
    translations = turn.translations
    redacted = redact(text, public=turn.public_numbers)  # before anything else sees the text
    text = redacted.text
    state = await store.load(number)
    current = state.get("lang") if state.get("lang") in kb.codes else None
    action = keywords.action(text)
    if await store.opted_out(number):
        if action != "start":
            return []  # opted out: nothing at all until START
        await store.opt_in(number)
        code = keyword_language(keywords, text, current)
        return [confirmation(translations[code], keywords, settings, code, "start")]
    if action in ("stop", "help", "delete"):
        code = keyword_language(keywords, text, current)
        if action == "stop":
            await store.opt_out(number)
        elif action == "delete":
            await rasa.forget(number)
            await store.forget(number)
            return [confirmation(translations[code], keywords, settings, code, "delete")]
        if current is None or action == "stop":
            await store.save(number, state | {"lang": code, "seen": True})
        return [confirmation(translations[code], keywords, settings, code, action)]
    if action == "more" and state.get("more"):
        code = current or "en"
        page, rest = paginate(state["more"], _more_line(translations[code], keywords, code))
        await store.save(number, state | {"more": rest})
        return [page]

    message, is_payload = text.strip(), False
    choices = [tuple(c) for c in state.get("choices") or []]
    if message.isdecimal() and 1 <= int(message) <= len(choices):
        message, is_payload = choices[int(message) - 1][1], True
    elif action == "menu":
        message, is_payload = MENU_PAYLOAD, True
    explicit = None
    if message.startswith(LANGUAGE_PREFIX) and kb.language(message.removeprefix(LANGUAGE_PREFIX)):
        explicit, message = message.removeprefix(LANGUAGE_PREFIX), MENU_PAYLOAD
    named = None if is_payload or explicit else kb.language_named(message)
    if named:
        explicit, message, is_payload = named, MENU_PAYLOAD, True
    if message == LANGUAGES_PAYLOAD:
        code = current or "en"
        names = ", ".join(language.native for language in kb.languages)
        await store.save(number, state | {"choices": [], "more": "", "seen": True})
        return [f"{translations[code].gettext(LANGUAGES_TITLE)}: {names}"]
    if not is_payload:
        message = message.lstrip("/").strip() or "?"
    found = await turn.fallback.call(lambda: rasa.slots(number)) if state else {}
    slots = found or {}
    session_lang = slots.get("language") if slots.get("language") in kb.codes else current
    choice = choose_language(
        explicit=explicit,
        session_lang=session_lang,
        session_chosen=bool(slots.get("language_chosen")),
        detected=None if is_payload else turn.detector.detect(message, prior=session_lang),
        threshold=settings.detect_threshold,
        accepted=None,
    )
    catalog = translations[choice.lang]
    metadata = {"language": choice.lang, "chosen": choice.chosen}
    raw = None if found is None else await turn.fallback.call(lambda: rasa.send(number, message, metadata))
    if raw is None:  # the engine cannot answer: the knowledge base does, after saying so
        notice = {"text": catalog.gettext(DEGRADED_NOTICE)}
        raw = [notice, *await turn.fallback.answer(message, lang=choice.lang, translations=catalog)]
    body, choices = compose(raw, kb=kb, lang=choice.lang, translations=catalog)
    if redacted.found:
        body = gsm_friendly(catalog.gettext(REDACTED_NOTICE)) + "\n\n" + body
    footer = (
        ""
        if state.get("seen")
        else gsm_friendly(catalog.gettext(TEXTS["first"]).format(stop=keywords.word(choice.lang, "stop")))
    )
    page, rest = paginate(body, _more_line(catalog, keywords, choice.lang), footer)
    await store.save(number, {"lang": choice.lang, "choices": choices, "more": rest, "seen": True})
    return [page] if page else []


def _more_line(catalog: Translations, keywords: Keywords, code: str) -> str:
    return gsm_friendly(catalog.gettext(TEXTS["more"]).format(more=keywords.word(code, "more")))


async def _turn(turn: SmsTurn, channel: str, sender: str, message_id: str, text: str) -> list[str]:
    """One delivery, or 503 while the store cannot be reached: without it an opt-out cannot be
    checked, so nothing is sent (the gateway may deliver the message again later)."""
    try:
        return await _delivery(turn, channel, sender, message_id, text)
    except SmsStoreUnavailable as exc:
        logger.warning("sms.store_unavailable channel=%s error=%s", channel, type(exc.__cause__).__name__)
        raise HTTPException(503, "sms store unavailable") from None


async def _delivery(turn: SmsTurn, channel: str, sender: str, message_id: str, text: str) -> list[str]:
    """One delivery: the stored replies if this message id was seen before, else a new turn."""
    secret = turn.settings.secret_key.get_secret_value()
    # The raw number goes no further than this line. The "sms-" prefix tells the engine's tracker
    # store which retention period applies.
    number = "sms-" + keyed_hash(secret, "sms:" + sender)
    delivery = keyed_hash(secret, f"{channel}:{message_id}")
    previous = await turn.store.replies_for(delivery)
    if previous is not None:
        logger.info("sms.duplicate channel=%s", channel)
        return previous
    # Over its limit, a number gets no reply at all (the limiter logs one line); STOP always counts.
    if await turn.limiter.retry_after("sms", number) is not None and turn.keywords.action(text) != "stop":
        return []
    started = time.monotonic()
    for expired in await turn.store.purge():  # conversations past API_SMS_TTL_DAYS end in the engine too
        await turn.fallback.call(functools.partial(turn.rasa.forget, expired))  # skipped while it is down
    replies = await answer(number, text, turn)
    await turn.store.remember(delivery, replies)
    logger.info("sms.reply channel=%s n=%d ms=%d", channel, len(replies), (time.monotonic() - started) * 1000)
    return replies


@router.post(
    "/twilio",
    response_class=Response,
    responses=TWIML | {403: {}, 413: {}, 422: {}, 503: {}},
    openapi_extra=TWILIO_REQUEST,
)
async def twilio(request: Request, turn: SmsTurnDep) -> Response:
    """Twilio's inbound-message webhook: a signed form post, answered with TwiML."""
    settings = turn.settings
    token = settings.twilio_auth_token.get_secret_value()
    if not token or not settings.public_url:
        raise HTTPException(503, "twilio channel not configured: set API_TWILIO_AUTH_TOKEN and API_PUBLIC_URL")
    params = parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    url = settings.public_url.rstrip("/") + request.url.path + (f"?{request.url.query}" if request.url.query else "")
    signature = request.headers.get("x-twilio-signature", "")
    if not signature or not valid_twilio_signature(token, url, params, signature):
        raise HTTPException(403, "invalid signature")
    try:
        message = TwilioSms.model_validate(dict(params))
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
    replies = await _turn(turn, "twilio", message.from_, message.message_sid, message.body)
    return Response(twiml(replies), media_type="application/xml")


@router.post(
    "/inbound",
    response_model=SmsReplies,
    responses={403: {}, 413: {}, 422: {}, 503: {}},
    openapi_extra=INBOUND_REQUEST,
)
async def inbound(request: Request, turn: SmsTurnDep) -> SmsReplies:
    """Any gateway: JSON signed with X-Aclara-Timestamp and X-Aclara-Signature (README)."""
    settings = turn.settings
    secret = settings.sms_secret.get_secret_value()
    if not secret:
        raise HTTPException(503, "sms channel not configured: set API_SMS_SECRET")
    body = await request.body()
    timestamp = request.headers.get("x-aclara-timestamp", "")
    signature = request.headers.get("x-aclara-signature", "")
    if (
        not (timestamp.isascii() and timestamp.isdigit())
        or not signature
        or not valid_body_signature(secret, timestamp, body, signature)
    ):
        raise HTTPException(403, "invalid signature")
    if abs(time.time() - int(timestamp)) > MAX_AGE_S:
        raise HTTPException(403, "stale timestamp")
    try:
        message = InboundSms.model_validate_json(body)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
    replies = await _turn(turn, "inbound", message.from_, message.id, message.text)
    return SmsReplies(replies=replies)
