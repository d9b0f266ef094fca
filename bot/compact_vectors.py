"""Drop the committed vectors of example questions the bot no longer trains on.

Run from bot/ with the engine environment, after `make model` has regenerated data/generated/
(`make compact-vectors` does both):

    python compact_vectors.py

Training only adds chunks to the training cache (config.yml's `training_cache`, committed as
bot/vectors/): vectors of edited or removed examples stay there. This rewrites the cache with the
vectors of the current training examples only, sorted into chunks, and deletes the old chunks.
Commit the result. An example without a vector is left out, not embedded: training embeds it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from components.embeddings import encoder_id
from components.khmer import spaced_khmer
from components.vector_cache import VectorCache

BOT = Path(__file__).resolve().parent


def training_texts(data: Path) -> list[str]:
    """Every intent example in the generated NLU files under `data` (what the featurizer embeds)."""
    texts: list[str] = []
    for path in sorted(data.glob("nlu-*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" not in block:
                continue
            for line in block["examples"].splitlines():
                text = line.removeprefix("- ").strip()
                if text:
                    texts.append(text)
    return texts


def cache_directory(config: Path) -> Path:
    """The training cache that `config` names, relative to bot/ where training runs."""
    for component in yaml.safe_load(config.read_text(encoding="utf-8"))["pipeline"]:
        if component.get("training_cache"):
            return BOT / component["training_cache"]
    raise SystemExit(f"{config.name} names no training_cache")


def main() -> int:
    """Compact the cache; print what was kept and dropped."""
    texts = training_texts(BOT / "data" / "generated")
    if not texts:
        raise SystemExit("no training examples in data/generated: run make model first")
    cache = VectorCache(cache_directory(BOT / "config.yml"), encoder_id())
    dropped = cache.compact([spaced_khmer(text) for text in texts])  # the texts as the encoder reads them
    chunks = len(list(cache.directory.glob("vectors-*.npz")))
    print(f"kept {len(cache)} vectors for {len(set(texts))} training examples in {chunks} chunks, dropped {dropped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
