"""Body size and message length limits at their edges, on every route that takes a body."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.models import MAX_MESSAGE_CHARS
from api.routes.sms import MAX_SMS_CHARS
from api.signatures import body_signature
from tests.api.routes.test_sms import NUMBER, PUBLIC, SMS_SECRET, TOKEN, messages, twilio_post
from tests.conftest import FakeRasa

LIMIT = 16 * 1024


def padded(body: dict[str, object], size: int) -> bytes:
    """body as JSON, padded with trailing whitespace to exactly size bytes."""
    raw = json.dumps(body).encode()
    return raw + b" " * (size - len(raw))


def test_a_body_of_exactly_the_limit_is_read_and_one_byte_more_is_413(client: TestClient, rasa: FakeRasa) -> None:
    headers = {"content-type": "application/json"}
    assert client.post("/api/v1/chat", content=padded({"message": "hi"}, LIMIT), headers=headers).status_code == 200
    over = client.post("/api/v1/chat", content=padded({"message": "hi"}, LIMIT + 1), headers=headers)
    assert over.status_code == 413 and over.json() == {"detail": "request body too large"}
    assert len(rasa.sent()) == 1


def test_the_longest_message_fits_the_body_limit_however_it_is_escaped(client: TestClient) -> None:
    # 1000 characters outside the BMP, each escaped as a surrogate pair (12 bytes), with the longest session id.
    body = {"message": "\U0001f600" * MAX_MESSAGE_CHARS, "session_id": "s" * 128, "lang": "zh-Hant"}
    content = json.dumps(body, ensure_ascii=True).encode()
    assert len(content) < LIMIT
    response = client.post("/api/v1/chat", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 200


def test_message_length_is_counted_in_characters(client: TestClient) -> None:
    assert client.post("/api/v1/chat", json={"message": "é" * MAX_MESSAGE_CHARS}).status_code == 200
    too_long = client.post("/api/v1/chat", json={"message": "é" * (MAX_MESSAGE_CHARS + 1)})
    assert too_long.status_code == 422 and too_long.json()["detail"][0]["type"] == "string_too_long"


def test_a_body_that_is_not_utf8_is_400_not_500(client: TestClient, rasa: FakeRasa) -> None:
    response = client.post(
        "/api/v1/chat", content=b'{"message": "\xff\xfe"}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert rasa.requests == []


def test_a_non_numeric_content_length_is_refused(client: TestClient) -> None:
    response = client.post(
        "/api/v1/chat", content=b"{}", headers={"content-type": "application/json", "content-length": "2x"}
    )
    assert response.status_code == 413


@pytest.fixture
def sms(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(twilio_auth_token=SecretStr(TOKEN), public_url=PUBLIC, sms_secret=SecretStr(SMS_SECRET))


@pytest.mark.parametrize("path", ["/sms/twilio", "/sms/inbound"])
def test_sms_bodies_over_the_limit_are_413_before_anything_else(sms: TestClient, rasa: FakeRasa, path: str) -> None:
    response = sms.post(path, content=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    assert rasa.requests == []


def test_a_twilio_text_over_the_sms_limit_is_422(sms: TestClient, rasa: FakeRasa) -> None:
    assert len(messages(twilio_post(sms, "a" * MAX_SMS_CHARS, "SM1"))) == 1
    response = twilio_post(sms, "a" * (MAX_SMS_CHARS + 1), "SM2")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["Body"]
    assert len(rasa.sent()) == 1


def test_a_generic_sms_text_over_the_sms_limit_is_422(sms: TestClient, rasa: FakeRasa) -> None:
    def post(text: str, message_id: str) -> int:
        body = json.dumps({"from": NUMBER, "text": text, "id": message_id}).encode()
        timestamp = str(int(time.time()))
        signature = body_signature(SMS_SECRET, timestamp, body)
        headers = {"X-Aclara-Timestamp": timestamp, "X-Aclara-Signature": signature}
        return sms.post("/sms/inbound", content=body, headers=headers).status_code

    assert post("a" * MAX_SMS_CHARS, "m1") == 200
    assert post("a" * (MAX_SMS_CHARS + 1), "m2") == 422
    assert len(rasa.sent()) == 1
