"""Cited search over source articles: sources → passages → index → search → answers.

The packages follow the data flow; each says in its docstring which changes belong in it:

    text/      the one tokenizer, sentences, the one heading rule (shared by every stage)
    lexicon/   drug names, classes, abbreviations, question words (knowledge, not tied to a corpus)
    ingest/    corpus files → Source → Passage and Span (exact slices with heading paths)
    index/     ranking text, embedder, FAISS, BM25, the index directory, its status, the build
    ask/       question reading, hybrid search, coverage, the Engine
    check/     Check wording: the span index, diff, verdicts, reports
    evaluate/  retrieval and wording-check figures
    types.py   the plain data the stages hand on (Passage, Span, SourceRecord, Manifest, Hit …) and the modes

The public API, used by the command line (`python -m indexer`) and the page (`app.py`):

    engine = Engine.open(Config())          # loads (or builds) the index and the model
    answer = engine.ask("Can I take Xanax with ketamine?", k=5)
    answer.covered, answer.understood.notes(), [hit.citation for hit in answer.hits]

Every name below is loaded with its module on first use (PEP 562): importing one module of the package (say
`indexer.text.tokens`) loads neither the engine nor FAISS nor BM25. The stages import one another in one
direction only, text → lexicon → ingest → index → ask → check → evaluate / cli, over the shared `types`,
`config` and `errors` (pyproject.toml's import-linter contracts, run by tests/test_architecture.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from indexer.lazy import lazy_exports

if TYPE_CHECKING:
    from indexer.ask.engine import Answer, Engine
    from indexer.ask.reading import Understanding
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
    from indexer.index.build import BuildReport, build_index
    from indexer.index.status import IndexStatus, index_status
    from indexer.ingest.passages import split_passages
    from indexer.ingest.sources import Corpus, Source, load_corpus
    from indexer.types import Citation, Hit, Passage

_MODULES = {
    "Answer": "indexer.ask.engine", "Engine": "indexer.ask.engine", "Understanding": "indexer.ask.reading",
    "Config": "indexer.config",
    **dict.fromkeys(["ConfigError", "DraftError", "IndexerError", "IndexMismatch", "IndexNotFound", "QuestionError",
                     "SourceError"], "indexer.errors"),
    "BuildReport": "indexer.index.build", "build_index": "indexer.index.build",
    "IndexStatus": "indexer.index.status", "index_status": "indexer.index.status",
    "split_passages": "indexer.ingest.passages",
    "Corpus": "indexer.ingest.sources", "Source": "indexer.ingest.sources", "load_corpus": "indexer.ingest.sources",
    "Citation": "indexer.types", "Hit": "indexer.types", "Passage": "indexer.types",
}
__all__ = [
    "Answer", "BuildReport", "Citation", "Config", "ConfigError", "Corpus", "DraftError", "Engine", "Hit", "IndexMismatch",
    "IndexNotFound", "IndexStatus", "IndexerError", "Passage", "QuestionError", "Source", "SourceError",
    "Understanding", "build_index", "index_status", "load_corpus", "split_passages",
]

__getattr__, __dir__ = lazy_exports(globals(), _MODULES)
