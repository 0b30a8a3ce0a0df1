"""A deterministic stand-in for the embedding model: fast, no weights, similar texts get similar vectors."""

from __future__ import annotations

import hashlib

import numpy as np

from indexer.text.tokens import terms


class FakeEmbedder:
    """Each stemmed term maps to a fixed random direction; a text is the normalized sum of its terms'."""

    name = "fake/hashing-embedder"
    dimension = 64

    def __init__(self) -> None:
        self.calls = 0

    def _term_vector(self, term: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(term.encode()).digest()[:8], "little")
        return np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)

    def _encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for term in terms(text):
                out[row] += self._term_vector(term)
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else self._term_vector("<empty>") / np.linalg.norm(
                self._term_vector("<empty>"))
        return out

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        return self._encode(texts)
