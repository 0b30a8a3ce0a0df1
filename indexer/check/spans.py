"""The span index a draft sentence is compared with: every span of every source (`indexer.ingest.spans`: headings,
sentences and runs of two or three sentences of one paragraph, each an exact slice of the source file) with its
words, terms and vector.

`build_span_index(...)` makes it from explicit parts (the index's source records, a reader of their current text,
the index folder with the stored span vectors, the embedder); `span_index(engine)` makes it once per engine and
keeps it while the engine lives (safe to call from several threads).
"""

from __future__ import annotations

import logging
import math
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from indexer.check.diff import Token, normalize, tokenize
from indexer.errors import IndexerError, SourceError
from indexer.index import store
from indexer.index.embedder import Embedder
from indexer.index.span_vectors import span_vectors
from indexer.index.vectors import NONE, KeptVectors, text_key
from indexer.ingest.sources import sha256_bytes
from indexer.ingest.spans import MAX_RUN, source_spans
from indexer.lexicon import DrugFinder
from indexer.text.tokens import STOPWORDS, terms
from indexer.types import Manifest, SourceRecord, Span

if TYPE_CHECKING:
    from indexer.ask.engine import Engine

log = logging.getLogger(__name__)

__all__ = ["MAX_RUN", "Span", "SpanIndex", "build_span_index", "source_spans", "span_index", "span_key",
           "stored_span_vectors"]


@dataclass
class SpanIndex:
    key: tuple
    spans: list[Span]
    texts: dict[str, str]  # source id -> full source text
    tokens: list[list[Token]]  # per span, offsets into the source text
    words: list[list[str]]  # per span, folded words (no punctuation)
    terms: list[frozenset[str]]  # per span, stemmed content terms
    idf: dict[str, float]  # term -> inverse document frequency over the sentences; unknown terms weigh `max_idf`
    max_idf: float
    vectors: np.ndarray  # per span, normalized embedding
    exact: dict[str, int]  # normalized text -> first span with it (single sentences first)
    by_word: dict[str, list[int]]  # content word -> spans containing it
    word_idf: dict[str, float]  # content word -> inverse document frequency over the sentences
    single: np.ndarray  # per span, True when it is one sentence
    claims: np.ndarray  # per span, True when it is a sentence or run of sentences (not a heading)
    drug_spans: DrugFinder = field(repr=False, default=None)  # words -> [(name, first, end)]


def span_index(engine: Engine) -> SpanIndex:
    """The span index of the engine's sources, made on first use and kept while the engine lives."""
    return _KEPT.get(engine, lambda: build_span_index(
        engine.index.sources, engine.source_text, engine.config.index_dir, engine.embedder,
        engine.config.batch_size, DrugFinder(engine.lexicon), key=span_key(engine.index.manifest, engine.embedder.name)))


def span_key(manifest: Manifest, embedder_name: str) -> tuple:
    """What a span index depends on: the index build (its time and corpus files) and the embedder."""
    return manifest.built_at, tuple(sorted(manifest.corpus.files.items())), embedder_name


def build_span_index(records: Sequence[SourceRecord], source_text: Callable[[str], str], index_dir: Path,
                     embedder: Embedder, batch_size: int, drug_finder: DrugFinder, key: tuple = ()) -> SpanIndex:
    """The span index of the sources `records` (an index's), their texts read by `source_text(source_id)` and
    checked against the index's checksums; their vectors those stored in `index_dir` (`stored_span_vectors`)."""
    spans: list[Span] = []
    texts: dict[str, str] = {}
    for record in records:
        text = source_text(record.source_id)
        if sha256_bytes(text.encode("utf-8")) != record.sha256:
            raise SourceError(f"The source file {record.path} changed since the index was built. Rebuild the index "
                              "with `python -m indexer build`.")
        texts[record.source_id] = text
        spans.extend(source_spans(record.source_id, record.title, record.path, text))
    if not spans:
        raise SourceError("The sources have no sentence to compare a draft with. Check the corpus folder.")
    vectors = stored_span_vectors(spans, index_dir, embedder, batch_size)
    tokens = [tokenize(texts[s.source_id], s.start, s.end) for s in spans]
    words = [[t.key for t in toks if t.is_word] for toks in tokens]
    span_terms = [frozenset(terms(s.text)) for s in spans]
    exact: dict[str, int] = {}
    for n in sorted(range(len(spans)), key=lambda n: spans[n].sentences > 1):  # single sentences first
        exact.setdefault(normalize(spans[n].text), n)
    by_word: dict[str, list[int]] = {}
    for n, ws in enumerate(words):
        for w in set(ws) - STOPWORDS:
            by_word.setdefault(w, []).append(n)
    single = np.array([s.sentences == 1 for s in spans])
    sentences = int(single.sum())
    return SpanIndex(
        key=key, spans=spans, texts=texts, tokens=tokens, words=words, terms=span_terms,
        idf=_idf([span_terms[n] for n in np.flatnonzero(single)], sentences),
        max_idf=math.log(sentences + 1) + 1.0,
        vectors=np.asarray(vectors, dtype=np.float32), exact=exact, by_word=by_word,
        word_idf=_idf([set(words[n]) for n in np.flatnonzero(single)], sentences),
        single=single, claims=np.array([s.sentences >= 1 for s in spans]), drug_spans=drug_finder,
    )


def stored_span_vectors(spans: list[Span], index_dir: Path, embedder: Embedder, batch_size: int) -> np.ndarray:
    """The spans' vectors as the index build stored them in `index_dir` (`span_vectors.npy`, keyed by the SHA-256
    of each span's text): a check embeds only its draft. Spans the index lacks (an ask-only index, or one of an
    older build) get their vectors here, made as the build makes them (`indexer.index.span_vectors`)."""
    try:
        keys, matrix = store.load_span_vectors(index_dir)
    except IndexerError as e:
        log.warning("%s Embedding the spans now.", e)
        keys, matrix = [], np.zeros((0, 0), dtype=np.float32)
    rows = {k: i for i, k in enumerate(keys)}
    wanted = [rows.get(text_key(s.text)) for s in spans]
    if all(row is not None for row in wanted):
        return np.asarray(matrix[wanted], dtype=np.float32)
    log.warning("Embedding the source spans the index does not hold (%d of %d).",
                sum(row is None for row in wanted), len(spans))
    kept = KeptVectors(rows, np.asarray(matrix, dtype=np.float32)) if len(keys) else NONE
    return span_vectors(spans, embedder, kept, batch_size).vectors


def _idf(bags: list, count: int) -> dict[str, float]:
    """Inverse document frequency of every item of the bags (smoothed: always above 1)."""
    df = Counter(item for bag in bags for item in set(bag))
    return {item: math.log((count + 1) / (n + 1)) + 1.0 for item, n in df.items()}


class _PerEngine:
    """One span index per engine: made by one thread on first use, kept while the engine lives."""

    def __init__(self) -> None:
        self._made: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._locks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def get(self, engine: Engine, make: Callable[[], SpanIndex]) -> SpanIndex:
        with self._lock:
            lock = self._locks.setdefault(engine, threading.Lock())
        with lock:  # one engine's index is made once; other engines' are not held up
            if engine not in self._made:
                self._made[engine] = make()
            return self._made[engine]


_KEPT = _PerEngine()
