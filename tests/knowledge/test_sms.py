from __future__ import annotations

import pytest

from knowledge.sms import is_gsm7, sms_budget, sms_length, sms_segments


@pytest.mark.parametrize(
    ("text", "gsm7", "length", "segments"),
    [
        ("hello", True, 5, 1),
        ("a" * 160, True, 160, 1),
        ("a" * 161, True, 161, 2),
        ("€" * 80, True, 160, 1),  # extension table: two septets each
        ("[x]", True, 5, 1),
        ("é ñ ü à", True, 7, 1),  # in the GSM-7 basic table
        ("á", False, 1, 1),  # not in GSM-7: UCS-2
        ("a" * 70 + "á", False, 71, 2),
        ("“quoted”", False, 8, 1),
        ("😀", False, 2, 1),  # astral characters take two UTF-16 units
    ],
)
def test_encoding_length_and_segments(text: str, gsm7: bool, length: int, segments: int) -> None:
    assert is_gsm7(text) is gsm7
    assert sms_length(text) == length
    assert sms_segments(text) == segments


def test_budget_is_three_segments() -> None:
    assert sms_budget("plain") == 459
    assert sms_budget("acción") == 201
