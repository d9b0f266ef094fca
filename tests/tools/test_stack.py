"""tools/stack.py: the Rasa server's command line (read by rasa's own parser) and its ACLARA_* settings."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tools.paths import ENGINE_BIN, VAR
from tools.stack import engine_settings, rasa_argv

PARSE = """
import json, sys
from rasa.__main__ import create_argument_parser
args = create_argument_parser().parse_args(sys.argv[1:])
print(json.dumps({"token": args.auth_token, "model": args.model, "port": args.port, "api": args.enable_api}))
"""


@pytest.mark.parametrize("token", ["-fvMHbJWRhtFksSLVcq2ig", "--Zq3kV0Wb8sPtd1xYh7eR", "plain_Token-0"])
def test_rasa_reads_every_token_as_the_token(token: str) -> None:
    """A URL-safe token begins with "-" one time in 64; as a separate argument argparse took it for an
    option and `rasa run` exited with code 2 (CI, November 2026)."""
    argv = rasa_argv(5005, model=Path("/models/m.tar.gz"), token=token)
    parsed = subprocess.run(
        [str(ENGINE_BIN / "python"), "-c", PARSE, *argv[1:]], check=False, capture_output=True, text=True, timeout=120
    )
    assert parsed.returncode == 0, parsed.stderr[-500:]
    assert json.loads(parsed.stdout) == {"token": token, "model": "/models/m.tar.gz", "port": 5005, "api": True}


def test_defaults_are_an_sqlite_file_in_var_and_the_issue_periods() -> None:
    assert engine_settings({}) == {
        "ACLARA_TRACKER_URL": f"sqlite:///{VAR / 'tracker.sqlite3'}",
        "ACLARA_LOCK_URL": "",
        "ACLARA_WEB_TTL_HOURS": "24",
        "ACLARA_SMS_TTL_DAYS": "7",
    }


def test_the_gateway_sms_period_drives_the_engine_unless_it_has_its_own() -> None:
    gateway = {"API_SMS_TTL_DAYS": "3", "ACLARA_WEB_TTL_HOURS": "12"}
    settings = engine_settings(gateway)
    assert (settings["ACLARA_WEB_TTL_HOURS"], settings["ACLARA_SMS_TTL_DAYS"]) == ("12", "3")
    assert engine_settings(gateway | {"ACLARA_SMS_TTL_DAYS": "1"})["ACLARA_SMS_TTL_DAYS"] == "1"


def test_a_redis_tracker_store_brings_a_redis_lock_store() -> None:
    assert engine_settings({"ACLARA_TRACKER_URL": "redis://cache:6379/2"})["ACLARA_LOCK_URL"] == "redis://cache:6379/2"
    postgres = {"ACLARA_TRACKER_URL": "postgresql://rasa@db/rasa", "ACLARA_LOCK_URL": "redis://cache:6379/1"}
    assert engine_settings(postgres)["ACLARA_LOCK_URL"] == "redis://cache:6379/1"
    assert engine_settings({"ACLARA_TRACKER_URL": "postgresql://rasa@db/rasa"})["ACLARA_LOCK_URL"] == ""
