"""Start the action server, the Rasa server and the gateway; stop all three together.

`python -m tools.stack` is what `make run` runs. The integration tests use the same functions
to start the real processes on free ports.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

import httpx

from tools.paths import BOT, ENGINE_BIN, ROOT, SECRET_FILE, VAR
from tools.train import engine_env, ensure_model

READY_TIMEOUT_S = {"actions": 60.0, "rasa": 180.0, "gateway": 60.0}


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def secret_key() -> str:
    """API_SECRET_KEY from the environment, else from the git-ignored .secret_key (created on first use)."""
    if os.environ.get("API_SECRET_KEY"):
        return os.environ["API_SECRET_KEY"]
    if not SECRET_FILE.exists():
        SECRET_FILE.touch(mode=0o600)
        SECRET_FILE.write_text(secrets.token_urlsafe(32))
    return SECRET_FILE.read_text().strip()


def start(argv: list[str], *, env: dict[str, str], cwd: Path, log: IO[bytes] | None = None) -> subprocess.Popen[bytes]:
    """Start a process in its own process group, so that it can be stopped with its children."""
    return subprocess.Popen(
        argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT if log else None, start_new_session=True
    )


def stop(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """Stop a process group: SIGTERM, then SIGKILL if it does not exit in time."""
    if process.poll() is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout)
            return
        except subprocess.TimeoutExpired:
            continue


def wait_ready(name: str, url: str, process: subprocess.Popen[bytes]) -> float:
    """Poll url until it answers 200; returns seconds waited. Raises RuntimeError if the process dies or times out."""
    started = time.monotonic()
    deadline = started + READY_TIMEOUT_S[name]
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode} before it was ready")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{name} was not ready after {READY_TIMEOUT_S[name]:.0f} s")


def start_actions(port: int, log: IO[bytes] | None = None) -> subprocess.Popen[bytes]:
    """The rasa_sdk action server, bound to 127.0.0.1."""
    env = engine_env() | {"SANIC_HOST": "127.0.0.1"}
    argv = [str(ENGINE_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)]
    return start(argv, env=env, cwd=BOT, log=log)


def engine_settings(env: Mapping[str, str]) -> dict[str, str]:
    """The Rasa server's ACLARA_* settings (bot/endpoints.yml) from env: the tracker store URL (default an
    SQLite file in var/), the lock store URL (default the tracker URL when it is Redis, else none: in
    memory), and the retention periods (24 hours on the web; SMS by default the gateway's API_SMS_TTL_DAYS,
    so that one setting ends an SMS conversation in both)."""
    tracker = env.get("ACLARA_TRACKER_URL") or f"sqlite:///{VAR / 'tracker.sqlite3'}"
    shared = tracker if tracker.startswith(("redis://", "rediss://")) else ""
    return {
        "ACLARA_TRACKER_URL": tracker,
        "ACLARA_LOCK_URL": env.get("ACLARA_LOCK_URL") or shared,
        "ACLARA_WEB_TTL_HOURS": env.get("ACLARA_WEB_TTL_HOURS") or "24",
        "ACLARA_SMS_TTL_DAYS": env.get("ACLARA_SMS_TTL_DAYS") or env.get("API_SMS_TTL_DAYS") or "7",
    }


def rasa_argv(port: int, *, model: Path, token: str) -> list[str]:
    """The `rasa run` command line: HTTP API on 127.0.0.1:port, protected by token. Values that may begin
    with "-" (a URL-safe token does one time in 64) are joined to their option with "=", so that
    argparse does not read them as an option of their own."""
    return [
        str(ENGINE_BIN / "rasa"),
        "run",
        "--enable-api",
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
        f"--auth-token={token}",
        f"--model={model}",
        "--endpoints",
        "endpoints.yml",
        "--credentials",
        "credentials.yml",
    ]


def start_rasa(
    port: int,
    *,
    model: Path,
    token: str,
    actions_port: int,
    settings: Mapping[str, str] | None = None,
    log: IO[bytes] | None = None,
) -> subprocess.Popen[bytes]:
    """The Rasa server with its HTTP API, bound to 127.0.0.1 and protected by a token. `settings` add
    variables (ACLARA_*, or the API_* ones they default to) to those engine_settings() reads."""
    env = engine_env()
    env |= engine_settings(env | dict(settings or {}))
    env["ACLARA_ACTION_URL"] = f"http://127.0.0.1:{actions_port}/webhook"
    return start(rasa_argv(port, model=model, token=token), env=env, cwd=BOT, log=log)


def start_gateway(
    port: int, *, host: str, env: dict[str, str], log: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """The FastAPI gateway under uvicorn, configured by api/server.py (no access log, header size and
    request timeouts)."""
    argv = [sys.executable, "-m", "api.server", "--host", host, "--port", str(port)]
    return start(argv, env=env, cwd=ROOT, log=log)


def gateway_env(*, secret: str, rasa_port: int, rasa_token: str, actions_port: int) -> dict[str, str]:
    """The gateway's environment: API_* settings pointing at the local engine."""
    return dict(os.environ) | {
        "API_SECRET_KEY": secret,
        "API_RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "API_RASA_TOKEN": rasa_token,
        "API_ACTIONS_URL": f"http://127.0.0.1:{actions_port}",
    }


