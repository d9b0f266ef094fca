"""The words of the page and the widget, from the catalogs, for one language."""

from __future__ import annotations

from babel.support import Translations

from api.i18n import N_
from api.models import MAX_MESSAGE_CHARS
from knowledge import KnowledgeBase
from knowledge.answers import MENU_PAYLOAD

__all__ = ["LABELS", "PRIVACY_TOPIC", "labels_for"]

LABELS = {
    "title": N_("page.title"),
    "intro": N_("page.intro"),
    "placeholder": N_("page.placeholder"),
    "send": N_("page.send"),
    "sources": N_("page.sources"),
    "error": N_("page.error"),
    "clear": N_("page.clear"),
    "language": N_("page.language"),
    "open": N_("widget.open"),
    "close": N_("widget.close"),
    "menu": N_("widget.menu"),
    "related": N_("widget.related"),
    "typing": N_("widget.typing"),
    "retry": N_("widget.retry"),
    "messages": N_("widget.messages"),
    "you": N_("widget.you"),
    "bot": N_("widget.bot"),
    "cleared": N_("widget.cleared"),
    "privacy": N_("privacy.notice"),
    "privacy_more": N_("privacy.more"),
    "error_too_long": N_("error.too_long"),
    "error_rate_limited": N_("error.rate_limited"),
    "error_unavailable": N_("error.unavailable"),
    "error_invalid": N_("error.invalid"),
}
PRIVACY_TOPIC = "about.privacy"


def labels_for(kb: KnowledgeBase, translations: dict[str, Translations], code: str) -> dict[str, str]:
    """Every label in one language, plus what the page needs to use them: the language's code and
    direction, and the button payloads for the menu and the privacy topic."""
    labels = {name: translations[code].gettext(key) for name, key in LABELS.items()}
    labels["error_too_long"] = labels["error_too_long"].format(limit=MAX_MESSAGE_CHARS)
    language = kb.language(code)
    privacy = kb.topic(PRIVACY_TOPIC)
    return labels | {
        "lang": code,
        "dir": language.dir if language else "ltr",
        "menu_payload": MENU_PAYLOAD,
        "privacy_payload": f"/{privacy.intent}" if privacy else MENU_PAYLOAD,
    }
