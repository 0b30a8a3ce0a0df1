"""An embedder that remembers the vectors it made: the page's one model, shared by every session.

The page gives the engine this wrapper in place of the model, so that highlighting the answer reuses the question
vector the search just made (a warm question costs one model call), and the sentences of a small corpus are
encoded once. It is an `Embedder` in every respect, its `runtime` included: an index the page builds records what
ran the model, so the command line can reuse its vectors (and the page the command line's).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from indexer.index.embedder import Embedder
from indexer.text.sentences import split_sentences


class VectorCache:
    """An embedder that remembers the vectors of questions and sentences it has made (bounded, least recently
    used dropped first, safe across threads). Given to the Engine in place of the model, it lets the
    highlighting reuse the question vector the search just made, so a warm question costs one model call.

    `encode_passages` (index builds) passes straight through: passages are not kept."""

    def __init__(self, embedder: Embedder, max_items: int = 50_000) -> None:
        self.embedder = embedder
        self.name = embedder.name
        self.dimension = embedder.dimension
        self.runtime = getattr(embedder, "runtime", "")  # vectors are reused only from an index of the same runtime
        self.max_items = max_items
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    # -- the Embedder protocol ------------------------------------------------------------------------------

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._get("query", texts)

    def encode_passages(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        return self.embedder.encode_passages(texts, batch_size=batch_size, progress=progress)

    # -- sentences -------------------------------------------------------------------------------------------

    def sentences(self, texts: Sequence[str]) -> np.ndarray:
        return self._get("sentence", texts)

    def warm(self, texts: Sequence[str], limit: int = 5_000) -> threading.Thread | None:
        """Encode the sentences of these passage texts in the background (small corpora only)."""
        sentences = [t[a:b] for t in texts for a, b in split_sentences(t, 0, len(t))]
        if not sentences or len(sentences) > min(limit, self.max_items):
            return None
        thread = threading.Thread(target=self.sentences, args=(sentences,), name="warm-sentences", daemon=True)
        thread.start()
        return thread

    def _encode(self, kind: str, texts: list[str]) -> np.ndarray:
        encode = self.embedder.encode_queries if kind == "query" else self.embedder.encode_passages
        return np.asarray(encode(texts), dtype=np.float32).reshape(len(texts), self.dimension)

    def _get(self, kind: str, texts: Sequence[str]) -> np.ndarray:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for t in texts:
                vector = self._vectors.get((kind, t))
                if vector is not None:
                    self._vectors.move_to_end((kind, t))
                    found[t] = vector
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            new = self._encode(kind, missing)
            with self._lock:
                for text, vector in zip(missing, new, strict=True):
                    self._vectors[(kind, text)] = vector
                    found[text] = vector
                while len(self._vectors) > self.max_items:
                    self._vectors.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([found[t] for t in texts])
