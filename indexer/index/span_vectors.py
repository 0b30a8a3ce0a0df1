"""Vectors of the wording check's candidate spans (`indexer.types.Span`, made by `indexer.ingest.spans`: headings,
sentences and runs of two or three consecutive sentences of one paragraph).

Headings and sentences are embedded. A run is not embedded again: its vector is the mean of its sentences'
vectors weighted by their length, normalised. The model pools a text by averaging its word vectors, so this is the
same pooling over the run's words, with each sentence read in its own context. Runs are two thirds of the spans
and most of their text: embedding them took about as long as all the rest of a build.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

import numpy as np

from indexer.index.embedder import Embedder
from indexer.index.vectors import NONE, Embedded, KeptVectors, embed, pooled, text_key
from indexer.types import Passage, Span


def span_vectors(spans: Sequence[Span], embedder: Embedder, kept: KeptVectors = NONE,
                 batch_size: int = 64, progress: bool = False) -> Embedded:
    """One normalised vector per span, in order (see the module docstring); `kept` vectors are reused."""
    keys = [text_key(s.text) for s in spans]
    if not spans:
        return Embedded(np.zeros((0, embedder.dimension), dtype=np.float32), [], 0, 0)
    own = [n for n, s in enumerate(spans) if s.sentences <= 1]
    made = embed([spans[n].text for n in own], embedder, kept, batch_size, progress)
    out = np.zeros((len(spans), made.vectors.shape[1]), dtype=np.float32)
    out[own] = made.vectors
    inside = sentences_inside(spans)
    for n, span in enumerate(spans):
        if span.sentences <= 1:
            continue
        members = inside(span.source_id, span.start, span.end)
        if len(members) != span.sentences:
            raise ValueError(f"The run {span.source_id}[{span.start}:{span.end}] is not made of "
                             f"{span.sentences} of the source's sentences.")
        out[n] = pooled(out[members], [len(spans[m].text) for m in members])
    return Embedded(out, keys, made.embedded, made.reused)


def passage_sentences(passages: Sequence[Passage], spans: Sequence[Span]) -> np.ndarray:
    """Which span vectors are the sentences of each passage: (passage number, span number) pairs, by passage
    number then position, for every single sentence that lies whole inside a passage (the question path ranks a
    passage by its closest sentence, `indexer.ask.sentences`). `spans` are in the order of their vectors."""
    inside = sentences_inside(spans)
    pairs = [(number, n) for number, p in enumerate(passages) for n in inside(p.source_id, p.start, p.end)]
    return np.array(pairs, dtype=np.int64).reshape(len(pairs), 2)


def sentences_inside(spans: Sequence[Span]) -> Callable[[str, int, int], list[int]]:
    """A look-up `inside(source_id, start, end)`: the numbers of the spans that are single sentences lying whole
    within `[start, end)` of that source, in the order of their starts."""
    by_source: dict[str, list[tuple[int, int, int]]] = {}  # source -> (start, end, span number), by start
    for n, span in enumerate(spans):
        if span.sentences == 1:
            by_source.setdefault(span.source_id, []).append((span.start, span.end, n))
    for found in by_source.values():
        found.sort()
    starts = {source: [start for start, _, _ in found] for source, found in by_source.items()}

    def inside(source_id: str, start: int, end: int) -> list[int]:
        found = by_source.get(source_id, [])
        out = []
        for a, b, n in found[bisect.bisect_left(starts.get(source_id, []), start):]:
            if a >= end:
                break
            if b <= end:
                out.append(n)
        return out

    return inside
