"""bench/engine_parse.py's use of the training cache, and the committed cache itself (bot/vectors/)."""

from __future__ import annotations

import random
from pathlib import Path

import compact_vectors
import numpy as np
import pytest
from components.embeddings import SentenceEmbeddingFeaturizer
from components.khmer import spaced_khmer
from components.respelling import RESPELLED
from components.vector_cache import VectorCache, agree
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bench.engine_parse import checked_lookup, reuse_training_vectors, user_message
from knowledge import load_knowledge
from tools.paths import BOT, VECTORS


def featurizer(storage: Path, cache: Path | None) -> SentenceEmbeddingFeaturizer:
    config = {
        **SentenceEmbeddingFeaturizer.get_default_config(),
        "training_cache": str(cache) if cache else None,
    }
    return SentenceEmbeddingFeaturizer.create(
        config, LocalModelStorage(storage), Resource("e5"), ExecutionContext(GraphSchema({}), "e5")
    )


def test_a_lookup_that_agrees_with_the_encoder_is_returned() -> None:
    rows = np.arange(12, dtype=np.float32).reshape(6, 2)
    computed: list[list[str]] = []
    texts = list("abcdef")
    looked_up = checked_lookup(lambda t: rows, lambda t: computed.append(t) or rows[[texts.index(x) for x in t]], texts)
    np.testing.assert_array_equal(looked_up, rows)
    assert computed and 0 < len(computed[0]) <= 4  # a few rows were recomputed, not all


def test_a_lookup_that_differs_from_the_encoder_stops_the_run() -> None:
    rows = np.ones((3, 2), dtype=np.float32)
    with pytest.raises(SystemExit, match="cached sentence vectors differ from the encoder's"):
        checked_lookup(lambda t: rows, lambda t: rows[: len(t)] + 0.1, ["a", "b", "c"])


def test_parsing_takes_known_vectors_from_the_cache_and_checks_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SentenceEmbeddingFeaturizer, "_embed_unscaled", SentenceEmbeddingFeaturizer._embed_unscaled)
    texts = ["What is an ITIN?", "¿Qué es el ITIN?"]
    plain = featurizer(tmp_path / "plain", None)
    expected = plain.embed(texts)
    cache = VectorCache(tmp_path / "cache", plain.encoder_id)
    cache.vectors(texts, compute=plain.embed)  # as a training would have stored them

    reuse_training_vectors()
    cached = featurizer(tmp_path / "cached", tmp_path / "cache")
    [first, second] = cached.process([Message(data={TEXT: t}) for t in texts])
    np.testing.assert_array_equal(first.get_dense_features(TEXT)[1].features[0], expected[0])
    np.testing.assert_array_equal(second.get_dense_features(TEXT)[1].features[0], expected[1])

    before = sorted(p.name for p in (tmp_path / "cache").iterdir())
    [respelled] = cached.process([Message(data={TEXT: "thoi toi di day", RESPELLED: "thôi tôi đi đây"})])
    np.testing.assert_allclose(
        respelled.get_dense_features(TEXT)[1].features[0], plain.embed(["thôi tôi đi đây"])[0], atol=1e-5
    )
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == before  # a respelled text is never cached

    tampered = featurizer(tmp_path / "tampered", tmp_path / "other")
    VectorCache(tmp_path / "other", plain.encoder_id).vectors(texts, compute=lambda t: expected[: len(t)] * 0.5)
    with pytest.raises(SystemExit, match="cached sentence vectors differ from the encoder's"):
        tampered.process([Message(data={TEXT: t}) for t in texts])


def test_the_committed_vectors_are_the_encoders_own(tmp_path: Path) -> None:
    """bot/vectors/ holds the example questions' vectors (training reads them): a sample of the
    knowledge base's examples must be there and agree with what the encoder computes now, on this
    machine (the cache's module says why not bit for bit)."""
    kb = load_knowledge()
    examples = sorted({e for topic in kb.topics for text in topic.text.values() for e in text.examples})
    sample = random.Random(29).sample(examples, 24)
    plain = featurizer(tmp_path, None)
    committed = VectorCache(VECTORS, plain.encoder_id)
    assert len(committed) >= len(examples)

    def missing(texts: list[str]) -> np.ndarray:
        raise AssertionError(
            f"{len(texts)} examples have no vector in bot/vectors/: run make model, commit the new chunk"
        )

    cached = committed.vectors([spaced_khmer(text) for text in sample], compute=missing)  # as the encoder reads them
    assert agree(cached, plain.embed(sample))


def test_the_bot_config_trains_from_the_committed_vectors() -> None:
    """bot/config.yml names the cache relative to bot/ (training runs there): it must be VECTORS."""
    assert compact_vectors.cache_directory(BOT / "config.yml").resolve() == VECTORS.resolve()


def test_each_example_is_sent_with_its_language_as_the_gateway_sends_it() -> None:
    message = user_message({"text": "toi can giup do", "intent": "greet", "lang": "vi", "core": True})
    assert (message.text, message.metadata) == ("toi can giup do", {"language": "vi"})
    assert user_message({"text": "?"}).metadata is None  # a probe without a language
