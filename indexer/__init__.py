"""Cited search over source articles: sources → passages → index → search → answers.

The public API, used by the command line (`python -m indexer`) and the page (`app.py`):

    engine = Engine.open(Config())          # loads (or builds) the index and the model
    answer = engine.ask("Can I take Xanax with ketamine?", k=5)
    answer.covered, answer.understood.notes(), [engine.citation(h) for h in answer.hits]
"""

from indexer.build import BuildReport, IndexStatus, build_index, index_status
from indexer.config import Config
from indexer.engine import Answer, Citation, Engine
from indexer.errors import (
    ConfigError,
    DraftError,
    IndexerError,
    IndexMismatch,
    IndexNotFound,
    QuestionError,
    SourceError,
)
from indexer.passages import Passage, split_passages
from indexer.search import Hit
from indexer.sources import Corpus, Source, load_corpus
from indexer.understand import Understanding

__all__ = [
    "Answer", "BuildReport", "Citation", "Config", "ConfigError", "Corpus", "DraftError", "Engine", "Hit", "IndexMismatch",
    "IndexNotFound", "IndexStatus", "IndexerError", "Passage", "QuestionError", "Source", "SourceError",
    "Understanding", "build_index", "index_status", "load_corpus", "split_passages",
]
