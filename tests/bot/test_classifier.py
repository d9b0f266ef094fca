from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from components.classifier import TfidfLogisticRegressionClassifier
from components.embeddings import SentenceEmbeddingFeaturizer
from components.tokenizer import MultilingualTokenizer
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

EXAMPLES = {
    "ask_vita": ["free tax prep", "vita site near me", "volunteers do my taxes free", "preparacion gratis vita"],
    "ask_itin": ["what is an itin", "itin number meaning", "que es el itin", "do i need an itin"],
    "ask_tas": ["taxpayer advocate phone", "call the taxpayer advocate", "defensor del contribuyente", "tas help"],
}


def featurize(
    storage: LocalModelStorage,
    messages: list[Message],
    data: TrainingData | None = None,
    embeddings: SentenceEmbeddingFeaturizer | None = None,
) -> None:
    tokenizer = MultilingualTokenizer(MultilingualTokenizer.get_default_config())
    for message in messages:
        tokenizer.process([message])
    context = ExecutionContext(GraphSchema({}), "test")
    for name, config in (("words", {}), ("chars", {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4})):
        featurizer = CountVectorsFeaturizer.create(
            {**CountVectorsFeaturizer.get_default_config(), **config}, storage, Resource(name), context
        )
        if data is not None:
            featurizer.train(data)
        featurizer.process(messages)
    if embeddings is not None:
        embeddings.process(messages)


def train_and_load(
    storage: LocalModelStorage, config: dict[str, object], embeddings: SentenceEmbeddingFeaturizer | None = None
) -> tuple[TfidfLogisticRegressionClassifier, list[Message], TrainingData]:
    """A classifier trained on EXAMPLES, persisted and loaded again, with the featurized examples."""
    context = ExecutionContext(GraphSchema({}), "test")
    messages = [Message(data={"text": t, "intent": i}) for i, texts in EXAMPLES.items() for t in texts]
    data = TrainingData(messages)
    featurize(storage, messages, data, embeddings)
    resource = Resource("classifier")
    TfidfLogisticRegressionClassifier.create(config, storage, resource, context).train(data)
    return TfidfLogisticRegressionClassifier.load(config, storage, resource, context), messages, data


def test_trains_persists_loads_and_ranks(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    config = {**TfidfLogisticRegressionClassifier.get_default_config(), "ranking_length": 2}
    loaded, _, data = train_and_load(storage, config)

    assert list(loaded.clf.named_steps) == ["tfidf", "regression"]
    queries = [Message(data={"text": "where is a free vita site"}), Message(data={"text": "itin que es"})]
    featurize(storage, queries, data)
    loaded.process(queries)
    assert [q.get("intent")["name"] for q in queries] == ["ask_vita", "ask_itin"]
    assert len(queries[0].get("intent_ranking")) == 2
    assert queries[0].get("intent")["confidence"] > 0.5


def test_sentence_vectors_join_the_counts_without_tfidf(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    config = SentenceEmbeddingFeaturizer.get_default_config()
    embeddings = SentenceEmbeddingFeaturizer.create(config, storage, Resource("e5"), context)
    loaded, messages, data = train_and_load(storage, TfidfLogisticRegressionClassifier.get_default_config(), embeddings)

    assert list(loaded.clf.named_steps) == ["weighting", "regression"]
    matrix = loaded._create_X(messages)
    vectors = matrix[:, -384:].toarray()
    assert matrix.shape[1] > 384 and np.abs(vectors).sum() > 0
    weighted = loaded.clf.named_steps["weighting"].transform(matrix)
    np.testing.assert_allclose(weighted[:, -384:].toarray(), vectors)  # passed through as they are
    counts = weighted[:, :-384].toarray()
    np.testing.assert_allclose(np.linalg.norm(counts, axis=1), 1.0, rtol=1e-6)  # TF-IDF rows, unit length
    queries = [Message(data={"text": "where is a free vita site"}), Message(data={"text": "itin que es"})]
    featurize(storage, queries, data, embeddings)
    loaded.process(queries)
    assert [q.get("intent")["name"] for q in queries] == ["ask_vita", "ask_itin"]


def test_a_calibrated_svm_trains_persists_loads_and_ranks(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    config = {
        **TfidfLogisticRegressionClassifier.get_default_config(),
        "loss": "squared_hinge",
        "C": 3.0,
        "logit_scale": 5.5,
        "logit_shift": -2.5,
    }
    loaded, _, data = train_and_load(storage, config)

    queries = [Message(data={"text": "where is a free vita site"}), Message(data={"text": "itin que es"})]
    featurize(storage, queries, data)
    loaded.process(queries)
    assert [q.get("intent")["name"] for q in queries] == ["ask_vita", "ask_itin"]
    ranking = queries[0].get("intent_ranking")
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)  # all three intents ranked
    weighted = loaded.clf[:-1].transform(loaded._create_X(queries))
    margins = loaded.clf[-1].decision_function(weighted)
    sigmoids = 1.0 / (1.0 + np.exp(-margins))
    assert queries[0].get("intent")["confidence"] == pytest.approx(sigmoids[0].max() / sigmoids[0].sum())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"loss": "hinge"}, "loss must be one of logistic, squared_hinge"),
        ({"logit_scale": 0}, "the logit scale must be positive"),
    ],
)
def test_an_unknown_loss_or_a_non_positive_scale_is_refused(tmp_path: Path, change: dict, message: str) -> None:
    config = {**TfidfLogisticRegressionClassifier.get_default_config(), **change}
    context = ExecutionContext(GraphSchema({}), "test")
    with pytest.raises(ValueError, match=message):
        TfidfLogisticRegressionClassifier.create(config, LocalModelStorage(tmp_path), Resource("c"), context)
