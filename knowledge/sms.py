"""SMS segment arithmetic: GSM-7 (with its extension table) versus UCS-2."""

from __future__ import annotations

__all__ = ["GSM7_BASIC", "GSM7_EXTENSION", "is_gsm7", "sms_budget", "sms_length", "sms_segments"]

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

_SEGMENTS = 3


def is_gsm7(text: str) -> bool:
    """Whether every character fits the GSM-7 alphabet (basic or extension)."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def sms_length(text: str) -> int:
    """Length in encoding units: septets for GSM-7 (extension chars count 2), UTF-16 units for UCS-2."""
    if is_gsm7(text):
        return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def sms_segments(text: str) -> int:
    """How many concatenated SMS segments the text needs."""
    length = sms_length(text)
    single, multi = (160, 153) if is_gsm7(text) else (70, 67)
    if length <= single:
        return 1
    return -(-length // multi)


def sms_budget(text: str) -> int:
    """The most units a text in this encoding may use to fit in three segments (459 or 201)."""
    return _SEGMENTS * (153 if is_gsm7(text) else 67)
