from __future__ import annotations

import json
import logging
from dataclasses import replace

import numpy as np
import pytest

from indexer import ConfigError, Engine, build_index
from indexer.ask.reading import ClassMention, DrugMention, Understanding
from indexer.ask.rerank import FEATURES, RerankModel, candidate_features, named_share
from indexer.ask.search import Ranked
from indexer.ask.sentences import SentenceVectors
from indexer.index import store
from indexer.index.vectors import text_key
from indexer.lexicon.lexicon import ClassRef
from indexer.text.tokens import terms


def ranked(*dense_sparse: tuple[float, float]) -> list[Ranked]:
    return [Ranked(n, d + s, d, s, n + 1, n + 1) for n, (d, s) in enumerate(dense_sparse)]


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_the_shipped_model_loads_with_a_weight_per_feature():
    model = RerankModel.load()
    assert len(model.weights) == len(FEATURES) and model.depth >= 10
    assert model.weights[FEATURES.index("dense")] > 0  # closer in meaning ranks higher, as it should


def test_candidates_are_ordered_by_the_weighted_features_and_get_the_models_score():
    model = RerankModel((1.0, 0.0, 2.0, 0.0, 0.0))  # dense, lexical, named, best sentence, topic
    candidates = ranked((0.9, 0.0), (0.5, 0.0), (0.7, 0.0))
    features = np.array([[0.9, 0, 0, 0, 0], [0.5, 0, 1, 0, 0], [0.7, 0, 0, 0, 0]], dtype=float)
    out = model.rerank(candidates, features)
    assert [r.number for r in out] == [1, 0, 2]  # naming what was asked outweighs 0.4 of similarity
    assert [r.score for r in out] == pytest.approx([2.5, 0.9, 0.7])
    assert out[0].dense_rank == 2  # the first stage's ranks are kept, to explain a ranking


def test_equal_scores_keep_the_closer_passage_then_the_lower_number_first():
    model = RerankModel((0.0, 0.0, 1.0, 0.0, 0.0))
    candidates = ranked((0.2, 0.0), (0.6, 0.0), (0.6, 0.0))
    out = model.rerank(candidates, np.zeros((3, len(FEATURES))))
    assert [r.number for r in out] == [1, 2, 0]


