"""Source spans a draft sentence is compared with: every sentence of every source (headings included) and runs of
two or three consecutive sentences of one paragraph, each an exact slice of the source file.

`span_index(engine)` builds them, their words and their embeddings once per engine and index build; later calls
reuse them (it is safe to call from several threads). `DrugFinder` finds the drugs and drug classes a text names
(the curated classes of `data/drug_classes.toml`, then the drug dictionary), for the meaning flags of a diff and
to keep a sentence naming a drug its span does not from passing as a paraphrase of it.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import weakref
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from indexer.diff import Token, normalize, tokenize
from indexer.drugs import curated_phrases, match_phrases
from indexer.errors import SourceError
from indexer.passages import classify_blocks
from indexer.sentences import skip_marker, split_sentences
from indexer.sources import sha256_bytes
from indexer.text import STOPWORDS, fold, terms

log = logging.getLogger(__name__)

MAX_RUN = 3  # sentences in the longest run
_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


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
    drug_spans: object = field(repr=False, default=None)  # words -> [(name, first, end)]


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def span_index(engine) -> SpanIndex:
    """The candidate spans of the engine's sources, built on first use and kept while the engine lives."""
    key = _build_key(engine)
    with _LOCK:
        cached = _CACHE.get(engine)
        if cached is not None and cached.key == key:
            return cached
        built = build_span_index(engine, key)
        _CACHE[engine] = built
        return built


def _build_key(engine) -> tuple:
    manifest = engine.index.manifest
    files = manifest.get("corpus", {}).get("files", {})
    return (manifest.get("built_at"), tuple(sorted(files.items())), engine.embedder.name)


def source_spans(source_id: str, title: str, path: str, text: str) -> list[Span]:
    """Headings, sentences and runs of 2–3 sentences of one paragraph, in reading order."""
    out: list[Span] = []
    for block in classify_blocks(text):
        if block.kind == "heading":
            a = skip_marker(text, block.start, block.end)
            out.append(Span(source_id, title, path, a, block.end, text[a : block.end], 0))
            continue
        if block.kind != "prose":
            continue
        sentences = [(skip_marker(text, a, b), b) for a, b in split_sentences(text, block.start, block.end)]
        for i in range(len(sentences)):
            for n in range(1, MAX_RUN + 1):
                if i + n > len(sentences):
                    break
                a, b = sentences[i][0], sentences[i + n - 1][1]
                out.append(Span(source_id, title, path, a, b, text[a:b], n))
    return out


def build_span_index(engine, key: tuple = ()) -> SpanIndex:
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
    log.info("Embedding %d source spans for wording checks", len(spans))
    vectors = engine.embedder.encode_passages([s.text for s in spans], batch_size=engine.config.batch_size)
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
        single=single, claims=np.array([s.sentences >= 1 for s in spans]), drug_spans=DrugFinder(engine.reader),
    )


def _idf(bags: list, count: int) -> dict[str, float]:
    """Inverse document frequency of every item of the bags (smoothed: always above 1)."""
    df = Counter(item for bag in bags for item in set(bag))
    return {item: math.log((count + 1) / (n + 1)) + 1.0 for item, n in df.items()}


class DrugFinder:
    """Drugs and drug classes named in a list of words: the curated classes first, then the drug dictionary."""

    def __init__(self, reader) -> None:
        self._names = reader.drug_names
        self._phrases = curated_phrases(reader.classes)
        # name -> itself, the classes it belongs to, and the classes wider or narrower than those
        self._related: dict[str, set[str]] = {}
        narrower: dict[str, set[str]] = {}
        for drug_class in reader.classes.values():
            for parent in drug_class.broader:
                narrower.setdefault(parent, set()).add(drug_class.key)
        for drug_class in reader.classes.values():
            family = {drug_class.key, *drug_class.broader, *narrower.get(drug_class.key, ())}
            self._related.setdefault(drug_class.key, set()).update(family)
            for member in drug_class.members:
                self._related.setdefault(member, {member}).update(family)

    def names(self, text: str) -> set[str]:
        """The drugs and classes a text names, with the classes they belong to and the classes around those."""
        found = {name for name, _, _ in self(_WORDS.findall(text), every=True)}
        return set().union(*(self._related.get(name, {name}) for name in found)) if found else set()

    def unsupported_names(self, sentence: str, span_text: str, title: str) -> set[str]:
        """Drugs or classes the sentence names that neither the span nor its source's title speaks of: not by
        name, not by a class a drug belongs to or a wider or narrower class, not by a word of the mention
        ("NMDA receptors" is supported by a span about "NMDA blockers")."""
        words = _WORDS.findall(sentence)
        around = self.names(span_text) | self.names(title)
        around_words = {fold(w) for w in _WORDS.findall(f"{span_text} {title}")}
        missing = set()
        for name, first, end in self(words):
            if self._related.get(name, {name}) & around:
                continue
            if any(fold(w) in around_words for w in words[first:end] if fold(w) not in STOPWORDS and len(w) > 2):
                continue
            missing.add(name)
        return missing

    def __call__(self, words: list[str], every: bool = False) -> list[tuple[str, int, int]]:
        """(name, first word, end word) of each mention; with `every`, also the dictionary's reading of words the
        curated lexicon already matched ("NMDA" in "NMDA blocker" is a class and a substance)."""
        folded = [fold(w) for w in words]
        found = [(name, first, end) for (_, name), first, end in match_phrases(words, self._phrases)]
        covered = {i for _, first, end in found for i in range(first, end)}
        for name, first, end in self._names.find(words):
            if (every or not covered.intersection(range(first, end))) and not all(
                    w in STOPWORDS for w in folded[first:end]):
                found.append((name, first, end))
        return found
