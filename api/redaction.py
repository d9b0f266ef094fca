"""Redaction: identifying numbers and addresses become typed placeholders before text goes anywhere.

What a person types passes through `redact` before the language detector, Rasa or any store sees
it. SSNs, ITINs, A-numbers, bank routing and account numbers, card numbers, email addresses and
phone numbers become "[SSN]", "[ITIN]", "[A-NUMBER]", "[ROUTING]", "[ACCOUNT]", "[CARD]", "[EMAIL]"
and "[PHONE]". Digits may be any script's (Arabic-Indic, full-width) and groups may be split by
spaces, dots or any kind of dash, since people type them all. Form numbers ("Form 8822-B"),
years, amounts ("47,000") and section numbers stay: they are what people ask about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["PLACEHOLDERS", "Redacted", "public_numbers", "redact"]

PLACEHOLDERS = ("[SSN]", "[ITIN]", "[A-NUMBER]", "[ROUTING]", "[ACCOUNT]", "[CARD]", "[EMAIL]", "[PHONE]")

_SEP = r"[ \u00a0.\-\u2010-\u2015\u2212\uff0d\u30fc]"
"""One separator people put between digit groups: space, no-break space, dot, any dash."""
_BEFORE = r"(?<![\w\-\u2010-\u2015])"
_AFTER = r"(?![\w\u2010-\u2015]|-\d)"


def _compile(pattern: str) -> re.Pattern[str]:
    """pattern, with `~` standing for _SEP, and `^` and `$` for "no digit or word right before / after"."""
    return re.compile(pattern.replace("~", _SEP).replace("^", _BEFORE).replace("$", _AFTER))


EMAIL = re.compile(r"[\w.+%\-]+@[\w\-]+(?:\.[\w\-]+)+")
A_NUMBER = _compile(r"(?<!\w)[Aa]\s?(?:#|-|\u2010|No\.?|n[uú]m(?:ero)?\.?)?\s?(?:\d~?){7,8}\d(?!\d)")
"""A-numbers: "A" then 8 or 9 digits, as A123456789, A-123-456-789, A# 12345678, a 123 456 789."""
INTERNATIONAL_PHONE = _compile(r"(?<![\w+])\+\s?\d{1,3}(?:~?\(?\d{1,4}\)?){2,5}$")
"""A "+" and a country code start a phone number: +52 55 1234 5678, +1 (555) 123-4567."""
PHONE = _compile(r"^(?:(?:1~?)?\(\d{3}\)\s?\d{3}~?\d{4}|(?:1~)?\d{3}~\d{3}~\d{4}|\d{3}~\d{4})$")
"""(555) 123-4567, 555-123-4567, 1 555 123 4567, 555.123.4567, 555-1234."""
GROUPED_9 = _compile(r"^\d{3}~?\d{2}~?\d{4}$")
"""Nine digits written 3-2-4 (or run together): how SSNs and ITINs are written."""
DIGIT_RUN = _compile(r"^\d(?:~?\d){7,}$")
"""Eight or more digits, possibly in groups: cards, routing and account numbers, and the rest."""


@dataclass(frozen=True)
class Redacted:
    """The text with placeholders, and which kinds were found (in order, without repeats)."""

    text: str
    kinds: tuple[str, ...]

    @property
    def found(self) -> bool:
        return bool(self.kinds)


def public_numbers(texts: Iterable[str]) -> frozenset[str]:
    """The digits of every phone number in texts: the knowledge base's own numbers (the IRS's, TAS's)
    identify nobody, so a person may quote them back without being warned."""
    return frozenset(_digits(m.group()) for text in texts for m in PHONE.finditer(text))


def redact(text: str, *, public: frozenset[str] = frozenset()) -> Redacted:
    """Replace every identifying number or address in text with its typed placeholder. Phone numbers
    whose digits are in `public` stay."""
    kinds: list[str] = []

    def mark(kind: str) -> str:
        if kind not in kinds:
            kinds.append(kind)
        return kind

    text = EMAIL.sub(lambda m: mark("[EMAIL]"), text)
    text = A_NUMBER.sub(lambda m: mark("[A-NUMBER]"), text)
    # A public number may be quoted with its country code: +1 877 777 4778.
    text = INTERNATIONAL_PHONE.sub(lambda m: m.group() if _digits(m.group())[1:] in public else mark("[PHONE]"), text)
    text = GROUPED_9.sub(lambda m: mark(_nine_digits(m)), text)
    text = PHONE.sub(lambda m: m.group() if _digits(m.group()) in public else mark("[PHONE]"), text)
    text = DIGIT_RUN.sub(
        lambda m: m.group() if _kept(m.group(), public) else mark(_long_number(_digits(m.group()))), text
    )
    return Redacted(text, tuple(kinds))


_GROUPS = re.compile(r"\d+")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _kept(value: str, public: frozenset[str]) -> bool:
    return _digits(value) in public or _is_date(value)


def _is_date(value: str) -> bool:
    """2025-08-07, 07-08-2025, or years side by side ("2024 2025"): not identifying, keep them."""
    groups = [_digits(g) for g in _GROUPS.findall(value)]
    if len(groups) == 3 and sorted(map(len, groups)) in ([1, 1, 4], [1, 2, 4], [2, 2, 4]):
        return groups[0] == max(groups, key=len) or groups[2] == max(groups, key=len)
    return 2 <= len(groups) <= 3 and all(_YEAR.fullmatch(g) for g in groups)


def _digits(value: str) -> str:
    return "".join(str(int(c)) for c in value if c.isdecimal())


def _nine_digits(match: re.Match[str]) -> str:
    """SSN or ITIN when written 3-2-4 with separators; a bare run of nine may also be a routing number."""
    digits = _digits(match.group())
    if digits[0] == "9":
        return "[ITIN]"
    if match.group().isdecimal() and _aba_valid(digits) and digits[:2] in _ROUTING_PREFIXES:
        return "[ROUTING]"
    return "[SSN]"


def _long_number(digits: str) -> str:
    if 13 <= len(digits) <= 19 and _luhn_valid(digits):
        return "[CARD]"
    if len(digits) == 9 and _aba_valid(digits):
        return "[ROUTING]"
    if len(digits) == 10 or (len(digits) == 11 and digits[0] == "1"):
        return "[PHONE]"
    return "[ACCOUNT]"


_ROUTING_PREFIXES = {f"{n:02d}" for n in (*range(13), *range(21, 33), *range(61, 73), 80)}


def _aba_valid(digits: str) -> bool:
    """The ABA routing-number checksum: 3-7-1 weights, sum divisible by 10."""
    weights = (3, 7, 1) * 3
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 10 == 0


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0
