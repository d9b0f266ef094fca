"""The SMS store on both of its backends: an SQLite file and a real redis-server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
import redis

from api.smsstore import RedisSmsStore, SmsStore, SmsStoreUnavailable, SqliteSmsStore, open_sms_store
from tools.stack import free_port

Opener = Callable[[float], SmsStore]
"""Opens another store on the same file or server, with the given TTL in seconds."""


@pytest.fixture(params=["sqlite", "redis"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    location = str(tmp_path / "sms.sqlite3") if request.param == "sqlite" else request.getfixturevalue("redis_url")
    return lambda ttl_s: open_sms_store(location, ttl_s=ttl_s)


def test_the_location_chooses_the_backend(tmp_path: Path) -> None:
    assert isinstance(open_sms_store(tmp_path / "a.sqlite3", ttl_s=1), SqliteSmsStore)
    assert isinstance(open_sms_store(":memory:", ttl_s=1), SqliteSmsStore)
    for url in ("redis://127.0.0.1:6379/0", "rediss://cache.example:6380/1", "unix:///run/redis.sock"):
        assert isinstance(open_sms_store(url, ttl_s=1), RedisSmsStore)


def test_everything_survives_a_restart(opener: Opener) -> None:
    async def scenario() -> None:
        store = opener(3600)
        await store.opt_out("hash-1")
        await store.save("hash-1", {"lang": "es", "choices": [["Uno", "/a"]]})
        await store.remember("delivery-1", ["hola"])
        await store.close()
        reopened = opener(3600)
        assert await reopened.opted_out("hash-1") and not await reopened.opted_out("hash-2")
        assert await reopened.load("hash-1") == {"lang": "es", "choices": [["Uno", "/a"]]}
        assert await reopened.load("hash-2") == {}
        assert await reopened.replies_for("delivery-1") == ["hola"]
        assert await reopened.replies_for("delivery-2") is None
        await reopened.opt_in("hash-1")
        assert not await reopened.opted_out("hash-1")
        await reopened.forget("hash-1")
        assert await reopened.load("hash-1") == {}
        await reopened.close()

    asyncio.run(scenario())


def test_state_expires_and_each_expired_number_is_purged_once(opener: Opener) -> None:
    async def scenario() -> None:
        first, second = opener(0.5), opener(0.5)  # two gateways on one store
        await first.save("old", {"lang": "vi"})
        await first.save("again", {"lang": "ar"})
        await first.remember("delivery-1", ["xin chào"])
        await first.opt_out("old")
        assert await second.load("old") == {"lang": "vi"}
        await asyncio.sleep(0.7)
        assert await second.load("old") == {} and await second.replies_for("delivery-1") is None
        await second.save("again", {"lang": "ar", "seen": True})  # texted again: not expired
        purged = await first.purge() + await second.purge()
        assert purged == ["old"]
        assert await first.purge() == [] and await second.purge() == []
        assert await first.opted_out("old")  # opt-outs never expire
        assert await first.load("again") == {"lang": "ar", "seen": True}
        await first.close()
        await second.close()

    asyncio.run(scenario())


def test_a_forgotten_number_is_not_purged_later(opener: Opener) -> None:
    async def scenario() -> None:
        store = opener(0.3)
        await store.save("gone", {"lang": "km"})
        await store.forget("gone")  # DELETE: the engine has already been told
        await asyncio.sleep(0.5)
        assert await store.purge() == []
        await store.close()

    asyncio.run(scenario())


def test_redis_keys_hold_only_hashes_and_replies(redis_url: str) -> None:
    async def scenario() -> None:
        store = open_sms_store(redis_url, ttl_s=60)
        await store.save("sms-abc123", {"lang": "es"})
        await store.opt_out("sms-def456")
        await store.remember("delivery-9", ["hola"])
        await store.close()

    asyncio.run(scenario())
    client = redis.Redis.from_url(redis_url)
    keys = sorted(k.decode() for k in client.keys("*"))
    assert keys == [
        "aclara:sms:active",
        "aclara:sms:conversation:sms-abc123",
        "aclara:sms:delivery:delivery-9",
        "aclara:sms:optout",
    ]
    assert 0 < client.pttl("aclara:sms:conversation:sms-abc123") <= 60_000
    assert 0 < client.pttl("aclara:sms:delivery:delivery-9") <= 60_000
    assert client.ttl("aclara:sms:optout") == -1  # kept until START
    client.close()


def test_an_unreachable_redis_raises_a_clear_error() -> None:
    async def scenario() -> None:
        store = open_sms_store(f"redis://127.0.0.1:{free_port()}/0", ttl_s=60)
        for call in (store.opted_out("x"), store.save("x", {}), store.purge(), store.replies_for("d")):
            with pytest.raises(SmsStoreUnavailable, match="^sms store unavailable: ConnectionError$"):
                await call
        await store.close()

    asyncio.run(scenario())
