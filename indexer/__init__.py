"""Cited search over source articles: sources → passages → index → search → answers.

The packages follow the data flow; each says in its docstring which changes belong in it:

    text/      the one tokenizer, sentences, the one heading rule (shared by every stage)
    ingest/    corpus files → Source → Passage (exact slices with heading paths)
    index/     ranking text, embedder, FAISS, BM25, the index directory, the build
    lexicon/   drug names, classes, abbreviations, question words (knowledge, not tied to a corpus)
    ask/       question reading, hybrid search, coverage, the Engine
    check/     Check wording: candidate spans, diff, verdicts, reports
    evaluate/  retrieval and wording-check figures

The public API, used by the command line (`python -m indexer`) and the page (`app.py`):

    engine = Engine.open(Config())          # loads (or builds) the index and the model
    answer = engine.ask("Can I take Xanax with ketamine?", k=5)
    answer.covered, answer.understood.notes(), [engine.citation(h) for h in answer.hits]
"""

from indexer.ask.engine import Answer, Citation, Engine
from indexer.ask.reading import Understanding
from indexer.ask.search import Hit
from indexer.config import Config
from indexer.errors import (
    ConfigError,
    DraftError,
    IndexerError,
    IndexMismatch,
    IndexNotFound,
    QuestionError,
    SourceError,
)
from indexer.index.build import BuildReport, IndexStatus, build_index, index_status
from indexer.ingest.passages import Passage, split_passages
from indexer.ingest.sources import Corpus, Source, load_corpus

__all__ = [
    "Answer", "BuildReport", "Citation", "Config", "ConfigError", "Corpus", "DraftError", "Engine", "Hit", "IndexMismatch",
    "IndexNotFound", "IndexStatus", "IndexerError", "Passage", "QuestionError", "Source", "SourceError",
    "Understanding", "build_index", "index_status", "load_corpus", "split_passages",
]
