"""The training cache (components/vector_cache.py): its compaction, bot/compact_vectors.py, and `agree`."""

from __future__ import annotations

from pathlib import Path

import compact_vectors
import numpy as np
import pytest
from components.vector_cache import TOLERANCE, VectorCache, agree

ENCODER = "test-encoder"


def filled(directory: Path, texts: list[str]) -> VectorCache:
    """A cache with one chunk per text, each text's vector made from its length."""
    cache = VectorCache(directory, ENCODER)
    for text in texts:
        cache.vectors([text], compute=lambda t: np.full((len(t), 3), len(t[0]), dtype=np.float32))
    return cache


def never(texts: list[str]) -> np.ndarray:
    raise AssertionError(f"computed {texts}")


def test_compact_keeps_only_the_given_texts_in_sorted_chunks(tmp_path: Path) -> None:
    cache = filled(tmp_path, ["a", "bb", "ccc", "dddd", "eeeee"])
    assert len(list(tmp_path.glob("vectors-*.npz"))) == 5

    assert cache.compact(["bb", "dddd", "eeeee", "not cached"], rows_per_chunk=2) == 2
    assert len(list(tmp_path.glob("vectors-*.npz"))) == 2
    reloaded = VectorCache(tmp_path, ENCODER)
    assert len(reloaded) == len(cache) == 3
    np.testing.assert_array_equal(reloaded.vectors(["eeeee", "bb"], compute=never)[:, 0], [5, 2])
    for chunk in tmp_path.glob("vectors-*.npz"):
        with np.load(chunk) as data:
            keys = [bytes(k) for k in data["keys"]]
        assert keys == sorted(keys)


def test_compact_twice_writes_the_same_files(tmp_path: Path) -> None:
    cache = filled(tmp_path, ["a", "bb", "ccc"])
    cache.compact(["a", "ccc"])
    first = sorted(p.name for p in tmp_path.glob("vectors-*.npz"))
    assert VectorCache(tmp_path, ENCODER).compact(["ccc", "a", "a"]) == 0
    assert sorted(p.name for p in tmp_path.glob("vectors-*.npz")) == first
    assert not list(tmp_path.glob("*.tmp"))


def test_compact_refuses_empty_chunks(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rows_per_chunk must be positive"):
        filled(tmp_path, ["a"]).compact(["a"], rows_per_chunk=0)


def test_the_script_reads_generated_examples_and_the_configured_cache(tmp_path: Path) -> None:
    (tmp_path / "nlu-es.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hola\n    - buenas\n'
        "- regex: ignored\n  examples: |\n    - x\n",
        encoding="utf-8",
    )
    (tmp_path / "nlu-en.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n', encoding="utf-8"
    )
    assert compact_vectors.training_texts(tmp_path) == ["hi", "hola", "buenas"]
    config = tmp_path / "config.yml"
    config.write_text("pipeline:\n  - name: A\n  - name: B\n    training_cache: vectors\n", encoding="utf-8")
    assert compact_vectors.cache_directory(config) == compact_vectors.BOT / "vectors"
    config.write_text("pipeline:\n  - name: A\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="config.yml names no training_cache"):
        compact_vectors.cache_directory(config)


def unit_rows(rng: np.random.Generator) -> np.ndarray:
    """Four random unit vectors of the encoder's size, as stored vectors are."""
    rows = rng.normal(size=(4, 384)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_vectors_of_the_same_text_from_another_machine_agree() -> None:
    rng = np.random.default_rng(30)
    stored = unit_rows(rng)
    drift = rng.normal(size=stored.shape).astype(np.float32)
    drift *= 0.5 * TOLERANCE / np.linalg.norm(drift, axis=1, keepdims=True)  # half the tolerance, any direction
    assert agree(stored, stored + drift)
    assert agree(stored[0], stored[0] + drift[0])  # one vector as a row


@pytest.mark.parametrize(
    "change",
    [
        lambda v: v * 0.5,  # scaled: the classifier reads the length too
        lambda v: v[::-1].copy(),  # another text's vector
        lambda v: (
            v + 2 * TOLERANCE * np.eye(1, v.shape[1], dtype=np.float32)
        ),  # one component off by twice the tolerance
        lambda v: v[:, :-1],  # another encoder's size
    ],
)
def test_vectors_that_differ_more_do_not_agree(change) -> None:  # type: ignore[no-untyped-def]
    stored = unit_rows(np.random.default_rng(30))
    assert not agree(change(stored), stored)
