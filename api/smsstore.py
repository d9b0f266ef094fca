"""What the SMS channels remember, keyed by the keyed hash of a phone number: in an SQLite file (one
gateway) or in Redis (any number of gateways sharing it), chosen by API_SMS_DB.

- opt-outs (kept until START; carriers require them to survive restarts);
- each number's conversation state: its language, the numbered choices last offered, the rest of
  an answer waiting for MORE, and whether it has been answered before (expires after a TTL);
- the replies to each delivered message id, so a gateway's retry gets the same reply without a
  second conversation turn (expires with the conversations).

No phone number and no message text from a person is ever stored.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Protocol

import redis.asyncio as redis

__all__ = ["RedisSmsStore", "SmsStore", "SmsStoreUnavailable", "SqliteSmsStore", "open_sms_store"]

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
REDIS_TIMEOUT_S = 2.0


class SmsStoreUnavailable(RuntimeError):
    """The store did not answer (Redis down or unreachable)."""


class SmsStore(Protocol):
    ttl_s: float

    async def opted_out(self, number: str) -> bool: ...

    async def opt_out(self, number: str) -> None: ...

    async def opt_in(self, number: str) -> None: ...

    async def load(self, number: str) -> dict[str, Any]:
        """The number's conversation state, or {} if it has none or it expired."""
        ...

    async def save(self, number: str, data: dict[str, Any]) -> None: ...

    async def forget(self, number: str) -> None: ...

    async def replies_for(self, message_id: str) -> list[str] | None:
        """The replies already sent for a delivered message id, if any."""
        ...

    async def remember(self, message_id: str, replies: list[str]) -> None: ...

    async def purge(self) -> list[str]:
        """Delete expired conversations and deliveries; returns the numbers whose conversation
        expired (each to one caller only, however many gateways share the store), so that the
        engine can forget them too."""
        ...

    async def close(self) -> None: ...


