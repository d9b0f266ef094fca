"""Webhook signatures: Twilio's (HMAC-SHA1 over URL and sorted parameters) and the generic
gateway's (HMAC-SHA256 over a timestamp and the raw body). Comparisons take constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable

__all__ = ["body_signature", "twilio_signature", "valid_body_signature", "valid_twilio_signature"]


def twilio_signature(token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """X-Twilio-Signature for a POST: base64 HMAC-SHA1, keyed with the auth token, over the full
    URL followed by every parameter's name and value, sorted by name (then value)."""
    data = url + "".join(name + value for name, value in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def valid_twilio_signature(token: str, url: str, params: Iterable[tuple[str, str]], signature: str) -> bool:
    return hmac.compare_digest(twilio_signature(token, url, params).encode(), signature.encode())


def body_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256, keyed with the shared secret, over "<timestamp>." followed by the raw body."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def valid_body_signature(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(body_signature(secret, timestamp, body).encode(), signature.strip().lower().encode())
