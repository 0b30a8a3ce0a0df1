"""The dense index: exact below the size threshold, an inverted file above it, both saved and loaded intact."""

from __future__ import annotations

import numpy as np

from indexer.index.dense import DenseIndex


def unit_vectors(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_exact_search_below_the_threshold():
    vectors = unit_vectors(500)
    index = DenseIndex.build(vectors, exact_limit=500)
    assert index.kind == "flat"
    scores, ids = index.search(vectors[7], 3)
    assert ids[0][0] == 7 and abs(scores[0][0] - 1.0) < 1e-5


def test_inverted_file_above_the_threshold_finds_near_duplicates(tmp_path):
    vectors = unit_vectors(4000)
    index = DenseIndex.build(vectors, exact_limit=1000)
    assert index.kind == "ivf"
    index.save(tmp_path / "dense.faiss")
    loaded = DenseIndex.load(tmp_path / "dense.faiss")
    assert loaded.kind == "ivf" and len(loaded) == 4000
    assert loaded.index.nprobe == index.index.nprobe
    noisy = vectors[:50] + 0.05 * unit_vectors(50, seed=1)
    ids = loaded.search(noisy, 1)[1][:, 0]
    assert (ids == np.arange(50)).mean() >= 0.95
    # Scores of given passages are exact cosines, read back from the inverted file.
    exact = vectors[[3, 99]] @ vectors[3]
    assert np.allclose(loaded.scores_for(vectors[3], np.array([3, 99])), exact, atol=1e-5)


def test_one_query_and_many_give_the_same_results():
    vectors = unit_vectors(2000)
    index = DenseIndex.build(vectors)
    batch = index.search(vectors[:5], 10)[1]
    single = np.vstack([index.search(v, 10)[1] for v in vectors[:5]])
    assert (batch == single).all()


def test_a_single_question_finds_what_faiss_finds():
    """One query is searched as a matrix product over FAISS's own vectors: the same passages, the same scores."""
    vectors = unit_vectors(3000, dim=64, seed=3)
    index = DenseIndex.build(vectors)
    query = unit_vectors(1, dim=64, seed=4)
    for k in (1, 10, 2999, 3000, 5000):
        scores, ids = index.search(query, k)
        faiss_scores, faiss_ids = index.index.search(query, min(k, 3000))
        assert ids.shape == faiss_ids.shape == (1, min(k, 3000))
        assert ids.dtype == np.int64 and scores.dtype == np.float32
        assert np.allclose(scores, faiss_scores, atol=1e-6)
        assert (np.diff(scores[0]) <= 0).all()
        assert set(ids[0][:10].tolist()) == set(faiss_ids[0][:10].tolist())
