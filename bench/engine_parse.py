"""Engine-side helper (Python 3.10, rasa): parse every held-out example with a trained model.

Usage: python bench/engine_parse.py MODEL EXAMPLES.json PREDICTIONS.json
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path


async def parse_all(model: str, path: str) -> list[dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    examples = json.loads(Path(path).read_text(encoding="utf-8"))
    results = []
    for example in examples:
        parsed = await agent.parse_message(example["text"])
        ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
        results.append(
            example
            | {
                "predicted": parsed["intent"]["name"],
                "confidence": parsed["intent"]["confidence"],
                "top": ranking[0]["name"] if ranking else None,
            }
        )
    return results


if __name__ == "__main__":
    predictions = asyncio.run(parse_all(sys.argv[1], sys.argv[2]))
    with open(sys.argv[3], "w", encoding="utf-8") as out:
        json.dump(predictions, out, ensure_ascii=False)
