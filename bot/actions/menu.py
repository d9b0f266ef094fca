"""Offer the topic menu."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.content import knowledge_base, language_of
from knowledge.answers import topic_buttons


class ActionShowMenu(Action):
    """Send the menu: the categories (utter_menu carries their buttons), or the picked category's topics."""

    def name(self) -> str:
        return "action_show_menu"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        kb = knowledge_base()
        message = tracker.latest_message or {}
        lang = language_of(message.get("metadata") or {}, tracker.get_slot("language"), kb)
        intent = (message.get("intent") or {}).get("name", "")
        buttons = topic_buttons(kb, lang, intent)
        if buttons:
            dispatcher.utter_message(response="utter_category", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_menu")
        return []
