"""Source spans a draft sentence is compared with: every sentence of every source (headings included) and runs of
two or three consecutive sentences of one paragraph, each an exact slice of the source file.

`span_index(engine)` builds them, their words and their embeddings once per engine and index build; later calls
reuse them (they are kept in the engine's caches; safe to call from several threads).
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from indexer.check.diff import Token, normalize, tokenize
from indexer.errors import IndexerError, SourceError
from indexer.index import store
from indexer.index.span_vectors import span_vectors as pooled_span_vectors
from indexer.index.vectors import NONE, KeptVectors, text_key
from indexer.ingest.sources import sha256_bytes
from indexer.ingest.structure import document_blocks
from indexer.lexicon import DrugFinder
from indexer.text.sentences import skip_marker, split_sentences
from indexer.text.tokens import STOPWORDS, terms

if TYPE_CHECKING:
    from indexer.ask.engine import Engine

log = logging.getLogger(__name__)

MAX_RUN = 3  # sentences in the longest run


@dataclass(frozen=True)
class Span:
    """An exact slice of a source: `text == source_text[start:end]`."""

    source_id: str
    title: str
    path: str  # as cited, e.g. "corpus/000_c89290b5e323cd66.txt"
    start: int
    end: int
    text: str
    sentences: int = 1  # how many source sentences it covers (0 for a heading)

    def to_json(self) -> dict:
        return {"source_id": self.source_id, "title": self.title, "source": self.path, "start": self.start,
                "end": self.end, "text": self.text}


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
    """The candidate spans of the engine's sources, built on first use and kept in the engine's caches."""
    key = _build_key(engine)
    return engine.caches.get("wording-spans", key, lambda: build_span_index(engine, key))


def _build_key(engine: Engine) -> tuple:
    manifest = engine.index.manifest
    files = manifest.get("corpus", {}).get("files", {})
    return (manifest.get("built_at"), tuple(sorted(files.items())), engine.embedder.name)


def source_spans(source_id: str, title: str, path: str, text: str) -> list[Span]:
    """Headings, sentences and runs of 2–3 sentences of one paragraph, in reading order."""
    out: list[Span] = []
    for block in document_blocks(text, markdown=path.lower().endswith(".md")):
        if block.kind == "heading":
            a = skip_marker(text, block.start, block.end)
            out.append(Span(source_id, title, path, a, block.end, text[a : block.end], 0))
            continue
        if block.kind != "content":
            continue
        sentences = [(skip_marker(text, a, b), b) for a, b in split_sentences(text, block.start, block.end)]
        for i in range(len(sentences)):
            for n in range(1, MAX_RUN + 1):
                if i + n > len(sentences):
                    break
                a, b = sentences[i][0], sentences[i + n - 1][1]
                out.append(Span(source_id, title, path, a, b, text[a:b], n))
    return out


def build_span_index(engine: Engine, key: tuple = ()) -> SpanIndex:
    spans: list[Span] = []
    texts: dict[str, str] = {}
    for record in engine.index.sources:
        text = engine.source_text(record.source_id)
        if sha256_bytes(text.encode("utf-8")) != record.sha256:
            raise SourceError(f"The source file {record.path} changed since the index was built. Rebuild the index "
                              "with `python -m indexer build`.")
        texts[record.source_id] = text
        spans.extend(source_spans(record.source_id, record.title, record.path, text))
    if not spans:
        raise SourceError("The sources have no sentence to compare a draft with. Check the corpus folder.")
    vectors = span_vectors(engine, spans)
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
        single=single, claims=np.array([s.sentences >= 1 for s in spans]), drug_spans=DrugFinder(engine.lexicon),
    )


def span_vectors(engine: Engine, spans: list[Span]) -> np.ndarray:
    """The spans' vectors as the index build stored them (`span_vectors.npy`, keyed by the SHA-256 of each span's
    text): a check embeds only its draft. Spans the index lacks (an ask-only index, or one of an older build) get
    their vectors here, made as the build makes them (`indexer.index.span_vectors`)."""
    try:
        keys, matrix = store.load_span_vectors(engine.config.index_dir)
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
    return pooled_span_vectors(spans, engine.embedder, kept, engine.config.batch_size).vectors


def _idf(bags: list, count: int) -> dict[str, float]:
    """Inverse document frequency of every item of the bags (smoothed: always above 1)."""
    df = Counter(item for bag in bags for item in set(bag))
    return {item: math.log((count + 1) / (n + 1)) + 1.0 for item, n in df.items()}
