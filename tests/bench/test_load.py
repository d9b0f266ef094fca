"""The pure parts of bench/load.py: percentiles, figures, targets, the table, the scripts, the command line."""

from __future__ import annotations

import pytest

from bench.load import (
    MAX_USERS,
    Figures,
    Tally,
    conversations,
    markdown_table,
    missed_targets,
    overhead,
    parse_args,
    percentile,
    summarize,
)
from knowledge import load_knowledge


def figures(
    phase: str,
    *,
    p50: float | None = 100.0,
    requests: int = 10,
    ok: int = 10,
    server_errors: int = 0,
    errors: dict[str, int] | None = None,
    degraded: int = 0,
) -> Figures:
    return Figures(
        phase=phase,
        users=5,
        seconds=10.0,
        requests=requests,
        ok=ok,
        per_s=ok / 10,
        p50_ms=p50,
        p95_ms=p50,
        p99_ms=p50,
        server_errors=server_errors,
        errors=errors or {},
        degraded=degraded,
    )


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([4.0, 1.0, 3.0, 2.0], 50, 2.5),  # unsorted input
        ([1.0, 2.0, 3.0, 4.0], 0, 1.0),
        ([1.0, 2.0, 3.0, 4.0], 100, 4.0),
        ([float(x) for x in range(1, 101)], 95, 95.05),
        ([float(x) for x in range(1, 101)], 99, 99.01),
        ([7.0], 99, 7.0),
    ],
)
def test_percentile_interpolates_between_ranks(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == pytest.approx(expected)


@pytest.mark.parametrize(("values", "q", "message"), [([], 50, "no values"), ([1.0], 101, "outside 0-100")])
def test_percentile_refuses_what_has_no_answer(values: list[float], q: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        percentile(values, q)


def test_summarize_counts_replies_errors_and_only_5xx_as_server_errors() -> None:
    tally = Tally()
    for ms in (10.0, 20.0, 30.0, 40.0):
        tally.record(ms, None, degraded=ms > 25)
    for error in ("HTTP 503", "HTTP 503", "HTTP 429", "ReadTimeout", "empty reply"):
        tally.record(1.0, error, degraded=False)
    result = summarize("gateway", tally, users=3, seconds=2.0)
    assert (result.requests, result.ok, result.degraded, result.server_errors) == (9, 4, 2, 2)
    assert result.per_s == 2.0
    assert result.p50_ms == pytest.approx(25.0)
    assert result.errors == {"HTTP 503": 2, "HTTP 429": 1, "ReadTimeout": 1, "empty reply": 1}


def test_summarize_without_any_reply_has_no_percentiles() -> None:
    tally = Tally()
    tally.record(5.0, "ConnectError", degraded=False)
    result = summarize("rasa", tally, users=1, seconds=1.0)
    assert (result.p50_ms, result.p95_ms, result.p99_ms, result.per_s) == (None, None, None, 0.0)


def test_tally_counts_normal_replies_after_recovery_only() -> None:
    tally = Tally()
    tally.record(5.0, None, degraded=True, after_recovery=True)
    tally.record(5.0, None, degraded=False, after_recovery=False)
    tally.record(5.0, None, degraded=False, after_recovery=True)
    tally.record(5.0, "HTTP 503", degraded=False, after_recovery=True)
    assert tally.recovered == 1


def test_overhead_is_the_gateway_p50_over_rasa_p50() -> None:
    assert overhead(figures("gateway", p50=110.0), figures("rasa", p50=100.0)) == pytest.approx(0.10)
    assert overhead(figures("gateway", p50=90.0), figures("rasa", p50=100.0)) == pytest.approx(-0.10)
    assert overhead(figures("gateway", p50=None), figures("rasa", p50=100.0)) is None


def test_a_run_within_every_target_misses_none() -> None:
    phases = [
        figures("healthz", p50=1.0),
        figures("rasa", p50=100.0),
        figures("gateway", p50=110.0),
        figures("restart", requests=20, ok=20, degraded=7),
    ]
    assert missed_targets(phases) == []


def test_missed_targets_name_each_miss() -> None:
    phases = [
        figures("rasa", p50=100.0),
        figures("gateway", p50=111.0, server_errors=2, errors={"HTTP 503": 2}),
        figures("restart", requests=30, ok=25, server_errors=5, errors={"HTTP 503": 5}),
    ]
    assert missed_targets(phases) == [
        "gateway overhead at p50 is +11%, above +10%",
        "gateway: 2 5xx under load",
        "restart: 5 failed requests across the engine restart",
    ]


def test_missed_targets_when_the_gateway_never_answered() -> None:
    phases = [figures("rasa"), figures("gateway", p50=None, ok=0, errors={"ConnectError": 10})]
    assert missed_targets(phases) == ["gateway overhead: no p50 to compare (no 200 replies)"]


def test_markdown_table_has_one_row_per_phase_with_every_column() -> None:
    table = markdown_table(
        [figures("healthz", p50=1.234), figures("gateway", p50=None, ok=0, errors={"HTTP 503": 3, "ReadTimeout": 1})]
    )
    lines = table.splitlines()
    assert len(lines) == 4
    assert {line.count("|") for line in lines} == {12}
    assert lines[2].startswith("| healthz | 5 | 10 | 10 | 1.0 | 1.2 | 1.2 | 1.2 | 0 | 0 | 0 |")
    assert lines[3] == "| gateway | 5 | 10 | 10 | 0.0 | – | – | – | 0 | HTTP 503: 3, ReadTimeout: 1 | 0 |"


def test_conversations_are_examples_in_the_users_language_or_known_payloads() -> None:
    kb = load_knowledge()
    scripts = conversations(kb, users=len(kb.codes) + 2, turns=30, seed=3)
    assert [script[0].lang for script in scripts] == [*kb.codes, *kb.codes[:2]]
    payloads = 0
    for script in scripts:
        assert len({turn.lang for turn in script}) == 1
        for turn in script:
            if turn.text.startswith("/"):
                assert kb.is_payload(turn.text), turn.text
                payloads += 1
            else:
                assert any(turn.text in topic.text[turn.lang].examples for topic in kb.topics), turn.text
    total = sum(len(script) for script in scripts)
    assert 0.1 * total < payloads < 0.3 * total
    assert conversations(kb, users=3, seed=3) == conversations(kb, users=3, seed=3)
    assert conversations(kb, users=3, seed=3) != conversations(kb, users=3, seed=4)


def test_default_arguments() -> None:
    args = parse_args([])
    assert (args.users, args.seconds, args.restart_engine, args.check, args.gateway) == (50, 30.0, False, False, None)


def test_a_running_stack_is_given_by_three_options() -> None:
    args = parse_args(["--gateway", "http://127.0.0.1:8000/", "--rasa", "http://localhost:5005", "--rasa-token", "t"])
    assert (args.gateway, args.rasa, args.rasa_token) == ("http://127.0.0.1:8000", "http://localhost:5005", "t")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            [
                "--restart-engine",
                "--gateway",
                "http://127.0.0.1:8000",
                "--rasa",
                "http://127.0.0.1:5005",
                "--rasa-token",
                "t",
            ],
            "--restart-engine needs the bench's own stack",
        ),
        (["--gateway", "http://127.0.0.1:8000"], "--gateway, --rasa and --rasa-token go together"),
        (["--rasa-token", "t"], "--gateway, --rasa and --rasa-token go together"),
        (["--gateway", "http://example.org"], "is not an http URL on 127.0.0.1"),
        (["--gateway", "ftp://127.0.0.1"], "is not an http URL on 127.0.0.1"),
        (["--users", "0"], "0 is outside 1-500"),
        (["--users", str(MAX_USERS + 1)], "is outside 1-500"),
        (["--users", "2.5"], "is not a whole number"),
        (["--seconds", "0.5"], "0.5 is outside 1-300"),
        (["--seconds", "1000"], "is outside 1-300"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse_args(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
