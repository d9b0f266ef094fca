"""A whitespace tokenizer that keeps Chinese, Japanese and Korean words.

Rasa 3.6's WhitespaceTokenizer drops any token that fully matches its emoji regex, and that
regex spans U+24C2..U+1F251: every Han character and Hangul syllable. So "ITIN 是什么" became
["ITIN"]. This subclass uses a regex of real emoji blocks only, then splits runs of Han and
Kana into single characters, so that word bigrams become the character bigrams that work well
for unsegmented scripts. It also folds the spellings people mix when typing: Latin accents
("cuánto" = "cuanto") and Arabic's hamza-carrying alefs, alef maqsura, teh marbuta, vowel marks
and tatweel ("إقامة" = "اقامه"). Persian and Urdu letters (ی ک ہ ھ) are left as they are.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import regex
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from components.folding import fold_latin
from components.source import SourceFingerprinted
from knowledge import fold_digits

_EMOJI = regex.compile(
    "["
    "\U0001F000-\U0001FAFF"  # pictographs, emoticons, transport, supplemental symbols
    "\U00002600-\U000027BF"  # miscellaneous symbols and dingbats
    "\U0000FE0F\U0000200D"  # variation selector, zero-width joiner
    "]+"
)
_ARABIC_MARKS = regex.compile("[\u064B-\u065F\u0670\u0640]")  # harakat, superscript alef, tatweel
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


def fold_arabic(text: Text) -> Text:
    """Fold the Arabic letters and marks that people write interchangeably to one form each."""
    return _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)


_ZWNJ = "\u200c"


def fold(text: Text) -> Text:
    """Every folding: Latin accents, Arabic spellings, digits, and Persian's zero-width non-joiner
    ("می‌خواهم" = "میخواهم"; "آدرس‌ها" = "آدرسها"), which people type or leave out."""
    return fold_digits(fold_arabic(fold_latin(text))).replace(_ZWNJ, "")


_UNSEGMENTED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
_PIECES = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]|[^\p{Han}\p{Hiragana}\p{Katakana}]+")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class MultilingualTokenizer(SourceFingerprinted, WhitespaceTokenizer):
    """Whitespace tokens, with Han and Kana split into characters and only real emoji removed."""

    @staticmethod
    def not_supported_languages() -> Optional[List[Text]]:
        """Every language is supported: the model is shared by all of them."""
        return None

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self.emoji_pattern = _EMOJI

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Split on whitespace, fold spellings (`fold`), split Han/Kana into characters."""
        tokens: List[Token] = []
        for token in super().tokenize(message, attribute):
            if not _UNSEGMENTED.search(token.text):
                tokens.append(Token(fold(token.text), token.start, token.end))
                continue
            for piece in _PIECES.finditer(token.text):
                tokens.append(Token(fold(piece.group()), token.start + piece.start(), token.start + piece.end()))
        return tokens
