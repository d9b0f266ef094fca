from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from components.embeddings import SentenceEmbeddingFeaturizer
from components.khmer import spaced_khmer
from components.vector_cache import VectorCache
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

QUESTION = "ខ្ញុំត្រូវបន្ត itin ទេ បើខ្ញុំគ្រាន់តែទទួល 1099"  # "do I need to renew my ITIN if I only get 1099s"


@pytest.mark.parametrize("text", ["what is an ITIN?", "¿Qué es el ITIN?", "ITIN 是什么", "عندي سؤال", ""])
def test_text_without_khmer_is_returned_as_it_is(text: str) -> None:
    assert spaced_khmer(text) == text


def test_khmer_words_are_spaced_and_nothing_else_changes() -> None:
    spaced = spaced_khmer(QUESTION)
    assert spaced.split()[:3] == ["ខ្ញុំ", "ត្រូវ", "បន្ត"]
    assert len(spaced.split()) > len(QUESTION.split()) + 3
    assert spaced.replace(" ", "") == QUESTION.replace(" ", "")  # no letter lost or added
    assert " itin " in spaced and spaced.endswith(" 1099")


def test_a_zero_width_space_between_words_becomes_a_space() -> None:
    assert spaced_khmer("ខ្ញុំ\u200bចង់\u200bដឹង itin") == "ខ្ញុំ ចង់ ដឹង itin"


@pytest.mark.parametrize("text", ["hello\u200bworld", "\u200b", "itin\u200b ខ្ញុំ"])
def test_a_zero_width_space_outside_khmer_stays(text: str) -> None:
    assert spaced_khmer(text) == text


def test_spacing_repeats() -> None:
    assert spaced_khmer(spaced_khmer(QUESTION)) == spaced_khmer(QUESTION)


def featurizer(tmp_path: Path, cache: str | None) -> SentenceEmbeddingFeaturizer:
    config = {**SentenceEmbeddingFeaturizer.get_default_config(), "scale": 1.0, "training_cache": cache}
    storage = LocalModelStorage(tmp_path / "storage")
    return SentenceEmbeddingFeaturizer.create(config, storage, Resource("e5"), ExecutionContext(GraphSchema({}), "e5"))


def test_messages_and_examples_reach_the_encoder_with_khmer_words_spaced(tmp_path: Path) -> None:
    plain = featurizer(tmp_path, None)
    [as_spaced, as_typed] = plain._encode([spaced_khmer(QUESTION), QUESTION])
    assert not np.allclose(as_spaced, as_typed, atol=1e-3)

    message = plain.process([Message(data={TEXT: QUESTION})])[0]
    np.testing.assert_allclose(message.get_dense_features(TEXT)[1].features[0], as_spaced, atol=1e-5)
    assert message.get(TEXT) == QUESTION  # the text itself stays as typed
    np.testing.assert_allclose(plain.embed([QUESTION])[0], as_spaced, atol=1e-5)

    cached = featurizer(tmp_path, str(tmp_path / "cache"))
    [example] = cached.process_training_data(TrainingData([Message(data={TEXT: QUESTION})])).training_examples
    np.testing.assert_allclose(example.get_dense_features(TEXT)[1].features[0], as_spaced, atol=1e-5)
    cache = VectorCache(tmp_path / "cache", cached.encoder_id)
    np.testing.assert_allclose(
        cache.vectors([spaced_khmer(QUESTION)], compute=lambda texts: pytest.fail("not cached by its spaced text")),
        [as_spaced],
        atol=1e-5,
    )
