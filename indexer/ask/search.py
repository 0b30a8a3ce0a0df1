"""Hybrid search: dense (FAISS) and lexical (BM25) candidates fused by passage number, never by list position.

Two fusions (`Config.fusion`):
- "scores" (the default): `dense_weight * cosine + sparse_weight * BM25 / best BM25 of the question`. The
  similarity keeps its meaning from question to question, and BM25 counts in proportion to how well a passage
  matches compared with the best match, so a weak keyword match ranks low however few passages share the word.
- "rrf": weighted reciprocal rank fusion, `weight / (rrf_k + rank)` summed over both lists. It ignores how far
  apart the scores are: the first BM25 match counts as much as the first dense one, however poor.
On MedicationQA's development questions and on NFCorpus and SciFact, "scores" ranked better than "rrf" (see the
README and bench/RESULTS.md for the figures and the commands that print them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.index.dense import DenseIndex
from indexer.index.lexical import LexicalIndex
from indexer.ingest.passages import Passage


@dataclass(frozen=True)
class Hit:
    """A ranked passage with both component scores, so a ranking can be explained."""

    passage: Passage
    score: float  # the ranking score (higher is better): the rerank model's (ask/rerank.py), or the fused one
    dense_score: float  # cosine similarity of question and passage
    sparse_score: float  # BM25 score (0 when no question term occurs)
    dense_rank: int | None  # 1-based rank among dense candidates, None if not among them
    sparse_rank: int | None


@dataclass(frozen=True)
class Ranked:
    """A hit before it is tied to its passage: the passage number and the scores."""

    number: int
    score: float
    dense_score: float
    sparse_score: float
    dense_rank: int | None
    sparse_rank: int | None


def hybrid_rank(
    dense: DenseIndex,
    lexical: LexicalIndex,
    query_vector: np.ndarray,
    query_terms: list[str],
    k: int,
    candidates: int = 50,
    rrf_k: int = 60,
    dense_weight: float = 1.0,
    sparse_weight: float = 1.0,
    allowed: np.ndarray | None = None,
    fusion: str = "rrf",
) -> list[Ranked]:
    """The k best passages of the dense and BM25 candidates, fused by `fusion` ("scores" or "rrf", see the module
    docstring).

    `allowed` is an optional boolean mask over passage numbers (a source filter).
    """
    n = len(dense)
    depth = max(k, candidates)
    if allowed is not None:
        depth = n if n <= 100_000 else min(n, depth * 20)
    d_scores, d_ids = dense.search(query_vector.reshape(1, -1), min(depth, n))
    d_scores, d_ids = d_scores[0], d_ids[0].astype(np.int64)
    keep = d_ids >= 0
    d_scores, d_ids = d_scores[keep], d_ids[keep]
    s_all = lexical.scores(query_terms)
    s_ids = np.flatnonzero(s_all > 0)
    s_scores = s_all[s_ids]
    if allowed is not None:
        mask = allowed[d_ids]
        d_scores, d_ids = d_scores[mask], d_ids[mask]
        mask = allowed[s_ids]
        s_ids, s_scores = s_ids[mask], s_scores[mask]
    if len(s_ids) > depth:
        best = np.argpartition(-s_scores, depth - 1)[:depth]
        s_ids, s_scores = s_ids[best], s_scores[best]
    order = np.lexsort((s_ids, -s_scores))  # best first; equal scores in passage order
    s_ids, s_scores = s_ids[order], s_scores[order]

    # Fuse by passage number: every candidate once, whichever list(s) it came from.
    numbers = np.union1d(d_ids, s_ids)
    at_d = np.searchsorted(numbers, d_ids)
    at_s = np.searchsorted(numbers, s_ids)
    dense_rank = np.zeros(len(numbers), dtype=np.int64)
    dense_rank[at_d] = np.arange(1, len(d_ids) + 1)
    sparse_rank = np.zeros(len(numbers), dtype=np.int64)
    sparse_rank[at_s] = np.arange(1, len(s_ids) + 1)
    # Lexical-only candidates still get their true dense similarity (shown, and used for coverage).
    dense_score = np.zeros(len(numbers), dtype=np.float32)
    dense_score[at_d] = d_scores
    lexical_only = dense_rank == 0
    if lexical_only.any():
        dense_score[lexical_only] = dense.scores_for(query_vector, numbers[lexical_only])
    fused = np.zeros(len(numbers))
    if fusion == "scores":
        best = float(s_scores.max()) if len(s_scores) else 0.0
        fused += dense_weight * dense_score
        if best > 0:
            fused[at_s] += sparse_weight * s_scores / best
    elif fusion == "rrf":
        fused[at_d] += dense_weight / (rrf_k + np.arange(1, len(d_ids) + 1))
        fused[at_s] += sparse_weight / (rrf_k + np.arange(1, len(s_ids) + 1))
    else:
        raise ValueError(f"unknown fusion {fusion!r}")
    order = np.lexsort((numbers, -dense_score, -fused))[:k]
    return [
        Ranked(int(numbers[i]), float(fused[i]), float(dense_score[i]), float(s_all[numbers[i]]),
               int(dense_rank[i]) or None, int(sparse_rank[i]) or None)
        for i in order
    ]
