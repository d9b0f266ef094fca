"""SMS through the real stack: signed Twilio and generic webhook requests, real Rasa, real answers."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import httpx
import pytest
import redis

from api.i18n import load_translations
from api.keywords import Keywords
from api.signatures import body_signature, twilio_signature
from knowledge import load_knowledge
from knowledge.sms import sms_segments
from tests.live import Stack
from tools import stack

KB = load_knowledge()
TRANSLATIONS = load_translations(KB.codes)
KEYWORDS = Keywords.from_catalogs(TRANSLATIONS)


def twilio(live_stack: Stack, number: str, body: str, sid: str, *, gateway: str | None = None) -> list[str]:
    """Twilio's signed post to the stack's gateway (or another one), and the messages of its TwiML."""
    params = {"From": number, "To": "+15550000000", "Body": body, "MessageSid": sid, "NumSegments": "1"}
    signature = twilio_signature(live_stack.twilio_token, live_stack.public_url + "/sms/twilio", params.items())
    response = httpx.post(
        (gateway or live_stack.gateway) + "/sms/twilio",
        data=params,
        headers={"X-Twilio-Signature": signature},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return [m.text or "" for m in ElementTree.fromstring(response.text).findall("Message")]


@pytest.mark.parametrize(
    ("lang", "question", "topic"),
    [
        ("en", "What is an ITIN?", "for-me.itin"),
        ("vi", "ITIN là gì vậy?", "for-me.itin"),
    ],
)
def test_a_texted_question_gets_the_short_answer_in_its_language(
    live_stack: Stack, lang: str, question: str, topic: str
) -> None:
    number = f"+1555{int(time.time() * 1000) % 10**7:07d}"
    replies = twilio(live_stack, number, question, f"SM{lang}{time.time_ns()}")
    expected = KB.topic(topic).text[lang].short  # type: ignore[union-attr]
    assert len(replies) == 1 and sms_segments(replies[0]) <= 3
    more = TRANSLATIONS[lang].gettext("sms.more").format(more=KEYWORDS.word(lang, "more"))
    pages = replies
    while more in pages[-1] and len(pages) < 5:  # the reply names MORE in its own language
        pages += twilio(live_stack, number, KEYWORDS.word(lang, "more"), f"SMmore{time.time_ns()}")
    footer = TRANSLATIONS[lang].gettext("sms.first").format(stop=KEYWORDS.word(lang, "stop"))
    parts = [part for page in pages for part in page.split("\n\n") if part not in (more, footer)]
    text = " ".join(" ".join(parts).split())
    assert " ".join(expected.split())[:80] in text


def test_stop_start_and_duplicates_through_the_real_stack(live_stack: Stack) -> None:
    number = f"+1666{int(time.time() * 1000) % 10**7:07d}"
    assert "START" in twilio(live_stack, number, "STOP", "SMstop1")[0]
    assert twilio(live_stack, number, "What is an ITIN?", "SMq1") == []
    assert "STOP" in twilio(live_stack, number, "START", "SMstart1")[0]
    first = twilio(live_stack, number, "What is an ITIN?", "SMq2")
    assert first and twilio(live_stack, number, "What is an ITIN?", "SMq2") == first


def test_generic_webhook_through_the_real_stack(live_stack: Stack) -> None:
    body = json.dumps({"from": "+15557654321", "to": "+15550000000", "text": "AYUDA", "id": "g1"}).encode()
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Aclara-Timestamp": stamp,
        "X-Aclara-Signature": body_signature(live_stack.sms_secret, stamp, body),
    }
    response = httpx.post(live_stack.gateway + "/sms/inbound", content=body, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    [reply] = response.json()["replies"]
    assert "PARAR" in reply or "ALTO" in reply  # answered in Spanish, with the Spanish stop word
    stale = str(int(time.time()) - 600)
    headers |= {"X-Aclara-Timestamp": stale, "X-Aclara-Signature": body_signature(live_stack.sms_secret, stale, body)}
    assert httpx.post(live_stack.gateway + "/sms/inbound", content=body, headers=headers).status_code == 403


def test_two_gateways_on_one_redis_store_treat_a_number_as_one(
    live_stack: Stack, tmp_path: Path, redis_url: str
) -> None:
    """API_SMS_DB=redis://…: an opt-out, a delivery and a conversation seen by one gateway hold on
    the other, as behind a load balancer; Redis keeps only hashes."""
    number = f"+1777{int(time.time() * 1000) % 10**7:07d}"
    ports = [stack.free_port(), stack.free_port()]
    gateways = [f"http://127.0.0.1:{port}" for port in ports]
    processes: list[subprocess.Popen[bytes]] = []
    env = stack.gateway_env(
        secret=live_stack.secret,
        rasa_port=int(urlsplit(live_stack.rasa).port or 0),
        rasa_token=live_stack.rasa_token,
        actions_port=int(urlsplit(live_stack.actions).port or 0),
    ) | {
        "API_TWILIO_AUTH_TOKEN": live_stack.twilio_token,
        "API_PUBLIC_URL": live_stack.public_url,
        "API_RATE_LIMIT_PER_MINUTE": "0",
        "API_SMS_DB": redis_url,
    }
    try:
        for port in ports:
            with (tmp_path / f"gateway-{port}.log").open("wb") as log:
                processes.append(stack.start_gateway(port, host="127.0.0.1", env=env, log=log))
        for gateway, process in zip(gateways, processes, strict=True):
            stack.wait_ready("gateway", f"{gateway}/readyz", process)
        one, two = gateways
        assert "START" in twilio(live_stack, number, "STOP", "SMr1", gateway=one)[0]
        assert twilio(live_stack, number, "What is an ITIN?", "SMr2", gateway=two) == []
        assert "STOP" in twilio(live_stack, number, "START", "SMr3", gateway=two)[0]
        [first] = twilio(live_stack, number, "ITIN là gì vậy?", "SMr4", gateway=one)
        assert " ".join(KB.topic("for-me.itin").text["vi"].short.split())[:60] in " ".join(first.split())  # type: ignore[union-attr]
        assert twilio(live_stack, number, "ITIN là gì vậy?", "SMr4", gateway=two) == [first]  # a retry
        client = redis.Redis.from_url(redis_url)
        keys = [key.decode() for key in client.keys("*")]
        kept = [k for k in keys if ":conversation:" in k or ":delivery:" in k]
        assert sorted(k.rsplit(":", 1)[0] for k in kept) == [
            "aclara:sms:conversation",
            "aclara:sms:delivery",
            "aclara:sms:delivery",
            "aclara:sms:delivery",
            "aclara:sms:delivery",
        ]
        stored = [client.get(k) or b"" for k in kept]
        stored += [*client.smembers("aclara:sms:optout"), *client.zrange("aclara:sms:active", 0, -1)]
        everything = b"\n".join(stored) + "\n".join(keys).encode()
        assert number[2:].encode() not in everything and "gì vậy".encode() not in everything
        client.close()
    finally:
        for process in processes:
            stack.stop(process)
