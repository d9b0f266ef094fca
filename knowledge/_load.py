"""Read the knowledge files, check every rule, and build a KnowledgeBase."""

from __future__ import annotations

import bisect
import collections
import dataclasses
import datetime as dt
import functools
import math
import re
from pathlib import Path
from typing import Any

import yaml

from knowledge._figures import check_figures
from knowledge._model import (
    CATEGORIES,
    DIALOGUE_INTENTS,
    STATUSES,
    KnowledgeBase,
    Language,
    Problem,
    Source,
    Topic,
    Translation,
    normalize_text,
)
from knowledge._yaml import load_yaml
from knowledge.readability import readability
from knowledge.sms import sms_budget, sms_length

__all__ = ["DATA_DIR", "KnowledgeError", "check_knowledge", "load_knowledge"]

DATA_DIR = Path(__file__).resolve().parent
MIN_EXAMPLES = 12
MAX_STATUS_REVIEW_DAYS = 120
NEAR_DUPLICATE = 0.8
MAX_GRADE = 9.0
"""Answers aim at reading grade 6-8; the formulas are rough, so the check allows one grade more."""
_ID = re.compile(r"^(?P<category>[a-z-]+)\.[a-z0-9]+(?:-[a-z0-9]+)*$")
_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)|https?://")


