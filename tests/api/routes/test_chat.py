from __future__ import annotations

import logging

import httpx
import pytest
from fastapi.testclient import TestClient

from api.privacy import keyed_hash
from knowledge import load_knowledge
from tests.conftest import SECRET, FakeDetector, FakeRasa

ANSWER = {
    "recipient_id": "x",
    "custom": {
        "topic": "events.how-many",
        "lang": "es",
        "title": "t",
        "text": "Unas 47,000 direcciones.",
        "short": "s",
        "sources": [{"title": "T", "publisher": "P", "url": "https://example.org/a", "published": "2026-02-12"}],
        "last_reviewed": "2026-11-28",
        "review_by": "2027-03-28",
        "as_of": "2026-06-09",
        "buttons": [{"title": "Otro", "payload": "/ask_events__declaration"}],
    },
}


def test_new_session_gets_random_id_and_hashed_sender(client: TestClient, rasa: FakeRasa) -> None:
    first = client.post("/api/v1/chat", json={"message": "hello"}).json()
    second = client.post("/api/v1/chat", json={"message": "hello"}).json()
    assert len(first["session_id"]) >= 32 and first["session_id"] != second["session_id"]
    sent = rasa.sent()[0]
    assert sent["sender"] == "web-" + keyed_hash(SECRET, "web:" + first["session_id"])
    assert first["session_id"] not in sent["sender"]
    # a new session needs no tracker lookup
    assert not any(r.url.path.endswith("/tracker") for r in rasa.requests)


def test_answer_payload_becomes_message_with_sources(client: TestClient, rasa: FakeRasa) -> None:
    rasa.replies = [ANSWER]
    reply = client.post("/api/v1/chat", json={"message": "cuantos", "lang": "es"}).json()
    assert reply["lang"] == "es" and reply["degraded"] is False
    [message] = reply["messages"]
    assert message["topic"] == "events.how-many"
    assert message["sources"][0] == {
        "title": "T", "publisher": "P", "url": "https://example.org/a", "published": "2026-02-12",
        "published_label": "12 de febrero de 2026",
    }
    assert message["last_reviewed"] == "2026-11-28"
    assert message["last_reviewed_label"] == "Última revisión: 28 de noviembre de 2026"
    assert message["buttons"] == [{"title": "Otro", "payload": "/ask_events__declaration"}]


def test_plain_text_reply_has_null_topic(client: TestClient, rasa: FakeRasa) -> None:
    rasa.replies = [{"text": "unsure"}, {"text": "menu", "buttons": [{"title": "A", "payload": "/ask_x"}]}]
    reply = client.post("/api/v1/chat", json={"message": "zzz"}).json()
    assert [m["topic"] for m in reply["messages"]] == [None, None]
    assert reply["messages"][1]["buttons"] == [{"title": "A", "payload": "/ask_x"}]


def test_explicit_lang_wins_and_is_marked_chosen(client: TestClient, rasa: FakeRasa, detector: FakeDetector) -> None:
    detector.table["hello there"] = ("en", 0.99)
    reply = client.post("/api/v1/chat", json={"message": "hello there", "lang": "ES"}).json()
    assert reply["lang"] == "es"
    assert rasa.sent()[0]["metadata"] == {"language": "es", "chosen": True}


def test_session_choice_sticks(client: TestClient, rasa: FakeRasa, detector: FakeDetector) -> None:
    rasa.slots = {"language": "es", "language_chosen": True}
    detector.table["how many people"] = ("en", 0.99)
    reply = client.post("/api/v1/chat", json={"message": "how many people", "session_id": "a" * 32}).json()
    assert reply["lang"] == "es"


def test_confident_detection_beats_unchosen_session_language(
    client: TestClient, rasa: FakeRasa, detector: FakeDetector
) -> None:
    rasa.slots = {"language": "en", "language_chosen": False}
    detector.table["cuántas personas"] = ("es", 0.97)
    reply = client.post("/api/v1/chat", json={"message": "cuántas personas", "session_id": "a" * 32}).json()
    assert reply["lang"] == "es"
    assert rasa.sent()[0]["metadata"] == {"language": "es", "chosen": False}


