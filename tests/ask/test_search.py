"""Hybrid search: fusion by passage number, both component scores kept, ties broken the same way every time."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.ask.search import hybrid_rank
from indexer.config import Config
from indexer.errors import ConfigError
from indexer.index.dense import DenseIndex
from indexer.index.lexical import LexicalIndex

RRF = {"fusion": "rrf", "dense_weight": 1.0, "sparse_weight": 1.0}  # reciprocal rank fusion, equal weights


def make_indexes():
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((300, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vocabulary = [f"w{i}" for i in range(40)]
    documents = [[vocabulary[j] for j in rng.integers(0, 40, 8)] for _ in range(300)]
    return vectors, DenseIndex.build(vectors), LexicalIndex.build(documents)


def test_a_passage_found_by_both_retrievers_is_fused_once():
    vectors, dense, lexical = make_indexes()
    ranked = hybrid_rank(dense, lexical, vectors[5], ["w1", "w2"], k=50, candidates=50, **RRF)
    numbers = [r.number for r in ranked]
    assert len(numbers) == len(set(numbers)) == 50
    both = [r for r in ranked if r.dense_rank and r.sparse_rank]
    assert both, "some passage should be among both candidate lists"
    r = both[0]
    assert abs(r.score - (1 / (60 + r.dense_rank) + 1 / (60 + r.sparse_rank))) < 1e-12
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)


def test_component_scores_are_true_scores():
    vectors, dense, lexical = make_indexes()
    all_bm25 = lexical.scores(["w3"])
    for r in hybrid_rank(dense, lexical, vectors[9], ["w3"], k=20, candidates=5, **RRF):
        assert abs(r.dense_score - float(vectors[r.number] @ vectors[9])) < 1e-5
        assert abs(r.sparse_score - float(all_bm25[r.number])) < 1e-5


def test_the_ranking_is_deterministic_and_respects_a_source_filter():
    vectors, dense, lexical = make_indexes()
    allowed = np.zeros(300, dtype=bool)
    allowed[100:200] = True
    first = hybrid_rank(dense, lexical, vectors[150], ["w4", "w5"], k=50, allowed=allowed, **RRF)
    again = hybrid_rank(dense, lexical, vectors[150], ["w4", "w5"], k=50, allowed=allowed, **RRF)
    assert first == again
    assert all(100 <= r.number < 200 for r in first)
    assert any(r.number == 150 and r.dense_rank == 1 for r in first)


def test_score_fusion_adds_the_cosine_and_the_bm25_share_of_the_best_match():
    vectors, dense, lexical = make_indexes()
    bm25 = lexical.scores(["w1", "w2"])
    ranked = hybrid_rank(dense, lexical, vectors[5], ["w1", "w2"], k=50, candidates=50, fusion="scores",
                         dense_weight=0.8, sparse_weight=0.2)
    for r in ranked:
        expected = 0.8 * float(vectors[r.number] @ vectors[5]) + (0.2 * r.sparse_score / bm25.max() if r.sparse_rank
                                                                  else 0.0)
        assert abs(r.score - expected) < 1e-5
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)


def test_a_weak_keyword_match_does_not_outrank_a_close_passage():
    """Reciprocal rank fusion gives the first BM25 match as much as the first dense one, however weak; score
    fusion keeps the close passage first."""
    passages = np.eye(4, dtype=np.float32)
    query = np.array([1.0, 0.1, 0.0, 0.0], dtype=np.float32)
    query /= np.linalg.norm(query)
    dense = DenseIndex.build(passages)
    lexical = LexicalIndex.build([["dose"], ["rare"], ["other"], ["more"]])
    by_rrf = hybrid_rank(dense, lexical, query, ["rare"], k=4, candidates=4, **RRF)
    by_scores = hybrid_rank(dense, lexical, query, ["rare"], k=4, candidates=4, fusion="scores",
                            dense_weight=0.8, sparse_weight=0.2)
    assert by_rrf[0].number == 1  # the keyword match, though the passage is far in meaning
    assert by_scores[0].number == 0


def test_settings_left_out_are_the_configs():
    vectors, dense, lexical = make_indexes()
    config = Config()
    given = hybrid_rank(dense, lexical, vectors[7], ["w1", "w6"], k=20, candidates=config.candidates,
                        rrf_k=config.rrf_k, dense_weight=config.dense_weight, sparse_weight=config.sparse_weight,
                        fusion=config.fusion)
    assert hybrid_rank(dense, lexical, vectors[7], ["w1", "w6"], k=20) == given


def test_an_unknown_fusion_names_the_known_ones():
    vectors, dense, lexical = make_indexes()
    with pytest.raises(ConfigError, match=r"fusion must be one of scores, rrf\. Got 'sum'\."):
        hybrid_rank(dense, lexical, vectors[7], ["w1"], k=5, fusion="sum")
