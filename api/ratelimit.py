"""Per-client rate limits: requests counted in fixed one-minute windows, in memory or in Redis.

A client is known only by a truncated keyed hash of its IP address (web) or of its number's hash
(SMS): the limiter never sees, keeps or logs an address or a phone number. An IPv6 client counts by
its /64 network, since one household or phone holds a whole /64.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections.abc import Callable
from typing import Protocol

import redis.asyncio as redis
from fastapi import HTTPException, Request

from api.config import Settings
from api.privacy import keyed_hash

__all__ = [
    "KEY_CHARS",
    "MAX_CLIENTS",
    "WINDOW_S",
    "Counter",
    "MemoryCounter",
    "RateLimiter",
    "RedisCounter",
    "client_address",
    "limit_web_client",
]

logger = logging.getLogger(__name__)

WINDOW_S = 60
KEY_CHARS = 16
"""Hex characters kept of a client's keyed hash: 64 bits, plenty to tell clients apart."""
MAX_CLIENTS = 100_000
"""Clients remembered per window in memory; past it the least recently seen are dropped."""
REDIS_TIMEOUT_S = 0.5
"""A Redis that does not answer within this is treated as down: requests pass unlimited."""


class Counter(Protocol):
    """Where the counts live."""

    async def incr(self, key: str, window: int) -> int:
        """Add one to key's count in window and return the new count."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class MemoryCounter:
    """Counts in this process. Only the current window is kept, for at most max_clients keys."""

    def __init__(self, *, max_clients: int = MAX_CLIENTS) -> None:
        self._max_clients = max_clients
        self._window = -1
        self._counts: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._counts)

    async def incr(self, key: str, window: int) -> int:
        if window != self._window:  # a new minute: every older count is obsolete
            self._window, self._counts = window, {}
        count = self._counts.pop(key, 0) + 1  # re-inserted last: the dict stays in order of last use
        self._counts[key] = count
        if len(self._counts) > self._max_clients:
            del self._counts[next(iter(self._counts))]
        return count

    async def close(self) -> None:
        self._counts = {}


class RedisCounter:
    """Counts in Redis, shared by every gateway process; each window's keys expire after two windows."""

    def __init__(self, url: str, *, prefix: str = "aclara:rate:") -> None:
        self._redis = redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S)
        self._prefix = prefix

    async def incr(self, key: str, window: int) -> int:
        name = f"{self._prefix}{window}:{key}"
        async with self._redis.pipeline(transaction=True) as pipe:
            count, _ = await pipe.incr(name).expire(name, 2 * WINDOW_S).execute()
        return int(count)

    async def close(self) -> None:
        await self._redis.aclose()


class RateLimiter:
    """At most per_minute requests per client and scope in each minute; 0 disables the limit."""

    def __init__(
        self, counter: Counter, *, per_minute: int, secret: str, clock: Callable[[], float] = time.time
    ) -> None:
        self.counter = counter
        self.per_minute = per_minute
        self._secret = secret
        self._clock = clock
        self.limited = 0
        """Clients refused at least once in a window, since start (for the log)."""
        self._down_since_window = -1

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        """In Redis when API_REDIS_URL is set, else in memory. Connects lazily, on first use."""
        counter: Counter = RedisCounter(settings.redis_url) if settings.redis_url else MemoryCounter()
        return cls(counter, per_minute=settings.rate_limit_per_minute, secret=settings.secret_key.get_secret_value())

    async def retry_after(self, scope: str, identity: str) -> int | None:
        """None while the client is within its limit (the request counts); else the seconds until
        its window ends. When Redis is down, nothing is limited (logged once a minute)."""
        if self.per_minute <= 0:
            return None
        now = self._clock()
        window = int(now // WINDOW_S)
        key = keyed_hash(self._secret, f"rate:{scope}:{identity}", length=KEY_CHARS)
        try:
            count = await self.counter.incr(key, window)
        except (redis.RedisError, OSError, TimeoutError) as exc:
            if self._down_since_window != window:
                self._down_since_window = window
                logger.warning("ratelimit.unavailable error=%s", type(exc).__name__)
            return None
        if count <= self.per_minute:
            return None
        if count == self.per_minute + 1:  # one line per client and minute, however hard it pushes
            self.limited += 1
            logger.info("ratelimit.limited scope=%s total=%d", scope, self.limited)
        return max(1, math.ceil((window + 1) * WINDOW_S - now))

    async def close(self) -> None:
        await self.counter.close()


def client_address(host: str | None) -> str:
    """What identifies a web client: its IPv4 address, or its IPv6 /64 network. Never stored: it
    only goes into the keyed hash."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return host or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


async def limit_web_client(request: Request) -> None:
    """A dependency for the chat API: raises 429 with Retry-After when the client is over its limit."""
    limiter: RateLimiter = request.app.state.rate_limiter
    host = request.client.host if request.client else None
    seconds = await limiter.retry_after("web", client_address(host))
    if seconds is not None:
        raise HTTPException(429, "rate limited", headers={"Retry-After": str(seconds)})