def start_all(
    processes: dict[str, subprocess.Popen[bytes]],
    *,
    ports: dict[str, int],
    model: Path,
    token: str,
    secret: str,
    host: str = "127.0.0.1",
    logs: Path | None = None,
    gateway_settings: dict[str, str] | None = None,
    engine: dict[str, str] | None = None,
) -> dict[str, float]:
    """Start the action server, Rasa and the gateway in order, each once the previous one is ready.

    `ports` has keys actions, rasa and gateway. Started processes are added to `processes` as they
    start, so the caller can stop them even when a later one fails. Output goes to logs/<name>.log
    when logs is given, else to this terminal. `gateway_settings` adds API_* variables for the
    gateway, `engine` ACLARA_* variables for Rasa (engine_settings() derives the others, also from
    the gateway's). Returns the seconds each took to become ready.
    """

    def launch(name: str, starter: Callable[[IO[bytes] | None], subprocess.Popen[bytes]], url: str) -> float:
        if logs is None:
            processes[name] = starter(None)
        else:
            with (logs / f"{name}.log").open("wb") as log:
                processes[name] = starter(log)
        return wait_ready(name, url, processes[name])

    actions, rasa, gateway = ports["actions"], ports["rasa"], ports["gateway"]
    env = gateway_env(secret=secret, rasa_port=rasa, rasa_token=token, actions_port=actions) | (gateway_settings or {})
    return {
        "actions": launch("actions", lambda log: start_actions(actions, log), f"http://127.0.0.1:{actions}/health"),
        "rasa": launch(
            "rasa",
            lambda log: start_rasa(
                rasa, model=model, token=token, actions_port=actions, settings=env | (engine or {}), log=log
            ),
            f"http://127.0.0.1:{rasa}/status?token={token}",
        ),
        "gateway": launch(
            "gateway",
            lambda log: start_gateway(gateway, host=host, env=env, log=log),
            f"http://127.0.0.1:{gateway}/readyz",
        ),
    }


def main() -> int:
    """Run the whole stack in the foreground until Ctrl-C."""
    port = int(os.environ.get("PORT", "8000"))
    host = os.environ.get("HOST", "127.0.0.1")
    ports = {
        "gateway": port,
        "rasa": int(os.environ.get("RASA_PORT", "5005")),
        "actions": int(os.environ.get("ACTIONS_PORT", "5055")),
    }
    started = time.monotonic()
    model = ensure_model()
    processes: dict[str, subprocess.Popen[bytes]] = {}
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM stops everything, like Ctrl-C
    try:
        start_all(processes, ports=ports, model=model, token=secrets.token_urlsafe(24), secret=secret_key(), host=host)
        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
        print(
            f"\naclara is ready after {time.monotonic() - started:.0f} s: http://{shown}:{port}/  (Ctrl-C stops it)\n",
            flush=True,
        )
        while all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
        print("error: a process stopped unexpectedly; stopping the others", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping ...", file=sys.stderr)
        return 0
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        for process in reversed(processes.values()):
            stop(process)


if __name__ == "__main__":
    sys.exit(main())
