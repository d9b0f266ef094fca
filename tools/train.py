"""Regenerate the bot's data and train a model, but only when the inputs changed.

The model file is named after a hash of every input (knowledge, catalogs, bot config, domain,
rules, custom components, the generator and the engine's lock file), so an unchanged tree
reuses the model and any change trains a new one. `python -m tools.train` prints the model path.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from tools.paths import BOT, ENGINE_BIN, MODELS, ROOT

INPUTS = (
    "knowledge/languages.yml",
    "knowledge/dialogue.yml",
    "knowledge/data/*.yml",
    "locales/*/LC_MESSAGES/messages.po",
    "bot/config.yml",
    "bot/domain/base.yml",
    "bot/data/rules.yml",
    "bot/components/*.py",
    "bot/generate.py",
    "requirements/engine.lock",
)


def engine_env() -> dict[str, str]:
    """Environment for Rasa processes: quiet, offline, no telemetry."""
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONPATH=os.pathsep.join([str(BOT), str(ROOT)]),
    )
    return env


def inputs_hash(config: Path = BOT / "config.yml") -> str:
    """A hash of every file the model depends on, plus the chosen config."""
    digest = hashlib.sha256()
    files = sorted({p for pattern in INPUTS for p in ROOT.glob(pattern)} | {config.resolve()})
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def generate(*extra: str) -> None:
    """Run bot/generate.py with this interpreter (the gateway environment)."""
    subprocess.run([sys.executable, str(BOT / "generate.py"), *extra], cwd=ROOT, check=True)


def rasa_train(config: Path, out: Path, name: str, *, nlu_only: bool = False) -> Path:
    """Train with the engine's rasa; returns the model file."""
    command = [str(ENGINE_BIN / "rasa"), "train", *(["nlu"] if nlu_only else [])]
    command += ["--config", str(config), "--out", str(out), "--fixed-model-name", name]
    command += ["--nlu", "data"] if nlu_only else ["--domain", "domain", "--data", "data"]
    log = BOT / "results" / "train.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("wb") as handle:
        result = subprocess.run(
            command, cwd=BOT, env=engine_env(), stdout=handle, stderr=subprocess.STDOUT, check=False
        )
    if result.returncode != 0:
        raise SystemExit(f"rasa train failed (exit {result.returncode}); see {log.relative_to(ROOT)}")
    return out / f"{name}.tar.gz"


def ensure_model(config: Path = BOT / "config.yml") -> Path:
    """The trained model for the current inputs, training it first if it does not exist."""
    model = MODELS / f"aclara-{inputs_hash(config)}.tar.gz"
    if model.exists():
        return model
    started = time.monotonic()
    generate()
    print(f"training {model.name} (inputs changed) ...", file=sys.stderr, flush=True)
    rasa_train(config, MODELS, model.name.removesuffix(".tar.gz"))
    for old in MODELS.glob("aclara-*.tar.gz"):
        if old != model:
            old.unlink()
    print(f"trained in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return model


if __name__ == "__main__":
    print(ensure_model().relative_to(ROOT))
