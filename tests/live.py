"""The real stack: action server, Rasa server and gateway on free ports, started once per test session
by the first test that asks for it (integration and browser tests).

The model is trained only if its inputs changed since the last run (tools.train).
"""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
        )
    finally:
        for process in reversed(processes.values()):
            stack.stop(process)
