"""Integration tests talk to the real stack (tests/live.py) through HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.live import Stack


@pytest.fixture
def gateway(live_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_stack.gateway, timeout=30.0) as client:
        yield client
