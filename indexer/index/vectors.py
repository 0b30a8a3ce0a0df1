"""Vectors kept between builds: each passage's vector is keyed by the SHA-256 of its ranking text, so a build
embeds only the texts the previous index did not have (a changed, added or renamed passage) and reuses the rest.

The same text gives the same vector: the embedder's output for a text does not depend on the texts embedded
with it (see `indexer.index.embedder`), so an updated index holds exactly the vectors a full rebuild would.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.errors import IndexerError
from indexer.index import store
from indexer.index.dense import DenseIndex
from indexer.index.embedder import Embedder

log = logging.getLogger(__name__)


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pooled(vectors: np.ndarray, weights) -> np.ndarray:
    """The weighted mean of the vectors of several pieces of one text, normalised: the model's own mean pooling
    over all of the text's words, each piece read in its own context (for runs of sentences, and for questions
    longer than the model's window)."""
    total = np.asarray(weights, dtype=np.float32) @ np.asarray(vectors, dtype=np.float32)
    return total / max(float(np.linalg.norm(total)), 1e-12)


@dataclass(frozen=True)
class KeptVectors:
    """The vectors of an earlier index, by key."""

    rows: dict[str, int]
    matrix: np.ndarray

    def get(self, key: str) -> np.ndarray | None:
        row = self.rows.get(key)
        return None if row is None else self.matrix[row]

    def __len__(self) -> int:
        return len(self.rows)


NONE = KeptVectors({}, np.zeros((0, 0), dtype=np.float32))


def kept_vectors(index_dir: Path, model_name: str, dimension: int | None = None, runtime: str = "") -> KeptVectors:
    """The vectors of the live index in `index_dir` when it was built by the same model run by the same runtime
    (PyTorch and ONNX Runtime differ in the last bits), else none."""
    try:
        folder = store.version_dir(index_dir)
        manifest = json.loads((folder / store.MANIFEST).read_text(encoding="utf-8"))
        model = manifest.get("model") or {}
        if model.get("name") != model_name or (dimension is not None and model.get("dimension") != dimension):
            log.info("The index at %s was built by another model: every passage is embedded.", index_dir)
            return NONE
        if model.get("runtime", "") != runtime:
            log.info("The index at %s was built with the model run by %s, not %s: every passage is embedded.",
                     index_dir, model.get("runtime") or "an earlier version", runtime)
            return NONE
        keys = json.loads((folder / store.VECTOR_KEYS).read_text(encoding="utf-8"))
        dense = DenseIndex.load(folder / "dense.faiss")
        if not isinstance(keys, list) or len(keys) != len(dense):
            return NONE
        matrix = dense.index.reconstruct_n(0, len(dense)) if len(dense) else np.zeros((0, dense.dimension))
    except (IndexerError, OSError, ValueError, RuntimeError) as e:
        log.info("No vectors to reuse from %s (%s): every passage is embedded.", index_dir, e)
        return NONE
    try:  # the wording check's span vectors too, when the index has them
        span_keys, span_matrix = store.load_span_vectors(index_dir)
        if len(span_keys) and span_matrix.shape[1] == matrix.shape[1]:
            keys = [*keys, *span_keys]
            matrix = np.vstack([matrix, np.asarray(span_matrix, dtype=np.float32)])
    except IndexerError:
        pass
    return KeptVectors({k: i for i, k in enumerate(keys)}, np.asarray(matrix, dtype=np.float32))


@dataclass(frozen=True)
class Embedded:
    vectors: np.ndarray  # one row per text, in order
    keys: list[str]
    embedded: int  # texts whose vector was made now
    reused: int  # texts whose vector came from the earlier index

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1])


def embed(texts: list[str], embedder: Embedder, kept: KeptVectors = NONE, batch_size: int = 64,
          progress: bool = False) -> Embedded:
    """Vectors for `texts`: kept ones reused, each missing distinct text embedded once."""
    keys = [text_key(t) for t in texts]
    if not texts:
        return Embedded(np.zeros((0, embedder.dimension), dtype=np.float32), [], 0, 0)
    missing: dict[str, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if kept.get(key) is None and key not in missing:
            missing[key] = text
    made = embedder.encode_passages(list(missing.values()), batch_size=batch_size, progress=progress) \
        if missing else None
    fresh = dict(zip(missing, made, strict=True)) if made is not None else {}
    first = made[0] if made is not None and len(made) else kept.matrix[0]
    vectors = np.empty((len(texts), len(first)), dtype=np.float32)
    embedded = 0
    for row, key in enumerate(keys):
        if key in fresh:
            vectors[row] = fresh[key]
            embedded += 1
        else:
            vectors[row] = kept.get(key)
    return Embedded(vectors, keys, embedded, len(texts) - embedded)
