"""Identifiers that reveal nothing: random session ids and keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["SESSION_ID_PATTERN", "keyed_hash", "new_session_id"]

SESSION_ID_PATTERN = r"^[A-Za-z0-9_-]{16,128}$"


def new_session_id() -> str:
    """A random, unguessable session id (192 bits)."""
    return secrets.token_urlsafe(24)


def keyed_hash(secret: str, value: str, *, length: int = 32) -> str:
    """HMAC-SHA256 of value under secret, as hex, truncated to length characters."""
    return hmac.new(secret.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()[:length]
