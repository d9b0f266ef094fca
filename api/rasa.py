"""RasaClient: the only code that knows Rasa's URLs and JSON."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["RasaClient", "RasaUnavailable"]


class RasaUnavailable(Exception):
    """Rasa or its action server could not answer: down, slow, or failing internally."""


class RasaClient:
    """Talks to the Rasa server's REST channel and HTTP API through one shared httpx.AsyncClient."""

    def __init__(self, client: httpx.AsyncClient, *, url: str, token: str, actions_url: str) -> None:
        self._client = client
        self._url = url.rstrip("/")
        self._token = token
        self._actions_url = actions_url.rstrip("/")

    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._client.request(method, url, **kwargs)
        except httpx.HTTPError:
            raise RasaUnavailable("engine unreachable") from None
        if response.status_code >= 400:
            raise RasaUnavailable(f"engine answered {response.status_code}")
        return response

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """The bot's messages for one user message. Raises RasaUnavailable, also on an empty reply."""
        response = await self._request(
            "POST",
            f"{self._url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text, "metadata": metadata},
        )
        messages = response.json()
        # Rasa's REST channel answers 200 with [] when handling failed (e.g. the action server is down).
        if not isinstance(messages, list) or not messages:
            raise RasaUnavailable("engine gave no reply")
        return [m for m in messages if isinstance(m, dict)]

    async def slots(self, sender: str) -> dict[str, Any]:
        """The conversation's slots (empty for an unknown conversation)."""
        response = await self._request(
            "GET",
            f"{self._url}/conversations/{sender}/tracker",
            params={"include_events": "NONE", "token": self._token},
        )
        slots = response.json().get("slots")
        return slots if isinstance(slots, dict) else {}

    async def forget(self, sender: str) -> None:
        """Replace the conversation's events with none, erasing what it said."""
        await self._request(
            "PUT", f"{self._url}/conversations/{sender}/tracker/events", params={"token": self._token}, json=[]
        )

    async def readiness(self) -> dict[str, bool]:
        """Whether Rasa answers, has a model loaded, and the action server answers."""
        state = {"rasa": False, "model": False, "actions": False}
        try:
            status = await self._request("GET", f"{self._url}/status", params={"token": self._token})
            state["rasa"] = True
            state["model"] = bool(status.json().get("model_id"))
        except (RasaUnavailable, ValueError):
            pass
        try:
            await self._request("GET", f"{self._actions_url}/health")
            state["actions"] = True
        except RasaUnavailable:
            pass
        return state
