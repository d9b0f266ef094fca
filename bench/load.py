"""Load and fault benchmark: concurrent users against the gateway, Rasa alone and a trivial endpoint.

    python -m bench.load [--users 50] [--seconds 30] [--restart-engine] [--json FILE] [--check]
    python -m bench.load --gateway URL --rasa URL --rasa-token TOKEN   # a stack that is already running

(A running gateway should have API_RATE_LIMIT_PER_MINUTE=0, or its 429s count as errors.)

By default it starts its own stack on free ports of 127.0.0.1 (reusing the trained model), with rate
limiting off since every simulated user shares one address, and stops it at the end. Each phase runs
N users for a bounded time. Each user speaks one language and holds conversations of TURNS_PER_USER
messages, sent back to back: example questions from the knowledge base, sometimes a button payload (a
related topic or the menu). Phases:

- healthz: the gateway's GET /healthz, the floor of any FastAPI request;
- rasa: Rasa's REST webhook alone, the same messages with the metadata the gateway adds;
- gateway: POST /api/v1/chat, keeping the session id the first reply gives;
- restart (--restart-engine): the gateway again while Rasa is stopped and started mid-run.

Latency percentiles count 200 replies only; any other status or exception is an error. Targets: the
gateway adds at most 10% to Rasa's p50, no 5xx under load, no failed request across the restart
(degraded replies allowed). --check exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import datetime as dt
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from knowledge import KnowledgeBase, Topic, load_knowledge
from tools import stack
from tools.train import ensure_model

__all__ = [
    "Figures",
    "Tally",
    "Turn",
    "conversations",
    "markdown_table",
    "missed_targets",
    "overhead",
    "parse_args",
    "percentile",
    "summarize",
]

MAX_USERS = 500
MAX_SECONDS = 300.0
HARD_CAP_S = 900.0
"""The phases of one run stop after this many seconds in all, whatever --seconds says."""
REQUEST_TIMEOUT_S = 30.0
MAX_REQUESTS_PER_USER = 20_000
TURNS_PER_USER = 10
"""A conversation's length; a user who reaches the end starts a new conversation with the same messages."""
PAYLOAD_SHARE = 0.2
OVERHEAD_TARGET = 0.10
WARMUP_S = 10.0
"""Unmeasured load through the gateway before the phases, so that no phase pays for a cold engine."""
ERROR_PAUSE_S = 1.0
"""A user whose request failed waits this long before the next one, as a person would before retrying."""
SETTLE_S = 5.0
"""The restart phase goes on this long after Rasa is ready again, to show replies coming back."""
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
SERVER_ERROR = re.compile(r"HTTP 5\d\d")
MENU_PAYLOAD = "/menu"


@dataclass(frozen=True)
class Turn:
    """One message a simulated user sends, and the language it is in."""

    text: str
    lang: str


@dataclass
class Tally:
    """What one phase saw: latency of each 200 reply, errors by kind, degraded replies."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    degraded: int = 0
    recovered: int = 0
    """Normal (not degraded) replies to requests sent after the engine was back (restart phase)."""

    def record(self, ms: float, error: str | None, degraded: bool, *, after_recovery: bool = False) -> None:
        """Count one request: an error kind ("HTTP 503", "ReadTimeout") or None for a 200 reply."""
        if error is not None:
            self.errors[error] += 1
            return
        self.latencies_ms.append(ms)
        self.degraded += degraded
        self.recovered += after_recovery and not degraded


@dataclass(frozen=True)
class Figures:
    """One phase's results, as printed and written to --json."""

    phase: str
    users: int
    seconds: float
    requests: int
    ok: int
    per_s: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    server_errors: int
    errors: dict[str, int]
    degraded: int
    note: str = ""


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between ranks. Raises ValueError when
    values is empty or q is outside 0-100."""
    if not values:
        raise ValueError("no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0-100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(phase: str, tally: Tally, *, users: int, seconds: float, note: str = "") -> Figures:
    """A phase's figures; throughput counts 200 replies per second of the phase."""
    ok = len(tally.latencies_ms)
    cuts = [round(percentile(tally.latencies_ms, q), 1) if ok else None for q in (50, 95, 99)]
    return Figures(
        phase=phase,
        users=users,
        seconds=round(seconds, 1),
        requests=ok + sum(tally.errors.values()),
        ok=ok,
        per_s=round(ok / seconds, 2) if seconds > 0 else 0.0,
        p50_ms=cuts[0],
        p95_ms=cuts[1],
        p99_ms=cuts[2],
        server_errors=sum(n for kind, n in tally.errors.items() if SERVER_ERROR.fullmatch(kind)),
        errors=dict(tally.errors.most_common()),
        degraded=tally.degraded,
        note=note,
    )


