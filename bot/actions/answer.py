"""Answer a topic question from the knowledge base."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.content import knowledge_base, language_of
from knowledge.answers import answer_payload


class ActionAnswerTopic(Action):
    """Reply with the topic's answer, sources, review date and related topics, in the conversation's language."""

    def name(self) -> str:
        return "action_answer_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        kb = knowledge_base()
        message = tracker.latest_message or {}
        topic = kb.topic_for_intent((message.get("intent") or {}).get("name", ""))
        if topic is None:
            dispatcher.utter_message(response="utter_unsure")
            return []
        lang = language_of(message.get("metadata") or {}, tracker.get_slot("language"), kb)
        dispatcher.utter_message(json_message=answer_payload(kb, topic, lang))
        return []
