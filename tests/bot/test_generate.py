from __future__ import annotations

from generate import UNMARKED_COPIES, nlu_document, split, unmarked_copies


def test_copies_skip_plain_examples_and_existing_twins() -> None:
    kept = ["làm mới itin", "lam moi itin", "itin là gì", "gia hạn itin"]
    assert unmarked_copies(kept, held=[]) == ["itin la gi", "gia han itin"]


def test_copies_never_reproduce_a_held_out_example() -> None:
    assert unmarked_copies(["gia hạn itin", "itin là gì"], held=["gia hàn itin"]) == ["itin la gi"]


def test_split_adds_copies_to_training_only_in_listed_languages() -> None:
    assert "vi" in UNMARKED_COPIES and "es" not in UNMARKED_COPIES
    data = {
        "vi": {"renew": ["làm mới itin", "gia hạn itin ở đâu", "itin hết hạn"]},
        "es": {"renew": ["¿cómo renuevo mi itin?", "renovación del itin", "itin vencido qué hago"]},
    }
    train, test = split(data, 0.0)
    assert train["vi"]["renew"] == [*data["vi"]["renew"], "lam moi itin", "gia han itin o dau", "itin het han"]
    assert train["es"]["renew"] == data["es"]["renew"]
    assert test == {}


def test_each_intent_of_a_language_file_names_its_language() -> None:
    document = nlu_document({"greet": ["xin chào", "chao ban"], "thanks": ["cảm ơn"]}, "vi")
    assert document["nlu"] == [
        {"intent": "greet", "metadata": {"language": "vi"}, "examples": "- xin chào\n- chao ban\n"},
        {"intent": "thanks", "metadata": {"language": "vi"}, "examples": "- cảm ơn\n"},
    ]
    assert "metadata" not in nlu_document({"greet": ["hi"]})["nlu"][0]  # the held-out file: no one language
