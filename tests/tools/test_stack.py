"""tools/stack.py: the Rasa server's ACLARA_* settings and what they default to."""

from __future__ import annotations

from tools.paths import VAR
from tools.stack import engine_settings


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
