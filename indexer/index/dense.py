"""Dense search over normalized vectors with FAISS (inner product = cosine). Takes arrays, not a model.

The index type is chosen by size: exact search (`IndexFlatIP`) up to `exact_limit` vectors, an inverted file
(`IndexIVFFlat`, about 4·√n lists, a fixed share of them probed per query) above it. The inverted file keeps the
exact vectors, so the scores it returns are true cosines; only which passages are looked at is approximate
(recall@10 against exact search is measured by `bench/speed.py`). It builds in about a minute at a million
passages on two cores, where HNSW takes tens of minutes. HNSW indexes built by older versions still load.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np

from indexer.errors import IndexMismatch

LISTS_PER_SQRT_N = 4  # inverted lists: about 4·√n (4,000 at a million vectors)
PROBE_SHARE = 64  # probe 1/64 of the lists per query (at least MIN_PROBES)
MIN_PROBES = 32
TRAINING_PER_LIST = 50  # k-means training sample: 50 vectors per list (FAISS wants at least 39)


def probes(lists: int) -> int:
    """Inverted lists searched per query: recall@10 0.98 at a million synthetic passages (bench/RESULTS.md)."""
    return min(lists, max(MIN_PROBES, lists // PROBE_SHARE))


@contextmanager
def _one_thread():
    """One question at a time is searched on one thread: waking OpenMP workers costs more than the search itself
    (a 10,000-vector flat search took 35 ms with two threads on a busy two-core machine, under 1 ms with one)."""
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(threads)


class DenseIndex:
    """Exact search up to `exact_limit` vectors; an inverted file (approximate, fast at millions) above it."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        exact_limit: int = 50_000,
    ) -> DenseIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = vectors.shape
        if n <= exact_limit:
            index = faiss.IndexFlatIP(dim)
            index.add(vectors)
            return cls(index)
        lists = max(1, int(LISTS_PER_SQRT_N * math.sqrt(n)))
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, lists, faiss.METRIC_INNER_PRODUCT)
        index.cp.spherical = True  # unit vectors: centroids are kept on the sphere
        sample = min(n, lists * TRAINING_PER_LIST)
        rows = np.sort(np.random.default_rng(0).choice(n, sample, replace=False)) if sample < n else slice(None)
        index.train(vectors[rows])
        index.add(vectors)
        index.make_direct_map()  # so single vectors can be read back (`scores_for`)
        index.nprobe = probes(lists)
        return cls(index)

    @property
    def kind(self) -> str:
        return "ivf" if isinstance(self.index, faiss.IndexIVF) else "flat"

    def __len__(self) -> int:
        return int(self.index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, passage numbers) of the k nearest passages for each query row; -1 pads short results."""
        k = max(1, min(k, len(self)))
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dimension)
        if len(queries) > 1:
            return self.index.search(queries, k)
        if isinstance(self.index, faiss.IndexFlat):
            return self._exact_one(queries[0], k)
        with _one_thread():
            return self.index.search(queries, k)

    def _exact_one(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """One question against every vector as one matrix product over FAISS's own copy of the vectors (no copy
        made): 2.4 ms at 40,008 vectors against 2.8 ms for FAISS's search of a single query on this machine, a
        loop the BLAS does not run. Best first; equal scores in passage order."""
        n, dim = len(self), self.dimension
        vectors = faiss.rev_swig_ptr(self.index.get_xb(), n * dim).reshape(n, dim)
        scores = vectors @ query
        best = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
        best = best[np.lexsort((best, -scores[best]))]
        return scores[best].reshape(1, -1).astype(np.float32), best.reshape(1, -1).astype(np.int64)

    def scores_for(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Exact similarity of one query to the given passages (used to score lexical-only candidates)."""
        if not len(ids):
            return np.zeros(0, dtype=np.float32)
        ids = np.asarray(ids, dtype=np.int64)
        if isinstance(self.index, faiss.IndexFlat):
            vectors = self.index.reconstruct_batch(ids)
        else:
            vectors = np.vstack([self.index.reconstruct(int(i)) for i in ids])
        return vectors @ np.asarray(query, dtype=np.float32).reshape(-1)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        try:
            index = faiss.read_index(str(path))
        except Exception as e:  # FAISS raises RuntimeError with a C++ message for any corrupt file
            raise IndexMismatch(f"{path} is not a readable FAISS index ({str(e).splitlines()[0][:120]}).") from e
        if isinstance(index, faiss.IndexIVF):
            index.nprobe = probes(index.nlist)  # a search setting: the current rule, not the one it was built with
            if not index.direct_map.type:
                index.make_direct_map()
        return cls(index)
