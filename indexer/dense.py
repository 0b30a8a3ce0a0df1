"""Dense search over normalized vectors with FAISS (inner product = cosine). Takes arrays, not a model."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from indexer.errors import IndexMismatch


class DenseIndex:
    """Exact search up to `exact_limit` vectors; HNSW (approximate, fast at millions) above it."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        exact_limit: int = 200_000,
        hnsw_m: int = 32,
        ef_construction: int = 80,
        ef_search: int = 128,
    ) -> DenseIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = vectors.shape
        if n <= exact_limit:
            index = faiss.IndexFlatIP(dim)
        else:
            index = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = ef_construction
            index.hnsw.efSearch = ef_search
        index.add(vectors)
        return cls(index)

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self.index, faiss.IndexHNSW) else "flat"

    def __len__(self) -> int:
        return int(self.index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, passage numbers) of the k nearest passages for each query row; -1 pads short results."""
        k = max(1, min(k, len(self)))
        scores, ids = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return scores, ids

    def scores_for(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Exact similarity of one query to the given passages (used to score lexical-only candidates)."""
        if not len(ids):
            return np.zeros(0, dtype=np.float32)
        vectors = np.vstack([self.index.reconstruct(int(i)) for i in ids])
        return vectors @ query.reshape(-1)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, ef_search: int = 128) -> DenseIndex:
        try:
            index = faiss.read_index(str(path))
        except Exception as e:  # FAISS raises RuntimeError with a C++ message for any corrupt file
            raise IndexMismatch(f"{path} is not a readable FAISS index ({str(e).splitlines()[0][:120]}).") from e
        if isinstance(index, faiss.IndexHNSW):
            index.hnsw.efSearch = ef_search
        return cls(index)
