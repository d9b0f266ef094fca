"""Compare NLU pipelines: training time, peak memory, model size and held-out accuracy.

    python -m bench.pipelines --config bot/config.yml bot/config-ngrams.yml [--holdout 0.25] [--scale 4]
    python -m bench.pipelines --min-accuracy 0.9 --min-accuracy-all 0.9   # make test's floors

For each config it regenerates the bot data with a deterministic held-out share per topic and
language, trains an NLU model, parses every held-out example with the real model, and prints
accuracy per language, per topic, and the most confused topic pairs. --scale N adds N noisy
copies of every training example, to measure training time at a larger data size (their
vectors are not kept in bot/vectors/).
The normal (full) training data is regenerated at the end.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import random
import resource
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import yaml

from knowledge import load_knowledge
from tools.paths import BOT, ENGINE_BIN, ROOT, VECTORS
from tools.train import engine_env, generate, rasa_train

CORE_TOPIC_EXAMPLES = 40
CORE_DIALOGUE_EXAMPLES = 30
"""The first 40 examples of a topic (30 of a dialogue intent) in each language are its core set,
written in every language from the same English questions. Every language has more, written later
in other words; the report scores the core set and all held-out examples, and each has its floor."""


def held_out_examples(test_file: Path) -> list[dict[str, object]]:
    """Held-out examples with their intent, language and whether they are core examples."""
    kb = load_knowledge()
    language_of: dict[tuple[str, str], tuple[str, bool]] = {}
    for topic in kb.topics:
        for code, text in topic.text.items():
            for index, example in enumerate(text.examples):
                language_of[(topic.intent, example)] = (code, index < CORE_TOPIC_EXAMPLES)
    for intent, by_lang in kb.dialogue.items():
        for code, examples in by_lang.items():
            for index, example in enumerate(examples):
                language_of[(intent, example)] = (code, index < CORE_DIALOGUE_EXAMPLES)
    data = yaml.safe_load(test_file.read_text(encoding="utf-8"))
    items = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            text = line.removeprefix("- ").strip()
            if text:
                lang, core = language_of[(block["intent"], text)]
                items.append({"text": text, "intent": block["intent"], "lang": lang, "core": core})
    return items


def add_noisy_copies(copies: int, seed: int = 7) -> int:
    """Write nlu-scale.yml with `copies` perturbed copies of every training example; returns how many."""
    rng = random.Random(seed)
    scaled: dict[str, list[str]] = collections.defaultdict(list)
    for path in sorted((BOT / "data" / "generated").glob("nlu-*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in block["examples"].splitlines():
                text = line.removeprefix("- ").strip()
                for _ in range(copies):
                    chars = list(text)
                    if len(chars) > 3:
                        del chars[rng.randrange(len(chars))]
                    scaled[block["intent"]].append("".join(chars) + rng.choice(["", " ?", " pls", "!!", " 🙏"]))
    document = {
        "version": "3.1",
        "nlu": [{"intent": i, "examples": "".join(f"- {e}\n" for e in set(v))} for i, v in scaled.items()],
    }
    (BOT / "data" / "generated" / "nlu-scale.yml").write_text(yaml.safe_dump(document, allow_unicode=True))
    return sum(len(set(v)) for v in scaled.values())


@contextlib.contextmanager
def new_chunks_dropped(directory: Path) -> Iterator[None]:
    """Delete the vector chunks that training writes to `directory` inside the block: the noisy
    copies of --scale are no example question, so their vectors are not kept."""
    before = set(directory.glob("vectors-*.npz"))
    try:
        yield
    finally:
        for chunk in set(directory.glob("vectors-*.npz")) - before:
            chunk.unlink()


def parse_with_engine(model: Path, examples: Path, predictions: Path) -> None:
    """Run bench/engine_parse.py (the engine's Python) on the examples; a failure stops the bench
    with the helper's last line of error output, which says why."""
    parse = subprocess.run(
        [
            str(ENGINE_BIN / "python"),
            str(ROOT / "bench" / "engine_parse.py"),
            str(model),
            str(examples),
            str(predictions),
        ],
        cwd=BOT,
        env=engine_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if parse.returncode:
        last = parse.stderr.strip().splitlines()[-1:] or ["no error output"]
        raise SystemExit(f"bench/engine_parse.py failed (exit {parse.returncode}): {last[0]}")


def evaluate(config: Path, holdout: float, scale: int) -> dict[str, object]:
    """Train one config on the training split and score it on the held-out split."""
    with tempfile.TemporaryDirectory() as tmp:
        test_file = Path(tmp) / "test.yml"
        generate("--holdout", str(holdout), "--test-out", str(test_file))
        extra = add_noisy_copies(scale) if scale else 0
        started = time.monotonic()
        with new_chunks_dropped(VECTORS) if scale else contextlib.nullcontext():
            model = rasa_train(config, Path(tmp), "bench", nlu_only=True)
        seconds = time.monotonic() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        examples = held_out_examples(test_file)
        (Path(tmp) / "examples.json").write_text(json.dumps(examples, ensure_ascii=False))
        parse_with_engine(model, Path(tmp) / "examples.json", Path(tmp) / "predictions.json")
        predictions = json.loads((Path(tmp) / "predictions.json").read_text(encoding="utf-8"))
        return {
            "config": str(config.relative_to(ROOT)),
            "train_s": round(seconds, 1),
            "peak_rss_mb_max_so_far": round(peak_mb),
            "model_mb": round(model.stat().st_size / 1e6, 2),
            "extra_examples": extra,
            "predictions": predictions,
        }


def report(result: dict[str, object], *, errors: bool = False) -> dict[str, dict[str, float]]:
    """Print accuracy per language and per topic, and the worst confusions; return the accuracy
    per language on its core held-out examples and on all of them (a fallback counts as an error)."""
    predictions: list[dict[str, object]] = result["predictions"]  # type: ignore[assignment]
    print(
        f"\n== {result['config']}: trained in {result['train_s']} s, model {result['model_mb']} MB, "
        f"peak RSS of any child so far {result['peak_rss_mb_max_so_far']} MB, {result['extra_examples']} extra examples"
    )
    by_lang: dict[str, list[bool]] = collections.defaultdict(list)
    by_lang_top: dict[str, list[bool]] = collections.defaultdict(list)
    by_lang_core: dict[str, list[bool]] = collections.defaultdict(list)
    by_intent: dict[str, dict[str, list[bool]]] = collections.defaultdict(lambda: collections.defaultdict(list))
    confusions: collections.Counter[tuple[str, str]] = collections.Counter()
    for p in predictions:
        ok = p["predicted"] == p["intent"]
        by_lang[str(p["lang"])].append(ok)
        by_lang_top[str(p["lang"])].append(p["top"] == p["intent"])
        if p.get("core", True):
            by_lang_core[str(p["lang"])].append(ok)
        by_intent[str(p["intent"])][str(p["lang"])].append(ok)
        if not ok:
            confusions[(str(p["intent"]), str(p["predicted"]))] += 1
    print("top-1 counts a fallback as wrong; 'core' are the held-out examples among each topic's first 40")
    print(f"{'language':<10}{'core n':>7}{'core top-1':>12}{'all n':>7}{'all top-1':>11}{'all, no fallback':>18}")
    for lang in sorted(by_lang):
        n, core = len(by_lang[lang]), by_lang_core[lang]
        print(
            f"{lang:<10}{len(core):>7}{sum(core) / len(core):>12.1%}{n:>7}{sum(by_lang[lang]) / n:>11.1%}"
            f"{sum(by_lang_top[lang]) / n:>18.1%}"
        )
    total = [ok for oks in by_lang.values() for ok in oks]
    core_total = [ok for oks in by_lang_core.values() for ok in oks]
    print(
        f"{'all':<10}{len(core_total):>7}{sum(core_total) / len(core_total):>12.1%}{len(total):>7}"
        f"{sum(total) / len(total):>11.1%}"
    )
    languages = sorted(by_lang)
    print("\nper intent (held-out examples right / held out, per language):")
    print(f"  {'intent':<36}" + "".join(f"{lang:>10}" for lang in languages))
    for intent in sorted(by_intent):
        cells = []
        for lang in languages:
            oks = by_intent[intent].get(lang, [])
            cells.append(f"{sum(oks)}/{len(oks)}" if oks else "-")
        print(f"  {intent:<36}" + "".join(f"{cell:>10}" for cell in cells))
    print("\nmost confused (expected -> predicted: count):")
    for (expected, predicted), count in confusions.most_common(10):
        print(f"  {expected} -> {predicted}: {count}")
    if errors:
        print("\nevery error (language, expected -> predicted (confidence): text):")
        for p in predictions:
            if p["predicted"] != p["intent"]:
                print(f"  {p['lang']} {p['intent']} -> {p['predicted']} ({p['confidence']:.2f}): {p['text']}")
    return {
        "core": {lang: sum(oks) / len(oks) for lang, oks in by_lang_core.items()},
        "all": {lang: sum(oks) / len(oks) for lang, oks in by_lang.items()},
    }


def main() -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.pipelines", description=__doc__.splitlines()[0])
    parser.add_argument("--config", nargs="+", type=Path, default=[BOT / "config.yml"])
    parser.add_argument("--holdout", type=float, default=0.25)
    parser.add_argument("--scale", type=int, default=0, help="noisy copies of each training example")
    parser.add_argument("--errors", action="store_true", help="list every misclassified held-out example")
    parser.add_argument("--min-accuracy", type=float, help="exit 1 if any language's core is below this share")
    parser.add_argument(
        "--min-accuracy-all", type=float, help="exit 1 if any language is below this share on all its held-out examples"
    )
    args = parser.parse_args()
    failed = []
    try:
        for config in args.config:
            accuracy = report(evaluate(config.resolve(), args.holdout, args.scale), errors=args.errors)
            floors = {"core": args.min_accuracy, "all": args.min_accuracy_all}
            failed += [
                f"{config.name} {lang} {subset} {share:.1%} < {floors[subset]:.0%}"
                for subset, shares in accuracy.items()
                if floors[subset] is not None
                for lang, share in shares.items()
                if share < floors[subset]
            ]
    finally:
        generate()
    if failed:
        print(f"\nFAIL: held-out intent accuracy: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
