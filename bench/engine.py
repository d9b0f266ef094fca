"""Engine budget: model size, time to ready, memory of each process, and chat latency.

    python -m bench.engine [--requests 50]

Starts the real action server, Rasa server and gateway on free ports (training first if the
inputs changed), then reports seconds to ready, the resident memory (RSS) of each process tree,
and gateway latency percentiles for a mix of real questions.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from tools import stack
from tools.train import ensure_model

QUESTIONS = [
    "How many people were affected?",
    "¿Cuántas personas afectó?",
    "what is an ITIN",
    "¿dónde consigo ayuda gratis?",
    "hello",
    "tell me a joke",
]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pending.extend(int(c) for c in children)
    return total / 1024


def main() -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.engine", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    started = time.monotonic()
    model = ensure_model()
    print(f"model: {model.name}, {model.stat().st_size / 1e6:.2f} MB (ready in {time.monotonic() - started:.1f} s)")
    ports = {name: stack.free_port() for name in ("actions", "rasa", "gateway")}
    token = secrets.token_urlsafe(16)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    logs = tempfile.TemporaryDirectory()
    try:
        ready = stack.start_all(
            processes,
            ports=ports,
            model=model,
            token=token,
            secret=secrets.token_urlsafe(32),
            logs=Path(logs.name),
            gateway_settings={"API_RATE_LIMIT_PER_MINUTE": "0"},
        )  # one client, many requests
        for name, seconds in ready.items():
            print(f"{name:<8} ready after {seconds:5.1f} s")
        latencies = []
        with httpx.Client(base_url=f"http://127.0.0.1:{ports['gateway']}", timeout=30) as client:
            for i in range(args.requests):
                t0 = time.perf_counter()
                response = client.post("/api/v1/chat", json={"message": QUESTIONS[i % len(QUESTIONS)]})
                latencies.append((time.perf_counter() - t0) * 1000)
                response.raise_for_status()
        cuts = statistics.quantiles(latencies, n=100)
        print(
            f"chat latency over {len(latencies)} sequential requests: p50 {cuts[49]:.0f} ms, "
            f"p95 {cuts[94]:.0f} ms, p99 {cuts[98]:.0f} ms"
        )
        for name, process in processes.items():
            print(f"{name:<8} RSS {rss_mb(process.pid):7.0f} MB")
    finally:
        for process in processes.values():
            stack.stop(process)
        logs.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
