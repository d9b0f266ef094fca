"""Check that key figures, phone numbers and names agree with one reference table, in every language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from knowledge._model import Problem, Topic
from knowledge._yaml import load_yaml

__all__ = ["check_figures", "numbers_in", "phones_in"]

_PHONE = re.compile(r"(?<!\d)\d{3}-\d{3}-\d{4}(?!\d)")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")
_THOUSANDS = re.compile(r"[.,\u00a0\u202f ](?=\d{3}(?!\d))")
MIN_DIGITS = 3


def phones_in(text: str) -> list[str]:
    """Every US phone number written as 800-829-1040."""
    return _PHONE.findall(text)


def normalize_number(raw: str) -> str:
    """47,000 / 47.000 / 47 000 -> 47000; 1.28 / 1,28 -> 1.28."""
    return _THOUSANDS.sub("", raw).replace(",", ".").replace(" ", "")


def numbers_in(text: str) -> list[str]:
    """Every number with at least MIN_DIGITS digits, normalized; phone numbers excluded."""
    found = []
    for match in _NUMBER.finditer(_PHONE.sub(" ", text)):
        number = normalize_number(match.group().strip())
        if sum(ch.isdigit() for ch in number) >= MIN_DIGITS:
            found.append(number)
    return found


def check_figures(path: Path, topics: list[Topic], known_ids: set[str], problems: list[Problem]) -> None:
    """Append a problem for each figure, phone number or name that disagrees with figures.yml."""
    name = path.name
    try:
        raw: Any = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(Problem(name, "(file)", f"cannot read: {exc}".splitlines()[0]))
        return
    raw = raw if isinstance(raw, dict) else {}
    phones = {str(p) for p in raw.get("phones") or []}
    numbers = {normalize_number(str(n)) for n in raw.get("numbers") or []}
    required: dict[str, list[str]] = raw.get("required") or {}
    for topic_id in required:
        if topic_id not in known_ids:
            problems.append(Problem(name, f"required.{topic_id}", "unknown topic"))
    for topic in topics:
        file = f"data/{topic.id}.yml"
        for code, text in topic.text.items():
            for part in ("title", "long", "short"):
                value = getattr(text, part)
                for phone in phones_in(value):
                    if phone not in phones:
                        problems.append(Problem(file, f"text.{code}.{part}", f"phone number {phone} is not in {name}"))
                for number in numbers_in(value):
                    if number not in numbers:
                        problems.append(Problem(file, f"text.{code}.{part}", f"figure {number} is not in {name}"))
            for item in required.get(topic.id, []):
                item = str(item)
                present = (
                    normalize_number(item) in numbers_in(text.long) if _NUMBER.fullmatch(item) else item in text.long
                )
                if not present:
                    problems.append(Problem(file, f"text.{code}.long", f"must state {item} (see {name})"))