def overhead(gateway: Figures, rasa: Figures) -> float | None:
    """What the gateway adds to Rasa alone at p50, as a share of Rasa's p50 (0.1 = +10%)."""
    if gateway.p50_ms is None or not rasa.p50_ms:
        return None
    return (gateway.p50_ms - rasa.p50_ms) / rasa.p50_ms


def missed_targets(phases: Sequence[Figures]) -> list[str]:
    """The targets a run missed, one line each: the gateway's p50 overhead, 5xx under load (every
    phase but the restart) and failed requests across the restart."""
    by_name = {f.phase: f for f in phases}
    missed = []
    if "gateway" in by_name and "rasa" in by_name:
        share = overhead(by_name["gateway"], by_name["rasa"])
        if share is None:
            missed.append("gateway overhead: no p50 to compare (no 200 replies)")
        elif share > OVERHEAD_TARGET:
            missed.append(f"gateway overhead at p50 is {share:+.0%}, above +{OVERHEAD_TARGET:.0%}")
    for f in phases:
        if f.phase != "restart" and f.server_errors:
            missed.append(f"{f.phase}: {f.server_errors} 5xx under load")
    if "restart" in by_name and (failed := by_name["restart"].requests - by_name["restart"].ok):
        missed.append(f"restart: {failed} failed requests across the engine restart")
    return missed


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def markdown_table(phases: Sequence[Figures]) -> str:
    """A Markdown table with one row per phase."""
    lines = [
        "| Phase | Users | Seconds | Requests | req/s | p50 ms | p95 ms | p99 ms | 5xx | Errors | Degraded |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|",
    ]
    for f in phases:
        errors = ", ".join(f"{kind}: {n}" for kind, n in f.errors.items()) or "0"
        lines.append(
            f"| {f.phase} | {f.users} | {f.seconds:.0f} | {f.requests} | {f.per_s:.1f} | {_ms(f.p50_ms)} | "
            f"{_ms(f.p95_ms)} | {_ms(f.p99_ms)} | {f.server_errors} | {errors} | {f.degraded} |"
        )
    return "\n".join(lines)


def conversations(kb: KnowledgeBase, *, users: int, turns: int = TURNS_PER_USER, seed: int = 7) -> list[list[Turn]]:
    """One scripted conversation per user, the users spread over every language: example questions
    of random topics in that language, and now and then a button payload (a related topic of the
    last question, or the menu)."""
    rng = random.Random(seed)
    scripts = []
    for user in range(users):
        lang = kb.codes[user % len(kb.codes)]
        topics = [t for t in kb.topics if lang in t.text and t.text[lang].examples]
        script: list[Turn] = []
        last: Topic | None = None
        for _ in range(turns):
            if last is not None and rng.random() < PAYLOAD_SHARE:
                related: list[Topic | None] = [t for t in map(kb.topic, last.related) if t is not None]
                pick = rng.choice([*related, None])
                script.append(Turn("/" + pick.intent if pick else MENU_PAYLOAD, lang))
                last = pick or last
            else:
                last = rng.choice(topics)
                script.append(Turn(rng.choice(last.text[lang].examples), lang))
        scripts.append(script)
    return scripts


