from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from components.embeddings import SentenceEmbeddingFeaturizer
from components.respelling import RESPELLED, EncoderRespeller, Respeller, arabic_skeleton, latin_skeleton
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

EXAMPLES = [
    ("tôi cần giúp đỡ về thuế", "vi"),
    ("cho tôi hỏi về mã số thuế", "vi"),
    ("mã số ITIN là gì", "vi"),
    ("ma so thue la gi", "vi"),  # an unmarked example: not a source of marks
    ("عندي سؤال عن الضرائب", "ar"),
    ("شو صار بعناوين الناس", "ar"),
    ("3andi so2al", "ar"),  # Arabizi in the training data: not a source of Arabic words
    ("what is the IRS form for my address", "en"),
    ("税金の書類を教えて", "ja"),
    ("IRSの誤りを認めた", "ja"),
    ("ありがとうございます", "ja"),
]


@pytest.fixture(scope="module")
def respeller() -> Respeller:
    return Respeller.build(EXAMPLES)


def test_skeletons_of_arabic_and_arabizi_meet() -> None:
    assert arabic_skeleton("الضرائب") == "ldr2b" and latin_skeleton("dara2eb") == "dr2b"
    assert arabic_skeleton("عندي") == latin_skeleton("3andi") == "3nd"
    assert arabic_skeleton("أنا") == latin_skeleton("ana") == "n"  # a first hamza is a vowel
    assert arabic_skeleton("خلاص") == latin_skeleton("5alas") == latin_skeleton("khalas") == "xls"
    assert arabic_skeleton("عنواني") == latin_skeleton("3enwani") == "3nn" != arabic_skeleton("عن")  # not squeezed
    assert arabic_skeleton("موظف") == latin_skeleton("mowazzaf") == "mzf"  # a doubled letter is one
    assert arabic_skeleton("وين") == latin_skeleton("wein") == "wn" != latin_skeleton("ana")  # a first w or y stays
    assert arabic_skeleton("اللي") == latin_skeleton("elli") == "l"


def test_unmarked_vietnamese_gets_the_marks_of_the_training_examples(respeller: Respeller) -> None:
    assert respeller.respell("toi can giup do ve thue", "vi") == "tôi cần giúp đỡ về thuế"
    assert respeller.respell("Ma so thue?", "vi") == "mã số thuế?"  # punctuation and spacing kept
    assert respeller.respell("ma so ITIN la gi, xin chao", "vi") == "mã số itin là gì, xin chao"  # unknown words stay


def test_an_example_whose_only_mark_is_a_letter_with_two_marks_counts() -> None:
    respeller = Respeller.build([("mở menu", "vi")])  # ở: a horn and a hook
    assert respeller.respell("mo menu", "vi") == "mở menu"


def test_the_previous_word_chooses_between_spellings() -> None:
    respeller = Respeller.build([("mã số thuế", "vi"), ("thứ ba, thứ tư", "vi"), ("số ba", "vi"), ("số ba", "vi")])
    assert respeller.respell("thu ba", "vi") == "thứ ba"
    assert respeller.respell("ma so thue", "vi") == "mã số thuế"
    assert respeller.respell("so", "vi") == "số"  # no context: the most frequent form


def test_arabizi_gets_the_arabic_words_of_the_training_examples(respeller: Respeller) -> None:
    assert respeller.respell("3andi so2al 3an el dara2eb", "ar") == "عندي سؤال عن الضرائب"
    assert respeller.respell("shu sar b3anawin el nas?", "ar") == "شو صار بعناوين الناس?"
    assert respeller.respell("3andi so2al, el dara2eb", "ar") == "عندي سؤال, الضرائب"  # what precedes "el" stays


def test_arabizi_keeps_english_words_and_unknown_ones(respeller: Respeller) -> None:
    assert respeller.respell("el IRS 3andi form", "ar") == "el IRS عندي form"
    assert respeller.respell("3andi xyzzy", "ar") == "عندي xyzzy"
    assert respeller.respell("el", "ar") is None  # an article with nothing after it stays


