"""What ranking puts above a passage: its source's title, or for an untitled file the drugs it names most."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import Config, Engine
from indexer.index.build import make_passages, source_headings
from indexer.index.represent import has_title_line, ranking_text, source_heading
from indexer.ingest.sources import load_corpus, source_of
from indexer.lexicon import DrugFinder
from indexer.lexicon.lexicon import Lexicon
from tests.fakes import FakeEmbedder

EXCERPTS = (
    "take atorvastatin once a day with or without food. Lipitor tablets are white and oval.\n\n"
    "Take your medicine as directed. Do not stop taking it without talking to your doctor, even if "
    "you feel well.\n\nAtorvastatin can cause muscle pain; call your doctor if it happens.\n"
)


@pytest.fixture(scope="module")
def finder(drug_names) -> DrugFinder:
    return DrugFinder(Lexicon(drug_names))


def test_a_given_title_is_what_passages_are_ranked_under(finder):
    source = source_of(Path("a.txt"), EXCERPTS.encode(), {"title": "Statins and you"})
    assert source_heading(source, finder) == "Statins and you"


def test_a_title_like_first_line_is_kept(finder):
    source = source_of(Path("a.txt"), ("Taking Lipitor Safely\n\n" + EXCERPTS).encode(), None)
    assert source_heading(source, finder) == "Taking Lipitor Safely"


def test_an_untitled_excerpt_file_is_ranked_under_the_drug_it_names_most(finder):
    """The first line is a sentence of the text: repeating it above every passage says nothing about them, the
    drug the file keeps naming does."""
    source = source_of(Path("a.txt"), EXCERPTS.encode(), None)
    heading = source_heading(source, finder)
    assert heading.split(", ")[0] == "atorvastatin"
    assert "take atorvastatin once" not in heading


def test_a_file_that_names_no_drug_has_no_heading(finder):
    text = "rest and drink plenty of water. most colds get better within a week or two.\n"
    assert source_heading(source_of(Path("a.txt"), text.encode(), None), finder) == ""


def test_a_passage_that_never_names_its_drug_is_ranked_with_it(tmp_path: Path, drug_names):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "statin.txt").write_text(EXCERPTS, encoding="utf-8")
    loaded = load_corpus(corpus)
    headings = source_headings(loaded)
    passages = make_passages(loaded, Config(corpus_dir=corpus), headings)
    silent = next(p for p in passages if "Take your medicine as directed" in p.text)
    assert "atorvastatin" not in silent.text.lower()
    assert ranking_text(silent, headings["statin.txt".removesuffix(".txt")]).startswith("atorvastatin")
    assert silent.text == EXCERPTS[silent.start:silent.end]


def test_the_index_records_each_sources_heading(tmp_path: Path, drug_names):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "statin.txt").write_text(EXCERPTS, encoding="utf-8")
    config = Config(corpus_dir=corpus, index_dir=tmp_path / "index", model_name=FakeEmbedder.name)
    engine = Engine.open(config, embedder=FakeEmbedder(), drug_names=drug_names)
    record = engine.index.sources[0]
    assert record.title.startswith("take atorvastatin once a day")  # shown to the user as before
    assert record.heading.startswith("atorvastatin")


@pytest.mark.parametrize("first, titled", [
    ("Statin use and breast cancer survival: a cohort study", True),
    ("WARFARIN SODIUM TABLETS", True),
    ("take it once a day with food.", False),
    ("Common side effects include:", False),
    ("Color - blue, Shape - ROUND, Score - 2 pieces, Size - 11mm", False),
])
def test_a_first_line_is_a_title_when_it_does_not_read_as_a_sentence(first, titled):
    assert has_title_line(f"{first}\n\nThe rest of the article says more about it.\n") is titled


def test_a_file_of_one_line_has_no_title_line():
    assert not has_title_line("WHITE (light lavender)\n")
