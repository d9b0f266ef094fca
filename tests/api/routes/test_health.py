from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from tests.conftest import FakeRasa


def test_healthz_needs_nothing_else(client: TestClient, rasa: FakeRasa) -> None:
    rasa.fail = httpx.ConnectError("down")
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_when_everything_answers(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "rasa": True, "model": True, "actions": True}


def test_readyz_503_when_engine_down(client: TestClient, rasa: FakeRasa) -> None:
    rasa.fail = httpx.ConnectError("down")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "not ready"
