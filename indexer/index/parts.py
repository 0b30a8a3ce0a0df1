"""Single parts of the live version of an index, read without loading the rest of it: the wording check's span
vectors, the sentence map `ask` ranks passages by, and where the exported drug-name dictionary is."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from indexer.errors import IndexerError, IndexMismatch
from indexer.index.folder import REBUILD, version_dir
from indexer.ingest.sources import display_path

# The wording check's candidate spans (every sentence and run of two or three), embedded at build time: their
# vectors and the SHA-256 of each span's text. Memory-mapped: `check` reads them, and `ask` the rows of the
# sentences of its candidate passages (below).
SPAN_VECTORS = "span_vectors.npy"
SPAN_KEYS = "span_keys.json"
# Which span vectors are the sentences of each passage ((passage, span) pairs, `span_vectors.passage_sentences`):
# `ask` ranks a passage by its closest sentence. Memory-mapped; an index without it ranks on passages alone.
PASSAGE_SENTENCES = "passage_sentences.npy"


def load_passage_sentences(directory: Path) -> tuple[np.ndarray, np.ndarray]:
    """The live version's span vectors and the (passage, span) pairs of its passages' sentences, both
    memory-mapped. IndexMismatch when they are missing or do not match."""
    shown = display_path(directory)
    folder_path = version_dir(directory)
    try:
        pairs = np.load(folder_path / PASSAGE_SENTENCES, mmap_mode="r", allow_pickle=False)
        matrix = np.load(folder_path / SPAN_VECTORS, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as e:
        raise IndexMismatch(f"The index at {shown} has no readable sentence map ({type(e).__name__}). {REBUILD}") from e
    if pairs.ndim != 2 or pairs.shape[1] != 2 or matrix.ndim != 2 or (len(pairs) and pairs[:, 1].max() >= len(matrix)):
        raise IndexMismatch(f"The sentence map of the index at {shown} does not match its span vectors. {REBUILD}")
    return matrix, pairs


def load_span_vectors(directory: Path) -> tuple[list[str], np.ndarray]:
    """The live version's span keys and vectors (memory-mapped). IndexMismatch when they are missing or do not
    match."""
    shown = display_path(directory)
    folder_path = version_dir(directory)
    try:
        keys = json.loads((folder_path / SPAN_KEYS).read_text(encoding="utf-8"))
        matrix = np.load(folder_path / SPAN_VECTORS, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as e:
        raise IndexMismatch(f"The index at {shown} has no readable span vectors ({type(e).__name__}). {REBUILD}") from e
    if not isinstance(keys, list) or matrix.ndim != 2 or len(keys) != len(matrix):
        raise IndexMismatch(f"The span vectors of the index at {shown} are inconsistent. {REBUILD}")
    return keys, matrix


def lexicon_path(directory: Path) -> Path | None:
    """Where the live version keeps the exported drug-name dictionary (None when there is no index)."""
    try:
        return version_dir(directory) / "drug_names.json"
    except IndexerError:
        return None
