"""Issue 4's promise against the real engine: a question typed in any of the 21 languages, without
choosing a language first, is answered in that language with the right topic. The questions in
tests/data/questions/ were written for testing and are not training examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from knowledge import load_knowledge, normalize_text

pytestmark = pytest.mark.integration
KB = load_knowledge()
QUESTIONS = Path(__file__).resolve().parent.parent / "data" / "questions"


def questions() -> list[Any]:
    cases = []
    for code in KB.codes:
        data = yaml.safe_load((QUESTIONS / f"{code}.yml").read_text(encoding="utf-8"))
        assert data["code"] == code
        cases += [pytest.param(code, q["topic"], q["text"], id=f"{code}-{q['topic']}") for q in data["questions"]]
    return cases


def test_every_language_has_six_fresh_questions() -> None:
    examples = {
        normalize_text(e) for topic in KB.topics for text in topic.text.values() for e in text.examples
    }
    for code in KB.codes:
        data = yaml.safe_load((QUESTIONS / f"{code}.yml").read_text(encoding="utf-8"))
        assert len(data["questions"]) == 6, code
        assert not [q["text"] for q in data["questions"] if normalize_text(q["text"]) in examples], code
        assert all(KB.topic(q["topic"]) for q in data["questions"]), code


@pytest.mark.parametrize(("lang", "topic", "question"), questions())
def test_question_in_any_language_is_answered_in_it(
    gateway: httpx.Client, lang: str, topic: str, question: str
) -> None:
    response = gateway.post("/api/v1/chat", json={"message": question}, headers={"Accept-Language": "en"})
    assert response.status_code == 200, response.text
    reply = response.json()
    assert reply["lang"] == lang
    answers = [m for m in reply["messages"] if m["topic"]]
    assert [a["topic"] for a in answers] == [topic]
    expected = KB.topic(topic)
    assert expected is not None and answers[0]["text"] == expected.text[lang].long
    assert answers[0]["last_reviewed_label"]


@pytest.mark.parametrize(
    ("name", "lang"),
    [("español", "es"), ("Tiếng Việt", "vi"), ("tieng viet", "vi"), ("中文", "zh-Hans"), ("繁體中文", "zh-Hant"),
     ("Kreyòl", "ht"), ("فارسی", "fa"), ("Farsi", "fa"), ("한국어", "ko"), ("Tagalog", "tl"), ("اردو", "ur")],
)
def test_a_language_name_switches_and_keeps_the_conversation(gateway: httpx.Client, name: str, lang: str) -> None:
    first = gateway.post("/api/v1/chat", json={"message": "What happened with the IRS and ICE?"}).json()
    switched = gateway.post("/api/v1/chat", json={"message": name, "session_id": first["session_id"]}).json()
    assert switched["lang"] == lang and switched["session_id"] == first["session_id"]
    after = gateway.post("/api/v1/chat", json={"message": "ok", "session_id": first["session_id"]}).json()
    assert after["lang"] == lang


def test_the_menu_switches_language(gateway: httpx.Client) -> None:
    menu = gateway.post("/api/v1/chat", json={"message": "/menu"}).json()
    language_button = menu["messages"][-1]["buttons"][-1]
    assert language_button["payload"] == "/language"
    listed = gateway.post("/api/v1/chat", json={"message": "/language", "session_id": menu["session_id"]}).json()
    payloads = [b["payload"] for b in listed["messages"][0]["buttons"]]
    assert len(payloads) == 21
    chosen = gateway.post("/api/v1/chat", json={"message": "/language/km", "session_id": menu["session_id"]}).json()
    assert chosen["lang"] == "km" and chosen["messages"][0]["buttons"]
