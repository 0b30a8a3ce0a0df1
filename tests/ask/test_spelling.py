"""Question reading never corrupts a question: real words stay, typos are corrected only to what the sources name,
and every change is reported."""

from __future__ import annotations

import pytest

from indexer import Config, Engine
from indexer.ask.spelling import max_distance
from tests.fakes import FakeEmbedder

DOCS = {
    # The corpus names levetiracetam only by its brand, Keppra.
    "keppra.txt": "Keppra is used to control partial seizures in adults and children.\n\n"
                  "Take Keppra twice a day, in the morning and in the evening, with or without food.\n",
    "escitalopram.txt": "Escitalopram can cause hypotension, dizziness and nausea in some patients.\n\n"
                        "Rifaximin is an antibiotic used to treat diarrhea in travelers.\n",
    "tablets.txt": "How many tablets a day: do not take more than 15 tablets in 24 hours.\n\n"
                   "Tapering the dose slowly lowers the risk of withdrawal symptoms.\n",
}


@pytest.fixture(scope="module")
def read(tmp_path_factory, drug_names):
    root = tmp_path_factory.mktemp("spelling")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    config = Config(corpus_dir=corpus, index_dir=root / "index", model_name=FakeEmbedder.name)
    return Engine.open(config, embedder=FakeEmbedder(), drug_names=drug_names).reader.read


def corrections(understood) -> list[tuple[str, str]]:
    return [(c.original, c.corrected) for c in understood.corrections]


@pytest.mark.parametrize("question", [
    # The review's examples: each was once "corrected" into a drug name (cefotaxime, angiotensinogen, ...).
    "Is tapering off safe with hypertension?",
    "migraine after anesthesia",
    "hepatic problems and heparin",
    "Can I take it with alcohol during pregnancy?",
    "How much does it cost?",
])
def test_real_words_are_never_corrected(read, question):
    assert corrections(read(question)) == []


@pytest.mark.parametrize("question, typo, fixed", [
    ("hyptotension caused by escitalopram?", "hyptotension", "hypotension"),  # a word of the index
    ("escitalopram hyptotension", "hyptotension", "hypotension"),
    ("how many tablets aday", "aday", "a day"),  # two words run together
    ("why did my doctor give me level iracetam", "level iracetam", "levetiracetam"),  # split apart
    ("levetiracetm for seizures", "levetiracetm", "levetiracetam"),  # named by the corpus only as Keppra
])
def test_typos_from_real_questions_are_corrected_and_reported(read, question, typo, fixed):
    understood = read(question)
    assert (typo, fixed) in corrections(understood)
    assert f"{typo} → {fixed}" in understood.notes()


def test_the_corrected_question_keeps_the_rest_as_typed(read):
    understood = read("Hyptotension with ESCITALOPRAM, really?")
    assert understood.corrected == "Hypotension with ESCITALOPRAM, really?"


def test_a_typo_nearest_to_a_drug_the_sources_never_name_is_left_alone(read):
    # "rivatigmine" is one letter from rivastigmine (not in these sources), three from rifaximin (in them).
    understood = read("how does rivatigmine interact with sleep medicine")
    assert corrections(understood) == []
    assert "rivatigmine" in understood.unmatched


def test_a_misspelt_word_whose_nearest_word_the_sources_never_use_is_left_alone(read):
    # "voiting" is one edit from "voting" and from "vomiting": neither is in these sources.
    assert corrections(read("what happens if voiting happens")) == []


def test_of_equally_near_words_the_one_the_sources_use_is_chosen(tmp_path, drug_names):
    # "voiting" is one edit from "voting" (more common in English) and from "vomiting" (in these sources).
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "vomiting.txt").write_text("If vomiting happens within an hour of a dose, ask your pharmacist.\n",
                                         encoding="utf-8")
    config = Config(corpus_dir=corpus, index_dir=tmp_path / "index", model_name=FakeEmbedder.name)
    read = Engine.open(config, embedder=FakeEmbedder(), drug_names=drug_names).reader.read
    assert corrections(read("what happens if voiting happens")) == [("voiting", "vomiting")]


def test_the_distance_allowed_grows_with_the_word():
    assert [max_distance("x" * n) for n in (4, 6, 7, 10, 11, 15)] == [1, 1, 2, 2, 3, 3]


def test_brand_names_the_sources_use_are_searched_for_a_generic(read):
    understood = read("levetiracetam dose")
    drug = next(d for d in understood.drugs if d.generic == "levetiracetam")
    assert drug.named and "keppra" in drug.source_names
    assert "keppra" in understood.search_text.lower()