def test_a_model_of_other_features_or_a_broken_file_is_refused_with_what_to_do(tmp_path):
    with pytest.raises(ConfigError, match="needs 5 weights"):
        RerankModel((1.0, 2.0))
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"features": ["dense", "topic"], "weights": [1, 1]}), encoding="utf-8")
    with pytest.raises(ConfigError, match="Refit it with `python bench/fit_rerank.py`"):
        RerankModel.load(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot be read"):
        RerankModel.load(path)
    old = {"features": ["dense", "lexical", "named", "best_sentence"], "weights": [1, 1, 1, 1]}
    path.write_text(json.dumps(old), encoding="utf-8")  # a model of an older release, before `topic`
    with pytest.raises(ConfigError, match="Refit it with `python bench/fit_rerank.py`"):
        RerankModel.load(path)
    path.write_text(json.dumps(RerankModel((1.0, 0.5, 0.25, 2.0, 3.0), depth=20).to_json()), encoding="utf-8")
    assert RerankModel.load(path) == RerankModel((1.0, 0.5, 0.25, 2.0, 3.0), depth=20)


def test_lexical_is_relative_to_the_best_candidate_and_a_missing_sentence_falls_back_to_the_passage():
    candidates = ranked((0.5, 4.0), (0.4, 2.0), (0.3, 0.0))
    features = candidate_features(candidates, np.array([1.0, 0.0, 0.5]), [0.8, None, 0.6])
    column = {name: features[:, i] for i, name in enumerate(FEATURES)}
    assert column["lexical"].tolist() == [1.0, 0.5, 0.0]
    assert column["best_sentence"].tolist() == pytest.approx([0.8, 0.4, 0.6])
    assert column["named"].tolist() == [1.0, 0.0, 0.5]
    assert column["topic"].tolist() == [0.0, 0.0, 0.0]  # no topic that narrows the corpus down: no signal
    assert candidate_features([], np.zeros(0), []).shape == (0, len(FEATURES))
    topical = candidate_features(candidates, np.zeros(3), [None] * 3, np.array([0.2, 0.7, 0.1]))
    assert topical[:, FEATURES.index("topic")].tolist() == pytest.approx([0.2, 0.7, 0.1])


def test_a_passage_that_names_the_drug_and_speaks_of_what_is_asked_outranks_one_that_only_names_it():
    """The shipped weights: two passages name the drug and are as close to the whole question; the one closer to
    what is asked of it (the question without its drug names) ranks first."""
    model = RerankModel.load()
    candidates = ranked((0.6, 3.0), (0.6, 3.0))
    features = candidate_features(candidates, np.array([1.0, 1.0]), [0.6, 0.6], np.array([0.2, 0.5]))
    assert [r.number for r in model.rerank(candidates, features)] == [1, 0]


def test_only_a_topic_word_in_at_most_half_of_the_passages_narrows_the_corpus_down(fake_engine: Engine):
    vocabulary = fake_engine.vocabulary
    everywhere = [t for t in vocabulary.terms if vocabulary.lexical.document_frequency(t) > vocabulary.size / 2]
    rare = [t for t in vocabulary.terms if vocabulary.lexical.document_frequency(t) == 1]
    assert everywhere and rare
    assert not vocabulary.narrows(everywhere[0])
    assert vocabulary.narrows(rare[0])
    assert vocabulary.narrows("zzzqqx")  # a word no passage holds narrows to nothing, which is specific too


def test_the_topic_counts_when_the_question_names_a_drug_and_has_a_topic_word_that_narrows_the_corpus_down(
        fake_engine: Engine):
    column = FEATURES.index("topic")
    with_topic = fake_engine.candidates("lamotrigine for epilepsy seizures", 10)
    assert with_topic.understood.topic_terms
    assert with_topic.features[:, column].tolist() == pytest.approx(with_topic.topic.tolist())
    names_only = fake_engine.candidates("lamotrigine and sertraline", 10)
    assert not any(fake_engine.vocabulary.narrows(t) for t in names_only.understood.topic_terms)
    assert not names_only.features[:, column].any()
    no_names = fake_engine.candidates("epilepsy seizures", 10)  # its topic is the whole question: no second signal
    assert not no_names.understood.drugs and not no_names.understood.classes
    assert not no_names.features[:, column].any()


def test_named_share_counts_each_drug_or_class_the_passage_names_by_any_of_its_source_names():
    understood = Understanding(
        question="can i take norco with sertraline or an maoi",
        corrected="can i take norco with sertraline or an maoi",
        drugs=(
            DrugMention("norco", "hydrocodone/acetaminophen", in_sources=True, named=True,
                        source_names=("norco", "hydrocodone/acetaminophen")),
            DrugMention("sertraline", "sertraline", in_sources=True, named=True, source_names=("sertraline", "zoloft")),
            DrugMention("lithium", "lithium"),  # the sources never name it: it counts for no passage
        ),
        classes=(ClassMention(ClassRef("maoi", "MAOIs", "an MAOI"), True, "maoi",
                              ("monoamine oxidase inhibitors",)),),
    )
    passages = [
        terms("Zoloft and hydrocodone and acetaminophen tablets"),  # both drugs; the combination as a phrase
        terms("Acetaminophen alone is not hydrocodone"),  # the words, not the phrase
        terms("Monoamine oxidase inhibitors interact with Zoloft"),
        terms("Nothing relevant here"),
    ]
    assert named_share(understood, passages).tolist() == pytest.approx([2 / 3, 0.0, 2 / 3, 0.0])
    nothing = Understanding(question="what is a dose", corrected="what is a dose")
    assert named_share(nothing, passages).tolist() == [0.0] * 4


def test_the_best_sentence_of_a_passage_is_read_from_the_map():
    vectors = np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)])
    pairs = np.array([[0, 0], [0, 1], [2, 2]])  # passage 0 has sentences 0 and 1; passage 1 none; passage 2 one
    lookup = SentenceVectors(vectors, pairs)
    assert lookup.rows(0).tolist() == [0, 1] and lookup.rows(1).tolist() == [] and lookup.rows(7).tolist() == []
    question = unit(0.1, 1, 0)
    best = lookup.best([2, 1, 0], question)
    assert best[1] is None
    assert best[0] == pytest.approx(float(question @ vectors[2]))
    assert best[2] == pytest.approx(float(question @ vectors[1]))  # the closer of passage 0's two sentences
    assert SentenceVectors(vectors, np.zeros((0, 2))).best([0, 1], question) == [None, None]


def test_an_index_without_a_sentence_map_ranks_on_the_passages_alone(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        lookup = SentenceVectors.load(tmp_path / "no-index")
    assert len(lookup) == 0 and lookup.best([0, 3], unit(1, 0, 0)) == [None, None]
    assert "without their best sentence" in caplog.text


def test_a_build_maps_each_passage_to_the_sentences_inside_it(fake_engine: Engine, fake_config):
    from indexer.check.spans import span_index

    spans = span_index(fake_engine)
    rows = {key: row for row, key in enumerate(store.load_span_vectors(fake_config.index_dir)[0])}
    lookup = SentenceVectors.load(fake_config.index_dir)
    assert len(lookup) > 0
    mapped = 0
    for number, p in enumerate(fake_engine.index.passages):
        inside = {rows[text_key(s.text)] for s in spans.spans if s.sentences == 1 and s.source_id == p.source_id
                  and p.start <= s.start and s.end <= p.end}
        assert set(lookup.rows(number).tolist()) == inside
        mapped += bool(inside)
    assert mapped >= len(fake_engine.index.passages) * 0.8  # most passages are whole sentences
    ask_only = fake_config.with_(check_vectors=False, index_dir=fake_config.index_dir.parent / "ask-only")
    build_index(ask_only, fake_engine.embedder)
    assert len(SentenceVectors.load(ask_only.index_dir)) == 0


def test_the_engine_reranks_its_fused_candidates_and_can_be_told_not_to(fake_engine: Engine):
    question = "lamotrigine anticonvulsant bipolar epilepsy"
    first = fake_engine.candidates(question, 40)
    model = fake_engine.rerank_model
    expected = [r.number for r in model.rerank(first.ranked, first.features)][:5]
    hits = fake_engine.ask(question, k=5).hits
    number = {id(p): n for n, p in enumerate(fake_engine.index.passages)}
    assert [number[id(h.passage)] for h in hits] == expected
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    plain = Engine(fake_engine.index, fake_engine.embedder, replace(fake_engine.config, rerank=False),
                   fake_engine.lexicon.drug_names)
    fused = plain.ask(question, k=5).hits
    assert [number[id(h.passage)] for h in fused] == [r.number for r in first.ranked[:5]]
