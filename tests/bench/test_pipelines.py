"""bench/pipelines.py: the noisy copies' vectors are not left in bot/vectors/; a failed parse says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.pipelines import new_chunks_dropped, parse_with_engine


def test_chunks_written_inside_the_block_are_dropped_and_earlier_ones_kept(tmp_path: Path) -> None:
    (tmp_path / "vectors-old.npz").write_bytes(b"kept")
    with new_chunks_dropped(tmp_path):
        (tmp_path / "vectors-noisy.npz").write_bytes(b"dropped")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors-old.npz"]


def test_chunks_are_dropped_when_training_fails(tmp_path: Path) -> None:
    with pytest.raises(SystemExit), new_chunks_dropped(tmp_path):
        (tmp_path / "vectors-noisy.npz").write_bytes(b"dropped")
        raise SystemExit("rasa train failed")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_parse_stops_the_bench_with_the_engines_reason(tmp_path: Path) -> None:
    (tmp_path / "examples.json").write_text("[]")
    with pytest.raises(SystemExit, match=r"^bench/engine_parse.py failed \(exit 1\): .*ModelNotFound: No model found"):
        parse_with_engine(tmp_path / "missing.tar.gz", tmp_path / "examples.json", tmp_path / "predictions.json")
    assert not (tmp_path / "predictions.json").exists()
