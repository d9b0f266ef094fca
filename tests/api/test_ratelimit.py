"""Per-client rate limits: counting, windows, keys that reveal nothing, Redis, and the 429s of the API."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import pytest
import redis
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.privacy import keyed_hash
from api.ratelimit import KEY_CHARS, WINDOW_S, MemoryCounter, RateLimiter, RedisCounter, client_address
from api.signatures import body_signature
from tests.api.routes.test_sms import NUMBER, PUBLIC, SMS_SECRET, TOKEN, messages, twilio_post
from tests.conftest import SECRET, FakeRasa
from tools.stack import free_port

IP = "203.0.113.7"


class Clock:
    def __init__(self, now: float = 1_000 * WINDOW_S) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class RecordingCounter(MemoryCounter):
    """A memory counter that remembers every key it was asked about."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[str] = []

    async def incr(self, key: str, window: int) -> int:
        self.keys.append(key)
        return await super().incr(key, window)


def hits(limiter: RateLimiter, n: int, scope: str = "web", identity: str = IP) -> list[int | None]:
    async def run() -> list[int | None]:
        return [await limiter.retry_after(scope, identity) for _ in range(n)]

    return asyncio.run(run())


def test_the_limit_holds_for_a_window_and_resets_with_the_next() -> None:
    clock = Clock(1_000 * WINDOW_S + 15.2)
    limiter = RateLimiter(MemoryCounter(), per_minute=3, secret=SECRET, clock=clock)
    assert hits(limiter, 5) == [None, None, None, 45, 45]  # Retry-After: until the window ends, rounded up
    assert hits(limiter, 1, identity="198.51.100.1") == [None]  # another client has its own count
    assert hits(limiter, 1, scope="sms") == [None]  # and so has another scope
    clock.now = 1_001 * WINDOW_S
    assert hits(limiter, 4) == [None, None, None, 60]


def test_zero_disables_the_limit() -> None:
    limiter = RateLimiter(MemoryCounter(), per_minute=0, secret=SECRET, clock=Clock())
    assert set(hits(limiter, 100)) == {None}


def test_keys_are_truncated_keyed_hashes_never_the_address() -> None:
    counter = RecordingCounter()
    asyncio.run(RateLimiter(counter, per_minute=5, secret=SECRET, clock=Clock()).retry_after("web", IP))
    assert counter.keys == [keyed_hash(SECRET, f"rate:web:{IP}", length=KEY_CHARS)]
    assert len(counter.keys[0]) == 16 and "203" not in counter.keys[0]


def test_memory_keeps_only_the_current_window_and_at_most_max_clients() -> None:
    counter = MemoryCounter(max_clients=3)

    async def run() -> list[int]:
        counts = [await counter.incr(key, 7) for key in ("a", "b", "a", "c", "d")]  # "b" is least recently seen
        counts += [await counter.incr("a", 7), await counter.incr("b", 7)]  # "b" was dropped, so it restarts
        assert len(counter) == 3
        counts.append(await counter.incr("a", 8))
        assert len(counter) == 1
        return counts

    assert asyncio.run(run()) == [1, 1, 2, 1, 1, 3, 1, 1]


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:1:2:3", "2001:db8:1:2::/64"),  # the same household
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("testclient", "testclient"),
        (None, "unknown"),
    ],
)
def test_client_address_groups_ipv6_by_64(host: str | None, expected: str) -> None:
    assert client_address(host) == expected


def test_an_unreachable_redis_limits_nothing_and_says_so_once(caplog: pytest.LogCaptureFixture) -> None:
    limiter = RateLimiter(RedisCounter(f"redis://127.0.0.1:{free_port()}/0"), per_minute=1, secret=SECRET)

    async def run() -> list[int | None]:
        try:
            return [await limiter.retry_after("web", IP) for _ in range(3)]
        finally:
            await limiter.close()

    with caplog.at_level(logging.INFO, logger="api.ratelimit"):
        assert asyncio.run(run()) == [None, None, None]
    assert [r.getMessage() for r in caplog.records] == ["ratelimit.unavailable error=ConnectionError"]