def _local_url(value: str) -> str:
    if urlsplit(value).scheme not in ("http", "https") or urlsplit(value).hostname not in LOCAL_HOSTS:
        raise argparse.ArgumentTypeError(f"{value!r} is not an http URL on 127.0.0.1; this bench loads no other host")
    return value.rstrip("/")


def _bounded(kind: type[int | float], low: float, high: float) -> Callable[[str], float]:
    def parse(value: str) -> float:
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{value!r} is not {'a whole number' if kind is int else 'a number'}"
            ) from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{value} is outside {low:g}-{high:g}")
        return number

    return parse


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line, validated: exits with status 2 and a message naming the fix on a bad one."""
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=_bounded(int, 1, MAX_USERS), default=50, help="concurrent users (50)")
    parser.add_argument("--seconds", type=_bounded(float, 1, MAX_SECONDS), default=30.0, help="per phase (30)")
    parser.add_argument("--restart-engine", action="store_true", help="stop and start Rasa during a gateway phase")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures to FILE")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument(
        "--gateway", type=_local_url, metavar="URL", help="a running gateway, e.g. http://127.0.0.1:8000"
    )
    parser.add_argument("--rasa", type=_local_url, metavar="URL", help="its Rasa server, e.g. http://127.0.0.1:5005")
    parser.add_argument("--rasa-token", metavar="TOKEN", help="its Rasa token (checked on /status)")
    args = parser.parse_args(argv)
    external = [args.gateway, args.rasa, args.rasa_token]
    if any(external) and not all(external):
        parser.error("--gateway, --rasa and --rasa-token go together; leave all three out to start a stack")
    if args.restart_engine and args.gateway:
        parser.error(
            "--restart-engine needs the bench's own stack (it restarts the Rasa process it started); "
            "leave out --gateway, --rasa and --rasa-token"
        )
    return args


# -- running the phases ------------------------------------------------------------------------------

Ask = Callable[[httpx.AsyncClient, int, int], Awaitable[tuple[str | None, bool]]]
"""Sends user i's n-th request; returns (error kind or None, degraded)."""


def ask_healthz() -> Ask:
    """GET /healthz on the gateway."""

    async def ask(client: httpx.AsyncClient, user: int, n: int) -> tuple[str | None, bool]:
        response = await client.get("/healthz")
        return (None if response.status_code == 200 else f"HTTP {response.status_code}"), False

    return ask


def ask_rasa(scripts: list[list[Turn]], run: str) -> Ask:
    """Rasa's REST webhook with the gateway's metadata; an empty list (Rasa's failure reply) is an error."""

    async def ask(client: httpx.AsyncClient, user: int, n: int) -> tuple[str | None, bool]:
        conversation, index = divmod(n, len(scripts[user]))
        turn = scripts[user][index]
        body = {
            "sender": f"web-load{run}u{user}c{conversation}",
            "message": turn.text,
            "metadata": {"language": turn.lang, "chosen": False},
        }
        response = await client.post("/webhooks/rest/webhook", json=body)
        if response.status_code != 200:
            return f"HTTP {response.status_code}", False
        return (None if response.json() else "empty reply"), False

    return ask


def ask_gateway(scripts: list[list[Turn]]) -> Ask:
    """POST /api/v1/chat; each conversation starts without a session id and keeps the one it is given."""
    sessions: dict[int, str] = {}

    async def ask(client: httpx.AsyncClient, user: int, n: int) -> tuple[str | None, bool]:
        index = n % len(scripts[user])
        turn = scripts[user][index]
        session = sessions.get(user) if index else None
        response = await client.post("/api/v1/chat", json={"message": turn.text, "session_id": session})
        if response.status_code != 200:
            return f"HTTP {response.status_code}", False
        reply = response.json()
        sessions[user] = reply["session_id"]
        return (None if reply.get("messages") else "empty reply"), bool(reply.get("degraded"))

    return ask


