"""Offer the topic menu."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.content import knowledge_base, language_of, menu_buttons


class ActionShowMenu(Action):
    """Send the localized menu prompt with one button per topic."""

    def name(self) -> str:
        return "action_show_menu"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        kb = knowledge_base()
        lang = language_of((tracker.latest_message or {}).get("metadata") or {}, tracker.get_slot("language"), kb)
        dispatcher.utter_message(response="utter_menu", buttons=menu_buttons(kb, lang))
        return []
