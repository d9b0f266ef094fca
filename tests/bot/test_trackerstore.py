"""bot/trackerstore.py on SQLite and on a real redis-server: retention, no message text, forgetting."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.engine import make_url
from trackerstore import RetentionTrackerStore, SharedLockStore, private_event

from tests.redis_server import redis_server

HOUR = 3600.0
DAY = 24 * HOUR
T0 = 1_800_000_000.0
NAME = "Rosa Quispe"
ENDPOINTS = Path(__file__).resolve().parents[2] / "bot" / "endpoints.yml"
DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet]
slots:
  language:
    type: text
    initial_value: en
    influence_conversation: false
    mappings: [{type: custom}]
"""
)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def turn(at: float, text: str = f"my name is {NAME}", lang: str = "es") -> list[Any]:
    """One turn as Rasa records it: the person's message (with the gateway's metadata and more), the bot's reply."""
    metadata = {"language": lang, "chosen": True, "client": "203.0.113.7"}
    intent = {"name": "greet", "confidence": 0.9}
    parse_data = {"text": text, "intent": intent, "entities": [], "metadata": metadata}
    return [
        UserUttered(text, intent, [], parse_data, timestamp=at, input_channel="rest", metadata=metadata),
        SlotSet("language", lang, timestamp=at),
        BotUttered("hola", timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
    ]


def conversation(sender: str, at: float = T0, **kwargs: Any) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen", timestamp=at), *turn(at, **kwargs)]
    return DialogueStateTracker.from_events(sender, events, DOMAIN.slots)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(params=["sql", "redis"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sql":
        return f"sqlite:///{tmp_path / 'var' / 'tracker.sqlite3'}"  # var/ does not exist yet
    url = request.getfixturevalue("redis_url")
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(url: str, clock: Clock) -> Callable[..., RetentionTrackerStore]:
    def make(**settings: str) -> RetentionTrackerStore:
        return RetentionTrackerStore(DOMAIN, host=url, clock=clock, **settings)

    return make


def held(url: str, sender: str) -> bool:
    """Whether the database itself (not the store's reading of it) still holds the conversation."""
    if url.startswith("redis"):
        return bool(redis.Redis.from_url(url).exists("tracker:" + sender))
    with sqlite3.connect(make_url(url).database) as db:
        return bool(db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0])


def raw(url: str) -> bytes:
    """Every byte the database holds."""
    if url.startswith("redis"):
        client = redis.Redis.from_url(url)
        return b"\n".join(client.get(key) or b"" for key in client.keys("*"))
    return Path(make_url(url).database).read_bytes()


def test_a_conversation_comes_back_without_what_the_person_typed(url: str, store: Callable[..., Any]) -> None:
    run(store().save(conversation("web-1")))
    tracker = run(store().retrieve("web-1"))  # a new store object: as after a restart
    [user] = [e for e in tracker.events if isinstance(e, UserUttered)]
    assert (user.text, user.intent_name, user.metadata) == (None, "greet", {"language": "es", "chosen": True})
    assert user.parse_data["text"] is None and user.parse_data["metadata"] == {"language": "es", "chosen": True}
    assert tracker.get_slot("language") == "es"
    stored = raw(url)
    assert b"web-1" in stored and b'"language": "es"' in stored
    assert b"Quispe" not in stored and b"203.0.113.7" not in stored


def test_the_next_turn_is_appended_once(url: str, store: Callable[..., Any]) -> None:
    run(store().save(conversation("web-1")))
    tracker = run(store().retrieve("web-1"))
    count = len(tracker.events)
    for event in turn(T0 + 60, text="and what is an ITIN", lang="en"):
        tracker.update(event)
    run(store().save(tracker))
    again = run(store().retrieve("web-1"))
    assert len(again.events) == count + 4
    assert [e.timestamp for e in again.events if isinstance(e, UserUttered)] == [T0, T0 + 60]
    assert again.get_slot("language") == "en"
    assert b"ITIN" not in raw(url)


@pytest.mark.parametrize(
    ("settings", "sender", "kept_for", "gone_after"),
    [
        ({}, "web-1", 23.9 * HOUR, 24.1 * HOUR),
        ({}, "sms-1", 6.9 * DAY, 7.1 * DAY),
        ({}, "default", 23.9 * HOUR, 24.1 * HOUR),  # any other sender keeps the shorter, web period
        ({"web_ttl_hours": "2"}, "web-1", 1.9 * HOUR, 2.1 * HOUR),
        ({"sms_ttl_days": "0.5"}, "sms-1", 11 * HOUR, 13 * HOUR),
    ],
)
def test_an_expired_conversation_is_deleted_when_read(
    url: str,
    store: Callable[..., Any],
    clock: Clock,
    settings: dict[str, str],
    sender: str,
    kept_for: float,
    gone_after: float,
) -> None:
    tracker_store = store(**settings)
    run(tracker_store.save(conversation(sender)))
    clock.now = T0 + kept_for
    assert run(tracker_store.retrieve(sender)) is not None
    assert run(tracker_store.retrieve_full_tracker(sender)) is not None
    clock.now = T0 + gone_after
    assert held(url, sender)
    assert run(tracker_store.retrieve_full_tracker(sender)) is None
    assert not held(url, sender)
    assert run(tracker_store.retrieve(sender)) is None


def test_the_sweep_deletes_expired_conversations_at_most_once_a_minute(tmp_path: Path, clock: Clock) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    tracker_store = RetentionTrackerStore(DOMAIN, host=url, clock=clock)
    run(tracker_store.save(conversation("web-1", at=T0)))
    run(tracker_store.save(conversation("web-2", at=T0 + 30)))
    run(tracker_store.save(conversation("sms-1", at=T0)))
    clock.now = T0 + DAY + 1  # web-1 expired
    run(tracker_store.save(conversation("web-new", at=clock.now)))
    assert [held(url, s) for s in ("web-1", "web-2", "sms-1")] == [False, True, True]
    clock.now += 40  # web-2 expired too, but the last sweep was 40 s ago
    run(tracker_store.save(conversation("web-new", at=clock.now)))
    assert held(url, "web-2")
    clock.now += 21
    run(tracker_store.save(conversation("web-new", at=clock.now)))
    assert [held(url, s) for s in ("web-2", "sms-1", "web-new")] == [False, True, True]
    clock.now = T0 + 7 * DAY + 1
    assert tracker_store.sweep() == 2  # sms-1 and web-new


def test_redis_keys_expire_with_their_conversation(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    tracker_store = RetentionTrackerStore(DOMAIN, host=redis_url, web_ttl_hours="1.5")
    run(tracker_store.save(conversation("web-1")))
    run(tracker_store.save(conversation("sms-1")))
    assert 1.5 * HOUR - 5 <= client.ttl("tracker:web-1") <= 1.5 * HOUR
    assert 7 * DAY - 5 <= client.ttl("tracker:sms-1") <= 7 * DAY


def test_saving_no_events_forgets_the_whole_conversation(url: str, store: Callable[..., Any]) -> None:
    tracker_store = store()
    run(tracker_store.save(conversation("web-forget-me-0123")))
    tracker = run(tracker_store.retrieve("web-forget-me-0123"))
    tracker.update(UserUttered("second", {"name": "greet", "confidence": 1.0}, timestamp=T0 + 1))
    run(tracker_store.save(tracker))
    run(tracker_store.save(conversation("web-kept")))
    # What PUT /conversations/{id}/tracker/events with [] saves (RasaClient.forget):
    run(tracker_store.save(DialogueStateTracker.from_dict("web-forget-me-0123", [], DOMAIN.slots)))
    assert not held(url, "web-forget-me-0123") and held(url, "web-kept")
    assert run(tracker_store.retrieve("web-forget-me-0123")) is None
    assert b"web-forget-me-0123" not in raw(url)  # SQLite: deleted rows are zeroed, not just unlinked


def test_private_event_keeps_only_what_the_bot_needs() -> None:
    [user, slot, bot, _] = [event.as_dict() for event in turn(T0)]
    kept = private_event(user)
    assert "text" not in kept and kept["parse_data"]["intent"]["name"] == "greet"
    assert kept["metadata"] == kept["parse_data"]["metadata"] == {"language": "es", "chosen": True}
    assert NAME not in str(kept)
    assert private_event(slot) == slot and private_event(bot) == bot
    start = SlotSet("session_started_metadata", {"language": "vi", "client": "x"}).as_dict()
    assert private_event(start)["value"] == {"language": "vi"}


def test_the_lock_store_is_redis_when_given_a_url(redis_url: str) -> None:
    lock_store = SharedLockStore(EndpointConfig(url=redis_url))
    client = redis.Redis.from_url(redis_url)

    async def locked() -> bool:
        async with lock_store.lock("web-1"):
            return bool(client.exists("lock:web-1"))

    assert lock_store.is_shared and run(locked()) and not client.exists("lock:web-1")
    assert not SharedLockStore(EndpointConfig(url="")).is_shared


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        ({"host": ""}, "tracker store URL missing: set ACLARA_TRACKER_URL"),
        ({"web_ttl_hours": "0"}, "web_ttl_hours must be a positive number"),
        ({"sms_ttl_days": "seven"}, "sms_ttl_days must be a positive number"),
    ],
)
def test_bad_settings_are_refused(tmp_path: Path, settings: dict[str, str], error: str) -> None:
    with pytest.raises(ValueError, match=f"^{error}$"):
        RetentionTrackerStore(DOMAIN, **({"host": f"sqlite:///{tmp_path / 't.db'}"} | settings))
    with pytest.raises(ValueError, match="^lock store URL must be redis:// or rediss://$"):
        SharedLockStore(EndpointConfig(url="sqlite:///x.db"))


def test_endpoints_yml_builds_both_stores_from_the_environment(
    redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACLARA_ACTION_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("ACLARA_TRACKER_URL", f"sqlite:///{tmp_path / 'tracker.sqlite3'}")
    monkeypatch.setenv("ACLARA_WEB_TTL_HOURS", "2")
    monkeypatch.setenv("ACLARA_SMS_TTL_DAYS", "3")
    monkeypatch.setenv("ACLARA_LOCK_URL", redis_url)
    endpoints = AvailableEndpoints.read_endpoints(str(ENDPOINTS))
    tracker_store = TrackerStore.create(endpoints.tracker_store, DOMAIN)
    assert isinstance(tracker_store, RetentionTrackerStore)
    assert (tracker_store.ttl_s("web-1"), tracker_store.ttl_s("sms-1")) == (2 * HOUR, 3 * DAY)
    lock_store = LockStore.create(endpoints.lock_store)
    assert isinstance(lock_store, SharedLockStore) and lock_store.is_shared
