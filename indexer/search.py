"""Hybrid search: dense (FAISS) and lexical (BM25) candidates fused by passage number, never by list position."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.dense import DenseIndex
from indexer.lexical import LexicalIndex
from indexer.passages import Passage


@dataclass(frozen=True)
class Hit:
    """A ranked passage with both component scores, so a ranking can be explained."""

    passage: Passage
    score: float  # fused score (higher is better)
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
) -> list[Ranked]:
    """The k best passages by weighted reciprocal rank fusion of the dense and BM25 rankings.

    `allowed` is an optional boolean mask over passage numbers (a source filter).
    """
    n = len(dense)
    depth = max(k, candidates)
    if allowed is not None:
        depth = n if n <= 100_000 else min(n, depth * 20)
    d_scores, d_ids = dense.search(query_vector.reshape(1, -1), min(depth, n))
    d_scores, d_ids = d_scores[0], d_ids[0]
    keep = d_ids >= 0
    d_scores, d_ids = d_scores[keep], d_ids[keep]
    s_all = lexical.scores(query_terms)
    s_ids = np.flatnonzero(s_all > 0)
    if allowed is not None:
        mask = allowed[d_ids]
        d_scores, d_ids = d_scores[mask], d_ids[mask]
        s_ids = s_ids[allowed[s_ids]]
    if len(s_ids) > depth:
        s_ids = s_ids[np.argpartition(-s_all[s_ids], depth - 1)[:depth]]
    s_ids = s_ids[np.argsort(-s_all[s_ids], kind="stable")]

    dense_rank = {int(i): r for r, i in enumerate(d_ids, 1)}
    dense_score = {int(i): float(s) for i, s in zip(d_ids, d_scores, strict=True)}
    sparse_rank = {int(i): r for r, i in enumerate(s_ids, 1)}
    fused: dict[int, float] = {}
    for i, r in dense_rank.items():
        fused[i] = dense_weight / (rrf_k + r)
    for i, r in sparse_rank.items():
        fused[i] = fused.get(i, 0.0) + sparse_weight / (rrf_k + r)
    # Lexical-only candidates still get their true dense similarity (shown, and used for coverage).
    missing = np.array([i for i in sparse_rank if i not in dense_score], dtype=np.int64)
    if len(missing):
        for i, s in zip(missing, dense.scores_for(query_vector, missing), strict=True):
            dense_score[int(i)] = float(s)
    order = sorted(fused, key=lambda i: (-fused[i], -dense_score.get(i, -1.0), i))[:k]
    return [
        Ranked(i, fused[i], dense_score.get(i, 0.0), float(s_all[i]), dense_rank.get(i), sparse_rank.get(i))
        for i in order
    ]
