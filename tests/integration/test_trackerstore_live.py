"""The tracker store with real processes, on stacks of their own because they restart or add Rasa
servers: a conversation survives a Rasa restart (SQLite), two Rasa servers share one (Redis), and
nothing identifying that a person typed is in any file the stack wrote."""

from __future__ import annotations

import json
import secrets
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from api.config import Settings
from api.routes.chat import sender_for
from api.signatures import body_signature, twilio_signature
from tests.live import OwnStack
from tests.redis_server import redis_server
from tools import stack
from tools.paths import VAR
from tools.train import ensure_model

pytestmark = pytest.mark.integration

PUBLIC_URL = "https://sms.aclara.test"
SMS_FROM = "+16175550199"
SAID = "My name is Rosa Quispe, my SSN is 123-45-6789 and my phone is (617) 555-0142. What is an ITIN?"
SAID_AGAIN = "Soy Rosa Quispe, 123 45 6789, llámame al 617.555.0142"
NEVER_STORED = [b"123-45-6789", b"123456789", b"123 45 6789", b"6175550142", b"555-0142", b"555.0142", b"6175550199"]
NAME = b"quispe"  # searched in lower-cased bytes


# First, so that the module's own SQL stack is not running at the same time.
def test_two_rasa_servers_share_one_conversation_through_redis(tmp_path: Path) -> None:
    ports = {name: stack.free_port() for name in ("actions", "a", "b")}
    token = secrets.token_urlsafe(16)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    sender = "web-shared-" + secrets.token_hex(4)
    metadata = {"language": "es", "chosen": True}

    def rasa(name: str) -> str:
        return f"http://127.0.0.1:{ports[name]}"

    def say(name: str, text: str) -> list[dict[str, Any]]:
        payload = {"sender": sender, "message": text, "metadata": metadata}
        response = httpx.post(f"{rasa(name)}/webhooks/rest/webhook", json=payload, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def tracker(name: str) -> dict[str, Any]:
        response = httpx.get(f"{rasa(name)}/conversations/{sender}/tracker", params={"token": token}, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    with redis_server(tmp_path) as url:
        try:
            with (tmp_path / "actions.log").open("wb") as log:
                processes["actions"] = stack.start_actions(ports["actions"], log)
            for name in ("a", "b"):  # both load the model at the same time
                with (tmp_path / f"rasa-{name}.log").open("wb") as log:
                    processes[name] = stack.start_rasa(
                        ports[name],
                        model=ensure_model(),
                        token=token,
                        actions_port=ports["actions"],
                        settings={"ACLARA_TRACKER_URL": url},
                        log=log,
                    )
            stack.wait_ready("actions", f"http://127.0.0.1:{ports['actions']}/health", processes["actions"])
            for name in ("a", "b"):
                stack.wait_ready("rasa", f"{rasa(name)}/status?token={token}", processes[name])

            assert say("a", "/menu")
            assert {k: tracker("b")["slots"][k] for k in ("language", "language_chosen")} == {
                "language": "es",
                "language_chosen": True,
            }
            assert say("b", "hola, qué es un ITIN, por favor amigo")
            users = [e for e in tracker("a")["events"] if e["event"] == "user"]
            assert [e["metadata"] for e in users] == [metadata, metadata]
            client = redis.Redis.from_url(url)
            stored = client.get("tracker:" + sender)
            assert stored and b"por favor amigo" not in stored
            assert 23 * 3600 < client.ttl("tracker:" + sender) <= 24 * 3600
        finally:
            for process in reversed(processes.values()):
                stack.stop(process)


@pytest.fixture(scope="module")
def sql_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnStack]:
    own = OwnStack(tmp_path_factory.mktemp("sql-stack"))
    own.gateway_settings |= {
        "API_TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "API_SMS_SECRET": secrets.token_urlsafe(32),
        "API_PUBLIC_URL": PUBLIC_URL,
        "API_SMS_DB": str(own.root / "sms.sqlite3"),
    }
    try:
        own.start()
        yield own
    finally:
        own.stop()


def test_a_conversation_survives_a_rasa_restart(sql_stack: OwnStack) -> None:
    with httpx.Client(base_url=sql_stack.url("gateway"), timeout=30) as gateway:
        first = gateway.post("/api/v1/chat", json={"message": "/language/es"}).json()
        sender = sender_for(Settings(secret_key=sql_stack.secret), first["session_id"])
        before = sql_stack.tracker(sender)
        assert (first["lang"], before["slots"]["language"], before["slots"]["language_chosen"]) == ("es", "es", True)

        stack.stop(sql_stack.processes["rasa"])
        sql_stack.start_rasa()

        after = sql_stack.tracker(sender)
        assert after["slots"] == before["slots"] and after["events"] == before["events"]
        reply = gateway.post("/api/v1/chat", json={"message": "What is an ITIN?", "session_id": first["session_id"]})
    assert reply.status_code == 200, reply.text
    # Typed in English, answered in the Spanish chosen before the restart (a new conversation would detect English).
    assert reply.json()["lang"] == "es" and not reply.json()["degraded"] and reply.json()["messages"]
    users = [e for e in sql_stack.tracker(sender)["events"] if e["event"] == "user"]
    assert len(users) == 2 and all(e["text"] is None for e in users)


def test_nothing_a_person_typed_is_in_any_file_the_stack_wrote(sql_stack: OwnStack) -> None:
    with httpx.Client(base_url=sql_stack.url("gateway"), timeout=30) as gateway:
        first = gateway.post("/api/v1/chat", json={"message": SAID})
        assert first.status_code == 200, first.text
        session = first.json()["session_id"]
        again = gateway.post("/api/v1/chat", json={"message": SAID_AGAIN, "session_id": session})
        assert again.status_code == 200, again.text
        for n, text in enumerate((SAID, SAID_AGAIN)):
            params = {"From": SMS_FROM, "To": "+15550000000", "Body": text, "MessageSid": f"SMprivacy{n}"}
            signature = twilio_signature(
                sql_stack.gateway_settings["API_TWILIO_AUTH_TOKEN"], PUBLIC_URL + "/sms/twilio", params.items()
            )
            sms = gateway.post("/sms/twilio", data=params, headers={"X-Twilio-Signature": signature})
            assert sms.status_code == 200, sms.text
        body = json.dumps({"from": SMS_FROM, "to": "+15550000000", "text": SAID, "id": "privacy-generic"}).encode()
        stamp = str(int(time.time()))
        signature = body_signature(sql_stack.gateway_settings["API_SMS_SECRET"], stamp, body)
        headers = {"Content-Type": "application/json", "X-Aclara-Timestamp": stamp, "X-Aclara-Signature": signature}
        assert gateway.post("/sms/inbound", content=body, headers=headers).status_code == 200

    tracker_db = sql_stack.root / "tracker.sqlite3"
    with sqlite3.connect(tracker_db) as db:
        senders = {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")}
    web = sender_for(Settings(secret_key=sql_stack.secret), session)
    assert web in senders and any(s.startswith("sms-") for s in senders)  # both conversations reached the store
    written = [p for p in sql_stack.root.rglob("*") if p.is_file()]
    if VAR.is_dir():  # the stack is not configured to write there; check that nothing of this run did
        written += [p for p in VAR.rglob("*") if p.is_file() and p.stat().st_mtime >= sql_stack.started]
    names = {p.name for p in written}
    assert {"tracker.sqlite3", "sms.sqlite3", "rasa.log", "actions.log", "gateway.log"} <= names
    found = []
    for path in written:
        data = path.read_bytes().lower()
        found += [(str(path), s.decode()) for s in [*NEVER_STORED, NAME] if s in data]
    assert found == []
