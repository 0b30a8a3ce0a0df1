"""How close a passage's best sentence is to a question, from the sentence vectors the index already holds.

A passage's vector is the mean of its words: when one sentence of a long passage answers the question, the
others dilute it. The build embeds every sentence of every source for the wording check (`span_vectors.npy`) and
records which of them lie inside each passage (`passage_sentences.npy`, `indexer.index.span_vectors`), so the best
sentence of a passage costs a look-up and a dot product, never an encoding or a pass over the corpus.

A passage with no sentence in the map (an index built with `check_vectors = false`, or a passage cut inside a
sentence) has no best sentence: `best` gives None, and the caller uses the passage's own similarity.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from indexer.errors import IndexerError
from indexer.index import store

log = logging.getLogger(__name__)


class SentenceVectors:
    """The sentence vectors of one index and the map from passages to them. Read-only after it is made."""

    def __init__(self, matrix: np.ndarray, pairs: np.ndarray) -> None:
        self._matrix = matrix  # span vectors (memory-mapped when loaded): only the rows a question needs are read
        self._pairs = np.asarray(pairs).reshape(-1, 2)  # (passage number, row), by passage number

    @classmethod
    def load(cls, index_dir: Path) -> SentenceVectors:
        """The index's sentence vectors; none (every `best` is None) when the index has no readable ones."""
        try:
            matrix, pairs = store.load_passage_sentences(index_dir)
        except IndexerError as e:
            log.warning("%s Passages are ranked without their best sentence.", e)
            return cls(np.zeros((0, 0), dtype=np.float32), np.zeros((0, 2), dtype=np.int64))
        return cls(matrix, pairs)

    def __len__(self) -> int:
        """How many (passage, sentence) pairs the map holds."""
        return len(self._pairs)

    def rows(self, number: int) -> np.ndarray:
        """The rows of passage `number`'s sentences."""
        first, end = np.searchsorted(self._pairs[:, 0], [number, number + 1])
        return np.asarray(self._pairs[first:end, 1], dtype=np.int64)

    def best(self, numbers: list[int], vector: np.ndarray) -> list[float | None]:
        """Per passage, the highest cosine of `vector` with its sentences (None when it has none)."""
        rows = [self.rows(n) for n in numbers]
        wanted = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        if not len(wanted):
            return [None] * len(numbers)
        cosines = np.asarray(self._matrix[np.sort(wanted)], dtype=np.float32) @ np.asarray(vector, dtype=np.float32)
        at = {row: float(c) for row, c in zip(np.sort(wanted).tolist(), cosines, strict=True)}
        return [max(at[r] for r in found.tolist()) if len(found) else None for found in rows]
