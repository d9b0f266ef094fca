from __future__ import annotations

import datetime as dt
import functools
import shutil
from pathlib import Path

import pytest
import yaml

from knowledge import DATA_DIR, KnowledgeError, check_knowledge, load_knowledge
from knowledge.__main__ import main
from knowledge._load import _similar_pairs, _trigrams

TODAY = dt.date(2026, 11, 28)


def test_real_knowledge_base_loads_with_every_language() -> None:
    kb = load_knowledge()
    assert len(kb.topics) >= 10
    assert kb.codes[:2] == ("en", "es")
    for topic in kb.topics:
        assert set(topic.text) == set(kb.codes)
        assert topic.sources
    assert kb.topic_for_intent(kb.topics[0].intent) is kb.topics[0]


def test_real_knowledge_base_has_no_errors() -> None:
    assert [p for p in check_knowledge(today=TODAY) if p.is_error] == []


EDITED = (
    "about.service",
    "events.court-cases",
    "events.how-many",
    "for-me.itin",
    "help.free-help",
    "help.taxpayer-advocate",
)
"""The topics these tests break."""


@functools.cache
def related_closure(seed: tuple[str, ...]) -> frozenset[str]:
    """`seed` and every topic reachable from it through `related`, so a copy of them has no dangling link."""
    found, todo = set(seed), list(seed)
    while todo:
        data = yaml.safe_load((DATA_DIR / "data" / f"{todo.pop()}.yml").read_text(encoding="utf-8"))
        for topic in data.get("related") or []:
            if topic not in found:
                found.add(topic)
                todo.append(topic)
    return frozenset(found)


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A copy of the real knowledge directory to break in small ways: the topics the tests edit and
    those they relate to (half of them; a full check of every topic takes 15-25 s here), with
    figures.yml requiring figures of the copied topics only. The copy has no problem to start with."""
    topics = related_closure(EDITED)
    for name in ("languages.yml", "dialogue.yml"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    figures = yaml.safe_load((DATA_DIR / "figures.yml").read_text(encoding="utf-8"))
    figures["required"] = {topic: items for topic, items in figures["required"].items() if topic in topics}
    (tmp_path / "figures.yml").write_text(yaml.safe_dump(figures, allow_unicode=True), encoding="utf-8")
    (tmp_path / "data").mkdir()
    for topic in topics:
        shutil.copy(DATA_DIR / "data" / f"{topic}.yml", tmp_path / "data" / f"{topic}.yml")
    return tmp_path


def test_the_cut_copy_starts_without_problems(kb_dir: Path) -> None:
    assert len(list((kb_dir / "data").glob("*.yml"))) < len(list((DATA_DIR / "data").glob("*.yml")))
    assert messages(kb_dir) == []


def edit(kb_dir: Path, topic_id: str, change) -> None:  # type: ignore[no-untyped-def]
    path = kb_dir / "data" / f"{topic_id}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def messages(kb_dir: Path) -> list[str]:
    return [str(p) for p in check_knowledge(kb_dir, today=TODAY)]


def test_missing_language(kb_dir: Path) -> None:
    edit(kb_dir, "about.service", lambda d: d["text"].pop("es"))
    assert messages(kb_dir) == ["data/about.service.yml: text.es: error: missing language"]


def test_missing_source(kb_dir: Path) -> None:
    edit(kb_dir, "about.service", lambda d: d.pop("sources"))
    assert messages(kb_dir) == [
        "data/about.service.yml: sources: error: missing: every topic needs at least one source"
    ]


def test_malformed_dates(kb_dir: Path) -> None:
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["last_reviewed"] = "28/11/2026"
        d["sources"][0]["published"] = "2026-13-01"

    edit(kb_dir, "about.service", change)
    assert messages(kb_dir) == [
        "data/about.service.yml: last_reviewed: error: malformed date '28/11/2026'; use YYYY-MM-DD",
        "data/about.service.yml: sources[0].published: error: malformed date '2026-13-01'; use YYYY-MM-DD",
    ]


def test_duplicate_id(kb_dir: Path) -> None:
    shutil.copy(kb_dir / "data" / "about.service.yml", kb_dir / "data" / "about.service-copy.yml")
    found = messages(kb_dir)
    assert (
        "data/about.service.yml: id: error: duplicate id 'about.service', also in data/about.service-copy.yml" in found
    )
    assert "data/about.service-copy.yml: id: error: must match the file name 'about.service-copy'" in found


def test_short_answer_over_sms_budget(kb_dir: Path) -> None:
    edit(kb_dir, "about.service", lambda d: d["text"]["es"].update(short="á" * 202))
    edit(kb_dir, "help.free-help", lambda d: d["text"]["en"].update(short="a" * 460))
    found = messages(kb_dir)
    assert "data/about.service.yml: text.es.short: error: over the SMS budget: 202 of 201" in found
    assert "data/help.free-help.yml: text.en.short: error: over the SMS budget: 460 of 459" in found


def test_unknown_related_topic(kb_dir: Path) -> None:
    edit(kb_dir, "about.service", lambda d: d.update(related=["help.nowhere"]))
    assert messages(kb_dir) == ["data/about.service.yml: related[0]: error: unknown topic 'help.nowhere'"]


def test_stale_review_by_is_a_warning(kb_dir: Path) -> None:
    edit(kb_dir, "about.service", lambda d: d.update(review_by=dt.date(2026, 11, 30)))
    problems = check_knowledge(kb_dir, today=dt.date(2026, 12, 1))
    stale = [p for p in problems if p.field == "review_by"]
    assert [str(p) for p in stale] == ["data/about.service.yml: review_by: warning: stale: review was due 2026-11-30"]
    assert not any(p.is_error for p in problems)


def test_status_topic_review_window(kb_dir: Path) -> None:
    edit(kb_dir, "events.court-cases", lambda d: d.update(review_by=dt.date(2027, 4, 1)))
    assert messages(kb_dir) == [
        "data/events.court-cases.yml: review_by: error: status topics must be reviewed within 120 days"
    ]


def test_outdated_translation_is_reported(kb_dir: Path) -> None:
    version = load_knowledge(kb_dir).topic("about.service").text["en"].version  # type: ignore[union-attr]
    edit(kb_dir, "about.service", lambda d: d["text"]["en"].update(version=version + 1))
    assert messages(kb_dir) == [
        f"data/about.service.yml: text.{code}.from_version: warning: outdated: made from English version {version}, "
        f"English is now {version + 1}"
        for code in load_knowledge(kb_dir).codes[1:]
    ]


def test_every_problem_is_reported_at_once(kb_dir: Path) -> None:
    edit(kb_dir, "about.service", lambda d: d["text"].pop("es"))
    edit(kb_dir, "help.free-help", lambda d: d.pop("sources"))
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(kb_dir)
    assert [p.file for p in caught.value.problems] == ["data/about.service.yml", "data/help.free-help.yml"]


def test_same_question_in_two_topics(kb_dir: Path) -> None:
    question = load_knowledge(kb_dir).topic("about.service").text["en"].examples[0]  # type: ignore[union-attr]
    edit(kb_dir, "help.free-help", lambda d: d["text"]["en"]["examples"].append(question.upper()))
    assert messages(kb_dir) == [
        "data/about.service.yml: text.en.examples[0]: error: same question as in help.free-help"
    ]


def test_cli_exit_codes(kb_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--dir", str(kb_dir)]) == 0
    edit(kb_dir, "about.service", lambda d: d["text"].pop("es"))
    assert main(["check", "--dir", str(kb_dir)]) == 1
    assert "1 errors, 0 warnings" in capsys.readouterr().out


def test_nearly_the_same_question_in_two_topics(kb_dir: Path) -> None:
    service = load_knowledge(kb_dir).topic("about.service")
    assert service is not None
    english = max(service.text["en"].examples, key=len)
    index = service.text["en"].examples.index(english)
    middle = len(english) // 2
    typo = english[:middle] + english[middle + 1 :]  # one letter missing
    shouted = service.text["es"].examples[0].upper() + "?!"  # same words, other case and punctuation
    edit(kb_dir, "help.free-help", lambda d: d["text"]["es"]["examples"].append(shouted))
    edit(kb_dir, "for-me.itin", lambda d: d["text"]["en"]["examples"].append(typo))
    assert messages(kb_dir) == [
        f"data/about.service.yml: text.en.examples[{index}]: error: nearly the same question as in for-me.itin",
        "data/about.service.yml: text.es.examples[0]: error: same question as in help.free-help",
    ]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_changed_figure_fails_in_any_language(kb_dir: Path, lang: str) -> None:
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["text"][lang]["long"] = d["text"][lang]["long"].replace("47,000", "57,000")

    edit(kb_dir, "events.how-many", change)
    found = messages(kb_dir)
    assert f"data/events.how-many.yml: text.{lang}.long: error: figure 57000 is not in figures.yml" in found
    assert f"data/events.how-many.yml: text.{lang}.long: error: must state 47,000 (see figures.yml)" in found


@pytest.mark.parametrize("lang", ["en", "es"])
def test_one_wrong_digit_in_a_phone_number_fails(kb_dir: Path, lang: str) -> None:
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["text"][lang]["short"] = d["text"][lang]["short"].replace("877-777-4778", "877-777-4779")

    edit(kb_dir, "help.taxpayer-advocate", change)
    assert messages(kb_dir) == [
        f"data/help.taxpayer-advocate.yml: text.{lang}.short: error: phone number 877-777-4779 is not in figures.yml"
    ]


def test_thousands_separators_and_decimal_commas_are_read_alike() -> None:
    from knowledge._figures import numbers_in

    assert numbers_in("47,000 o 47.000 o 1,28 millones, llame al 800-829-1040") == ["47000", "47000", "1.28"]


def test_answer_above_the_reading_grade_fails(kb_dir: Path) -> None:
    dense = (
        "Notwithstanding statutory confidentiality protections, the administration's interagency memorandum "
        "contemplates verification of individualized taxpayer information for enforcement investigations. "
    )

    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["text"]["en"]["long"] = dense + d["text"]["en"]["long"]

    edit(kb_dir, "about.service", change)
    [problem] = [m for m in messages(kb_dir) if "reading grade" in m and "about.service" in m]
    assert problem.startswith("data/about.service.yml: text.en.long: error: reading grade ")
    assert problem.endswith(" is above 9.0")


def test_language_aliases_must_be_a_list_of_names(kb_dir: Path) -> None:
    path = kb_dir / "languages.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("aliases: [castellano]", "aliases: castellano"))
    assert messages(kb_dir) == ["languages.yml: [1].aliases: error: must be a list of names"]


def edit_languages(kb_dir: Path, code: str, change) -> None:  # type: ignore[no-untyped-def]
    path = kb_dir / "languages.yml"
    languages = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(next(lang for lang in languages if lang["code"] == code))
    path.write_text(yaml.safe_dump(languages, allow_unicode=True), encoding="utf-8")


def test_long_answers_are_measured_in_each_language_unit(kb_dir: Path) -> None:
    kb = load_knowledge(kb_dir)
    assert kb.language("en").long_limit == (180, "words")  # type: ignore[union-attr]
    assert kb.language("vi").long_limit == (270, "words")  # type: ignore[union-attr]
    assert kb.language("zh-Hans").long_limit == (450, "chars")  # type: ignore[union-attr]
    assert kb.language("zh-Hans").measure("一二 三") == 3  # type: ignore[union-attr]
    edit_languages(kb_dir, "zh-Hans", lambda lang: lang.update(long_limit={"chars": 50}))
    found = messages(kb_dir)
    assert found and all("text.zh-Hans.long: error: has " in p and "chars; at most 50" in p for p in found)


def test_a_bad_long_limit_or_month_list_is_reported(kb_dir: Path) -> None:
    edit_languages(kb_dir, "vi", lambda lang: lang.update(long_limit={"pages": 2}))
    edit_languages(kb_dir, "ht", lambda lang: lang.update(months=["janvye"]))
    index = {lang["code"]: i for i, lang in enumerate(yaml.safe_load((kb_dir / "languages.yml").read_text()))}
    assert [m for m in messages(kb_dir) if m.startswith("languages.yml")] == [
        f"languages.yml: [{index['vi']}].long_limit: error: must be {{words: N}} or {{chars: N}}",
        f"languages.yml: [{index['ht']}].months: error: must list the 12 month names, January first",
    ]


def test_a_name_two_languages_share_is_reported(kb_dir: Path) -> None:
    edit_languages(kb_dir, "pt", lambda lang: lang["aliases"].append("Español"))
    assert messages(kb_dir) == ["languages.yml: pt: error: name 'Español' also names es"]


def test_the_near_duplicate_search_needs_examples_grouped_by_topic() -> None:
    same = _trigrams("how do i renew my itin")
    assert len(_similar_pairs(((0, 0, "a", same), (1, 0, "a", same)))) == 1
    with pytest.raises(ValueError, match="items must come grouped by topic, in topic order"):
        _similar_pairs(((1, 0, "a", same), (0, 0, "a", same)))
