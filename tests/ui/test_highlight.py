"""Which sentences of a passage are highlighted and which words emphasised."""

from __future__ import annotations

from indexer.index.vector_cache import VectorCache
from indexer.text.sentences import split_sentences
from indexer.text.tokens import stem
from tests.fakes import FakeEmbedder
from ui.highlight import Marks, mark_answer, pick_sentences, term_spans


def test_term_spans_find_the_words_of_the_question_in_any_form():
    text = "Benzodiazepines and the brain’s benzodiazepine receptors."
    spans = term_spans(text, frozenset({stem("benzodiazepine"), stem("brain")}))
    assert [text[a:b] for a, b in spans] == ["Benzodiazepines", "brain’s", "benzodiazepine"]
    assert term_spans(text, frozenset()) == []


def test_pick_sentences_keeps_the_best_and_a_near_tie_in_reading_order():
    spans = [(0, 10), (11, 20), (21, 30)]
    assert pick_sentences([0.2, 0.9, 0.5], spans) == ((11, 20),)
    assert pick_sentences([0.89, 0.9, 0.1], spans) == ((0, 10), (11, 20))
    assert pick_sentences([], []) == ()


def test_covered_answer_highlights_whole_sentences_of_each_passage(fake_engine):
    answer = fake_engine.ask("Can I take Xanax with ketamine?")
    assert answer.covered
    marks = mark_answer(answer, fake_engine.embedder, fake_engine.question_terms)
    assert len(marks) == len(answer.hits)
    for hit, m in zip(answer.hits, marks, strict=True):
        text = hit.passage.text
        assert 1 <= len(m.sentences) <= 2
        assert set(m.sentences) <= set(split_sentences(text, 0, len(text)))
        assert all(0 <= a < b <= len(text) for a, b in m.terms)
    benzo = next(m for h, m in zip(answer.hits, marks, strict=True) if h.passage.text.startswith("Benzodiazepine"))
    text = next(h.passage.text for h in answer.hits if h.passage.text.startswith("Benzodiazepine"))
    assert text[slice(*benzo.terms[0])] == "Benzodiazepine"  # Xanax was read as a benzodiazepine


def test_uncovered_answer_highlights_no_sentence(fake_engine):
    answer = fake_engine.ask("What is the best recipe for sourdough bread?")
    assert not answer.covered
    marks = mark_answer(answer, fake_engine.embedder, fake_engine.question_terms)
    assert all(m.sentences == () for m in marks)
    assert marks == [Marks((), m.terms) for m in marks]


def test_vector_cache_encodes_each_text_once():
    embedder = FakeEmbedder()
    cache = VectorCache(embedder, max_items=3)
    assert (cache.name, cache.dimension) == (embedder.name, embedder.dimension)
    first = cache.sentences(["a b", "c d"])
    calls = embedder.calls
    again = cache.sentences(["c d", "a b"])
    assert embedder.calls == calls
    assert (again[1] == first[0]).all() and (again[0] == first[1]).all()
    cache.encode_queries(["a b"])  # a question is kept apart from sentences
    assert embedder.calls == calls + 1
    cache.sentences(["e f", "g h"])  # over max_items: the oldest are dropped, results stay right
    assert (cache.sentences(["a b"])[0] == first[0]).all()
    assert cache.sentences([]).shape == (0, embedder.dimension)


def test_highlighting_reuses_the_vector_the_search_made(fake_config, drug_names):
    from indexer import Engine

    embedder = FakeEmbedder()
    cache = VectorCache(embedder)
    engine = Engine.open(fake_config, embedder=cache, drug_names=drug_names)
    cache.warm([p.text for p in engine.index.passages]).join()
    answer = engine.ask("Can I take Xanax with ketamine?")
    calls = embedder.calls
    assert any(m.sentences for m in mark_answer(answer, cache, engine.question_terms))
    assert embedder.calls == calls  # no model call at all: question and sentences were cached