def test_unsure_detection_falls_back_to_session_then_accept_language(
    client: TestClient, rasa: FakeRasa, detector: FakeDetector
) -> None:
    detector.table["ok"] = ("en", 0.51)
    rasa.slots = {"language": "es", "language_chosen": False}
    with_session = client.post("/api/v1/chat", json={"message": "ok", "session_id": "b" * 32})
    assert with_session.json()["lang"] == "es"
    new = client.post("/api/v1/chat", json={"message": "ok"}, headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.3"})
    assert new.json()["lang"] == "es"
    default = client.post("/api/v1/chat", json={"message": "ok"}, headers={"Accept-Language": "de"})
    assert default.json()["lang"] == "en"


def test_button_payload_is_passed_without_detection(client: TestClient, rasa: FakeRasa, detector: FakeDetector) -> None:
    detector.table["/ask_events__how_many"] = ("es", 1.0)
    client.post("/api/v1/chat", json={"message": "/ask_events__how_many"})
    assert rasa.sent()[0]["message"] == "/ask_events__how_many"
    assert rasa.sent()[0]["metadata"]["language"] == "en"


@pytest.mark.parametrize("message", ["Español", "español!", "  ESPANOL ", "spanish", "castellano"])
def test_a_language_name_alone_switches_and_shows_the_menu(
    client: TestClient, rasa: FakeRasa, detector: FakeDetector, message: str
) -> None:
    rasa.slots = {"language": "en", "language_chosen": True}
    detector.table[message.strip()] = ("en", 0.99)
    reply = client.post("/api/v1/chat", json={"message": message, "session_id": "c" * 32}).json()
    assert reply["lang"] == "es"
    assert reply["session_id"] == "c" * 32  # same conversation
    assert rasa.sent()[0]["message"] == "/menu"
    assert rasa.sent()[0]["metadata"] == {"language": "es", "chosen": True}


@pytest.mark.parametrize("message", ["español por favor, qué es el ITIN", "english?? what is an itin"])
def test_a_language_name_inside_a_question_does_not_switch(client: TestClient, rasa: FakeRasa, message: str) -> None:
    client.post("/api/v1/chat", json={"message": message})
    assert rasa.sent()[0]["message"] == message
    assert rasa.sent()[0]["metadata"]["chosen"] is False


def test_explicit_lang_beats_a_language_name(client: TestClient, rasa: FakeRasa) -> None:
    reply = client.post("/api/v1/chat", json={"message": "English", "lang": "es"}).json()
    assert reply["lang"] == "es"
    assert rasa.sent()[0]["message"] == "English"


def test_unknown_slash_command_is_sent_as_text(client: TestClient, rasa: FakeRasa) -> None:
    client.post("/api/v1/chat", json={"message": '/restart{"x": 1}'})
    assert not rasa.sent()[0]["message"].startswith("/")


def test_unsupported_lang_is_422_naming_supported_codes(client: TestClient) -> None:
    response = client.post("/api/v1/chat", json={"message": "hi", "lang": "xx"})
    assert response.status_code == 422
    codes = ", ".join(load_knowledge().codes)
    assert response.json() == {"detail": f"unsupported language 'xx'; use one of: {codes}"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "message"),
        ({"message": ""}, "message"),
        ({"message": "x" * 1001}, "message"),
        ({"message": 5}, "message"),
        ({"message": "hi", "session_id": "short"}, "session_id"),
        ({"message": "hi", "session_id": "../../etc/passwd-xxxxxxxx"}, "session_id"),
        ({"message": "hi", "lang": 3}, "lang"),
    ],
)
def test_invalid_fields_are_422_naming_the_field(client: TestClient, body: dict[str, object], field: str) -> None:
    response = client.post("/api/v1/chat", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]


