"""Helpers shared by the benchmark scripts: the embedder to use, an on-disk embedding cache, the last line."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import sys
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
# The external development data: ../shared/ext beside the repository; BENCH_EXT_DIR points elsewhere (a git
# worktree has no ../shared).
DEFAULT_EXT = Path(os.environ.get("BENCH_EXT_DIR") or REPO.parent / "shared" / "ext")
# Vectors and synthetic indexes are cached here (git-ignored); BENCH_CACHE_DIR moves it (the smoke tests do).
CACHE_DIR = Path(os.environ.get("BENCH_CACHE_DIR") or REPO / ".cache" / "bench")


def load_embedder(fake: bool):
    """The bundled MiniLM model, or the tests' deterministic fake (for the smoke tests)."""
    if fake:
        if str(REPO) not in sys.path:
            sys.path.insert(0, str(REPO))
        from tests.fakes import FakeEmbedder

        return FakeEmbedder()
    from indexer.index.embedder import load_embedder as load_real

    return load_real()


def digest(*parts) -> str:
    """A short stable hash of strings, lists of strings and JSON-able settings."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, (list, tuple)):
            for item in part:
                h.update(str(item).encode("utf-8"))
                h.update(b"\x00")
        else:
            h.update(json.dumps(part, sort_keys=True, default=str).encode("utf-8"))
        h.update(b"\x01")
    return h.hexdigest()[:20]


class CachedEmbedder:
    """Wraps an embedder: a text embedded before by the same model is read from `.cache/bench/`, not embedded.

    Vectors are kept per text (keyed by a hash of the model name and the exact text), in one shard file per
    call that embedded something, so a change to a few passages re-embeds only those. Only the benchmarks use
    this cache; the index itself never reads it. Vectors cached while the model ran with PyTorch serve it run by
    ONNX Runtime too: the two agree to within 3e-7 (tests/index/test_onnx_model.py), far below any ranking margin.
    """

    def __init__(self, embedder, cache_dir: Path | None = CACHE_DIR) -> None:
        self.embedder = embedder
        self.name = embedder.name
        self.dimension = embedder.dimension
        self.runtime = getattr(embedder, "runtime", "")
        self.directory = Path(cache_dir) / f"vectors-{digest(self.name)}" if cache_dir is not None else None
        self.hits = 0
        self.misses = 0
        self._known: dict[bytes, np.ndarray] | None = None

    def _key(self, text: str) -> bytes:
        return hashlib.sha256(text.encode("utf-8")).digest()[:16]

    def _load(self) -> dict[bytes, np.ndarray]:
        if self._known is None:
            self._known = {}
            for shard in sorted(self.directory.glob("shard-*.npz")) if self.directory.is_dir() else []:
                with np.load(shard) as data:
                    for key, vector in zip(data["keys"], data["vectors"], strict=True):
                        self._known[key.tobytes()] = vector
        return self._known

    def _encode(self, texts: list[str], compute) -> np.ndarray:
        if self.directory is None:
            return compute(texts)
        known = self._load()
        keys = [self._key(t) for t in texts]
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in known))
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            vectors = compute(missing)
            new_keys = np.frombuffer(b"".join(self._key(t) for t in missing), dtype=np.uint8).reshape(-1, 16)
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = self.directory / f".shard-{digest(list(missing))}.tmp.npz"
            np.savez(tmp, keys=new_keys, vectors=vectors)
            tmp.replace(self.directory / tmp.name[1:].replace(".tmp", ""))
            for key, vector in zip(new_keys, vectors, strict=True):
                known[key.tobytes()] = vector
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack([known[k] for k in keys]).astype(np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self.embedder.encode_queries)

    def encode_passages(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        return self._encode(list(texts), lambda todo: self.embedder.encode_passages(
            todo, batch_size=batch_size, progress=progress))


LIBRARY_LOGGERS = ("sentence_transformers", "bm25s", "httpx", "transformers", "faiss")


def log_progress(level: int = logging.INFO) -> None:
    """Progress lines on standard error (the figures go to standard output), without the libraries' own chatter."""
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def machine() -> str:
    import psutil

    memory = psutil.virtual_memory().total / 2**30
    return f"{psutil.cpu_count(logical=True)} cores, {memory:.0f} GiB, {platform.machine()}, Python {platform.python_version()}"


def last_line(figures: dict[str, float | int]) -> str:
    """`name=value` pairs, the line other tools parse."""
    out = []
    for name, value in figures.items():
        if isinstance(value, float):
            out.append(f"{name}={value:.4g}" if abs(value) >= 1000 else f"{name}={value:.4f}".rstrip("0").rstrip("."))
        else:
            out.append(f"{name}={value}")
    return " ".join(out)
