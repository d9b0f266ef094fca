"""The SMS webhooks against a fake Rasa: signatures, keywords, replies that fit, duplicates."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from xml.etree import ElementTree

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.privacy import keyed_hash
from api.signatures import body_signature, twilio_signature
from api.smstext import gsm_friendly
from knowledge import load_knowledge
from knowledge.sms import sms_segments
from tests.conftest import SECRET, FakeRasa
from tools.stack import free_port

KB = load_knowledge()
TOKEN = "twilio-token-for-tests"
SMS_SECRET = "generic-sms-secret-for-tests"
PUBLIC = "https://sms.clinic.example/base"
NUMBER = "+15551234567"


def answer(topic: str, lang: str = "en") -> dict[str, object]:
    return {
        "recipient_id": "x",
        "custom": {
            "topic": topic,
            "lang": lang,
            "text": "long text",
            "buttons": [
                {"title": KB.topic(r).text[lang].title, "payload": f"/{KB.topic(r).intent}"}  # type: ignore[union-attr]
                for r in KB.topic(topic).related  # type: ignore[union-attr]
            ],
        },
    }


@pytest.fixture
def sms(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(twilio_auth_token=SecretStr(TOKEN), public_url=PUBLIC, sms_secret=SecretStr(SMS_SECRET))


def twilio_post(client: TestClient, body: str, sid: str, *, number: str = NUMBER, signature: str | None = None):  # type: ignore[no-untyped-def]
    params = {"From": number, "To": "+15550000000", "Body": body, "MessageSid": sid, "NumMedia": "0"}
    sig = signature if signature is not None else twilio_signature(TOKEN, PUBLIC + "/sms/twilio", params.items())
    return client.post("/sms/twilio", data=params, headers={"X-Twilio-Signature": sig})


def messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(response.text)
    assert root.tag == "Response"
    return [m.text or "" for m in root.findall("Message")]


def test_twilio_published_example_vector() -> None:
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio_signature("12345", url, params.items()) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_unset_secrets_are_503_and_never_accept_unsigned(client: TestClient) -> None:
    assert client.post("/sms/twilio", data={"From": NUMBER, "Body": "hi", "MessageSid": "SM1"}).status_code == 503
    assert client.post("/sms/inbound", json={"from": NUMBER, "text": "hi", "id": "1"}).status_code == 503


def test_bad_or_missing_twilio_signature_is_403(sms: TestClient, rasa: FakeRasa) -> None:
    assert twilio_post(sms, "hi", "SM1", signature="").status_code == 403
    assert twilio_post(sms, "hi", "SM1", signature="AAAAAAAAAAAAAAAAAAAAAAAAAAA=").status_code == 403
    # Signed for another URL (the proxy's internal one) is not signed for the public one.
    params = {"From": NUMBER, "Body": "hi", "MessageSid": "SM2"}
    wrong = twilio_signature(TOKEN, "http://testserver/sms/twilio", params.items())
    assert sms.post("/sms/twilio", data=params, headers={"X-Twilio-Signature": wrong}).status_code == 403
    assert rasa.sent() == []


def test_a_question_gets_the_short_answer_sources_and_numbered_choices(sms: TestClient, rasa: FakeRasa) -> None:
    rasa.replies = [answer("for-me.itin")]
    [reply] = messages(twilio_post(sms, "What is an ITIN?", "SM1"))
    topic = KB.topic("for-me.itin")
    assert topic is not None
    assert reply.startswith(topic.text["en"].short[:60])
    assert "Reply STOP to stop" in reply  # the first reply to a new number says how to stop
    assert sms_segments(reply) <= 3
    [rest] = messages(twilio_post(sms, "MORE", "SM2"))
    whole = reply + "\n" + rest
    assert f"Sources: {topic.sources[0].publisher}" in whole
    assert f"1 {KB.topic(topic.related[0]).text['en'].title}" in whole  # type: ignore[union-attr]
    assert "[" not in whole and "**" not in whole
    # The number never reaches Rasa: the sender is its keyed hash.
    sent = rasa.sent()[0]
    assert NUMBER not in json.dumps(sent) and sent["sender"] != NUMBER


def test_a_numbered_reply_selects_that_choice(sms: TestClient, rasa: FakeRasa) -> None:
    rasa.replies = [answer("for-me.itin")]
    messages(twilio_post(sms, "What is an ITIN?", "SM1"))
    related = KB.topic(KB.topic("for-me.itin").related[1])  # type: ignore[union-attr]
    assert related is not None
    rasa.replies = [answer(related.id)]
    [reply] = messages(twilio_post(sms, " 2 ", "SM2"))
    assert rasa.sent()[-1]["message"] == f"/{related.intent}"
    assert "Reply STOP" not in reply.split("\n\n")[-1] or reply.count("STOP") == 0
    # A choice in Arabic-Indic digits selects too; a superscript digit is only text.
    rasa.replies = [answer("for-me.itin")]
    messages(twilio_post(sms, "٢", "SM3"))
    assert rasa.sent()[-1]["message"] == f"/{KB.topic(related.related[1]).intent}"  # type: ignore[union-attr]
    assert twilio_post(sms, "\u00b9", "SM4").status_code == 200
    assert rasa.sent()[-1]["message"] == "\u00b9"


def test_long_content_ends_with_more_and_more_sends_the_rest(sms: TestClient, rasa: FakeRasa) -> None:
    long_text = " ".join(["The IRS and ICE data sharing agreement explained in many words."] * 20)
    rasa.replies = [{"recipient_id": "x", "text": long_text}]
    pages = messages(twilio_post(sms, "tell me everything", "SM1"))
    while "Reply MORE for the rest." in pages[-1]:
        assert len(pages) < 10
        pages += messages(twilio_post(sms, "more", f"SM{len(pages) + 1}"))
    assert len(pages) >= 3 and all(sms_segments(page) <= 3 for page in pages)
    shown = " ".join(page.split("\n\nReply MORE")[0].split("\n\nTo change language")[0] for page in pages)
    assert " ".join(shown.split()) == long_text  # nothing lost or repeated at the cuts
    assert len(rasa.sent()) == 1  # MORE is answered from what was kept, not by Rasa


def whole_reply(client: TestClient, first: list[str], sid: str) -> str:
    """The first reply and every MORE page after it, joined."""
    pages = list(first)
    while "Reply MORE" in pages[-1]:
        assert len(pages) < 10
        pages += messages(twilio_post(client, "MORE", f"{sid}-more{len(pages)}"))
    return "\n".join(pages)


def test_engine_down_answers_from_the_knowledge_base_and_says_so(sms: TestClient, rasa: FakeRasa) -> None:
    rasa.fail = httpx.ConnectError("refused")
    topic = KB.topic("for-me.itin")
    assert topic is not None
    notice = gsm_friendly(sms.app.state.translations["en"].gettext("notice.degraded"))  # type: ignore[attr-defined]
    first = messages(twilio_post(sms, "What is an ITIN?", "SM1"))
    assert first[0].startswith(notice)
    whole = whole_reply(sms, first, "SM1")
    assert topic.text["en"].short[:60] in whole and f"Sources: {topic.sources[0].publisher}" in whole
    related = KB.topic(topic.related[0])
    assert related is not None and f"1 {related.text['en'].title}" in whole
    # A numbered choice works without the engine too: it selects that topic.
    chosen = whole_reply(sms, messages(twilio_post(sms, "1", "SM2")), "SM2")
    assert chosen.startswith(notice) and related.text["en"].short[:60] in chosen


def test_engine_back_sms_replies_are_normal_again(make_client: Callable[..., TestClient], rasa: FakeRasa) -> None:
    sms = make_client(twilio_auth_token=SecretStr(TOKEN), public_url=PUBLIC, engine_retry_s=0)
    rasa.fail = httpx.ReadTimeout("slow")
    [degraded] = messages(twilio_post(sms, "hello", "SM1"))
    notice = gsm_friendly(sms.app.state.translations["en"].gettext("notice.degraded"))  # type: ignore[attr-defined]
    assert degraded.startswith(notice)
    rasa.fail, rasa.replies = None, [answer("for-me.itin")]
    [normal] = messages(twilio_post(sms, "What is an ITIN?", "SM2"))
    assert notice not in normal and normal.startswith(KB.topic("for-me.itin").text["en"].short[:60])  # type: ignore[union-attr]
    assert rasa.sent()[-1]["message"] == "What is an ITIN?"


def test_stop_then_silence_until_start(sms: TestClient, rasa: FakeRasa) -> None:
    [confirm] = messages(twilio_post(sms, "Stop", "SM1"))
    assert "START" in confirm
    assert messages(twilio_post(sms, "What is an ITIN?", "SM2")) == []
    assert messages(twilio_post(sms, "HELP", "SM3")) == []
    assert rasa.sent() == []
    [again] = messages(twilio_post(sms, "start", "SM4"))
    assert "STOP" in again
    rasa.replies = [answer("for-me.itin")]
    assert messages(twilio_post(sms, "What is an ITIN?", "SM5")) != []


@pytest.mark.parametrize(("word", "lang"), [("PARAR", "es"), ("ARRÊT", "fr"), ("arret", "fr")])
def test_stop_in_other_languages_confirms_in_that_language(sms: TestClient, word: str, lang: str) -> None:
    [confirm] = messages(twilio_post(sms, word, "SM1"))
    start_word = sms.app.state.keywords.word(lang, "start")  # type: ignore[attr-defined]
    assert start_word in confirm and start_word != "START" or lang == "en"


@pytest.mark.parametrize(("help_word", "delete_word", "lang"), [("HELP", "DELETE", "en"), ("AYUDA", "BORRAR", "es")])
def test_help_and_delete(sms: TestClient, rasa: FakeRasa, help_word: str, delete_word: str, lang: str) -> None:
    [help_text] = messages(twilio_post(sms, help_word, "SM1"))
    assert "sms.clinic.example" in help_text  # who runs it (API_SMS_OPERATOR, else the public host)
    keywords = sms.app.state.keywords  # type: ignore[attr-defined]
    assert keywords.word(lang, "stop") in help_text
    [erased] = messages(twilio_post(sms, delete_word, "SM2"))
    assert erased != help_text
    assert any(r.url.path.endswith("/tracker/events") and r.method == "PUT" for r in rasa.requests)


def test_duplicate_message_sid_gets_the_same_reply_without_a_second_turn(sms: TestClient, rasa: FakeRasa) -> None:
    rasa.replies = [answer("for-me.itin")]
    first = twilio_post(sms, "What is an ITIN?", "SM-dup").text
    assert twilio_post(sms, "What is an ITIN?", "SM-dup").text == first
    assert len(rasa.sent()) == 1


def test_twiml_escapes_markup(sms: TestClient, rasa: FakeRasa) -> None:
    rasa.replies = [{"recipient_id": "x", "text": "a < b & c > d"}]
    response = twilio_post(sms, "x", "SM1")
    assert "a &lt; b &amp; c &gt; d" in response.text
    assert messages(response)[0].startswith("a < b & c > d")


def inbound(client: TestClient, payload: dict[str, str], *, timestamp: int | None = None, secret: str = SMS_SECRET):  # type: ignore[no-untyped-def]
    body = json.dumps(payload).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": "application/json",
        "X-Aclara-Timestamp": stamp,
        "X-Aclara-Signature": body_signature(secret, stamp, body),
    }
    return client.post("/sms/inbound", content=body, headers=headers)


def test_generic_webhook_signed_json(sms: TestClient, rasa: FakeRasa) -> None:
    rasa.replies = [answer("for-me.itin")]
    response = inbound(sms, {"from": NUMBER, "to": "+15550000000", "text": "What is an ITIN?", "id": "m1"})
    assert response.status_code == 200
    [reply] = response.json()["replies"]
    assert sms_segments(reply) <= 3 and reply.startswith("An ITIN")
    assert "Reply MORE" in reply or "Sources:" in reply


def test_generic_webhook_refuses_bad_signatures_and_replays(sms: TestClient, rasa: FakeRasa) -> None:
    payload = {"from": NUMBER, "text": "hi", "id": "m1"}
    assert inbound(sms, payload, secret="wrong").status_code == 403
    assert inbound(sms, payload, timestamp=int(time.time()) - 305).status_code == 403
    assert inbound(sms, payload, timestamp=int(time.time()) + 305).status_code == 403
    assert rasa.sent() == []
    assert inbound(sms, {"from": NUMBER, "id": "m2"}).status_code == 422


def test_no_number_or_text_in_the_logs(sms: TestClient, rasa: FakeRasa, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    rasa.replies = [answer("for-me.itin")]
    messages(twilio_post(sms, "What is an ITIN?", "SM1"))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "sms.reply" in logged
    assert NUMBER not in logged and "5551234567" not in logged and "ITIN?" not in logged


def test_number_hash_is_keyed(sms: TestClient, rasa: FakeRasa) -> None:
    rasa.replies = [answer("for-me.itin")]
    messages(twilio_post(sms, "What is an ITIN?", "SM1"))
    assert rasa.sent()[0]["sender"] == "sms-" + keyed_hash(SECRET, "sms:" + NUMBER)


def test_an_expired_conversation_is_forgotten_in_the_engine_too(
    make_client: Callable[..., TestClient], rasa: FakeRasa
) -> None:
    sms = make_client(twilio_auth_token=SecretStr(TOKEN), public_url=PUBLIC, sms_ttl_days=1 / 86400)
    rasa.replies = [answer("for-me.itin")]
    messages(twilio_post(sms, "What is an ITIN?", "SM1"))
    assert not [r for r in rasa.requests if r.method == "PUT"]
    time.sleep(1.1)
    [again] = messages(twilio_post(sms, "What is an ITIN?", "SM2"))
    forgotten = [r for r in rasa.requests if r.method == "PUT" and r.url.path.endswith("/tracker/events")]
    assert len(forgotten) == 1 and "sms-" + keyed_hash(SECRET, "sms:" + NUMBER) in forgotten[0].url.path
    assert "Reply STOP to stop" in again  # a new conversation: the first-reply line again


def test_a_source_link_is_added_only_when_it_fits(sms: TestClient, rasa: FakeRasa) -> None:
    linked = [t for t in KB.topics if t.sources[0].url.startswith("https://")]
    short = min(linked, key=lambda t: len(t.text["en"].short) + len(t.sources[0].url))  # room to spare
    long = max(KB.topics, key=lambda t: len(t.text["en"].short))  # none
    messages(twilio_post(sms, "hello", "SM0"))  # past the first reply and its extra line
    rasa.replies = [{"recipient_id": "x", "custom": {"topic": short.id, "buttons": []}}]
    [with_link] = messages(twilio_post(sms, "q1", "SM1"))
    assert short.sources[0].url in with_link and sms_segments(with_link) <= 3
    rasa.replies = [{"recipient_id": "x", "custom": {"topic": long.id, "buttons": []}}]
    pages = messages(twilio_post(sms, "q2", "SM2"))
    while "Reply MORE" in pages[-1]:
        pages += messages(twilio_post(sms, "MORE", f"SM{len(pages) + 2}"))
    assert long.sources[0].url not in " ".join(pages) and "Sources:" in " ".join(pages)


def test_identifying_numbers_never_reach_rasa_or_the_store_and_the_person_is_told(
    sms: TestClient, rasa: FakeRasa
) -> None:
    rasa.replies = [answer("for-me.itin")]
    [reply] = messages(twilio_post(sms, "my ITIN is 912-70-1234, am I in danger?", "SM1"))
    [sent] = rasa.sent()
    assert sent["message"] == "my ITIN is [ITIN], am I in danger?"
    assert "1234" not in json.dumps(sent)
    assert reply.startswith("For your safety, please do not share")
    store = sms.app.state.sms_store  # type: ignore[attr-defined]
    dump = "\n".join(store._db.iterdump())
    assert "912-70-1234" not in dump and "912701234" not in dump


def test_gateways_sharing_a_redis_store_share_opt_outs_pages_and_deliveries(
    make_client: Callable[..., TestClient], rasa: FakeRasa, redis_url: str
) -> None:
    one, two = (make_client(twilio_auth_token=SecretStr(TOKEN), public_url=PUBLIC, sms_db=redis_url) for _ in range(2))
    long_text = " ".join(["The IRS and ICE data sharing agreement explained in many words."] * 20)
    rasa.replies = [{"recipient_id": "x", "text": long_text}]
    [first] = messages(twilio_post(one, "tell me everything", "SM1"))
    assert "Reply MORE for the rest." in first
    [second] = messages(twilio_post(two, "more", "SM2"))  # the rest was kept where both gateways see it
    assert second.split()[0] != first.split()[0] and "The IRS and ICE" in second
    assert twilio_post(two, "more", "SM2").text == twilio_post(one, "more", "SM2").text  # a retry, to either
    assert len(rasa.sent()) == 1
    assert "START" in messages(twilio_post(one, "STOP", "SM3"))[0]
    assert messages(twilio_post(two, "What is an ITIN?", "SM4")) == []  # opted out on every gateway
    assert "STOP" in messages(twilio_post(two, "START", "SM5"))[0]
    rasa.replies = [answer("for-me.itin")]
    assert messages(twilio_post(one, "What is an ITIN?", "SM6")) != []
    assert len(rasa.sent()) == 2


def test_a_store_that_cannot_be_reached_is_503_and_nothing_is_sent(
    make_client: Callable[..., TestClient], rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    down = f"redis://127.0.0.1:{free_port()}/0"
    sms = make_client(
        twilio_auth_token=SecretStr(TOKEN), public_url=PUBLIC, sms_secret=SecretStr(SMS_SECRET), sms_db=down
    )
    with caplog.at_level(logging.WARNING):
        response = twilio_post(sms, "What is an ITIN?", "SM1")
        generic = inbound(sms, {"from": NUMBER, "text": "What is an ITIN?", "id": "m1"})
    assert (response.status_code, response.json()) == (503, {"detail": "sms store unavailable"})
    assert (generic.status_code, generic.json()) == (503, {"detail": "sms store unavailable"})
    assert rasa.sent() == []
    assert [r.getMessage() for r in caplog.records if r.name == "api.routes.sms"] == [
        "sms.store_unavailable channel=twilio error=ConnectionError",
        "sms.store_unavailable channel=inbound error=ConnectionError",
    ]
    assert NUMBER not in caplog.text and NUMBER[2:] not in caplog.text
