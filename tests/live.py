"""The real stack: action server, Rasa server and gateway on free ports, started once per test session
by the first test that asks for it (integration and browser tests).

The model is trained only if its inputs changed since the last run (tools.train).
"""

from __future__ import annotations

import secrets
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tools import stack
from tools.train import ensure_model


@dataclass(frozen=True)
class Stack:
    gateway: str
    rasa: str
    rasa_token: str
    secret: str
    logs: Path
    site: str
    """A second origin, allowed in API_WIDGET_ORIGINS, where tests serve pages that embed the widget."""
    twilio_token: str
    sms_secret: str
    public_url: str
    """What the SMS webhooks are signed with, and the public URL Twilio signatures cover."""
    actions: str
    """The action server's URL (a second gateway's readiness check asks it)."""


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    logs = tmp_path_factory.mktemp("stack-logs")
    model = ensure_model()
    ports = {name: stack.free_port() for name in ("actions", "rasa", "gateway", "site")}
    site = f"http://127.0.0.1:{ports['site']}"
    token = secrets.token_urlsafe(16)
    secret = secrets.token_urlsafe(32)
    sms = {
        "API_TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "API_SMS_SECRET": secrets.token_urlsafe(32),
        "API_PUBLIC_URL": "https://sms.aclara.test",  # as if behind a proxy: signatures cover this URL
        "API_SMS_DB": str(tmp_path_factory.mktemp("sms") / "sms.sqlite3"),
    }
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        stack.start_all(
            processes,
            ports=ports,
            model=model,
            token=token,
            secret=secret,
            logs=logs,
            # Every test client is 127.0.0.1: no rate limit (tests/api/test_ratelimit.py and test_server.py test it).
            gateway_settings={"API_WIDGET_ORIGINS": site, "API_RATE_LIMIT_PER_MINUTE": "0"} | sms,
            engine={"ACLARA_TRACKER_URL": f"sqlite:///{tmp_path_factory.mktemp('tracker') / 'tracker.sqlite3'}"},
        )
        yield Stack(
            f"http://127.0.0.1:{ports['gateway']}",
            f"http://127.0.0.1:{ports['rasa']}",
            token,
            secret,
            logs,
            site,
            twilio_token=sms["API_TWILIO_AUTH_TOKEN"],
            sms_secret=sms["API_SMS_SECRET"],
            public_url=sms["API_PUBLIC_URL"],
            actions=f"http://127.0.0.1:{ports['actions']}",
        )
    finally:
        for process in reversed(processes.values()):
            stack.stop(process)


@dataclass
class OwnStack:
    """A whole stack of one test module's own, for tests that stop, restart or kill its processes:
    actions, Rasa (tracker store in root) and the gateway on free ports, with everything written under root."""

    root: Path
    gateway_settings: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(
        default_factory=lambda: {n: stack.free_port() for n in ("actions", "rasa", "gateway")}
    )
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    started: float = field(default_factory=time.time)

    @property
    def engine(self) -> dict[str, str]:
        return {"ACLARA_TRACKER_URL": f"sqlite:///{self.root / 'tracker.sqlite3'}"}

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def start(self) -> None:
        """Start all three, logging to root/logs/<name>.log."""
        (self.root / "logs").mkdir(exist_ok=True)
        stack.start_all(
            self.processes,
            ports=self.ports,
            model=ensure_model(),
            token=self.token,
            secret=self.secret,
            logs=self.root / "logs",
            gateway_settings=self.gateway_settings,
            engine=self.engine,
        )

    def start_rasa(self) -> None:
        """Start Rasa again (after a test stopped it), logging to root/logs/rasa-again.log."""
        with (self.root / "logs" / "rasa-again.log").open("ab") as log:
            self.processes["rasa"] = stack.start_rasa(
                self.ports["rasa"],
                model=ensure_model(),
                token=self.token,
                actions_port=self.ports["actions"],
                settings=self.engine,
                log=log,
            )
        stack.wait_ready("rasa", f"{self.url('rasa')}/status?token={self.token}", self.processes["rasa"])

    def start_actions(self) -> None:
        """Start the action server again, logging to root/logs/actions-again.log."""
        with (self.root / "logs" / "actions-again.log").open("ab") as log:
            self.processes["actions"] = stack.start_actions(self.ports["actions"], log)
        stack.wait_ready("actions", f"{self.url('actions')}/health", self.processes["actions"])

    def stop(self) -> None:
        for process in reversed(self.processes.values()):
            stack.stop(process)

    def tracker(self, sender: str) -> dict[str, Any]:
        """The conversation as Rasa's HTTP API gives it."""
        response = httpx.get(f"{self.url('rasa')}/conversations/{sender}/tracker", params={"token": self.token})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]
