"""Answers: a question in, the cited passages that answer it out, with how it was read and whether the sources
cover it. The one object the CLI and the page use; read-only after it is opened, so sessions can share it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np

from indexer.ask.coverage import DEPTH, TOP, Coverage, CoverageModel, Evidence, gather, judge
from indexer.ask.question_vectors import message_vector, question_vectors
from indexer.ask.reading import QuestionReader, Understanding
from indexer.ask.rerank import FEATURES, RerankModel, candidate_features, named_share
from indexer.ask.search import hybrid_rank
from indexer.ask.sentences import SentenceVectors
from indexer.ask.spelling import Speller
from indexer.ask.surfacing import Surfaced, surface_rarest
from indexer.ask.vocabulary import IndexVocabulary
from indexer.config import Config, model_path
from indexer.errors import ConfigError, IndexMismatch, IndexNotFound, NotAnIndex, SourceError
from indexer.index import store
from indexer.index.build import BuildReport, build_index
from indexer.index.embedder import Embedder, load_embedder
from indexer.index.represent import ranking_text
from indexer.index.status import IndexStatus, index_status
from indexer.ingest.passages import HEADING_SEPARATOR
from indexer.ingest.source_text import source_text
from indexer.ingest.sources import display_path, warning_lines
from indexer.ingest.windows import TokenCounter
from indexer.lexicon import DrugNames, Lexicon
from indexer.text.tokens import terms
from indexer.types import Citation, Hit, IndexState, Passage, Ranked

log = logging.getLogger(__name__)
T = TypeVar("T")
PASSAGE_TERMS_KEPT = 4096  # passages whose terms are kept when the index does not store them (an older index)
__all__ = ["Answer", "Candidates", "Citation", "Engine"]


@dataclass(frozen=True)
class Answer:
    """A question's answer: the hits (each with its citation), how the question was read and whether the sources
    cover it."""

    question: str
    covered: bool
    hits: tuple[Hit, ...]
    understood: Understanding
    coverage: Coverage
    surfaced: Surfaced | None = None  # the passage put where the reader sees it (ask/surfacing.py)

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "covered": self.covered,
            "coverage_state": self.coverage.state,
            "missing": list(self.coverage.missing),
            "coverage_score": self.coverage.score,
            "understood": self.understood.to_json() | {"coverage": self.coverage.reason},
            "results": [_result(rank, hit) for rank, hit in enumerate(self.hits, 1)],
            "surfaced": self.surfaced.to_json() if self.surfaced else None,
        }


def _result(rank: int, hit: Hit) -> dict:
    """One hit as `--json` prints it: its rank, its citation, its text and its scores."""
    c = hit.citation
    return {
        "rank": rank,
        "source_id": c.source_id,
        "title": c.title,
        "source": c.path,
        "start": c.start,
        "end": c.end,
        "text": hit.passage.text,
        "heading": HEADING_SEPARATOR.join(c.heading),
        "score": round(hit.score, 6),
        "dense_score": round(hit.dense_score, 6),
        "sparse_score": round(hit.sparse_score, 6),
    }


class Engine:
    """A loaded index with its embedder and question reader."""

    def __init__(self, index: store.StoredIndex, embedder: Embedder, config: Config,
                 drug_names: DrugNames | None = None, coverage_model: CoverageModel | None = None) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config
        self.lexicon = Lexicon(drug_names or DrugNames())
        self.vocabulary = IndexVocabulary(index.lexical, index.vocabulary, self._passage_terms_list)
        self.reader = QuestionReader(self.vocabulary, self.lexicon, Speller(self.vocabulary, self.lexicon),
                                     max_chars=config.max_question_chars)
        self.tokens = TokenCounter(model_path())  # the model's window, for questions longer than it
        # Made on first use, then kept while the engine lives: the fitted models, the index's sentence vectors,
        # and a passage's terms when the index does not store them (the latest PASSAGE_TERMS_KEPT).
        self._coverage_model = Once(lambda: coverage_model or CoverageModel.load(config.coverage_model))
        self._rerank_model = Once(lambda: RerankModel.load(config.rerank_model))
        self._sentences = Once(self._sentence_vectors)
        self._passage_terms = lru_cache(maxsize=PASSAGE_TERMS_KEPT)(self._make_passage_terms)
        self._headings = {s.source_id: s.heading for s in index.sources}
        self._records = {s.source_id: s for s in index.sources}
        self._source_numbers = {s.source_id: i for i, s in enumerate(index.sources)}
        self._passage_source = np.array([self._source_numbers[p.source_id] for p in index.passages])

    @property
    def question_terms(self) -> frozenset[str]:
        return self.lexicon.question_terms

    # -- opening ------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, config: Config | None = None, embedder: Embedder | None = None, build: bool = True,
             progress: bool = False, on_build: Callable[[IndexStatus], None] | None = None,
             drug_names: DrugNames | None = None,
             on_built: Callable[[BuildReport], None] | None = None) -> Engine:
        """Load the index of `config`, building it first when it is missing or stale (if `build`).

        `on_build(status)` is called before a build, so the caller can tell the user; `on_built(report)` after
        it, to show the build's warnings and skipped files (without it, they are logged).
        """
        config = config or Config()
        status = index_status(config)
        if status.state == IndexState.FOREIGN:
            raise NotAnIndex(status.reason)
        # The drug dictionary starts loading in the background while the model loads.
        drug_names = (drug_names or DrugNames(store.lexicon_path(config.index_dir))).start()
        if status.state == IndexState.MISSING and not build:
            raise IndexNotFound(status.reason)
        if status.state == IndexState.BROKEN:
            raise IndexMismatch(status.reason)
        embedder = embedder or load_embedder()
        if build and status.state in (IndexState.MISSING, IndexState.STALE):
            if status.state == IndexState.MISSING and not Path(config.corpus_dir).is_dir():
                raise SourceError(
                    f"There is no index at {display_path(config.index_dir)} and no corpus folder "
                    f"{display_path(config.corpus_dir)} to build one from. Pass --corpus DIR."
                )
            if on_build:
                on_build(status)
            # Waits for a build of the same index already running (and then builds only if still needed).
            report = build_index(config, embedder, progress=progress, wait=True)
            (on_built or log_warnings)(report)
        index = store.load(config.index_dir, config.model_name, embedder.dimension)
        return cls(index, embedder, config, drug_names)

    def status(self) -> IndexStatus:
        return index_status(self.config)

    @property
    def build_id(self) -> str | None:
        """The id of the build this engine answers from."""
        return self.index.manifest.build_id

    def replaced_on_disk(self) -> bool:
        """Whether another build has replaced the index on disk since this engine loaded it (reads one small
        file: cheap enough to check before every question; reopen the engine to answer from the new one)."""
        on_disk = store.current_build_id(self.config.index_dir)
        return on_disk is not None and on_disk != self.build_id

    # -- asking -------------------------------------------------------------------------------------------

    @property
    def coverage_model(self) -> CoverageModel:
        """The fitted coverage model (`Config.coverage_model`, or the one shipped with the package)."""
        return self._coverage_model.get()

    @property
    def rerank_model(self) -> RerankModel:
        """The fitted rerank model (`Config.rerank_model`, or the one shipped with the package)."""
        return self._rerank_model.get()

    @property
    def sentence_vectors(self) -> SentenceVectors:
        """The index's sentence vectors (see `_sentence_vectors`)."""
        return self._sentences.get()

    def ask(self, question: str, k: int | None = None, sources: Iterable[str] | None = None) -> Answer:
        """The passages that best answer `question`, best first, and whether the sources cover it."""
        k = self.config.check_k(k)
        understood, hits, evidence = self.examine(question, k, sources)
        model = self.coverage_model
        if self.config.covered_threshold is not None:
            model = replace(model, threshold=self.config.covered_threshold)
        coverage = judge(understood, evidence, model)
        shown, surfaced = surface_rarest(hits, k, understood, self.vocabulary, self._passage_terms_list)
        return Answer(understood.question, coverage.covered, tuple(shown), understood, coverage, surfaced)

    def examine(self, question: str, k: int | None = None, sources: Iterable[str] | None = None
                ) -> tuple[Understanding, list[Hit], Evidence]:
        """How the question is read, its hits (at least `coverage.DEPTH` of them) and the coverage evidence."""
        k = self.config.check_k(k)
        candidates = self.candidates(question, max(k, DEPTH), sources, features=self.config.rerank)
        ranked, topic = candidates.ranked, candidates.topic
        if self.config.rerank:
            order = {r.number: i for i, r in enumerate(ranked)}
            ranked = self.rerank_model.rerank(ranked, candidates.features)
            topic = topic[[order[r.number] for r in ranked]]
        understood = candidates.understood
        hits = [self._hit(r) for r in ranked]
        hit_terms = [self._passage_terms_list(r.number) for r in ranked[:TOP]]
        topic_scores = [float(x) for x in topic[:TOP]]
        return understood, hits, gather(understood, hits, hit_terms, topic_scores, self.vocabulary)

    def candidates(self, question: str, k: int, sources: Iterable[str] | None = None, features: bool = True
                   ) -> Candidates:
        """How the question is read and its fused candidates (at least `k`; with reranking on, at least the rerank
        model's depth), with each one's rerank features (`rerank.FEATURES`; none unless `features`) and the
        similarity of the question's topic."""
        allowed = self._mask(sources)
        understood = self.reader.read(question)
        texts = [understood.search_text, understood.topic_text or "?"]
        if understood.asking_text:
            texts.append(understood.asking_text)
        vectors = question_vectors(self.embedder, texts, self.tokens)
        vector, topic_vector = vectors[0], vectors[1]
        if understood.asking_text:
            vector = message_vector(vector, vectors[2])
        depth = max(k, self.rerank_model.depth) if self.config.rerank else k
        ranked = hybrid_rank(
            self.index.dense, self.index.lexical, vector, list(understood.search_terms),
            k=depth, candidates=self.config.candidates, rrf_k=self.config.rrf_k,
            dense_weight=self.config.dense_weight, sparse_weight=self.config.sparse_weight, allowed=allowed,
            fusion=self.config.fusion,
        )
        numbers = np.array([r.number for r in ranked], dtype=np.int64)
        topic = self.index.dense.scores_for(topic_vector, numbers) if len(numbers) else np.zeros(0)
        topic = np.asarray(topic, dtype=np.float64)
        if not features:
            return Candidates(understood, ranked, np.zeros((len(ranked), len(FEATURES))), topic)
        named = named_share(understood, [self._passage_terms_list(r.number) for r in ranked])
        best = self.sentence_vectors.best([r.number for r in ranked], vector)
        topical = topic if self._topic_counts(understood) else None
        return Candidates(understood, ranked, candidate_features(ranked, named, best, topical), topic)

    def _topic_counts(self, understood: Understanding) -> bool:
        """Whether the question's topic apart from its names is a rerank signal (`rerank` docstring): it names a
        drug or class, and a word of its topic narrows the corpus down."""
        return bool(understood.drugs or understood.classes) and any(
            self.vocabulary.narrows(t) for t in understood.topic_terms)

    def citation(self, hit: Hit) -> Citation:
        """Where a hit's passage is (`hit.citation`)."""
        return hit.citation

    def to_json(self, answer: Answer) -> dict:
        """The answer as the command line's `--json` prints it (`answer.to_json()`)."""
        return answer.to_json()

    def _hit(self, ranked: Ranked) -> Hit:
        passage = self.index.passages[ranked.number]
        return Hit(passage, self._citation_of(passage), ranked)

    def _citation_of(self, p: Passage) -> Citation:
        record = self._records[p.source_id]
        return Citation(p.source_id, record.title, record.publisher, record.path, p.start, p.end, p.heading)

    # -- sources ------------------------------------------------------------------------------------------

    def source_text(self, source_id: str) -> str:
        """The current text of a source file (`ui.links` checks it against the index's checksum); read by
        `indexer.ingest.source_text`."""
        record = self._records.get(source_id)
        if record is None:
            raise SourceError(f"There is no source {source_id!r} in the index, which has "
                              f"{len(self.index.sources)} sources (the Sources view lists them).")
        return source_text(Path(self.config.corpus_dir), record)

    def _mask(self, sources: Iterable[str] | None) -> np.ndarray | None:
        if sources is None:
            return None
        wanted = list(sources)
        unknown = [s for s in wanted if s not in self._source_numbers]
        if unknown:
            raise ConfigError(f"Unknown source {unknown[0]!r}: the index has {len(self._source_numbers)} sources "
                              "(the Sources view lists them).")
        if not wanted:
            raise ConfigError("Choose at least one source to search.")
        numbers = [self._source_numbers[s] for s in wanted]
        return np.isin(self._passage_source, numbers)

    def _passage_terms_list(self, number: int) -> list[str]:
        """A passage's stemmed ranking terms, in order (for phrase look-ups and coverage evidence): those the
        index keeps, else (an index built before it kept them) tokenised again, the latest 4,096 kept."""
        stored = self.index.lexical.terms_of(number)
        if stored is not None:
            return stored
        return self._passage_terms(number)

    def _sentence_vectors(self) -> SentenceVectors:
        """The index's sentence vectors: those it holds in memory (an index just assembled), else its files'."""
        if len(self.index.passage_sentences):
            return SentenceVectors(self.index.span_vectors, self.index.passage_sentences)
        return SentenceVectors.load(self.config.index_dir)

    def _make_passage_terms(self, number: int) -> list[str]:
        p = self.index.passages[number]
        return terms(ranking_text(p, self._headings[p.source_id]))


@dataclass(frozen=True)
class Candidates:
    """A question's fused candidates before they are ranked again: `features` has a row per candidate
    (`rerank.FEATURES`), `topic` the cosine of the question's topic with each."""

    understood: Understanding
    ranked: list[Ranked]
    features: np.ndarray
    topic: np.ndarray


class Once(Generic[T]):
    """A value made on first use, by one thread, and kept (thread-safe)."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make: Callable[[], T] | None = make
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        if self._make is not None:
            with self._lock:
                if self._make is not None:
                    self._value, self._make = self._make(), None
        return self._value


def log_warnings(report: BuildReport) -> None:
    """What a build had to say, for callers that show no report: its warnings and skipped files, logged once."""
    for line in [*warning_lines(report.warnings), *report.skipped]:
        log.warning("%s", line)
