"""Shared fixtures: settings, a fake Rasa boundary, a client for the gateway, and a private redis-server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_app
from knowledge import KnowledgeBase, load_knowledge
from tests.live import live_stack  # noqa: F401  (session fixture for integration and browser tests)
from tests.redis_server import redis_server

SECRET = "test-secret-key-0123456789"


class FakeDetector:
    """A detector that answers from a table, so API tests do not depend on the model."""

    def __init__(self, table: dict[str, tuple[str, float]] | None = None) -> None:
        self.table = table or {}
        self.priors: list[str | None] = []

    def detect(self, text: str, prior: str | None = None) -> tuple[str, float] | None:
        self.priors.append(prior)
        return self.table.get(text)


class FakeRasa:
    """Records requests to Rasa and answers them like the real REST channel and HTTP API."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.replies: list[dict[str, Any]] = [{"recipient_id": "x", "text": "hello"}]
        self.slots: dict[str, Any] = {"language": "en", "language_chosen": False}
        self.fail: Exception | None = None
        self.status = 200

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.fail is not None:
            raise self.fail
        if request.url.path == "/webhooks/rest/webhook":
            return httpx.Response(self.status, json=self.replies)
        if request.url.path.endswith("/tracker"):
            return httpx.Response(self.status, json={"sender_id": "x", "slots": self.slots})
        if request.url.path.endswith("/tracker/events"):
            return httpx.Response(self.status, json={"sender_id": "x", "events": []})
        if request.url.path == "/status":
            return httpx.Response(self.status, json={"model_id": "m1", "model_file": "m.tar.gz"})
        if request.url.path == "/health":
            return httpx.Response(self.status, json={"status": "ok"})
        return httpx.Response(404)

    def sent(self) -> list[dict[str, Any]]:
        """Bodies of the messages sent to the REST webhook."""
        return [json.loads(r.content) for r in self.requests if r.url.path == "/webhooks/rest/webhook"]


@pytest.fixture
def settings() -> Settings:
    return Settings(secret_key=SECRET, rasa_token="tok", sms_db=":memory:")  # type: ignore[arg-type]


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def detector() -> FakeDetector:
    return FakeDetector()


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture
def make_client(
    settings: Settings, rasa: FakeRasa, detector: FakeDetector, knowledge: KnowledgeBase
) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        app = create_app(
            settings.model_copy(update=overrides) if overrides else settings,
            transport=httpx.MockTransport(rasa.handler),
            detector=detector,
            knowledge=knowledge,
        )
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A redis-server of the test's own (tests/redis_server.py), stopped after it."""
    with redis_server(tmp_path) as url:
        yield url
