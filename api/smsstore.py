"""What the SMS channels remember, in SQLite, keyed by the keyed hash of a phone number.

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
from typing import Any

__all__ = ["SmsStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS optout (number TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS conversation (number TEXT PRIMARY KEY, data TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS delivery (id TEXT PRIMARY KEY, replies TEXT NOT NULL, at REAL NOT NULL);
"""


class SmsStore:
    """A small SQLite store; one connection guarded by a lock (every operation is one short query)."""

    def __init__(self, path: str | Path, *, ttl_s: float) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self.ttl_s = ttl_s

    def close(self) -> None:
        self._db.close()

    def _run(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def opted_out(self, number: str) -> bool:
        return bool(self._run("SELECT 1 FROM optout WHERE number = ?", number))

    def opt_out(self, number: str) -> None:
        self._run("INSERT OR REPLACE INTO optout VALUES (?, ?)", number, time.time())

    def opt_in(self, number: str) -> None:
        self._run("DELETE FROM optout WHERE number = ?", number)

    def load(self, number: str) -> dict[str, Any]:
        """The number's conversation state, or {} if it has none or it expired."""
        rows = self._run("SELECT data FROM conversation WHERE number = ? AND at > ?", number, time.time() - self.ttl_s)
        return json.loads(rows[0][0]) if rows else {}

    def save(self, number: str, data: dict[str, Any]) -> None:
        self._run("INSERT OR REPLACE INTO conversation VALUES (?, ?, ?)", number, json.dumps(data), time.time())

    def forget(self, number: str) -> None:
        self._run("DELETE FROM conversation WHERE number = ?", number)

    def replies_for(self, message_id: str) -> list[str] | None:
        """The replies already sent for a delivered message id, if any."""
        rows = self._run("SELECT replies FROM delivery WHERE id = ? AND at > ?", message_id, time.time() - self.ttl_s)
        return json.loads(rows[0][0]) if rows else None

    def remember(self, message_id: str, replies: list[str]) -> None:
        self._run("INSERT OR REPLACE INTO delivery VALUES (?, ?, ?)", message_id, json.dumps(replies), time.time())

    def purge(self) -> list[str]:
        """Delete expired conversations and deliveries; returns the numbers whose conversation
        expired, so that the engine can forget them too."""
        cutoff = time.time() - self.ttl_s
        with self._lock:
            expired = [row[0] for row in self._db.execute("SELECT number FROM conversation WHERE at <= ?", (cutoff,))]
            self._db.execute("DELETE FROM conversation WHERE at <= ?", (cutoff,))
            self._db.execute("DELETE FROM delivery WHERE at <= ?", (cutoff,))
        return expired
