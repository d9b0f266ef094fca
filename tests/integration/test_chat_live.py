"""The whole path against the real engine: gateway -> Rasa -> action server -> knowledge."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from api.privacy import keyed_hash
from knowledge import load_knowledge
from tests.live import Stack

pytestmark = pytest.mark.integration
KB = load_knowledge()


def ask(gateway: httpx.Client, message: str, **extra: Any) -> dict[str, Any]:
    response = gateway.post("/api/v1/chat", json={"message": message, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def answers(reply: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in reply["messages"] if m["topic"]]


def test_ready(gateway: httpx.Client) -> None:
    assert gateway.get("/readyz").json() == {"status": "ready", "rasa": True, "model": True, "actions": True}


@pytest.mark.parametrize(
    ("question", "lang", "topic"),
    [
        ("How many people had their addresses given to ICE?", "en", "events.how-many"),
        ("What is an ITIN and who can get one?", "en", "for-me.itin"),
        ("¿Cuántas personas afectó?", "es", "events.how-many"),
        ("¿Dónde consigo ayuda gratis con mis impuestos?", "es", "help.free-help"),
    ],
)
def test_question_gets_its_topic_in_its_language_with_sources(
    gateway: httpx.Client, question: str, lang: str, topic: str
) -> None:
    reply = ask(gateway, question)
    assert reply["lang"] == lang
    [answer] = answers(reply)
    expected = KB.topic(topic)
    assert expected is not None
    assert answer["topic"] == topic
    assert answer["text"] == expected.text[lang].long
    assert answer["sources"] and all(s["publisher"] and s["published"] for s in answer["sources"])
    assert answer["last_reviewed"] == expected.last_reviewed.isoformat()
    related_titles = [b["title"] for b in answer["buttons"]]
    assert 2 <= len(related_titles) <= 3
    assert related_titles[0] == KB.topic(expected.related[0]).text[lang].title  # type: ignore[union-attr]


@pytest.mark.parametrize("message", ["what's the weather tomorrow in Chicago", "xyzzy qwerty plugh"])
def test_out_of_scope_gets_null_topic_and_the_menu(gateway: httpx.Client, message: str) -> None:
    reply = ask(gateway, message)
    assert [m["topic"] for m in reply["messages"]] == [None] * len(reply["messages"])
    menu = reply["messages"][-1]["buttons"]
    assert [b["payload"] for b in menu] == ["/menu_events", "/menu_for_me", "/menu_help", "/menu_about", "/language"]


def test_category_button_lists_its_topics_and_a_topic_button_answers(gateway: httpx.Client) -> None:
    first = ask(gateway, "menu", lang="es")
    assert [b["title"] for b in first["messages"][-1]["buttons"]] == [
        "Qué pasó",
        "Qué significa para mí",
        "Ayuda gratuita",
        "Sobre este servicio",
        "Idioma",
    ]
    for_me = next(b for b in first["messages"][-1]["buttons"] if b["payload"] == "/menu_for_me")
    listed = ask(gateway, for_me["payload"], session_id=first["session_id"])
    buttons = listed["messages"][-1]["buttons"]
    assert [b["payload"] for b in buttons] == [f"/{t.intent}" for t in KB.topics if t.category == "for-me"]
    assert [m["topic"] for m in listed["messages"]] == [None]
    answer = ask(gateway, buttons[0]["payload"], session_id=first["session_id"])
    assert answers(answer)[0]["topic"] == next(t.id for t in KB.topics if t.category == "for-me")


def test_button_payload_selects_its_topic(gateway: httpx.Client) -> None:
    first = ask(gateway, "¿Qué pasó con el IRS y el ICE?")
    button = answers(first)[0]["buttons"][0]
    second = ask(gateway, button["payload"], session_id=first["session_id"])
    [answer] = answers(second)
    assert f"/{KB.topic(answer['topic']).intent}" == button["payload"]  # type: ignore[union-attr]
    assert second["lang"] == "es"


def test_explicit_language_sticks_to_the_session(gateway: httpx.Client) -> None:
    first = ask(gateway, "hello", lang="es")
    assert first["lang"] == "es"
    second = ask(gateway, "What is an ITIN?", session_id=first["session_id"])
    assert second["lang"] == "es"
    assert answers(second)[0]["text"] == KB.topic("for-me.itin").text["es"].long  # type: ignore[union-attr]


def tracker_events(live_stack: Stack, session_id: str) -> list[dict[str, Any]]:
    sender = "web-" + keyed_hash(live_stack.secret, "web:" + session_id)
    response = httpx.get(
        f"{live_stack.rasa}/conversations/{sender}/tracker",
        params={"token": live_stack.rasa_token, "include_events": "ALL"},
    )
    events: list[dict[str, Any]] = response.json()["events"]
    return events


def test_the_engine_reads_the_language_the_gateway_sends_and_stores_no_respelling(
    gateway: httpx.Client, live_stack: Stack
) -> None:
    question = "lam sao de biet dia chi cua toi co bi gui cho ICE khong"  # Vietnamese without its marks
    parsed = {}
    for lang in ("vi", "en"):
        reply = ask(gateway, question, lang=lang)
        [user] = [e for e in tracker_events(live_stack, reply["session_id"]) if e["event"] == "user"]
        assert user["parse_data"]["metadata"]["language"] == lang
        assert json.dumps(user, ensure_ascii=False).isascii()  # no respelled "địa chỉ" was kept
        parsed[lang] = user["parse_data"]["intent_ranking"]
    # Only the sentence vector of the respelled text (bot/components/respelling.py) tells the two apart.
    assert parsed["vi"] != parsed["en"]


def test_delete_forgets_the_session(gateway: httpx.Client, live_stack: Stack) -> None:
    first = ask(gateway, "What is an ITIN?", lang="es")
    session = first["session_id"]
    # Held, though without its text (bot/trackerstore.py stores no message text).
    assert [e["text"] for e in tracker_events(live_stack, session) if e["event"] == "user"] == [None]
    assert gateway.delete(f"/api/v1/sessions/{session}").status_code == 204
    assert [e for e in tracker_events(live_stack, session) if e["event"] in ("user", "bot", "slot")] == []
    after = ask(gateway, "What is an ITIN?", session_id=session)
    assert after["lang"] == "en"  # the explicit Spanish choice was forgotten with everything else


def test_a_language_name_switches_the_conversation_and_it_sticks(gateway: httpx.Client) -> None:
    first = ask(gateway, "What is an ITIN?")
    assert first["lang"] == "en"
    session = first["session_id"]
    switched = ask(gateway, "Español", session_id=session)
    assert switched["lang"] == "es"
    menu_payloads = [b["payload"] for m in switched["messages"] for b in m["buttons"]]
    assert menu_payloads == ["/menu_events", "/menu_for_me", "/menu_help", "/menu_about", "/language"]
    later = ask(gateway, "What is an ITIN?", session_id=session)  # English text, Spanish stays chosen
    assert later["lang"] == "es"
    assert answers(later)[0]["text"] == KB.topic("for-me.itin").text["es"].long  # type: ignore[union-attr]
