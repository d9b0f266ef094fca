"""Request and response bodies of the public API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from api.privacy import SESSION_ID_PATTERN

__all__ = [
    "MAX_MESSAGE_CHARS",
    "Button",
    "ChatReply",
    "ChatRequest",
    "LanguageInfo",
    "Message",
    "SourceInfo",
    "TopicInfo",
]


MAX_MESSAGE_CHARS = 1000


class ChatRequest(BaseModel):
    """One message from a person."""

    session_id: str | None = Field(default=None, pattern=SESSION_ID_PATTERN)
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    lang: str | None = Field(default=None, max_length=35, description="BCP-47 code; see /api/v1/languages")


class Button(BaseModel):
    """A choice; send `payload` back as the message to select it."""

    title: str
    payload: str


class SourceInfo(BaseModel):
    """Where an answer's facts come from."""

    title: str
    publisher: str
    url: str
    published: dt.date
    published_label: str | None = Field(default=None, description="the date written the language's way")


class Message(BaseModel):
    """One bot message. `topic` is null on greetings, menus, fallbacks and out-of-scope replies."""

    text: str
    buttons: list[Button] = []
    sources: list[SourceInfo] = []
    topic: str | None = None
    last_reviewed: dt.date | None = None
    last_reviewed_label: str | None = Field(default=None, description='e.g. "Last reviewed: June 9, 2026", localized')
    notice: str | None = Field(default=None, description="a localized warning, e.g. that the answer may be out of date")


class ChatReply(BaseModel):
    """The bot's reply to one message."""

    session_id: str
    lang: str
    messages: list[Message]
    degraded: bool = False


class LanguageInfo(BaseModel):
    """A language the service answers in."""

    code: str
    name: str
    native_name: str
    dir: Literal["ltr", "rtl"]


class TopicInfo(BaseModel):
    """A menu entry."""

    id: str
    category: str
    title: str
    payload: str
