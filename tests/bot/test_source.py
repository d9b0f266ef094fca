from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from components import source
from components.classifier import TfidfLogisticRegressionClassifier
from components.embeddings import SentenceEmbeddingFeaturizer
from components.featurizer import NumberKeepingCountVectorsFeaturizer
from components.respelling import EncoderRespeller
from components.tokenizer import MultilingualTokenizer
from rasa.engine.training.fingerprinting import calculate_fingerprint_key

from tools.paths import BOT

OURS = [
    MultilingualTokenizer,
    NumberKeepingCountVectorsFeaturizer,
    EncoderRespeller,
    SentenceEmbeddingFeaturizer,
    TfidfLogisticRegressionClassifier,
]


def test_every_component_of_ours_in_the_pipeline_is_fingerprinted_by_the_package_source() -> None:
    pipeline = yaml.safe_load((BOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    ours = {step["name"] for step in pipeline if step["name"].startswith("components.")}
    assert ours == {f"{c.__module__}.{c.__name__}" for c in OURS}
    for component in OURS:
        assert component.fingerprint_addon({}) == source.package_digest()


def test_the_package_source_covers_the_helpers_the_classes_call() -> None:
    names = {path.name for path in source.package_files()}
    assert {"respelling.py", "one_vs_rest.py", "folding.py", "source.py", "_model.py"} <= names
    assert all(path.is_file() for path in source.package_files())


def test_a_changed_helper_changes_the_digest(tmp_path: Path) -> None:
    helper, other = tmp_path / "helper.py", tmp_path / "other.py"
    helper.write_text("A = 1\n")
    other.write_text("B = 2\n")
    before = source.digest([helper, other])
    assert source.digest([helper, other]) == before
    helper.write_text("A = 2\n")
    assert source.digest([helper, other]) != before


def test_rasa_retrains_a_component_whose_helpers_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    key = calculate_fingerprint_key(EncoderRespeller, {}, {})
    monkeypatch.setattr(source, "package_digest", lambda: "another source")
    assert calculate_fingerprint_key(EncoderRespeller, {}, {}) != key  # not taken from Rasa's training cache
