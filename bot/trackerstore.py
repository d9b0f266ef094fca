"""Where Rasa keeps conversations: SQL (an SQLite file by default) or Redis, chosen by one URL.

bot/endpoints.yml names RetentionTrackerStore and SharedLockStore; tools/stack.py passes their
settings as ACLARA_* environment variables (README, "Tracker store and retention").

- Retention: a conversation expires a fixed time after its last event: `web_ttl_hours` for every
  sender id except those starting with "sms-", which keep `sms_ttl_days`. An expired conversation
  is deleted when it is read (and starts anew); SQL also sweeps expired ones at most once a minute,
  on a save; Redis keys carry the same expiry.
- Privacy: what is stored never holds what the person typed: user events lose their text, and their
  metadata keeps only the language the gateway chose. The turn being handled still has its text,
  in memory, until it is saved.
- Forgetting: a tracker saved with no events at all (the HTTP API's PUT .../tracker/events with [],
  which is how the gateway forgets a conversation) deletes every row or key of that conversation.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

__all__ = ["RetentionTrackerStore", "SharedLockStore", "is_redis_url", "private_event"]

logger = logging.getLogger(__name__)

SMS_PREFIX = "sms-"
"""Sender ids of SMS conversations start with this (api/routes/sms.py); all others keep the web period."""
KEPT_METADATA = ("language", "chosen")
"""The only message metadata the bot needs (the gateway's language choice)."""
KEPT_PARSE_DATA = ("intent", "entities", "intent_ranking", "response_selector", "message_id", "metadata")
SWEEP_EVERY_S = 60.0


def is_redis_url(url: str) -> bool:
    """Whether url names a Redis server (redis:// or rediss://) rather than an SQL database."""
    return url.startswith(("redis://", "rediss://"))


def _redis_options(url: str) -> dict[str, Any]:
    """Rasa's Redis store arguments from redis[s]://[[user]:password@]host[:port][/db]."""
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "localhost",
        "port": parts.port or 6379,
        "db": int(parts.path.strip("/") or 0),
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "use_ssl": parts.scheme == "rediss",
    }


def _kept(metadata: Any) -> dict[str, Any]:
    return {k: v for k, v in metadata.items() if k in KEPT_METADATA} if isinstance(metadata, dict) else {}


def private_event(data: dict[str, Any]) -> dict[str, Any]:
    """An event (as a dict) as it may be stored: a user event without its text and with only the
    language metadata; the session-start metadata slot likewise; any other event unchanged."""
    if data.get("event") == "user":
        parse_data = {k: v for k, v in (data.get("parse_data") or {}).items() if k in KEPT_PARSE_DATA}
        parse_data["metadata"] = _kept(parse_data.get("metadata"))
        kept = {k: v for k, v in data.items() if k not in ("text", "parse_data", "metadata")}
        return kept | {"parse_data": parse_data, "metadata": _kept(data.get("metadata"))}
    if data.get("event") == "slot" and data.get("name") == SESSION_START_METADATA_SLOT:
        return data | {"value": _kept(data.get("value"))}
    return data


