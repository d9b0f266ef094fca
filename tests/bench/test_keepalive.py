"""bench/keepalive.py: its table, its arguments, and a short real run against the gateway's server."""

from __future__ import annotations

import collections

import pytest

from bench.keepalive import Result, main, markdown_table, run


def test_the_table_names_each_setting_and_its_errors() -> None:
    lost = Result(5, 60, ok=1595, errors=collections.Counter({"ReadError": 53, "RemoteProtocolError": 10}))
    kept = Result(20, 60, ok=1655)
    assert markdown_table([lost, kept]).splitlines()[2:] == [
        "| 5 s | 60 | 1658 | 63 | ReadError 53, RemoteProtocolError 10 |",
        "| 20 s | 60 | 1655 | 0 | none |",
    ]


@pytest.mark.parametrize("argv", [["--seconds", "0"], ["--clients", "0"], ["--keep-alive", "5", "-1"]])
def test_bad_arguments_are_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "--seconds, --clients and every --keep-alive must be positive" in capsys.readouterr().err


def test_a_short_run_reuses_connections_without_losing_a_request() -> None:
    result = run(20, seconds=3, clients=4)
    assert result.ok >= 4 and result.failed == 0, result
