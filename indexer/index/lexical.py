"""Lexical search: BM25 (bm25s, Lucene variant) over stemmed terms, saved as bm25s's own NumPy/JSON files.

The index also keeps each passage's terms in order (`terms_of`: numbers into BM25's vocabulary, `TERMS` and
`TERM_OFFSETS` beside bm25s's files), so a question's candidates are never tokenised again: phrase look-ups and
coverage evidence read them, at a cost that does not grow with the corpus.
"""

from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np

from indexer.errors import IndexMismatch

log = logging.getLogger(__name__)

TERMS = "passage_terms.npy"  # every passage's terms in order, as numbers into the vocabulary, one after another
TERM_OFFSETS = "passage_term_offsets.npy"  # where each passage's terms start in TERMS (one more: the end)


def term_sequences(documents: list[list[str]], vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(terms, offsets): the documents' terms as numbers into `vocabulary`, and where each document starts."""
    lengths = np.fromiter((len(d) for d in documents), dtype=np.int64, count=len(documents))
    offsets = np.zeros(len(documents) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    ids = np.fromiter((vocabulary[t] for d in documents for t in d), dtype=np.int32, count=int(offsets[-1]))
    return ids, offsets


class LexicalIndex:
    def __init__(self, retriever: bm25s.BM25, size: int,
                 sequences: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        self.retriever = retriever
        self.size = size
        self.vocabulary = frozenset(t for t in retriever.vocab_dict if t)
        # (terms, offsets) of `term_sequences` as plain arrays (a memory map's own indexing is several times
        # slower, and a question reads the terms of about a hundred passages); None for an index without them
        self.sequences = None if sequences is None else (sequences[0].view(np.ndarray), np.asarray(sequences[1]))
        self._by_number: list[str] = []
        if self.sequences is not None:
            self._by_number = [""] * len(retriever.vocab_dict)
            for term, number in retriever.vocab_dict.items():
                self._by_number[number] = term

    @classmethod
    def build(cls, documents: list[list[str]], k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        retriever = bm25s.BM25(method="lucene", k1=k1, b=b)
        retriever.index(documents, show_progress=False)
        return cls(retriever, len(documents), term_sequences(documents, retriever.vocab_dict))

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

    def terms_of(self, number: int) -> list[str] | None:
        """Passage `number`'s terms in order, as it was indexed; None when the index does not keep them."""
        if self.sequences is None:
            return None
        ids, offsets = self.sequences
        by_number = self._by_number
        return [by_number[t] for t in ids[offsets[number] : offsets[number + 1]].tolist()]

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
        if self.sequences is not None:
            ids, offsets = self.sequences
            np.save(directory / TERMS, np.ascontiguousarray(ids, dtype=np.int32), allow_pickle=False)
            np.save(directory / TERM_OFFSETS, np.ascontiguousarray(offsets, dtype=np.int64), allow_pickle=False)

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex:
        try:
            retriever = bm25s.BM25.load(str(directory), allow_pickle=False, show_progress=False, verbosity=0)
        except Exception as e:  # corrupt or truncated NumPy/JSON files
            raise IndexMismatch(f"The BM25 files in {directory} cannot be read ({type(e).__name__}: {e}).") from e
        return cls(retriever, size, load_sequences(directory, size, len(retriever.vocab_dict)))


def load_sequences(directory: Path, size: int, vocabulary: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The passages' terms in order (memory-mapped), or None when an older index does not keep them; a file that
    does not fit the index is IndexMismatch."""
    if not (directory / TERMS).is_file() and not (directory / TERM_OFFSETS).is_file():
        return None
    try:
        ids = np.load(directory / TERMS, mmap_mode="r", allow_pickle=False)
        offsets = np.load(directory / TERM_OFFSETS, allow_pickle=False)
    except (OSError, ValueError) as e:
        raise IndexMismatch(f"The passages' terms in {directory} cannot be read ({type(e).__name__}).") from e
    fits = (ids.ndim == 1 and offsets.shape == (size + 1,) and offsets[0] == 0 and offsets[-1] == len(ids)
            and bool(np.all(np.diff(offsets) >= 0))
            and (not len(ids) or 0 <= int(ids.min()) <= int(ids.max()) < vocabulary))
    if not fits:
        raise IndexMismatch(f"The passages' terms in {directory} do not match its BM25 index.")
    return ids, offsets
