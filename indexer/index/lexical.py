"""Lexical search: BM25 (bm25s, Lucene variant) over stemmed terms, saved as bm25s's own NumPy/JSON files."""

from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np

from indexer.errors import IndexMismatch

log = logging.getLogger(__name__)


class LexicalIndex:
    def __init__(self, retriever: bm25s.BM25, size: int) -> None:
        self.retriever = retriever
        self.size = size
        self.vocabulary = frozenset(t for t in retriever.vocab_dict if t)

    @classmethod
    def build(cls, documents: list[list[str]], k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        retriever = bm25s.BM25(method="lucene", k1=k1, b=b)
        retriever.index(documents, show_progress=False)
        return cls(retriever, len(documents))

    def __len__(self) -> int:
        return self.size

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query terms (unknown terms contribute nothing)."""
        known = [t for t in dict.fromkeys(query_terms) if t in self.vocabulary]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        matrix = self.retriever.scores
        if self.retriever.nonoccurrence_array is not None or "indptr" not in matrix:
            return np.asarray(self.retriever.get_scores(known), dtype=np.float32)
        # The Lucene variant stores each (term, passage) score: a query's scores are sums over the terms' postings.
        # np.bincount sums them several times faster than bm25s's np.add.at (it matters at a million passages).
        indptr, indices, data = matrix["indptr"], matrix["indices"], matrix["data"]
        ids = [self.retriever.vocab_dict[t] for t in known]
        if len(ids) == 1:
            t = ids[0]
            out = np.zeros(self.size, dtype=np.float32)
            out[indices[indptr[t] : indptr[t + 1]]] = data[indptr[t] : indptr[t + 1]]
            return out
        rows = np.concatenate([indices[indptr[t] : indptr[t + 1]] for t in ids])
        weights = np.concatenate([data[indptr[t] : indptr[t + 1]] for t in ids])
        return np.bincount(rows, weights=weights, minlength=self.size).astype(np.float32)

    def postings(self, term: str) -> np.ndarray:
        """The numbers of the passages that hold `term` (a stemmed term), ascending; read from the index's
        postings, so the cost depends on how many passages hold the term, not on how many there are."""
        t = self.retriever.vocab_dict.get(term) if term else None
        if t is None:
            return np.zeros(0, dtype=np.int64)
        matrix = self.retriever.scores
        if "indptr" in matrix:
            return np.sort(np.asarray(matrix["indices"][matrix["indptr"][t] : matrix["indptr"][t + 1]], dtype=np.int64))
        return np.flatnonzero(self.scores([term]) > 0)

    def document_frequency(self, term: str) -> int:
        """How many passages hold `term`."""
        t = self.retriever.vocab_dict.get(term) if term else None
        if t is None:
            return 0
        matrix = self.retriever.scores
        if "indptr" in matrix:
            return int(matrix["indptr"][t + 1] - matrix["indptr"][t])
        return len(self.postings(term))

    def top(self, query_terms: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, passage numbers) of the k best passages with a positive score, best first."""
        scores = self.scores(query_terms)
        positive = np.flatnonzero(scores > 0)
        if not len(positive):
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        k = min(k, len(positive))
        best = positive[np.argpartition(-scores[positive], k - 1)[:k]]
        best = best[np.argsort(-scores[best], kind="stable")]
        return scores[best], best

    def save(self, directory: Path) -> None:
        self.retriever.save(str(directory), allow_pickle=False, show_progress=False)

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex:
        try:
            retriever = bm25s.BM25.load(str(directory), allow_pickle=False, show_progress=False, verbosity=0)
        except Exception as e:  # corrupt or truncated NumPy/JSON files
            raise IndexMismatch(f"The BM25 files in {directory} cannot be read ({type(e).__name__}: {e}).") from e
        return cls(retriever, size)
