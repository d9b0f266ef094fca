"""The catalogs are current, complete, and keep every placeholder of the English text."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from knowledge import load_knowledge

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
CODES = load_knowledge().codes
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def catalog(code: str):  # type: ignore[no-untyped-def]
    with (LOCALES / code.replace("-", "_") / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def test_template_matches_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "locales/babel.cfg",
            "-k",
            "N_",
            "--no-default-keywords",
            "--omit-header",
            "--sort-output",
            "--no-location",
            "--ignore-dirs",
            ".* _* tests",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with fresh.open("rb") as new, (LOCALES / "messages.pot").open("rb") as committed:
        assert {m.id for m in read_po(new)} == {m.id for m in read_po(committed)}, "run the extract command in README"


@pytest.mark.parametrize("code", CODES)
def test_catalog_is_complete_and_up_to_date(code: str) -> None:
    with (LOCALES / "messages.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    messages = {m.id: m for m in catalog(code) if m.id}
    assert set(messages) == template
    untranslated = [key for key, m in messages.items() if not m.string or m.fuzzy]
    assert untranslated == []


@pytest.mark.parametrize("code", CODES)
def test_placeholders_match_english(code: str) -> None:
    english = {m.id: m.string for m in catalog("en") if m.id}
    for message in catalog(code):
        if message.id:
            assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(english[message.id])), (
                message.id
            )


@pytest.mark.parametrize("code", CODES)
def test_catalog_states_its_review_status(code: str) -> None:
    path = LOCALES / code.replace("-", "_") / "LC_MESSAGES" / "messages.po"
    header = path.read_text(encoding="utf-8")
    status = re.search(r"^# Status: (\S+)$", header, re.MULTILINE)
    assert status is not None and status.group(1) in ("machine-drafted", "reviewed")
    assert code != "en" or status.group(1) == "reviewed"


@pytest.mark.parametrize("code", [c for c in CODES if c != "en"])
def test_no_catalog_falls_back_to_english(code: str) -> None:
    """A short word may be the same in both ("Sources" in French, the name "aclara"); a sentence may not."""
    english = {m.id: m.string for m in catalog("en") if m.id}
    same = [m.id for m in catalog(code) if m.id and m.string == english[m.id]]
    assert len(same) <= 3, same
    assert [key for key in same if len(english[key]) > 20] == []