def _positive(name: str, value: float | str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not number > 0:
        raise ValueError(f"{name} must be a positive number")
    return number


class RetentionTrackerStore(TrackerStore):
    """Rasa's SQL or Redis tracker store, chosen by URL, with retention and without message text."""

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: Any = None,
        web_ttl_hours: float | str = 24,
        sms_ttl_days: float | str = 7,
        clock: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        """`host` is the URL (endpoints.yml `url`): redis[s]://... or any SQLAlchemy URL.
        Raises ValueError for a missing URL or a period that is not a positive number."""
        if not host:
            raise ValueError("tracker store URL missing: set ACLARA_TRACKER_URL")
        self._ttl_s = {
            "web": _positive("web_ttl_hours", web_ttl_hours) * 3600,
            "sms": _positive("sms_ttl_days", sms_ttl_days) * 86400,
        }
        self._clock = clock
        self._swept_at = -math.inf
        self._store: RedisTrackerStore | SQLTrackerStore
        if is_redis_url(host):
            self._store = RedisTrackerStore(domain, event_broker=event_broker, **_redis_options(host))
            self._store.red.ping()  # a wrong URL stops Rasa at start, not at the first message
        else:
            self._store = SQLTrackerStore(domain, host=_sqlite_ready(host), event_broker=event_broker)
            if self._store.engine.dialect.name == "sqlite":
                # Deleted rows are overwritten with zeros, so a forgotten conversation leaves no trace in the file.
                sa.event.listen(self._store.engine, "connect", lambda conn, _: conn.execute("PRAGMA secure_delete=ON"))
                self._store.engine.dispose()
        super().__init__(self._store.domain, event_broker)

    @property
    def domain(self) -> Domain:
        """The domain, which is the underlying store's."""
        return self._store.domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        self._store.domain = domain or Domain.empty()

    def ttl_s(self, sender_id: str) -> float:
        """How long a conversation is kept after its last event, in seconds."""
        return self._ttl_s["sms" if sender_id.startswith(SMS_PREFIX) else "web"]

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation's latest session, or None if it is unknown or expired (then deleted)."""
        return await self._unexpired(sender_id, await self._store.retrieve(sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        """Every session of the conversation, or None if it is unknown or expired (then deleted)."""
        return await self._unexpired(conversation_id, await self._store.retrieve_full_tracker(conversation_id))

    async def keys(self) -> Iterable[str]:
        """The stored conversations' keys."""
        return await self._store.keys()

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events without message text; a tracker with no events deletes the
        conversation. Sweeps expired conversations when the last sweep is a minute old."""
        if not tracker.events:
            self.delete(tracker.sender_id)
            return
        events = [Event.from_parameters(private_event(event.as_dict())) for event in tracker.events]
        private = DialogueStateTracker.from_events(tracker.sender_id, events, self.domain.slots)
        if isinstance(self._store, RedisTrackerStore):
            await self._store.save(private, timeout=math.ceil(self.ttl_s(tracker.sender_id)))
        else:
            await self._store.save(private)
        if self._clock() - self._swept_at >= SWEEP_EVERY_S:
            self.sweep()

    def delete(self, sender_id: str) -> None:
        """Delete every stored event of the conversation."""
        if isinstance(self._store, RedisTrackerStore):
            self._store.red.delete(self._store.key_prefix + sender_id)
            return
        events = SQLTrackerStore.SQLEvent
        with self._store.session_scope() as session:
            session.query(events).filter(events.sender_id == sender_id).delete(synchronize_session=False)
            session.commit()

    def sweep(self) -> int:
        """Delete every expired conversation; returns how many. Redis expires its keys itself (0)."""
        self._swept_at = now = self._clock()
        if isinstance(self._store, RedisTrackerStore):
            return 0
        events = SQLTrackerStore.SQLEvent
        with self._store.session_scope() as session:
            last = (
                session.query(events.sender_id.label("sender_id"), sa.func.max(events.timestamp).label("at"))
                .group_by(events.sender_id)
                .subquery()
            )
            is_sms = sa.func.substr(last.c.sender_id, 1, len(SMS_PREFIX)) == SMS_PREFIX
            expired = session.query(last.c.sender_id).filter(
                sa.or_(
                    sa.and_(is_sms, last.c.at < now - self._ttl_s["sms"]),
                    sa.and_(sa.not_(is_sms), last.c.at < now - self._ttl_s["web"]),
                )
            )
            count = expired.count()
            if count:
                expired_ids = sa.select(expired.subquery().c.sender_id)
                session.query(events).filter(events.sender_id.in_(expired_ids)).delete(synchronize_session=False)
                session.commit()
        if count:
            logger.info("tracker.sweep expired=%d", count)
        return count

    async def _unexpired(self, sender_id: str, tracker: DialogueStateTracker | None) -> DialogueStateTracker | None:
        if tracker is None or not tracker.events:
            return tracker
        if tracker.events[-1].timestamp > self._clock() - self.ttl_s(sender_id):
            return tracker
        self.delete(sender_id)
        logger.info("tracker.expired on read")
        return None


def _sqlite_ready(url: str) -> str:
    """url, after creating the directory of an SQLite file (Rasa's SQL store retries forever without it)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return url


class SharedLockStore(LockStore):
    """Rasa's Redis lock store when endpoints.yml gives a Redis `url` (ACLARA_LOCK_URL), so that several
    Rasa processes can share conversations; else its in-memory one (a single process)."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        """Raises ValueError for a URL that is not redis[s]://."""
        url = endpoint_config.url or ""
        if url and not is_redis_url(url):
            raise ValueError("lock store URL must be redis:// or rediss://")
        self._store = RedisLockStore(**_redis_options(url)) if url else InMemoryLockStore()
        super().__init__()

    @property
    def is_shared(self) -> bool:
        """Whether the locks live in Redis."""
        return isinstance(self._store, RedisLockStore)

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        """The conversation's lock, if any."""
        return self._store.get_lock(conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        """Delete the conversation's lock."""
        self._store.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        """Store a lock."""
        self._store.save_lock(lock)
