from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from components.embeddings import SentenceEmbeddingFeaturizer
from components.vector_cache import VectorCache
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


@pytest.fixture(scope="module")
def featurizer(tmp_path_factory: pytest.TempPathFactory) -> SentenceEmbeddingFeaturizer:
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    config = {**SentenceEmbeddingFeaturizer.get_default_config(), "scale": 2.0, "batch_size": 2}
    return SentenceEmbeddingFeaturizer.create(config, storage, Resource("e5"), ExecutionContext(GraphSchema({}), "e5"))


def test_each_message_with_text_gets_one_scaled_sentence_vector(featurizer: SentenceEmbeddingFeaturizer) -> None:
    messages = [Message(data={TEXT: t}) for t in ("What is an ITIN?", "¿Qué es el ITIN?", "ITIN 是什么")]
    empty = Message(data={"intent": "greet"})
    data = TrainingData([*messages, empty])
    featurizer.process_training_data(data)  # three texts in batches of two
    for message in messages:
        sequence, sentence = message.get_dense_features(TEXT)
        assert sequence is None and sentence is not None
        assert sentence.features.shape == (1, 384)
        assert np.linalg.norm(sentence.features) == pytest.approx(2.0, rel=1e-3)  # unit vector x scale
    assert empty.get_dense_features(TEXT) == (None, None)


def test_questions_that_mean_the_same_are_closer_across_languages(featurizer: SentenceEmbeddingFeaturizer) -> None:
    renew_en, renew_es, tortillas = featurizer.embed(
        ["How do I renew my ITIN?", "¿Cómo renuevo mi ITIN?", "Where can I buy fresh tortillas?"]
    )
    assert renew_en @ renew_es > renew_en @ tortillas + 0.5  # scaled by 2: cosines 0.96 and 0.79 here


def test_processing_matches_training_features(featurizer: SentenceEmbeddingFeaturizer) -> None:
    [trained] = featurizer.process_training_data(
        TrainingData([Message(data={TEXT: "call the taxpayer advocate"})])
    ).training_examples
    [live] = featurizer.process([Message(data={TEXT: "call the taxpayer advocate"})])
    np.testing.assert_allclose(
        trained.get_dense_features(TEXT)[1].features, live.get_dense_features(TEXT)[1].features, atol=1e-5
    )


@pytest.mark.parametrize("config", [{"scale": 0.0}, {"batch_size": 0}])
def test_a_non_positive_setting_is_refused(config: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="scale and batch_size must be positive"):
        SentenceEmbeddingFeaturizer.validate_config({**SentenceEmbeddingFeaturizer.get_default_config(), **config})


def test_a_training_cache_that_is_not_a_name_is_refused() -> None:
    with pytest.raises(ValueError, match="training_cache must be a directory name"):
        SentenceEmbeddingFeaturizer.validate_config(
            {**SentenceEmbeddingFeaturizer.get_default_config(), "training_cache": 3}
        )


def cached_featurizer(directory: Path, name: str) -> SentenceEmbeddingFeaturizer:
    storage = LocalModelStorage(directory / name)
    config = {**SentenceEmbeddingFeaturizer.get_default_config(), "training_cache": str(directory / "cache")}
    return SentenceEmbeddingFeaturizer.create(config, storage, Resource(name), ExecutionContext(GraphSchema({}), name))


def sentence(message: Message) -> np.ndarray:
    return message.get_dense_features(TEXT)[1].features


def test_training_vectors_are_cached_and_reused_but_messages_never_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = ["What is an ITIN?", "¿Qué es el ITIN?", "What is an ITIN?"]
    first = cached_featurizer(tmp_path, "first")
    trained = first.process_training_data(TrainingData([Message(data={TEXT: t}) for t in texts])).training_examples
    [chunk] = (tmp_path / "cache").glob("vectors-*.npz")
    assert len(VectorCache(tmp_path / "cache", first.encoder_id)) == 2  # the repeat once

    second = cached_featurizer(tmp_path, "second")
    embedded: list[list[str]] = []
    real = second._encoder.query
    monkeypatch.setattr(second._encoder, "query", lambda batch: embedded.append(batch) or real(batch))
    again = second.process_training_data(
        TrainingData([Message(data={TEXT: t}) for t in ["¿Qué es el ITIN?", "ITIN 是什么"]])
    ).training_examples
    assert embedded == [["ITIN 是什么"]]  # only the new example was embedded
    np.testing.assert_array_equal(sentence(again[0]), sentence(trained[1]))
    assert len(list((tmp_path / "cache").glob("vectors-*.npz"))) == 2

    before = sorted(p.name for p in (tmp_path / "cache").iterdir())
    second.process([Message(data={TEXT: "my neighbour asked about the ICE letter"})])
    assert embedded[-1] == ["my neighbour asked about the ICE letter"]
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == before  # a message leaves no trace
    assert chunk.exists()


def test_an_unreadable_chunk_is_skipped_and_its_vectors_computed_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "vectors-broken.npz").write_bytes(b"not a zip file")
    [example] = (
        cached_featurizer(tmp_path, "f")
        .process_training_data(TrainingData([Message(data={TEXT: "ITIN"})]))
        .training_examples
    )
    assert sentence(example).shape == (1, 384)
    assert "skipping unreadable vector cache chunk vectors-broken.npz" in caplog.text
    assert len(list((tmp_path / "cache").glob("vectors-*.npz"))) == 2
    assert not list((tmp_path / "cache").glob("*.tmp"))
