"""Latin accent folding, shared by the tokenizer and the training-data generator (no rasa here)."""

from __future__ import annotations

import unicodedata

__all__ = ["fold_latin"]

_LATIN_EXTRA = {"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O"}


def fold_latin(text: str) -> str:
    """Drop the accents of Latin letters, one character for one, leaving other scripts alone."""
    folded = []
    for char in text:
        if char in _LATIN_EXTRA:
            folded.append(_LATIN_EXTRA[char])
            continue
        base = unicodedata.normalize("NFD", char)[0]
        folded.append(base if base != char and "LATIN" in unicodedata.name(base, "") else char)
    return "".join(folded)
