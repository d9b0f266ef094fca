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


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    logs = tmp_path_factory.mktemp("stack-logs")
    model = ensure_model()
    ports = {name: stack.free_port() for name in ("actions", "rasa", "gateway", "site")}
    site = f"http://127.0.0.1:{ports['site']}"
    token = secrets.token_urlsafe(16)
    secret = secrets.token_urlsafe(32)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        stack.start_all(
            processes,
            ports=ports,
            model=model,
            token=token,
            secret=secret,
            logs=logs,
            gateway_settings={"API_WIDGET_ORIGINS": site},
        )
        yield Stack(
            f"http://127.0.0.1:{ports['gateway']}", f"http://127.0.0.1:{ports['rasa']}", token, secret, logs, site
        )
    finally:
        for process in reversed(processes.values()):
            stack.stop(process)
