"""Question vectors that take in the whole question, however long.

The model reads at most `TokenCounter.max_tokens` word pieces (256 for all-MiniLM-L6-v2) and drops the rest: of a
long message ("My mother is 78 ... she was prescribed ... Is this a side effect, and what should she do?") it would
keep the story and lose the question, which usually comes last. A text longer than the window is cut at
sentence ends into pieces that fit (`ingest.windows.cut_to_window`, as passages are cut), and its vector is the
mean of its pieces' vectors weighted by their length in word pieces, normalised: the model's own mean pooling,
over all of the question's words. A text that fits is encoded as it is.
"""

from __future__ import annotations

import numpy as np

from indexer.index.embedder import Embedder
from indexer.ingest.windows import SPECIAL_TOKENS, TokenCounter, cut_to_window


def question_vectors(embedder: Embedder, texts: list[str], counter: TokenCounter) -> np.ndarray:
    """One normalised vector per text, in order (see the module docstring)."""
    budget = counter.max_tokens - SPECIAL_TOKENS
    pieces: list[str] = []
    weights: list[int] = []
    owners: list[int] = []
    for n, text in enumerate(texts):
        length = counter(text)
        cut = cut_to_window(text, 0, len(text), budget, counter) if length > budget else []
        if len(cut) <= 1:
            pieces.append(text)
            weights.append(1)
            owners.append(n)
            continue
        for start, end in cut:
            pieces.append(text[start:end])
            weights.append(max(1, counter(text[start:end])))
            owners.append(n)
    vectors = embedder.encode_queries(pieces)
    if len(pieces) == len(texts):
        return vectors
    out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
    np.add.at(out, np.array(owners), vectors * np.array(weights, dtype=np.float32)[:, None])
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)
