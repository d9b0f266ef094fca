"""Validation errors are answered as 422 whatever the input held."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import FakeRasa


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"message": "hi \\udc80"}', "message"),
        (b'{"message": "hi", "lang": "\\ud800"}', "lang"),
        (b'{"message": "hi", "session_id": "\\udfffaaaaaaaaaaaaaaaaaaaa"}', "session_id"),
    ],
)
def test_a_lone_surrogate_is_422_naming_the_field(client: TestClient, rasa: FakeRasa, body: bytes, field: str) -> None:
    response = client.post("/api/v1/chat", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", field] and error["type"] == "string_unicode"
    assert response.content.isascii()
    assert rasa.requests == []


def test_other_validation_errors_keep_fastapis_shape(client: TestClient) -> None:
    response = client.post("/api/v1/chat", json={"message": "ça va", "session_id": "short"})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "session_id"] and error["type"] == "string_pattern_mismatch"


def test_what_was_sent_is_never_repeated(client: TestClient) -> None:
    response = client.post("/api/v1/chat", json={"message": "my ssn is 123-45-6789 " + "x" * 1000})
    assert response.status_code == 422
    assert "123-45-6789" not in response.text and "input" not in response.json()["detail"][0]