class KnowledgeError(Exception):
    """The knowledge files have errors; `problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_knowledge(directory: Path = DATA_DIR) -> KnowledgeBase:
    """Load and validate languages.yml and data/*.yml. Raises KnowledgeError listing all errors.
    The slower quality checks (near-duplicate examples, reading level, stale reviews) run only in
    check_knowledge, which `make check` and the test suite run on every change."""
    kb, problems = _read(directory)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise KnowledgeError(errors)
    return kb


def check_knowledge(directory: Path = DATA_DIR, *, today: dt.date | None = None) -> list[Problem]:
    """Every error and warning in the knowledge files, including stale review dates."""
    kb, problems = _read(directory)
    _check_examples(list(kb.topics), problems)
    today = today or dt.date.today()
    for topic in kb.topics:
        if topic.is_stale(today):
            problems.append(
                Problem(_file(topic.id), "review_by", f"stale: review was due {topic.review_by}", is_error=False)
            )
        for code, translation in topic.text.items():
            for kind in ("long", "short"):
                level = readability(getattr(translation, kind), code)
                if level is not None and level.grade > MAX_GRADE:
                    message = f"reading grade {level.grade} is above {MAX_GRADE}"
                    problems.append(Problem(_file(topic.id), f"text.{code}.{kind}", message))
    return problems


def _file(topic_id: str) -> str:
    return f"data/{topic_id}.yml"


def _read(directory: Path) -> tuple[KnowledgeBase, list[Problem]]:
    problems: list[Problem] = []
    languages = _read_languages(directory / "languages.yml", problems)
    codes = [lang.code for lang in languages]
    topics: list[Topic] = []
    seen: dict[str, str] = {}
    known_ids: set[str] = set()
    for path in sorted((directory / "data").glob("*.yml")):
        name = f"data/{path.name}"
        try:
            raw = load_yaml(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(Problem(name, "(file)", f"not valid YAML: {exc}".splitlines()[0]))
            continue
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(raw_id, str):
            if raw_id in seen:
                problems.append(Problem(name, "id", f"duplicate id {raw_id!r}, also in {seen[raw_id]}"))
                continue
            seen[raw_id] = name
            known_ids.add(raw_id)
        topic = _read_topic(name, path.stem, raw, languages, problems)
        if topic is not None:
            topics.append(topic)
    topics.sort(key=lambda t: (CATEGORIES.index(t.category), t.id))
    dialogue = _read_dialogue(directory / "dialogue.yml", codes, problems)
    _check_links(topics, known_ids, problems)
    check_figures(directory / "figures.yml", topics, known_ids, problems)
    return KnowledgeBase(languages=tuple(languages), topics=tuple(topics), dialogue=dialogue), problems


def _read_dialogue(path: Path, codes: list[str], problems: list[Problem]) -> dict[str, dict[str, tuple[str, ...]]]:
    name = path.name
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(Problem(name, "(file)", f"cannot read: {exc}".splitlines()[0]))
        return {}
    raw = raw if isinstance(raw, dict) else {}
    dialogue: dict[str, dict[str, tuple[str, ...]]] = {}
    for intent in raw:
        if intent not in DIALOGUE_INTENTS:
            problems.append(Problem(name, str(intent), f"unknown intent; use one of: {', '.join(DIALOGUE_INTENTS)}"))
    for intent in DIALOGUE_INTENTS:
        by_lang = raw.get(intent) if isinstance(raw.get(intent), dict) else {}
        dialogue[intent] = {}
        for code in codes:
            examples = by_lang.get(code)
            if not isinstance(examples, list) or not all(isinstance(e, str) and e.strip() for e in examples):
                problems.append(Problem(name, f"{intent}.{code}", "missing language"))
            elif len(examples) < MIN_EXAMPLES:
                needs = f"has {len(examples)}; needs at least {MIN_EXAMPLES}"
                problems.append(Problem(name, f"{intent}.{code}", needs))
            else:
                dialogue[intent][code] = tuple(str(e).strip() for e in examples)
    return dialogue


def _read_languages(path: Path, problems: list[Problem]) -> list[Language]:
    name = path.name
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(Problem(name, "(file)", f"cannot read: {exc}".splitlines()[0]))
        return []
    languages: list[Language] = []
    for i, item in enumerate(raw if isinstance(raw, list) else []):
        aliases = item.get("aliases", []) if isinstance(item, dict) else []
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            problems.append(Problem(name, f"[{i}].aliases", "must be a list of names"))
            aliases = []
        try:
            lang = Language(item["code"], item["name"], item["native"], item["dir"], tuple(a.strip() for a in aliases))
        except (KeyError, TypeError):
            problems.append(Problem(name, f"[{i}]", "needs code, name, native and dir"))
            continue
        months = item.get("months", [])
        if not isinstance(months, list) or len(months) not in (0, 12) or not all(isinstance(m, str) for m in months):
            problems.append(Problem(name, f"[{i}].months", "must list the 12 month names, January first"))
        else:
            lang = dataclasses.replace(lang, months=tuple(months))
        if "long_limit" in item:
            limit = _long_limit(item["long_limit"])
            if limit is None:
                problems.append(Problem(name, f"[{i}].long_limit", "must be {words: N} or {chars: N}"))
            else:
                lang = dataclasses.replace(lang, long_limit=limit)
        if lang.dir not in ("ltr", "rtl"):
            problems.append(Problem(name, f"[{i}].dir", "must be ltr or rtl"))
        languages.append(lang)
    owners: dict[str, str] = {}
    for lang in languages:
        for lang_name in lang.names:
            key = normalize_text(lang_name)
            if owners.setdefault(key, lang.code) != lang.code:
                problems.append(Problem(name, lang.code, f"name {lang_name!r} also names {owners[key]}"))
    if not languages or languages[0].code != "en":
        problems.append(Problem(name, "[0]", "English (en) must be listed first"))
    return languages


def _long_limit(raw: Any) -> tuple[int, str] | None:
    if isinstance(raw, dict) and len(raw) == 1:
        ((unit, limit),) = raw.items()
        if unit in ("words", "chars") and isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
            return limit, unit
    return None


def _read_topic(name: str, stem: str, raw: Any, languages: list[Language], problems: list[Problem]) -> Topic | None:
    if not isinstance(raw, dict):
        problems.append(Problem(name, "(file)", "must be a mapping"))
        return None
    before = len(problems)

    def need(key: str) -> Any:
        if raw.get(key) in (None, "", []):
            problems.append(Problem(name, key, "missing"))
        return raw.get(key)

    topic_id = need("id")
    category = need("category")
    if isinstance(topic_id, str):
        match = _ID.match(topic_id)
        if not match:
            problems.append(Problem(name, "id", "must look like <category>.<slug> in lower case"))
        elif match["category"] != category:
            problems.append(Problem(name, "id", f"must start with its category {category!r}"))
        if topic_id != stem:
            problems.append(Problem(name, "id", f"must match the file name {stem!r}"))
    if category is not None and category not in CATEGORIES:
        problems.append(Problem(name, "category", f"must be one of: {', '.join(CATEGORIES)}"))
    last_reviewed = _date(name, "last_reviewed", need("last_reviewed"), problems)
    review_by = _date(name, "review_by", need("review_by"), problems)
    as_of = _date(name, "as_of", raw["as_of"], problems) if raw.get("as_of") is not None else None
    if last_reviewed and review_by:
        if review_by <= last_reviewed:
            problems.append(Problem(name, "review_by", "must be after last_reviewed"))
        elif as_of and (review_by - last_reviewed).days > MAX_STATUS_REVIEW_DAYS:
            problems.append(
                Problem(name, "review_by", f"status topics must be reviewed within {MAX_STATUS_REVIEW_DAYS} days")
            )
    related = raw.get("related") or []
    if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
        problems.append(Problem(name, "related", "must be a list of topic ids"))
        related = []
    sources = _read_sources(name, raw.get("sources"), problems)
    text = _read_text(name, raw.get("text"), languages, as_of, problems)
    if len(problems) > before or not (last_reviewed and review_by):
        return None
    return Topic(
        id=topic_id,
        category=category,
        last_reviewed=last_reviewed,
        review_by=review_by,
        as_of=as_of,
        related=tuple(related),
        sources=tuple(sources),
        text=text,
    )


def _date(name: str, key: str, value: Any, problems: list[Problem]) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(Problem(name, key, f"malformed date {str(value)!r}; use YYYY-MM-DD"))
        return None


def _read_sources(name: str, raw: Any, problems: list[Problem]) -> list[Source]:
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(name, "sources", "missing: every topic needs at least one source"))
        return []
    sources = []
    for i, item in enumerate(raw):
        where = f"sources[{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(name, where, "must be a mapping"))
            continue
        missing = [k for k in ("title", "publisher", "url", "published") if not item.get(k)]
        for key in missing:
            problems.append(Problem(name, f"{where}.{key}", "missing"))
        url = str(item.get("url", ""))
        if url and not (url.startswith(("https://", "http://", "/"))):
            problems.append(Problem(name, f"{where}.url", "must be an http(s) URL or a path on this site"))
        published = _date(name, f"{where}.published", item.get("published"), problems)
        if not missing and published:
            sources.append(Source(str(item["title"]), str(item["publisher"]), url, published))
    return sources


def _read_text(
    name: str, raw: Any, languages: list[Language], as_of: dt.date | None, problems: list[Problem]
) -> dict[str, Translation]:
    codes = [language.code for language in languages]
    if not isinstance(raw, dict):
        problems.append(Problem(name, "text", "missing"))
        return {}
    for code in raw:
        if code not in codes:
            problems.append(Problem(name, f"text.{code}", "language not listed in languages.yml"))
    english = raw.get("en") if isinstance(raw.get("en"), dict) else {}
    text: dict[str, Translation] = {}
    for language in languages:
        code = language.code
        where = f"text.{code}"
        item = raw.get(code)
        if not isinstance(item, dict):
            problems.append(Problem(name, where, "missing language"))
            continue
        translation = _read_translation(name, language, item, problems)
        if translation is None:
            continue
        if as_of and str(as_of.year) not in translation.short:
            problems.append(Problem(name, f"{where}.short", "must give the as-of date of its status facts"))
        if code != "en" and isinstance(english.get("version"), int) and translation.version < english["version"]:
            problems.append(
                Problem(
                    name,
                    f"{where}.from_version",
                    f"outdated: made from English version {translation.version}, English is now {english['version']}",
                    is_error=False,
                )
            )
        text[code] = translation
    return text


def _read_translation(
    name: str, language: Language, item: dict[str, Any], problems: list[Problem]
) -> Translation | None:
    code = language.code
    where = f"text.{code}"
    before = len(problems)
    for key in ("title", "long", "short"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            problems.append(Problem(name, f"{where}.{key}", "missing"))
    version_key = "version" if code == "en" else "from_version"
    version = item.get(version_key)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append(Problem(name, f"{where}.{version_key}", "must be a whole number from 1"))
    if item.get("status") not in STATUSES:
        problems.append(Problem(name, f"{where}.status", f"must be one of: {', '.join(STATUSES)}"))
    examples = item.get("examples")
    if not isinstance(examples, list) or not all(isinstance(e, str) and e.strip() for e in examples):
        problems.append(Problem(name, f"{where}.examples", "must be a list of questions"))
        examples = []
    elif len(examples) < MIN_EXAMPLES:
        problems.append(Problem(name, f"{where}.examples", f"has {len(examples)}; needs at least {MIN_EXAMPLES}"))
    if len(problems) > before:
        return None
    long, short = item["long"].strip(), item["short"].strip()
    size, (limit, unit) = language.measure(long), language.long_limit
    if size > limit:
        problems.append(Problem(name, f"{where}.long", f"has {size} {unit}; at most {limit}"))
    if sms_length(short) > sms_budget(short):
        problems.append(
            Problem(name, f"{where}.short", f"over the SMS budget: {sms_length(short)} of {sms_budget(short)}")
        )
    if _LINK.search(short):
        problems.append(Problem(name, f"{where}.short", "must be plain text without links"))
    return Translation(
        lang=code,
        title=item["title"].strip(),
        long=long,
        short=short,
        examples=tuple(e.strip() for e in examples),
        status=item["status"],
        version=version,
    )


def _check_links(topics: list[Topic], ids: set[str], problems: list[Problem]) -> None:
    for topic in topics:
        for i, other in enumerate(topic.related):
            if other not in ids:
                problems.append(Problem(_file(topic.id), f"related[{i}]", f"unknown topic {other!r}"))
            elif other == topic.id:
                problems.append(Problem(_file(topic.id), f"related[{i}]", "a topic cannot be related to itself"))


def _trigrams(text: str) -> frozenset[str]:
    padded = f"  {text} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


_Item = tuple[int, int, str, frozenset[str]]


@functools.lru_cache(maxsize=32)
def _similar_pairs(items: tuple[_Item, ...]) -> list[tuple[_Item, _Item]]:
    """Pairs from different topics with trigram Jaccard >= NEAR_DUPLICATE, found with prefix filtering:
    with trigrams ordered rarest first, two sets that similar must share one of their first few.
    `items` come grouped by topic, so the earlier items of other topics are the index entries before
    the current topic's first position (cut by bisection, never looked at one by one).
    Cached per language: checking again after a change recomputes only the languages it touched."""
    frequency = collections.Counter(gram for item in items for gram in item[3])
    index: dict[str, list[int]] = collections.defaultdict(list)
    pairs = []
    topic_start = 0
    for position, item in enumerate(items):
        if position and item[0] != items[position - 1][0]:
            if item[0] < items[position - 1][0]:
                raise ValueError("items must come grouped by topic, in topic order")
            topic_start = position
        grams = sorted(item[3], key=lambda gram: (frequency[gram], gram))
        prefix = grams[: len(grams) - math.ceil(NEAR_DUPLICATE * len(grams)) + 1]
        candidates = {c for gram in prefix for c in index[gram][: bisect.bisect_left(index[gram], topic_start)]}
        size = len(item[3])
        for candidate in sorted(candidates):
            other = items[candidate]
            other_size = len(other[3])
            if min(size, other_size) < NEAR_DUPLICATE * max(size, other_size):
                continue  # Jaccard is at most the ratio of the sizes
            shared = len(other[3] & item[3])
            if shared / (size + other_size - shared) >= NEAR_DUPLICATE:
                pairs.append((other, item))
        for gram in prefix:
            index[gram].append(position)
    return pairs


def _check_examples(topics: list[Topic], problems: list[Problem]) -> None:
    """Flag a question used by two topics, or so similar (trigram Jaccard >= NEAR_DUPLICATE) that
    the classifier cannot tell the topics apart."""
    by_lang: dict[str, list[_Item]] = {}
    for order, topic in enumerate(topics):
        for code, translation in topic.text.items():
            for i, example in enumerate(translation.examples):
                normalized = normalize_text(example)
                by_lang.setdefault(code, []).append((order, i, normalized, _trigrams(normalized)))
    for code, items in by_lang.items():
        found: list[tuple[tuple[int, int], str, int]] = []
        flagged: set[tuple[int, int]] = set()
        for first, second in _similar_pairs(tuple(items)):
            reason = "same question as in" if first[2] == second[2] else "nearly the same question as in"
            # report the one in the later topic, naming the earlier topic
            earlier, later = sorted((first, second))
            if (later[0], later[1]) not in flagged:
                flagged.add((later[0], later[1]))
                found.append(((later[0], later[1]), reason, earlier[0]))
        for (order, i), reason, other in sorted(found):
            problems.append(
                Problem(_file(topics[order].id), f"text.{code}.examples[{i}]", f"{reason} {topics[other].id}")
            )
