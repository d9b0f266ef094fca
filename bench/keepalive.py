"""Requests lost on kept-alive connections: does the gateway's server close an idle connection just as
a client sends its next request on it?

    python -m bench.keepalive [--keep-alive 5 20] [--seconds 90] [--clients 150] [--check]

For each keep-alive setting it starts the gateway's HTTP server (api/server.py: its protocol and
uvicorn settings, API_KEEP_ALIVE_S) in a process of its own, serving a stand-in app whose /busy
holds the event loop for BUSY_S, as CPU-bound work or a process starved of the cores does (the
gateway's own handlers hold it for milliseconds, but on two cores shared with a restarting Rasa the
process stalls for longer). Against it, for a bounded time:

- loaders send /busy back to back, so the server's loop is often held;
- idlers each send GET /healthz, wait about as long as httpx keeps an idle connection (5 s,
  uniformly ±0.15 s) and send again, each on a one-connection httpx pool with that default expiry,
  in a process whose loop is itself busy part of the time (as a loaded proxy's or bench.load's is).

When the server's keep-alive ends while the client still counts the connection as fresh, the close
can land under the client's next request: the server closes a socket holding its unread bytes, which
resets the connection (ReadError), or the client sees it closed (RemoteProtocolError). With a
keep-alive longer than the client's expiry the client retires the connection first. --check exits 1
if any request failed at the default keep-alive (api/config.py).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from api.config import Settings
from api.server import config
from tools import stack
from tools.paths import ROOT

__all__ = ["Result", "main", "markdown_table", "run", "stand_in_app"]

CLIENT_EXPIRY_S = 5.0
"""httpx's default keepalive_expiry."""
SPREAD_S = 0.15
BUSY_S = 0.03
CLIENT_BUSY_S = 0.05
LOADERS = 3
REQUEST_TIMEOUT_S = 30.0


def stand_in_app() -> Starlette:
    """/busy holds the event loop for BUSY_S; /healthz answers at once."""

    async def busy(request: Request) -> PlainTextResponse:
        time.sleep(BUSY_S)  # noqa: ASYNC251  (deliberately blocking)
        return PlainTextResponse("busy")

    async def healthz(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/busy", busy), Route("/healthz", healthz)])


@dataclass
class Result:
    keep_alive_s: float
    seconds: float
    ok: int = 0
    errors: collections.Counter[str] = field(default_factory=collections.Counter)

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


def markdown_table(results: Sequence[Result]) -> str:
    lines = ["| Keep-alive | Seconds | Idler requests | Failed | Errors |", "|--:|--:|--:|--:|---|"]
    for r in results:
        errors = ", ".join(f"{name} {n}" for name, n in sorted(r.errors.items())) or "none"
        lines.append(f"| {r.keep_alive_s:g} s | {r.seconds:.0f} | {r.ok + r.failed} | {r.failed} | {errors} |")
    return "\n".join(lines)


async def _drive(url: str, result: Result, *, clients: int) -> None:
    stop = time.monotonic() + result.seconds
    rng = random.Random(1)

    async def loader() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT_S) as client:
            while time.monotonic() < stop:
                await client.get("/busy")

    async def idler() -> None:
        # A pool of its own with one connection, so that the pause below is that connection's idle time.
        async with httpx.AsyncClient(
            base_url=url, timeout=REQUEST_TIMEOUT_S, limits=httpx.Limits(max_connections=1)
        ) as client:
            while time.monotonic() < stop:
                try:
                    response = await client.get("/healthz")
                    if response.status_code == 200:
                        result.ok += 1
                    else:
                        result.errors[f"HTTP {response.status_code}"] += 1
                except httpx.HTTPError as exc:
                    result.errors[type(exc).__name__] += 1
                await asyncio.sleep(rng.uniform(CLIENT_EXPIRY_S - SPREAD_S, CLIENT_EXPIRY_S + SPREAD_S))

    async def busy_client() -> None:
        while time.monotonic() < stop:
            time.sleep(CLIENT_BUSY_S)  # noqa: ASYNC251  (deliberately blocking this loop)
            await asyncio.sleep(CLIENT_BUSY_S / 4)

    await asyncio.gather(busy_client(), *(loader() for _ in range(LOADERS)), *(idler() for _ in range(clients)))


def run(keep_alive_s: float, *, seconds: float, clients: int) -> Result:
    """Start the server with this keep-alive in its own process, drive it, stop it."""
    port = stack.free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "bench.keepalive", "--serve", str(port), "--keep-alive", str(keep_alive_s)]
    process = stack.start(argv, env=dict(os.environ), cwd=ROOT)
    try:
        stack.wait_ready("gateway", url + "/healthz", process)
        result = Result(keep_alive_s, seconds)
        asyncio.run(_drive(url, result, clients=clients))
        return result
    finally:
        stack.stop(process)


def _serve(port: int, keep_alive_s: float) -> None:
    settings = Settings(secret_key="bench-keepalive-secret", keep_alive_s=keep_alive_s)  # type: ignore[arg-type]
    server_config = config(settings, host="127.0.0.1", port=port, app="bench.keepalive:stand_in_app")
    server_config.log_level = "warning"
    uvicorn.Server(server_config).run()


def main(argv: Sequence[str] | None = None) -> int:
    default = Settings.model_fields["keep_alive_s"].default
    parser = argparse.ArgumentParser(prog="python -m bench.keepalive", description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep-alive", type=float, nargs="+", default=[CLIENT_EXPIRY_S, default])
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--clients", type=int, default=150)
    parser.add_argument("--check", action="store_true", help=f"exit 1 if a request failed at {default:g} s")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.clients < 1 or min(args.keep_alive) <= 0:
        parser.error("--seconds, --clients and every --keep-alive must be positive")
    if args.serve:
        _serve(args.serve, args.keep_alive[0])
        return 0
    results = []
    for keep_alive_s in args.keep_alive:
        results.append(run(keep_alive_s, seconds=args.seconds, clients=args.clients))
        print(markdown_table(results[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    print(markdown_table(results))
    failed = [r for r in results if r.keep_alive_s == default and r.failed]
    if args.check and failed:
        print(f"error: {failed[0].failed} requests failed at the default keep-alive ({default:g} s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