async def _user(
    client: httpx.AsyncClient, ask: Ask, user: int, tally: Tally, stop: asyncio.Event, recovered_at: list[float]
) -> None:
    for n in range(MAX_REQUESTS_PER_USER):
        if stop.is_set():
            return
        started = time.monotonic()
        try:
            error, degraded = await ask(client, user, n)
        # ValueError and KeyError: a reply that is not the JSON expected
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            error, degraded = type(exc).__name__, False
        after = bool(recovered_at) and started >= recovered_at[0]
        tally.record((time.monotonic() - started) * 1000, error, degraded, after_recovery=after)
        if error is not None:
            await asyncio.sleep(ERROR_PAUSE_S)


async def run_phase(
    name: str, base_url: str, ask: Ask, *, users: int, seconds: float, restart_rasa: Callable[[], None] | None = None
) -> Figures:
    """Run `users` users against base_url for `seconds`. With restart_rasa, call it (in a thread) a
    quarter of the way in, and go on until SETTLE_S after it returns if that is later."""
    tally, stop = Tally(), asyncio.Event()
    back: list[float] = []
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_S, limits=limits) as client:
        started = time.monotonic()
        tasks = [asyncio.create_task(_user(client, ask, i, tally, stop, back)) for i in range(users)]
        note = ""
        try:
            if restart_rasa is None:
                await asyncio.sleep(seconds)
            else:
                await asyncio.sleep(seconds / 4)
                stopped = time.monotonic() - started
                await asyncio.to_thread(restart_rasa)
                back.append(time.monotonic())
                note = f"Rasa stopped at {stopped:.1f} s, ready again at {back[0] - started:.1f} s"
                await asyncio.sleep(max(SETTLE_S, started + seconds - back[0]))
        finally:
            stop.set()
            _, pending = await asyncio.wait(tasks, timeout=REQUEST_TIMEOUT_S + 5)
            for task in pending:
                task.cancel()
        elapsed = time.monotonic() - started
    if note:
        note += f"; then {tally.recovered} normal (not degraded) replies"
    return summarize(name, tally, users=users, seconds=elapsed, note=note)


# -- the stack -----------------------------------------------------------------------------------------


@dataclass
class Target:
    """Where the phases send their requests, and, for the bench's own stack, how to restart Rasa."""

    gateway: str
    rasa: str
    token: str
    restart_rasa: Callable[[], None] | None = None