def open_sms_store(location: str | Path, *, ttl_s: float) -> SmsStore:
    """A Redis store for a redis://, rediss:// or unix:// URL, else an SQLite file (":memory:" for none)."""
    if str(location).startswith(REDIS_SCHEMES):
        return RedisSmsStore(str(location), ttl_s=ttl_s)
    return SqliteSmsStore(location, ttl_s=ttl_s)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS optout (number TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS conversation (number TEXT PRIMARY KEY, data TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS delivery (id TEXT PRIMARY KEY, replies TEXT NOT NULL, at REAL NOT NULL);
"""


class SqliteSmsStore:
    """One SQLite file; one connection guarded by a lock (every operation is one short query)."""

    def __init__(self, path: str | Path, *, ttl_s: float) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA secure_delete=ON")  # forgotten rows are overwritten, not left in free pages
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self.ttl_s = ttl_s

    async def close(self) -> None:
        self._db.close()

    def _run(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    async def opted_out(self, number: str) -> bool:
        return bool(self._run("SELECT 1 FROM optout WHERE number = ?", number))

    async def opt_out(self, number: str) -> None:
        self._run("INSERT OR REPLACE INTO optout VALUES (?, ?)", number, time.time())

    async def opt_in(self, number: str) -> None:
        self._run("DELETE FROM optout WHERE number = ?", number)

    async def load(self, number: str) -> dict[str, Any]:
        rows = self._run("SELECT data FROM conversation WHERE number = ? AND at > ?", number, time.time() - self.ttl_s)
        return json.loads(rows[0][0]) if rows else {}

    async def save(self, number: str, data: dict[str, Any]) -> None:
        self._run("INSERT OR REPLACE INTO conversation VALUES (?, ?, ?)", number, json.dumps(data), time.time())

    async def forget(self, number: str) -> None:
        self._run("DELETE FROM conversation WHERE number = ?", number)

    async def replies_for(self, message_id: str) -> list[str] | None:
        rows = self._run("SELECT replies FROM delivery WHERE id = ? AND at > ?", message_id, time.time() - self.ttl_s)
        return json.loads(rows[0][0]) if rows else None

    async def remember(self, message_id: str, replies: list[str]) -> None:
        self._run("INSERT OR REPLACE INTO delivery VALUES (?, ?, ?)", message_id, json.dumps(replies), time.time())

    async def purge(self) -> list[str]:
        cutoff = time.time() - self.ttl_s
        with self._lock:
            # One write transaction, so that two processes on one file never both claim a number.
            self._db.execute("BEGIN IMMEDIATE")
            try:
                found = self._db.execute("SELECT number FROM conversation WHERE at <= ?", (cutoff,))
                expired = [row[0] for row in found]
                self._db.execute("DELETE FROM conversation WHERE at <= ?", (cutoff,))
                self._db.execute("DELETE FROM delivery WHERE at <= ?", (cutoff,))
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return expired


class RedisSmsStore:
    """Redis, shared by every gateway that points at it.

    Keys, under `prefix`: `optout` (a set of numbers, kept until START), `conversation:<number>` and
    `delivery:<id>` (JSON, expiring after the TTL by themselves) and `active` (a sorted set of
    numbers by their last message, from which purge() claims the expired ones atomically). Connects
    lazily; any Redis error becomes SmsStoreUnavailable.
    """

    def __init__(self, url: str, *, ttl_s: float, prefix: str = "aclara:sms:") -> None:
        self._redis = redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S)
        self._prefix = prefix
        self.ttl_s = ttl_s

    def _key(self, *parts: str) -> str:
        return self._prefix + ":".join(parts)

    @property
    def _ttl_ms(self) -> int:
        return max(1, round(self.ttl_s * 1000))

    async def _do(self, command: Any) -> Any:
        try:
            return await command
        except (redis.RedisError, OSError, TimeoutError) as exc:
            raise SmsStoreUnavailable(f"sms store unavailable: {type(exc).__name__}") from exc

    async def close(self) -> None:
        await self._redis.aclose()

    async def opted_out(self, number: str) -> bool:
        return bool(await self._do(self._redis.sismember(self._key("optout"), number)))

    async def opt_out(self, number: str) -> None:
        await self._do(self._redis.sadd(self._key("optout"), number))

    async def opt_in(self, number: str) -> None:
        await self._do(self._redis.srem(self._key("optout"), number))

    async def load(self, number: str) -> dict[str, Any]:
        data = await self._do(self._redis.get(self._key("conversation", number)))
        return json.loads(data) if data else {}

    async def save(self, number: str, data: dict[str, Any]) -> None:
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(self._key("conversation", number), json.dumps(data), px=self._ttl_ms)
        pipe.zadd(self._key("active"), {number: time.time()})
        await self._do(pipe.execute())

    async def forget(self, number: str) -> None:
        pipe = self._redis.pipeline(transaction=True)
        pipe.delete(self._key("conversation", number))
        pipe.zrem(self._key("active"), number)
        await self._do(pipe.execute())

    async def replies_for(self, message_id: str) -> list[str] | None:
        data = await self._do(self._redis.get(self._key("delivery", message_id)))
        return json.loads(data) if data else None

    async def remember(self, message_id: str, replies: list[str]) -> None:
        await self._do(self._redis.set(self._key("delivery", message_id), json.dumps(replies), px=self._ttl_ms))

    async def purge(self) -> list[str]:
        # Read and remove in one transaction: a number saved again meanwhile has a newer score and
        # stays, and of several gateways purging at once exactly one gets each expired number.
        cutoff = time.time() - self.ttl_s
        pipe = self._redis.pipeline(transaction=True)
        pipe.zrangebyscore(self._key("active"), "-inf", cutoff)
        pipe.zremrangebyscore(self._key("active"), "-inf", cutoff)
        found, _ = await self._do(pipe.execute())  # their conversation keys expire by themselves
        return [n.decode() for n in found]
