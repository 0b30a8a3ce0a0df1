"""Hybrid search: dense (FAISS) and lexical (BM25) candidates fused by passage number, never by list position.

Two fusions (`Config.fusion`):
- "scores" (the default): `dense_weight * cosine + sparse_weight * BM25 / best BM25 of the question`. The
  similarity keeps its meaning from question to question, and BM25 counts in proportion to how well a passage
  matches compared with the best match, so a weak keyword match ranks low however few passages share the word.
- "rrf": weighted reciprocal rank fusion, `weight / (rrf_k + rank)` summed over both lists. It ignores how far
  apart the scores are: the first BM25 match counts as much as the first dense one, however poor.
On MedicationQA's development questions and on NFCorpus and SciFact, "scores" ranked better than "rrf" (see the
README and bench/RESULTS.md for the figures and the commands that print them).

A candidate is a `Ranked` (its passage number and scores); the engine makes each a `Hit` with its passage and
citation (both in `indexer.types`).
"""

from __future__ import annotations

import numpy as np

from indexer.config import Config
from indexer.index.dense import DenseIndex
from indexer.index.lexical import LexicalIndex
from indexer.types import Fusion, Hit, Ranked

__all__ = ["Hit", "Ranked", "hybrid_rank"]
DEFAULTS = Config()  # what the settings left out of a call fall back to


def hybrid_rank(
    dense: DenseIndex,
    lexical: LexicalIndex,
    query_vector: np.ndarray,
    query_terms: list[str],
    k: int,
    candidates: int | None = None,
    rrf_k: int | None = None,
    dense_weight: float | None = None,
    sparse_weight: float | None = None,
    allowed: np.ndarray | None = None,
    fusion: Fusion | str | None = None,
) -> list[Ranked]:
    """The k best passages of the dense and BM25 candidates, fused by `fusion` ("scores" or "rrf", see the module
    docstring). Settings not given are `Config`'s (`candidates`, `rrf_k`, `dense_weight`, `sparse_weight`,
    `fusion`).

    `allowed` is an optional boolean mask over passage numbers (a source filter).
    """
    candidates = DEFAULTS.candidates if candidates is None else candidates
    rrf_k = DEFAULTS.rrf_k if rrf_k is None else rrf_k
    dense_weight = DEFAULTS.dense_weight if dense_weight is None else dense_weight
    sparse_weight = DEFAULTS.sparse_weight if sparse_weight is None else sparse_weight
    fusion = DEFAULTS.fusion if fusion is None else Fusion.from_str(fusion)
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
    if fusion == Fusion.SCORES:
        best = float(s_scores.max()) if len(s_scores) else 0.0
        fused += dense_weight * dense_score
        if best > 0:
            fused[at_s] += sparse_weight * s_scores / best
    else:
        fused[at_d] += dense_weight / (rrf_k + np.arange(1, len(d_ids) + 1))
        fused[at_s] += sparse_weight / (rrf_k + np.arange(1, len(s_ids) + 1))
    order = np.lexsort((numbers, -dense_score, -fused))[:k]
    return [
        Ranked(int(numbers[i]), float(fused[i]), float(dense_score[i]), float(s_all[numbers[i]]),
               int(dense_rank[i]) or None, int(sparse_rank[i]) or None)
        for i in order
    ]
