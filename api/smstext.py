"""Text that fits SMS: plain, cheap to encode, and at most three segments per reply.

Segment arithmetic (GSM-7 with its extension table versus UCS-2) is knowledge.sms's; this module
makes replies fit it: typographic punctuation becomes GSM-7 in Latin-script text (one curly quote
would turn a 459-character reply into a 201-character one), links lose their markdown, and a reply
that is still too long is cut at a word boundary with a "reply MORE" line, the rest kept for later.
"""

from __future__ import annotations

import re
import unicodedata
from xml.sax.saxutils import escape

from knowledge.sms import sms_segments

__all__ = ["MAX_SEGMENTS", "fits", "gsm_friendly", "paginate", "plain_text", "twiml"]

MAX_SEGMENTS = 3

_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
        "\u2026": "...", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2022": "-", "\u00b7": "-",
    }
)  # fmt: skip
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_MARKUP = re.compile(r"(\*\*|__|`)")


def is_latin_script(text: str) -> bool:
    """Whether every letter in text is a Latin letter (Vietnamese and Polish included)."""
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in text if ch.isalpha())


def gsm_friendly(text: str) -> str:
    """Latin-script text with typographic quotes, dashes, ellipses and spaces made GSM-7."""
    return text.translate(_TYPOGRAPHIC) if is_latin_script(text) else text


def plain_text(text: str) -> str:
    """No markdown: "[label](url)" becomes "label (url)", emphasis marks go."""
    return _MARKUP.sub("", _LINK.sub(r"\1 (\2)", text)).strip()


def fits(text: str) -> bool:
    """Whether text fits in MAX_SEGMENTS segments."""
    return sms_segments(text) <= MAX_SEGMENTS


def paginate(text: str, more_line: str, footer: str = "") -> tuple[str, str]:
    """(this reply, the rest): text plus footer when it fits in three segments; otherwise the most
    whole paragraphs that fit with more_line and footer, or failing that the longest start of text
    that ends at a space (or, in text without spaces, anywhere) and fits; and the rest, for MORE."""
    whole = "\n\n".join(part for part in (text, footer) if part)
    if fits(whole):
        return whole, ""
    for cut in sorted((m.start() for m in re.finditer(r"\n\n", text)), reverse=True):  # whole paragraphs first
        head = text[:cut].rstrip()
        if fits("\n\n".join(part for part in (head, more_line, footer) if part)):
            return "\n\n".join(part for part in (head, more_line, footer) if part), text[cut:].strip()
    spaces = _longest_fitting(text, [m.start() for m in re.finditer(r"\s", text)], more_line, footer)
    characters = _longest_fitting(text, list(range(1, len(text))), more_line, footer) or 1
    # Cut at a space unless that wastes most of the page (Chinese, Japanese, Khmer: no spaces between words).
    best = spaces if spaces is not None and spaces >= 0.8 * characters else characters
    head = text[:best].rstrip()
    return "\n\n".join(part for part in (head, more_line, footer) if part), text[best:].strip()


def _longest_fitting(text: str, cuts: list[int], more_line: str, footer: str) -> int | None:
    """The last cut whose head fits with more_line and footer (cuts ascending), or None."""
    low, high, best = 0, len(cuts) - 1, None
    while low <= high:
        middle = (low + high) // 2
        head = text[: cuts[middle]].rstrip()
        if head and fits("\n\n".join(part for part in (head, more_line, footer) if part)):
            best, low = cuts[middle], middle + 1
        else:
            high = middle - 1
    return best


def twiml(replies: list[str]) -> str:
    """A TwiML response with one <Message> per reply; none for an empty list."""
    messages = "".join(f"<Message>{escape(reply)}</Message>" for reply in replies)
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{messages}</Response>'
