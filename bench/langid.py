"""Compare offline language detectors on short, realistic messages in the 21 target languages.

    python -m bench.langid [--threshold 0.8] [--errors] [--detectors knowledge py3langid lingua]
    python -m bench.langid --detectors knowledge --min-accuracy 0.9   # exit 1 below 90% (make test)

Messages come from bench/data/langid/<code>.yml (written for measuring, never used for training).
"knowledge" is the gateway's detector (knowledge.langid), trained on the knowledge base's example
questions, which share no message with these files. The other two are general-purpose detectors,
each restricted to the target languages it supports. For them, Chinese is split into zh-Hans
and zh-Hant by counting characters that exist in only one of the two scripts. For each language
it prints top-1 accuracy, and the share of messages that are both right and above the confidence
threshold (what the gateway would trust without falling back to the session or Accept-Language).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data" / "langid"
TARGETS = "en es zh-Hans zh-Hant vi ko tl ht ar pt ru fr fa pl ja gu pa km ur bn it".split()  # noqa: SIM905
# Frequent characters that differ between the scripts (same position = same word).
_HANS = set(
    "们这个国税务门说请问吗么时会为过还对关资讯号码帮际联让给没样该办发现应间题谢证护报钱银账专网电话从处东纪录简检举后"
)
_HANT = set(
    "們這個國稅務門說請問嗎麼時會為過還對關資訊號碼幫際聯讓給沒樣該辦發現應間題謝證護報錢銀帳專網電話從處東紀錄簡檢舉裡後"
)
_HANT -= _HANS  # characters written alike in both scripts tell nothing

Detector = Callable[[str], tuple[str, float] | None]


def chinese_script(text: str) -> str:
    """zh-Hant if the text has more Traditional-only than Simplified-only characters, else zh-Hans."""
    hant = sum(ch in _HANT for ch in text)
    hans = sum(ch in _HANS for ch in text)
    return "zh-Hant" if hant > hans else "zh-Hans"


def _with_script(code: str, text: str) -> str:
    return chinese_script(text) if code == "zh" else code


def py3langid_detector() -> Detector:
    """py3langid (what the gateway uses), restricted to the target languages."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(sorted({code.split("-")[0] for code in TARGETS}))

    def detect(text: str) -> tuple[str, float] | None:
        code, probability = identifier.classify(text)
        return _with_script(code, text), float(probability)

    return detect


def lingua_detector() -> Detector:
    """lingua-language-detector (high-accuracy mode), restricted to the target languages it has."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = []
    for code in {c.split("-")[0] for c in TARGETS}:
        try:
            languages.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except (AttributeError, ValueError):
            continue  # not supported by lingua (ht, km): always counted as a miss
    detector = LanguageDetectorBuilder.from_languages(*languages).build()

    def detect(text: str) -> tuple[str, float] | None:
        values = detector.compute_language_confidence_values(text)
        if not values:
            return None
        best = values[0]
        return _with_script(best.language.iso_code_639_1.name.lower(), text), float(best.value)

    return detect


def knowledge_detector() -> Detector:
    """knowledge.langid (what the gateway uses), trained on the knowledge base, without a prior."""
    from knowledge import load_knowledge
    from knowledge.langid import NgramLanguageDetector

    return NgramLanguageDetector.from_knowledge(load_knowledge()).detect


DETECTORS: dict[str, Callable[[], Detector]] = {
    "knowledge": knowledge_detector,
    "py3langid": py3langid_detector,
    "lingua": lingua_detector,
}


def load_messages() -> dict[str, list[str]]:
    """Language code -> messages, for every target language that has a data file."""
    messages = {}
    for code in TARGETS:
        path = DATA / f"{code}.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["code"] != code:
            raise SystemExit(f"{path}: code is {data['code']!r}, expected {code!r}")
        messages[code] = [str(m) for m in data["messages"]]
    return messages


def main() -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.langid", description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=0.8, help="confidence the gateway trusts")
    parser.add_argument("--errors", action="store_true", help="list every misdetected message")
    parser.add_argument("--detectors", nargs="+", choices=sorted(DETECTORS), default=list(DETECTORS))
    parser.add_argument("--min-accuracy", type=float, help="exit 1 if the first detector is below this in a language")
    args = parser.parse_args()
    messages = load_messages()
    results: dict[str, dict[str, tuple[int, int, int]]] = {}
    errors: list[str] = []
    for name in args.detectors:
        build = DETECTORS[name]
        started = time.monotonic()
        detect = build()
        loaded = time.monotonic() - started
        counts: dict[str, tuple[int, int, int]] = {}
        started = time.monotonic()
        for code, texts in messages.items():
            right = confident = 0
            for text in texts:
                found = detect(text)
                ok = found is not None and found[0] == code
                right += ok
                confident += ok and found is not None and found[1] >= args.threshold
                if not ok:
                    errors.append(f"  {name} {code} -> {found[0] if found else None}: {text}")
            counts[code] = (right, confident, len(texts))
        per_message_ms = (time.monotonic() - started) * 1000 / sum(len(t) for t in messages.values())
        results[name] = counts
        print(f"{name}: loaded in {loaded:.1f} s, {per_message_ms:.2f} ms per message")
    names = list(results)
    print(f"\n{'language':<10}{'n':>4}" + "".join(f"{n + ' top-1':>18}{'≥' + str(args.threshold):>8}" for n in names))
    for code in messages:
        n = len(messages[code])
        cells = "".join(f"{results[x][code][0] / n:>18.0%}{results[x][code][1] / n:>8.0%}" for x in names)
        print(f"{code:<10}{n:>4}" + cells)
    total = sum(len(t) for t in messages.values())
    cells = "".join(
        f"{sum(c[0] for c in results[x].values()) / total:>18.1%}{sum(c[1] for c in results[x].values()) / total:>8.1%}"
        for x in names
    )
    print(f"{'all':<10}{total:>4}" + cells)
    if args.errors:
        print("\nmisdetected (detector language -> detected: text):")
        print("\n".join(errors))
    if args.min_accuracy is not None:
        first = results[names[0]]
        low = [f"{code} {c[0] / c[2]:.0%}" for code, c in first.items() if c[0] / c[2] < args.min_accuracy]
        if low:
            print(f"\nFAIL: {names[0]} detects below {args.min_accuracy:.0%} in: {', '.join(low)}")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