def test_gateways_sharing_a_redis_share_the_counts(redis_url: str) -> None:
    clock = Clock(2_000 * WINDOW_S + 50.5)

    async def run() -> list[int | None]:
        first = RateLimiter(RedisCounter(redis_url), per_minute=2, secret=SECRET, clock=clock)
        second = RateLimiter(RedisCounter(redis_url), per_minute=2, secret=SECRET, clock=clock)
        try:
            return [
                await first.retry_after("web", IP),
                await second.retry_after("web", IP),
                await first.retry_after("web", IP),
                await second.retry_after("web", "198.51.100.1"),
            ]
        finally:
            await first.close()
            await second.close()

    assert asyncio.run(run()) == [None, None, 10, None]
    client = redis.Redis.from_url(redis_url)
    name = "aclara:rate:2000:" + keyed_hash(SECRET, f"rate:web:{IP}", length=KEY_CHARS)
    assert name.encode() in client.keys("*") and len(client.keys("*")) == 2
    assert client.get(name) == b"3"
    assert 0 < client.ttl(name) <= 2 * WINDOW_S  # counts do not outlive their window by much
    client.close()


def test_the_chat_api_answers_429_with_retry_after(
    make_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(rate_limit_per_minute=3)
    with caplog.at_level(logging.INFO):
        codes = [client.post("/api/v1/chat", json={"message": "hello"}).status_code for _ in range(2)]
        codes.append(client.delete("/api/v1/sessions/" + "a" * 32).status_code)  # one budget for the whole API
        limited = client.post("/api/v1/chat", json={"message": "hello"})
        again = client.delete("/api/v1/sessions/" + "a" * 32)
    assert codes == [200, 200, 204]
    assert limited.status_code == 429 and again.status_code == 429
    assert limited.json() == {"detail": "rate limited"}
    assert 1 <= int(limited.headers["retry-after"]) <= WINDOW_S
    assert [r.getMessage() for r in caplog.records if r.name == "api.ratelimit"] == [
        "ratelimit.limited scope=web total=1"  # one line per client and window
    ]
    assert "testclient" not in caplog.text
    other = TestClient(client.app, client=(IP, 40000))  # another address still gets answers
    assert other.post("/api/v1/chat", json={"message": "hello"}).status_code == 200


def test_static_files_probes_and_menus_are_not_limited(make_client: Callable[..., TestClient]) -> None:
    client = make_client(rate_limit_per_minute=1)
    assert client.post("/api/v1/chat", json={"message": "hello"}).status_code == 200
    assert client.post("/api/v1/chat", json={"message": "hello"}).status_code == 429
    for path in ("/healthz", "/readyz", "/widget.js", "/static/page.css", "/", "/api/v1/languages"):
        assert [client.get(path).status_code for _ in range(3)] == [200] * 3, path


def test_invalid_requests_count_too(make_client: Callable[..., TestClient]) -> None:
    client = make_client(rate_limit_per_minute=2)
    assert [client.post("/api/v1/chat", json={"message": ""}).status_code for _ in range(3)] == [422, 422, 429]


@pytest.fixture
def sms(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(
        twilio_auth_token=SecretStr(TOKEN),
        public_url=PUBLIC,
        sms_secret=SecretStr(SMS_SECRET),
        rate_limit_per_minute=2,
    )


def test_a_number_over_its_limit_gets_no_reply(
    sms: TestClient, rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        replies = [messages(twilio_post(sms, "what is an itin", f"SM{n}")) for n in range(4)]
    assert [len(r) for r in replies] == [1, 1, 0, 0]  # empty TwiML: Twilio sends nothing
    assert len(rasa.sent()) == 2
    assert [r.getMessage() for r in caplog.records if r.name == "api.ratelimit"] == [
        "ratelimit.limited scope=sms total=1"
    ]
    assert NUMBER not in caplog.text and NUMBER[2:] not in caplog.text
    assert len(messages(twilio_post(sms, "what is an itin", "SM9", number="+15557654321"))) == 1


def test_stop_is_honoured_even_over_the_limit(sms: TestClient) -> None:
    for n in range(3):
        twilio_post(sms, "hello", f"SM{n}")
    assert len(messages(twilio_post(sms, "STOP", "SM-stop"))) == 1  # the opt-out confirmation
    store = sms.app.state.sms_store  # type: ignore[attr-defined]
    assert asyncio.run(store.opted_out("sms-" + keyed_hash(SECRET, "sms:" + NUMBER)))


def test_the_generic_webhook_answers_an_empty_list_over_the_limit(sms: TestClient) -> None:
    def post(message_id: str) -> list[str]:
        body = f'{{"from": "{NUMBER}", "text": "hello", "id": "{message_id}"}}'.encode()
        timestamp = str(int(time.time()))
        headers = {
            "X-Aclara-Timestamp": timestamp,
            "X-Aclara-Signature": body_signature(SMS_SECRET, timestamp, body),
            "Content-Type": "application/json",
        }
        response = sms.post("/sms/inbound", content=body, headers=headers)
        assert response.status_code == 200
        replies: list[str] = response.json()["replies"]
        return replies

    assert [len(post(f"m{n}")) for n in range(3)] == [1, 1, 0]
