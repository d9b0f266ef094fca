"""Engine-side helper (Python 3.10, rasa): parse every held-out example with a trained model.

Usage: python bench/engine_parse.py MODEL EXAMPLES.json PREDICTIONS.json [--one-by-one]

The examples go through the model's NLU graph in batches, one list per run of the graph, the way a
single message goes through it in `rasa run` (a list of one). Every component of the pipeline
handles each message of a list on its own, so a batch gives the same predictions as one message at
a time. The held-out examples are the knowledge base's own questions, whose vectors are in the
sentence featurizer's training cache (bot/vectors/, committed), so the featurizer looks them up
there (see `reuse_training_vectors`) instead of running the encoder again: the encoder is what made
one-by-one parsing of 18,000 examples take up to an hour.
`--one-by-one` parses one message at a time with no cache, exactly as `rasa run` does.
Each message carries its language in its metadata, as the gateway sends it (the respelling
component reads it: bot/components/respelling.py).
"""

from __future__ import annotations

import asyncio
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

BATCH = 256
CHECKED_PER_BATCH = 4
"""Cached vectors recomputed by the encoder in each batch, to check the cache against it."""


def outcome(parsed: dict[str, Any]) -> dict[str, Any]:
    """The predicted intent, its confidence and the best intent other than the fallback."""
    ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
    return {
        "predicted": parsed["intent"]["name"],
        "confidence": parsed["intent"]["confidence"],
        "top": ranking[0]["name"] if ranking else None,
    }


def checked_lookup(
    cached: Callable[[list[str]], np.ndarray], compute: Callable[[list[str]], np.ndarray], texts: list[str]
) -> np.ndarray:
    """`cached(texts)`, after recomputing a few of its rows with `compute`: a cache that does not give
    the encoder's own vectors stops the run rather than skewing the figures. The vectors may come
    from another machine, so they are compared by `agree`, not bit for bit."""
    from components.vector_cache import agree

    vectors = cached(texts)
    step = max(1, len(texts) // CHECKED_PER_BATCH)
    picked = list(range(0, len(texts), step))[:CHECKED_PER_BATCH]
    if picked and not agree(vectors[picked], compute([texts[i] for i in picked])):
        raise SystemExit("cached sentence vectors differ from the encoder's")
    return vectors


def reuse_training_vectors() -> None:
    """Make the sentence featurizer take held-out examples' vectors from its training cache.

    Only this script does this, and only for the knowledge base's example questions: the featurizer
    itself never caches a message it parses. Texts missing from the cache are embedded and stored,
    as training stores them.
    """
    from components.embeddings import SentenceEmbeddingFeaturizer
    from components.vector_cache import VectorCache

    encode = SentenceEmbeddingFeaturizer._embed_unscaled
    caches: dict[str, VectorCache] = {}

    def embed(featurizer: SentenceEmbeddingFeaturizer, texts: list[str]) -> np.ndarray:
        directory = featurizer._config["training_cache"]
        compute = functools.partial(encode, featurizer)
        if not directory:
            return compute(texts)
        if directory not in caches:
            caches[directory] = VectorCache(Path(directory), featurizer.encoder_id)
        return checked_lookup(functools.partial(caches[directory].vectors, compute=compute), compute, texts)

    SentenceEmbeddingFeaturizer._embed_unscaled = embed  # type: ignore[method-assign]


def user_message(example: dict[str, Any]) -> Any:
    """The example as the gateway sends it: its text, and its language (if known) in the metadata."""
    from rasa.core.channels.channel import UserMessage

    return UserMessage(example["text"], metadata={"language": example["lang"]} if "lang" in example else None)


def parse_batches(agent: Any, examples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parse the examples through the model's NLU graph, BATCH messages per run."""
    from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
    from rasa.shared.core.trackers import DialogueStateTracker

    processor = agent.processor
    target = processor.model_metadata.nlu_target
    tracker = DialogueStateTracker.from_events("bench", [])
    parsed: list[dict[str, Any]] = []
    for start in range(0, len(examples), BATCH):
        messages = [user_message(example) for example in examples[start : start + BATCH]]
        results = processor.graph_runner.run(
            inputs={PLACEHOLDER_MESSAGE: messages, PLACEHOLDER_TRACKER: tracker}, targets=[target]
        )
        parsed += [message.as_dict(only_output_properties=True) for message in results[target]]
    return parsed


async def parse_all(model: str, path: str, *, one_by_one: bool = False) -> list[dict[str, Any]]:
    """Every example of the JSON list at `path`, with its parse outcome added."""
    from rasa.core.agent import Agent

    if not one_by_one:
        reuse_training_vectors()
    agent = Agent.load(model)
    examples = json.loads(Path(path).read_text(encoding="utf-8"))
    if one_by_one:
        parsed = [await agent.processor.parse_message(user_message(example)) for example in examples]
    else:
        parsed = parse_batches(agent, examples)
    if len(parsed) != len(examples):
        raise SystemExit(f"parsed {len(parsed)} of {len(examples)} examples")
    return [example | outcome(result) for example, result in zip(examples, parsed)]


if __name__ == "__main__":
    predictions = asyncio.run(parse_all(sys.argv[1], sys.argv[2], one_by_one="--one-by-one" in sys.argv[4:]))
    with open(sys.argv[3], "w", encoding="utf-8") as out:
        json.dump(predictions, out, ensure_ascii=False)
