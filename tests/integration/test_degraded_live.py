"""Degraded mode with real processes, on a stack of its own because it kills and restarts them: the
gateway keeps answering from the knowledge base while Rasa or the action server is down, in the same
session and language, and goes back to the engine's answers once it is back, without a restart."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.i18n import load_translations
from knowledge import load_knowledge
from tests.live import OwnStack
from tools import stack

pytestmark = pytest.mark.integration
KB = load_knowledge()
CATALOGS = load_translations(("en", "es"))
MENU = ["/menu_events", "/menu_for_me", "/menu_help", "/menu_about", "/language"]


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnStack]:
    own = OwnStack(
        tmp_path_factory.mktemp("degraded-stack"),
        # Every request tries the engine again (the breaker's waiting is unit-tested), so that the
        # first question after a restart must get the engine's answer.
        gateway_settings={"API_ENGINE_RETRY_S": "0", "API_RATE_LIMIT_PER_MINUTE": "0"},
    )
    own.gateway_settings["API_SMS_DB"] = str(own.root / "sms.sqlite3")
    try:
        own.start()
        yield own
    finally:
        own.stop()


@pytest.fixture
def gateway(own_stack: OwnStack) -> Iterator[httpx.Client]:
    """A client for the gateway of a whole stack: whatever an earlier test stopped is started again."""
    if own_stack.processes["actions"].poll() is not None:
        own_stack.start_actions()
    if own_stack.processes["rasa"].poll() is not None:
        own_stack.start_rasa()
    with httpx.Client(base_url=own_stack.url("gateway"), timeout=60) as client:
        yield client


def ask(gateway: httpx.Client, message: str, headers: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    response = gateway.post("/api/v1/chat", json={"message": message, **extra}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def topics(reply: dict[str, Any]) -> list[str]:
    return [m["topic"] for m in reply["messages"] if m["topic"]]


def test_rasa_killed_mid_conversation_then_back(own_stack: OwnStack, gateway: httpx.Client) -> None:
    first = ask(gateway, "¿Qué es un ITIN y quién puede obtenerlo?")
    session = first["session_id"]
    assert (first["degraded"], first["lang"], topics(first)) == (False, "es", ["for-me.itin"])

    stack.stop(own_stack.processes["rasa"])

    down = ask(gateway, "¿Dónde consigo ayuda gratis con mis impuestos?", session_id=session)
    assert (down["degraded"], down["lang"], down["session_id"]) == (True, "es", session)
    [answer] = down["messages"]
    topic = KB.topic("help.free-help")
    assert topic is not None
    assert answer["topic"] == topic.id and answer["text"] == topic.text["es"].long
    assert answer["sources"] and answer["last_reviewed"] == topic.last_reviewed.isoformat()
    assert answer["notice"] == CATALOGS["es"].gettext("notice.degraded")
    # A button has no words to detect a language in, and the engine that holds the session's is
    # down: the widget's Accept-Language (the language of the last reply) keeps it.
    listed = ask(gateway, "/menu_help", session_id=session, headers={"Accept-Language": "es"})
    assert listed["degraded"] is True and listed["lang"] == "es"
    assert [b["payload"] for b in listed["messages"][-1]["buttons"]] == [
        f"/{t.intent}" for t in KB.topics if t.category == "help"
    ]
    unsure = ask(gateway, "xyzzy qwerty plugh", session_id=session, lang="es")
    assert unsure["degraded"] is True and topics(unsure) == []
    assert unsure["messages"][0]["text"] == CATALOGS["es"].gettext("bot.unsure")
    assert [b["payload"] for b in unsure["messages"][-1]["buttons"]] == MENU

    own_stack.start_rasa()

    back = ask(gateway, "¿Cuántas personas afectó?", session_id=session)
    assert (back["degraded"], back["lang"], back["session_id"]) == (False, "es", session)
    assert topics(back) == ["events.how-many"] and all(m["notice"] is None for m in back["messages"])
    logged = (own_stack.root / "logs" / "gateway.log").read_text(encoding="utf-8")
    assert "engine.degraded reason=engine unreachable" in logged
    assert "impuestos" not in logged and "xyzzy" not in logged and session not in logged


def test_action_server_killed_then_back(own_stack: OwnStack, gateway: httpx.Client) -> None:
    stack.stop(own_stack.processes["actions"])

    # Rasa answers nothing when the action that answers a topic fails: the gateway answers instead.
    down = ask(gateway, "What is an ITIN and who can get one?")
    assert (down["degraded"], down["lang"], topics(down)) == (True, "en", ["for-me.itin"])
    assert down["messages"][0]["notice"] == CATALOGS["en"].gettext("notice.degraded")
    related = down["messages"][0]["buttons"][0]["payload"]
    followed = ask(gateway, related, session_id=down["session_id"])
    assert followed["degraded"] is True and [f"/{KB.topic(t).intent}" for t in topics(followed)] == [related]  # type: ignore[union-attr]

    own_stack.start_actions()

    back = ask(gateway, "How many people had their addresses given to ICE?", session_id=down["session_id"])
    assert (back["degraded"], back["session_id"], topics(back)) == (False, down["session_id"], ["events.how-many"])
