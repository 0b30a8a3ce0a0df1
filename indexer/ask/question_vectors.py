"""Question vectors that take in the whole question, however long.

The model reads at most `TokenCounter.max_tokens` word pieces (256 for all-MiniLM-L6-v2) and drops the rest: of a
long message ("My mother is 78 ... she was prescribed ... Is this a side effect, and what should she do?") it would
keep the story and lose the question, which usually comes last. A text longer than the window is cut at
sentence ends into pieces that fit (`ingest.windows.cut_to_window`, as passages are cut), and its vector is the
mean of its pieces' vectors weighted by their length in word pieces, normalised: the model's own mean pooling,
over all of the question's words. A text that fits is encoded as it is.

Of a message whose story surrounds its question, the mean pooling weighs every word alike, so the story outweighs
the question. Its vector is the normalised sum of the whole message's vector and its asking sentences' vector
(`message_vector`): what it asks counts as much as everything it says, and the story keeps what the question
leaves to it ("My son has ADHD. What are the side effects of his medicine?").
"""

from __future__ import annotations

import numpy as np

from indexer.index.embedder import Embedder
from indexer.index.vectors import pooled
from indexer.ingest.windows import SPECIAL_TOKENS, TokenCounter, cut_to_window


def question_vectors(embedder: Embedder, texts: list[str], counter: TokenCounter) -> np.ndarray:
    """One normalised vector per text, in order (see the module docstring)."""
    budget = counter.max_tokens - SPECIAL_TOKENS
    pieces: list[list[str]] = []
    for text in texts:
        cut = cut_to_window(text, 0, len(text), budget, counter) if counter(text) > budget else []
        pieces.append([text[a:b] for a, b in cut] if len(cut) > 1 else [text])
    flat = [piece for parts in pieces for piece in parts]
    vectors = embedder.encode_queries(flat)
    if len(flat) == len(texts):
        return vectors
    out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
    row = 0
    for n, parts in enumerate(pieces):
        rows = slice(row, row + len(parts))
        out[n] = vectors[row] if len(parts) == 1 else pooled(vectors[rows], [max(1, counter(p)) for p in parts])
        row += len(parts)
    return out


def message_vector(whole: np.ndarray, asking: np.ndarray) -> np.ndarray:
    """The vector of a message from its whole text's and its asking sentences' (see the module docstring)."""
    summed = np.asarray(whole, dtype=np.float32) + np.asarray(asking, dtype=np.float32)
    norm = float(np.linalg.norm(summed))
    return summed / norm if norm > 0 else np.asarray(whole, dtype=np.float32)