@contextlib.contextmanager
def own_stack(workdir: Path) -> Iterator[Target]:
    """Start actions, Rasa and gateway on free ports, yield them, stop them all. Rate limits are off,
    and the SMS database and (unless ACLARA_TRACKER_URL is set) Rasa's tracker store are files in workdir."""
    model = ensure_model()
    tracker = os.environ.get("ACLARA_TRACKER_URL") or f"sqlite:///{workdir / 'tracker.sqlite3'}"
    engine = {"ACLARA_TRACKER_URL": tracker}
    ports = {name: stack.free_port() for name in ("actions", "rasa", "gateway")}
    token = secrets.token_urlsafe(16)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    rasa_url = f"http://127.0.0.1:{ports['rasa']}"

    def restart_rasa() -> None:
        stack.stop(processes["rasa"])
        with (workdir / "rasa-restarted.log").open("wb") as log:
            processes["rasa"] = stack.start_rasa(
                ports["rasa"], model=model, token=token, actions_port=ports["actions"], settings=engine, log=log
            )
        stack.wait_ready("rasa", f"{rasa_url}/status?token={token}", processes["rasa"])

    try:
        ready = stack.start_all(
            processes,
            ports=ports,
            model=model,
            token=token,
            secret=secrets.token_urlsafe(32),
            logs=workdir,
            gateway_settings={"API_RATE_LIMIT_PER_MINUTE": "0", "API_SMS_DB": str(workdir / "sms.sqlite3")},
            engine=engine,
        )
        print("stack ready: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in ready.items()), flush=True)
        yield Target(f"http://127.0.0.1:{ports['gateway']}", rasa_url, token, restart_rasa)
    finally:
        for process in reversed(processes.values()):
            stack.stop(process)


async def run_all(target: Target, args: argparse.Namespace, scripts: list[list[Turn]]) -> list[Figures]:
    """A warm-up, then the phases in order, each cut short so that together they end within HARD_CAP_S."""
    deadline = time.monotonic() + HARD_CAP_S
    run = secrets.token_hex(4)
    phases: list[tuple[str, str, Ask]] = [
        ("healthz", target.gateway, ask_healthz()),
        ("rasa", target.rasa, ask_rasa(scripts, run)),
        ("gateway", target.gateway, ask_gateway(scripts)),
    ]
    if args.restart_engine:
        phases.append(("restart", target.gateway, ask_gateway(scripts)))
    warmup = min(WARMUP_S, args.seconds)
    print(f"warm-up: {args.users} users through the gateway for {warmup:.0f} s (not counted) ...", flush=True)
    warm = await run_phase("warm-up", target.gateway, ask_gateway(scripts), users=args.users, seconds=warmup)
    print(f"warm-up: {warm.requests} requests, errors: {warm.errors or 0}", flush=True)
    results = []
    for name, url, ask in phases:
        seconds = min(args.seconds, deadline - time.monotonic())
        if seconds < 1:
            print(f"{name}: skipped, the run reached its cap of {HARD_CAP_S:.0f} s", flush=True)
            continue
        restart = target.restart_rasa if name == "restart" else None
        print(
            f"{name}: {args.users} users for {seconds:.0f} s{' (Rasa restarted mid-run)' if restart else ''} ...",
            flush=True,
        )
        results.append(await run_phase(name, url, ask, users=args.users, seconds=seconds, restart_rasa=restart))
    return results


def preflight(target: Target) -> None:
    """Raise RuntimeError unless the gateway and Rasa answer (one request each, not measured)."""
    checks = {"gateway": f"{target.gateway}/healthz", "rasa": f"{target.rasa}/status?token={target.token}"}
    for name, url in checks.items():
        try:
            status = httpx.get(url, timeout=5).status_code
        except httpx.HTTPError as exc:
            raise RuntimeError(f"{name} at {url.split('?')[0]} is unreachable ({type(exc).__name__})") from None
        if status != 200:
            raise RuntimeError(f"{name} at {url.split('?')[0]} answered {status}; is the token right?")


def report(phases: list[Figures], args: argparse.Namespace) -> dict[str, object]:
    """Print the table, the overhead, the restart note and the targets; return what --json writes."""
    load = os.getloadavg()
    print(
        f"\n{dt.date.today().isoformat()}, {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f}, {args.users} users, up to {args.seconds:.0f} s per phase\n"
    )
    print(markdown_table(phases))
    by_name = {f.phase: f for f in phases}
    share = overhead(by_name["gateway"], by_name["rasa"]) if {"gateway", "rasa"} <= by_name.keys() else None
    print(
        f"\ngateway over Rasa alone at p50: {'–' if share is None else f'{share:+.1%}'} "
        f"(target at most +{OVERHEAD_TARGET:.0%})"
    )
    print(f"5xx under load: {sum(f.server_errors for f in phases if f.phase != 'restart')} (target 0)")
    if restart := by_name.get("restart"):
        print(
            f"restart: {restart.requests - restart.ok} failed requests (target 0), {restart.degraded} degraded "
            f"replies; {restart.note}"
        )
    missed = missed_targets(phases)
    print("\n" + ("\n".join(f"MISSED: {line}" for line in missed) if missed else "all targets met"))
    return {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "load_average": [round(x, 2) for x in load]},
        "users": args.users,
        "seconds_per_phase": args.seconds,
        "phases": [asdict(f) for f in phases],
        "gateway_overhead_p50": share,
        "missed_targets": missed,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    args = parse_args(argv)
    scripts = conversations(load_knowledge(), users=args.users)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        try:
            with contextlib.ExitStack() as stack_:
                if args.gateway:
                    target = Target(args.gateway, args.rasa, args.rasa_token)
                else:
                    target = stack_.enter_context(own_stack(Path(tmp)))
                preflight(target)
                phases = asyncio.run(run_all(target, args, scripts))
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    figures = report(phases, args)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if args.check and figures["missed_targets"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
