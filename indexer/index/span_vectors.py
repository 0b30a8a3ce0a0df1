"""Vectors of the wording check's candidate spans (`indexer.check.spans.Span`: headings, sentences and runs of two
or three consecutive sentences of one paragraph).

Headings and sentences are embedded. A run is not embedded again: its vector is the mean of its sentences'
vectors weighted by their length, normalised. The model pools a text by averaging its word vectors, so this is the
same pooling over the run's words, with each sentence read in its own context. Runs are two thirds of the spans
and most of their text: embedding them took about as long as all the rest of a build.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from indexer.index.embedder import Embedder
from indexer.index.vectors import NONE, Embedded, KeptVectors, embed, pooled, text_key


class SpanLike(Protocol):
    source_id: str
    start: int
    end: int
    text: str
    sentences: int  # 0 for a heading, 1 for a sentence, 2 or 3 for a run


def span_vectors(spans: Sequence[SpanLike], embedder: Embedder, kept: KeptVectors = NONE,
                 batch_size: int = 64, progress: bool = False) -> Embedded:
    """One normalised vector per span, in order (see the module docstring); `kept` vectors are reused."""
    keys = [text_key(s.text) for s in spans]
    if not spans:
        return Embedded(np.zeros((0, embedder.dimension), dtype=np.float32), [], 0, 0)
    own = [n for n, s in enumerate(spans) if s.sentences <= 1]
    made = embed([spans[n].text for n in own], embedder, kept, batch_size, progress)
    out = np.zeros((len(spans), made.vectors.shape[1]), dtype=np.float32)
    out[own] = made.vectors
    sentences: dict[str, list[tuple[int, int, int]]] = {}  # source -> (start, end, span number), by start
    for n in own:
        if spans[n].sentences == 1:
            sentences.setdefault(spans[n].source_id, []).append((spans[n].start, spans[n].end, n))
    for found in sentences.values():
        found.sort()
    starts = {source: [start for start, _, _ in found] for source, found in sentences.items()}
    for n, span in enumerate(spans):
        if span.sentences <= 1:
            continue
        found = sentences.get(span.source_id, [])
        first = bisect.bisect_left(starts.get(span.source_id, []), span.start)
        members = []
        for start, end, m in found[first:]:
            if start >= span.end:
                break
            if end <= span.end:
                members.append(m)
        if len(members) != span.sentences:
            raise ValueError(f"The run {span.source_id}[{span.start}:{span.end}] is not made of "
                             f"{span.sentences} of the source's sentences.")
        out[n] = pooled(out[members], [len(spans[m].text) for m in members])
    return Embedded(out, keys, made.embedded, made.reused)


class PassageLike(Protocol):
    source_id: str
    start: int
    end: int


def passage_sentences(passages: Sequence[PassageLike], spans: Sequence[SpanLike]) -> np.ndarray:
    """Which span vectors are the sentences of each passage: (passage number, span number) pairs, by passage
    number then position, for every single sentence that lies whole inside a passage (the question path ranks a
    passage by its closest sentence, `indexer.ask.sentences`). `spans` are in the order of their vectors."""
    by_source: dict[str, list[tuple[int, int, int]]] = {}  # source -> (start, end, span number), by start
    for n, span in enumerate(spans):
        if span.sentences == 1:
            by_source.setdefault(span.source_id, []).append((span.start, span.end, n))
    for found in by_source.values():
        found.sort()
    starts = {source: [start for start, _, _ in found] for source, found in by_source.items()}
    pairs: list[tuple[int, int]] = []
    for number, p in enumerate(passages):
        found = by_source.get(p.source_id, [])
        first = bisect.bisect_left(starts.get(p.source_id, []), p.start)
        for start, end, n in found[first:]:
            if start >= p.end:
                break
            if end <= p.end:
                pairs.append((number, n))
    return np.array(pairs, dtype=np.int64).reshape(len(pairs), 2)
