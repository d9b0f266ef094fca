"""Where things are in the repository."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
MODELS = BOT / "models"
VECTORS = BOT / "vectors"
"""The example questions' committed sentence vectors: bot/config.yml's `training_cache` (bot/vectors/README.md)."""
ENGINE_BIN = ROOT / ".venv" / "engine" / "bin"
SECRET_FILE = ROOT / ".secret_key"
VAR = ROOT / "var"
"""Git-ignored run-time data: the default tracker store and SMS store files."""