def test_kana_only_japanese_gets_the_kanji_of_the_training_examples(respeller: Respeller) -> None:
    assert respeller.respell("ぜいきんのしょるい おしえて", "ja") == "税金の書類 教えて"
    assert respeller.respell("IRSのあやまりをみとめた？", "ja") == "IRSの誤りを認めた？"
    assert respeller.respell("しょるい、ありがとうございます", "ja") == "書類、ありがとうございます"  # kana words stay
    assert respeller.respell("ありがとうございます", "ja") is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("toi can giup do", None),  # no language: nothing is respelled
        ("toi can giup do", "es"),
        ("tôi can giúp do", "vi"),  # typed with marks already (some): left as typed
        ("عندي سؤال", "ar"),  # Arabic script already
        ("عندي سؤال عن الضرائب in the IRS", "ar"),  # mostly Arabic script
        ("3andi so2al", "fa"),
        ("xyzzy plugh", "vi"),  # nothing the tables know
        ("税金のしょるい", "ja"),  # some kanji already: left as typed
        ("ぜいきんのしょるい", "zh-Hans"),
        ("", "vi"),
    ],
)
def test_only_latin_letter_vietnamese_and_arabic_in_their_language_are_respelled(
    respeller: Respeller, text: str, language: str | None
) -> None:
    assert respeller.respell(text, language) is None


def test_tables_survive_json_and_repeat(respeller: Respeller) -> None:
    document = respeller.to_json()
    assert Respeller.from_json(document) == respeller
    assert Respeller.build(reversed(EXAMPLES)).to_json() == document  # order of examples does not matter


def storage_and_context(tmp_path: Path) -> tuple[LocalModelStorage, ExecutionContext]:
    return LocalModelStorage(tmp_path), ExecutionContext(GraphSchema({}), "respell")


def training_data() -> TrainingData:
    return TrainingData(
        [Message.build(text, intent="ask", intent_metadata={"language": language}) for text, language in EXAMPLES]
    )


def test_the_component_learns_from_training_data_and_respells_after_loading(tmp_path: Path) -> None:
    storage, context = storage_and_context(tmp_path)
    data = training_data()
    trained = EncoderRespeller.create({}, storage, Resource("respell"), context)
    trained.train(data)
    assert trained.process_training_data(data) is data
    assert not any(m.get(RESPELLED) for m in data.training_examples)  # training examples stay as typed
    loaded = EncoderRespeller.load({}, storage, Resource("respell"), context)
    assert loaded.respeller == trained.respeller == Respeller.build(EXAMPLES)
    vietnamese = Message(data={TEXT: "toi can giup do", "metadata": {"language": "vi", "chosen": False}})
    arabizi = Message(data={TEXT: "3andi so2al", "metadata": {"language": "ar"}})
    unknown = Message(data={TEXT: "toi can giup do"})
    loaded.process([vietnamese, arabizi, unknown, Message(data={"intent": "greet"})])
    assert vietnamese.get(RESPELLED) == "tôi cần giúp đỡ" and vietnamese.get(TEXT) == "toi can giup do"
    assert arabizi.get(RESPELLED) == "عندي سؤال"
    assert unknown.get(RESPELLED) is None
    assert RESPELLED not in vietnamese.as_dict(only_output_properties=True)  # never in a parse result


def test_an_untrained_component_respells_nothing(tmp_path: Path) -> None:
    storage, context = storage_and_context(tmp_path)
    component = EncoderRespeller.load({}, storage, Resource("never-trained"), context)
    message = Message(data={TEXT: "toi can giup do", "metadata": {"language": "vi"}})
    component.process([message])
    assert message.get(RESPELLED) is None


def test_the_featurizer_embeds_the_respelled_text(tmp_path: Path) -> None:
    storage, context = storage_and_context(tmp_path)
    config = {**SentenceEmbeddingFeaturizer.get_default_config(), "scale": 1.0}
    featurizer = SentenceEmbeddingFeaturizer.create(config, storage, Resource("e5"), context)
    respelled = Message(data={TEXT: "thoi toi di day", RESPELLED: "thôi tôi đi đây"})
    plain = Message(data={TEXT: "thoi toi di day"})
    featurizer.process([respelled, plain])
    marked, unmarked = featurizer.embed(["thôi tôi đi đây", "thoi toi di day"])
    assert not np.allclose(marked, unmarked, atol=1e-3)
    np.testing.assert_allclose(respelled.get_dense_features(TEXT)[1].features[0], marked, atol=1e-5)
    np.testing.assert_allclose(plain.get_dense_features(TEXT)[1].features[0], unmarked, atol=1e-5)