def test_invalid_json_is_422(client: TestClient) -> None:
    response = client.post("/api/v1/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


def test_body_over_16_kb_is_413(client: TestClient, rasa: FakeRasa) -> None:
    response = client.post("/api/v1/chat", content=b"x" * (16 * 1024 + 1), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"detail": "request body too large"}
    assert rasa.requests == []


def test_chunked_body_over_limit_is_413(client: TestClient) -> None:
    def chunks():  # no Content-Length: the middleware must count what arrives
        for _ in range(20):
            yield b"x" * 1024

    response = client.post("/api/v1/chat", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")],
)
def test_rasa_unreachable_or_slow_is_503_with_retry_after(
    client: TestClient, rasa: FakeRasa, failure: Exception
) -> None:
    rasa.fail = failure
    response = client.post("/api/v1/chat", json={"message": "hi"})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json() == {"detail": "engine unavailable"}


def test_rasa_empty_reply_is_503(client: TestClient, rasa: FakeRasa) -> None:
    rasa.replies = []
    assert client.post("/api/v1/chat", json={"message": "hi"}).status_code == 503


def test_rasa_server_error_is_503(client: TestClient, rasa: FakeRasa) -> None:
    rasa.status = 500
    assert client.post("/api/v1/chat", json={"message": "hi"}).status_code == 503


def test_delete_session_replaces_events_with_none(client: TestClient, rasa: FakeRasa) -> None:
    session = "c" * 32
    response = client.delete(f"/api/v1/sessions/{session}")
    assert response.status_code == 204
    [request] = rasa.requests
    assert request.method == "PUT"
    assert request.url.path == f"/conversations/web-{keyed_hash(SECRET, 'web:' + session)}/tracker/events"
    assert request.content == b"[]"


def test_delete_rejects_malformed_session_id(client: TestClient, rasa: FakeRasa) -> None:
    assert client.delete("/api/v1/sessions/bad!id").status_code == 422
    assert rasa.requests == []


def test_logs_hold_no_message_text_session_or_ip(
    client: TestClient, rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    session = "d" * 32
    client.post("/api/v1/chat", json={"message": "my number is 555-123-4567", "session_id": session})
    rasa.fail = httpx.ConnectError("refused")
    client.post("/api/v1/chat", json={"message": "second secret words", "session_id": session})
    logged = caplog.text
    assert "chat.reply" in logged and "engine.unavailable" in logged
    for secret in ("555-123-4567", "second secret words", session, "testclient", "tok"):
        assert secret not in logged


def test_answer_past_review_date_gets_localized_notice(client: TestClient, rasa: FakeRasa) -> None:
    stale = {"custom": ANSWER["custom"] | {"review_by": "2000-01-01", "last_reviewed": "2026-06-09"}}
    rasa.replies = [stale]
    [message] = client.post("/api/v1/chat", json={"message": "cuantos", "lang": "es"}).json()["messages"]
    assert message["text"] == "Unas 47,000 direcciones."
    assert message["notice"] == (
        "Esta respuesta puede estar desactualizada: se revisó por última vez el 9 de junio de 2026. "
        "Revise las fuentes o pida ayuda gratuita."
    )


def test_current_answer_has_no_notice(client: TestClient, rasa: FakeRasa) -> None:
    rasa.replies = [ANSWER]
    [message] = client.post("/api/v1/chat", json={"message": "cuantos", "lang": "es"}).json()["messages"]
    assert message["notice"] is None


def test_language_button_lists_every_language_without_asking_rasa(
    client: TestClient, rasa: FakeRasa, detector: FakeDetector
) -> None:
    reply = client.post("/api/v1/chat", json={"message": "/language"}, headers={"Accept-Language": "es"}).json()
    [message] = reply["messages"]
    assert message["text"] == "Idioma"
    assert [b["payload"] for b in message["buttons"]] == [f"/language/{c}" for c in load_knowledge().codes]
    assert message["buttons"][4] == {"title": "Tiếng Việt", "payload": "/language/vi"}
    assert rasa.sent() == [] and detector.priors == []


def test_language_payload_switches_and_shows_the_menu(client: TestClient, rasa: FakeRasa) -> None:
    reply = client.post("/api/v1/chat", json={"message": "/language/ar"}).json()
    assert reply["lang"] == "ar"
    [sent] = rasa.sent()
    assert sent["message"] == "/menu"
    assert sent["metadata"] == {"language": "ar", "chosen": True}
