"""The gateway's HTTP server: uvicorn (h11) with the limits a public address needs, in one place.

    python -m api.server --host 127.0.0.1 --port 8000

- request line and headers together at most MAX_HEADER_BYTES (16 KB), else 431 and the connection
  closes;
- a request (head and body) must arrive within API_REQUEST_TIMEOUT_S (15 s) of the connection's
  start or, on a kept-alive connection, of its first byte, else the connection closes, with 408
  when part of a head had come: a slowloris client holds a connection only that long;
- idle keep-alive connections close after API_KEEP_ALIVE_S (20 s), longer than clients such as
  httpx (5 s) keep an idle connection: a client must never reuse a connection that the server is
  closing at that moment, or its request is lost (bench/keepalive.py measures it);
- no access log (it would record IP addresses), no Server header, no WebSockets;
- X-Forwarded-For and X-Forwarded-Proto are believed only from API_TRUSTED_PROXIES (127.0.0.1 by
  default: a reverse proxy on the same machine).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.config import Settings, get_settings

__all__ = ["MAX_HEADER_BYTES", "GuardedH11Protocol", "config", "main"]

MAX_HEADER_BYTES = 16 * 1024
TIMEOUT_RESPONSE = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
TOO_LARGE_RESPONSE = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol plus a deadline for each request to arrive in full, and a size limit
    on request heads that also holds when a whole head arrives at once.

    uvicorn itself waits forever for a request's head once a connection has sent a byte, which
    lets a client that sends a header a minute hold a connection (and its memory) indefinitely;
    and h11 limits only heads that are still incomplete.
    """

    request_timeout_s = 15.0
    """Set from API_REQUEST_TIMEOUT_S by config()."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._request_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_request_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_request_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._request_deadline is None and self.conn.their_state is h11.IDLE:
            self._arm_request_deadline()  # the first bytes of a request on a kept-alive connection
        super().data_received(data)

    def handle_events(self) -> None:
        if self.conn.their_state is h11.IDLE and _head_too_large(self.conn.trailing_data[0]):
            self.logger.warning("Request header fields too large.")
            self.transport.write(TOO_LARGE_RESPONSE)
            self.transport.close()
            return
        super().handle_events()
        if self.conn.their_state is not h11.IDLE and self.conn.their_state is not h11.SEND_BODY:
            self._cancel_request_deadline()  # the whole request is in (or the connection is done)

    def on_response_complete(self) -> None:
        # From here the connection is idle, and uvicorn's keep-alive timer closes it unless a request
        # starts (data_received arms the deadline then). Part of a pipelined request may already be
        # waiting in the buffer (uvicorn handles a whole one at once): its deadline starts now.
        super().on_response_complete()
        started = self.conn.their_state is h11.SEND_BODY or (
            self.conn.their_state is h11.IDLE and bool(self.conn.trailing_data[0])
        )
        if started and self._request_deadline is None and not self.transport.is_closing():
            self._arm_request_deadline()

    def _arm_request_deadline(self) -> None:
        self._cancel_request_deadline()
        self._request_deadline = self.loop.call_later(self.request_timeout_s, self._request_timed_out)

    def _cancel_request_deadline(self) -> None:
        if self._request_deadline is not None:
            self._request_deadline.cancel()
            self._request_deadline = None

    def _request_timed_out(self) -> None:
        self._request_deadline = None
        if self.transport.is_closing():
            return
        waiting_for_head = self.conn.their_state is h11.IDLE and self.conn.our_state is h11.IDLE
        if waiting_for_head and self.conn.trailing_data[0]:
            self.transport.write(TIMEOUT_RESPONSE)
        # A request whose body is still coming sees a disconnect; an idle connection just closes.
        self.transport.close()


def _head_too_large(buffer: bytes) -> bool:
    """Whether the request head at the start of buffer (complete or not) exceeds MAX_HEADER_BYTES."""
    if len(buffer) <= MAX_HEADER_BYTES:
        return False
    window = buffer[: MAX_HEADER_BYTES + 3]  # h11 ends a head at an empty line, "\n\n" or "\n\r\n"
    return b"\n\n" not in window and b"\n\r\n" not in window


def config(settings: Settings, *, host: str, port: int, app: str = "api.main:create_app") -> uvicorn.Config:
    """The gateway's uvicorn configuration (app is an import string of a factory)."""

    class Protocol(GuardedH11Protocol):
        request_timeout_s = settings.request_timeout_s

    return uvicorn.Config(
        app,
        factory=True,
        host=host,
        port=port,
        http=Protocol,
        ws="none",
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        timeout_keep_alive=settings.keep_alive_s,
        timeout_graceful_shutdown=5,
        access_log=False,
        server_header=False,
        proxy_headers=bool(settings.trusted_proxies.strip()),
        forwarded_allow_ips=settings.trusted_proxies,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the gateway until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m api.server", description="Serve the aclara gateway.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    uvicorn.Server(config(get_settings(), host=args.host, port=args.port)).run()


if __name__ == "__main__":
    main()
