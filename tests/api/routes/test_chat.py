from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient

from api.privacy import keyed_hash
from knowledge import load_knowledge
from tests.conftest import SECRET, FakeDetector, FakeRasa

KB = load_knowledge()

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
        "title": "T",
        "publisher": "P",
        "url": "https://example.org/a",
        "published": "2026-02-12",
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


def rasa_fails(rasa: FakeRasa, how: str) -> None:
    """Make the fake engine fail the way the real one does: down, slow, failing, or actions down."""
    if how == "down":
        rasa.fail = httpx.ConnectError("refused")
    elif how == "slow":
        rasa.fail = httpx.ReadTimeout("slow")
    elif how == "500":
        rasa.status = 500
    else:  # the action server is down: Rasa's REST channel answers 200 with nothing
        rasa.replies = []


def degraded_notice(client: TestClient, lang: str) -> str:
    return client.app.state.translations[lang].gettext("notice.degraded")  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize("how", ["down", "slow", "500", "no reply"])
def test_engine_unavailable_answers_from_the_knowledge_base_in_the_same_session(
    client: TestClient, rasa: FakeRasa, how: str
) -> None:
    session = "e" * 32
    topic = KB.topic("for-me.itin")
    assert topic is not None
    rasa_fails(rasa, how)
    response = client.post(
        "/api/v1/chat", json={"message": topic.text["es"].examples[0], "session_id": session, "lang": "es"}
    )
    assert response.status_code == 200
    reply = response.json()
    assert reply["degraded"] is True and reply["session_id"] == session and reply["lang"] == "es"
    [message] = reply["messages"]
    assert message["topic"] == "for-me.itin"
    assert message["text"] == topic.text["es"].long
    assert [s["url"] for s in message["sources"]] == [s.url for s in topic.sources]
    assert message["last_reviewed"] == topic.last_reviewed.isoformat()
    assert message["last_reviewed_label"].startswith("Última revisión: ")
    assert [b["payload"] for b in message["buttons"]] == [f"/{KB.topic(r).intent}" for r in topic.related[:3]]  # type: ignore[union-attr]
    assert message["notice"] == degraded_notice(client, "es")


def test_engine_unavailable_and_nothing_matches_is_unsure_with_the_menu(client: TestClient, rasa: FakeRasa) -> None:
    rasa_fails(rasa, "down")
    reply = client.post("/api/v1/chat", json={"message": "xyzzy qwerty plugh", "lang": "fr"}).json()
    catalog = client.app.state.translations["fr"]  # type: ignore[attr-defined]
    unsure, menu = reply["messages"]
    assert reply["degraded"] is True
    assert unsure["text"] == catalog.gettext("bot.unsure") and unsure["notice"] == degraded_notice(client, "fr")
    assert menu["text"] == catalog.gettext("bot.menu")
    assert menu["buttons"] == [
        {"title": catalog.gettext(f"menu.{c}"), "payload": f"/menu_{c.replace('-', '_')}"}
        for c in ("events", "for-me", "help", "about")
    ] + [{"title": catalog.gettext("page.language"), "payload": "/language"}]


def test_engine_unavailable_buttons_still_work(client: TestClient, rasa: FakeRasa) -> None:
    rasa_fails(rasa, "down")
    listed = client.post("/api/v1/chat", json={"message": "/menu_for_me"}).json()
    [menu] = listed["messages"]
    assert listed["degraded"] is True
    assert [b["payload"] for b in menu["buttons"]] == [f"/{t.intent}" for t in KB.topics if t.category == "for-me"]
    chosen = next(t for t in KB.topics if t.category == "for-me")
    answer = client.post("/api/v1/chat", json={"message": f"/{chosen.intent}", "session_id": listed["session_id"]})
    assert [m["topic"] for m in answer.json()["messages"]] == [chosen.id]
    switched = client.post("/api/v1/chat", json={"message": "/language/vi"}).json()
    assert switched["lang"] == "vi" and switched["messages"][0]["buttons"][-1]["payload"] == "/language"


def test_engine_back_means_normal_replies_without_a_restart(
    make_client: Callable[..., TestClient], rasa: FakeRasa
) -> None:
    client = make_client(engine_retry_s=0)  # every request tries the engine again
    session = "f" * 32
    rasa_fails(rasa, "down")
    first = client.post("/api/v1/chat", json={"message": "What is an ITIN?", "session_id": session}).json()
    assert first["degraded"] is True and first["messages"][0]["topic"] == "for-me.itin"
    rasa.fail, rasa.replies = None, [ANSWER]
    second = client.post("/api/v1/chat", json={"message": "cuantos", "session_id": session}).json()
    assert second["degraded"] is False and second["session_id"] == session
    assert [m["text"] for m in second["messages"]] == ["Unas 47,000 direcciones."]
    assert second["messages"][0]["notice"] is None
    assert rasa.sent()[-1]["sender"] == "web-" + keyed_hash(SECRET, "web:" + session)  # the same conversation


def test_while_the_engine_is_known_down_requests_do_not_wait_for_it(
    make_client: Callable[..., TestClient], rasa: FakeRasa
) -> None:
    client = make_client(engine_retry_s=3600)
    rasa_fails(rasa, "slow")
    assert client.post("/api/v1/chat", json={"message": "What is an ITIN?"}).json()["degraded"] is True
    tried = len(rasa.requests)
    rasa.fail = None  # back, but not tried again before the hour is up
    again = client.post("/api/v1/chat", json={"message": "What is an ITIN?", "session_id": "g" * 32}).json()
    assert again["degraded"] is True and len(rasa.requests) == tried


def test_forgetting_a_session_while_the_engine_is_down_is_still_503(client: TestClient, rasa: FakeRasa) -> None:
    rasa_fails(rasa, "down")
    response = client.delete(f"/api/v1/sessions/{'h' * 32}")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json() == {"detail": "engine unavailable"}


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
    assert "chat.reply" in logged and "engine.degraded reason=engine unreachable" in logged
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


@pytest.mark.parametrize(("lang", "warning"), [("en", "do not share"), ("es", "no comparta")])
def test_identifying_numbers_never_reach_rasa_and_the_person_is_told(
    client: TestClient, rasa: FakeRasa, lang: str, warning: str
) -> None:
    message = "my SSN is 123-45-6789 and my phone (555) 123-4567, write to rosa@example.com"
    reply = client.post("/api/v1/chat", json={"message": message, "lang": lang}).json()
    [sent] = rasa.sent()
    assert sent["message"] == "my SSN is [SSN] and my phone [PHONE], write to [EMAIL]"
    assert not any(secret in r.content.decode() for r in rasa.requests for secret in ("6789", "4567", "rosa@"))
    assert warning in reply["messages"][0]["text"]
    assert reply["messages"][1]["text"] == "hello"  # the bot's own reply follows


def test_a_message_without_identifying_numbers_gets_no_warning(client: TestClient, rasa: FakeRasa) -> None:
    reply = client.post("/api/v1/chat", json={"message": "What is Form 8822-B, and call 877-777-4778?"}).json()
    assert rasa.sent()[0]["message"] == "What is Form 8822-B, and call 877-777-4778?"
    assert [m["text"] for m in reply["messages"]] == ["hello"]
