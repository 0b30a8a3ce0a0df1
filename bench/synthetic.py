"""Synthetic passages for the scaling benchmark: clustered unit vectors and Zipf-distributed words.

Real sentence embeddings are not uniform on the sphere: passages gather in topics, and a question lies close to
the passages that answer it. The vectors imitate that: `n / TOPIC_SIZE` random topic directions, each passage
a topic direction plus Gaussian noise, each query a passage plus more noise (so a query has a few true
neighbours, then a topic of near ones, then the rest). Texts are drawn from a Zipf law over a made-up
vocabulary; a query is a handful of words of one passage. Everything is a pure function of (n, seed).
"""

from __future__ import annotations

import numpy as np

DIMENSION = 384
TOPIC_SIZE = 100  # passages per topic, on average
PASSAGE_NOISE = 1.0  # noise norm relative to the (unit) topic direction
QUERY_NOISE = 1.2  # noise norm relative to the (unit) passage vector
VOCABULARY = 50_000
WORDS_PER_PASSAGE = 60
STOPWORDS = 100  # the most frequent words stand for stop words: indexed, never asked for
CHUNK = 100_000

_LETTERS = np.array(list("bcdfghjklmnprstvwz"))
_VOWELS = np.array(list("aeiou"))


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _noise(rng: np.random.Generator, rows: int, scale: float) -> np.ndarray:
    return rng.standard_normal((rows, DIMENSION), dtype=np.float32) * np.float32(scale / np.sqrt(DIMENSION))


def topics(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng([seed, 1])
    return _unit(rng.standard_normal((max(1, n // TOPIC_SIZE), DIMENSION), dtype=np.float32))


def passage_vectors(n: int, seed: int = 0) -> np.ndarray:
    """n unit vectors, generated in chunks (the same for any chunk size)."""
    centres = topics(n, seed)
    out = np.empty((n, DIMENSION), dtype=np.float32)
    for start in range(0, n, CHUNK):
        rows = min(CHUNK, n - start)
        rng = np.random.default_rng([seed, 2, start])
        topic = rng.integers(0, len(centres), rows)
        out[start : start + rows] = _unit(centres[topic] + _noise(rng, rows, PASSAGE_NOISE))
    return out


def query_vectors(passages: np.ndarray, count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(query vectors, the passage each was made from)."""
    rng = np.random.default_rng([seed, 3])
    source = rng.integers(0, len(passages), count)
    return _unit(passages[source] + _noise(rng, count, QUERY_NOISE)), source


def query_sources(n: int, count: int, seed: int = 0) -> np.ndarray:
    """The passage each query of `query_vectors` was made from, without the vectors."""
    return np.random.default_rng([seed, 3]).integers(0, n, count)


def vocabulary(seed: int = 0) -> list[str]:
    """Pronounceable made-up words (consonant-vowel pairs), indexed as they are."""
    rng = np.random.default_rng([seed, 4])
    words: dict[str, None] = {}
    while len(words) < VOCABULARY:
        length = int(rng.integers(2, 5))
        cons = rng.choice(_LETTERS, length)
        vows = rng.choice(_VOWELS, length)
        words["".join(c + v for c, v in zip(cons, vows, strict=True))] = None
    return list(words)


def passage_words(n: int, seed: int = 0) -> list[list[str]]:
    """n passages of about WORDS_PER_PASSAGE words, drawn from a Zipf law (s = 1.1) over the vocabulary."""
    vocab = np.array(vocabulary(seed), dtype=object)
    out: list[list[str]] = []
    for start in range(0, n, CHUNK):
        rows = min(CHUNK, n - start)
        rng = np.random.default_rng([seed, 5, start])
        lengths = rng.integers(WORDS_PER_PASSAGE // 2, WORDS_PER_PASSAGE * 3 // 2, rows)
        ranks = rng.zipf(1.1, int(lengths.sum()))
        ranks = np.where(ranks > VOCABULARY, rng.integers(1, VOCABULARY + 1, len(ranks)), ranks) - 1
        words = vocab[ranks]
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        out.extend(words[offsets[i] : offsets[i + 1]].tolist() for i in range(rows))
    return out


def query_words(passages: list[list[str]], source: np.ndarray, seed: int = 0, length: int = 5) -> list[list[str]]:
    """A few words of the passage each query was made from, none of them among the STOPWORDS most frequent words
    (the real pipeline drops stop words from questions, so questions never look up the longest postings)."""
    common = set(vocabulary(seed)[:STOPWORDS])
    rng = np.random.default_rng([seed, 6])
    out = []
    for i in source:
        words = [w for w in passages[int(i)] if w not in common] or passages[int(i)]
        out.append([words[j] for j in rng.choice(len(words), min(length, len(words)), replace=False)])
    return out
