"""Keep the conversation's language slots in step with the gateway's choice."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.content import knowledge_base


class ActionSetLanguage(Action):
    """Set `language` and `language_chosen` from the message metadata (a custom slot mapping)."""

    def name(self) -> str:
        return "action_set_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        metadata = (tracker.latest_message or {}).get("metadata") or {}
        lang = metadata.get("language")
        if lang not in knowledge_base().codes:
            return []
        events: list[EventType] = []
        if lang != tracker.get_slot("language"):
            events.append(SlotSet("language", lang))
        chosen = bool(metadata.get("chosen"))
        if chosen != bool(tracker.get_slot("language_chosen")):
            events.append(SlotSet("language_chosen", chosen))
        return events
