"""Building the index: sources → passages → ranking text → vectors and BM25 → a directory on disk."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from indexer.config import Config, model_path
from indexer.errors import IndexMismatch, IndexNotFound, SourceError
from indexer.index import store
from indexer.index.dense import DenseIndex
from indexer.index.embedder import Embedder
from indexer.index.lexical import LexicalIndex
from indexer.index.represent import ranking_text
from indexer.ingest.passages import SPLITTER_VERSION, Passage, split_passages
from indexer.ingest.sources import METADATA_FILE, Corpus, corpus_checksums, load_corpus, sha256_bytes
from indexer.ingest.windows import TokenCounter
from indexer.lexicon.names import export_lexicon
from indexer.text.tokens import terms, words

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexStatus:
    """Whether the index can be used as it is: "missing", "stale", "broken" or "current", and why."""

    state: str
    reason: str

    @property
    def usable(self) -> bool:
        return self.state in ("current", "stale")


@dataclass(frozen=True)
class BuildReport:
    built: bool
    sources: int
    passages: int
    skipped: tuple[str, ...]
    warnings: tuple[str, ...]
    message: str


def metadata_checksum(corpus_dir: Path) -> str:
    path = Path(corpus_dir) / METADATA_FILE
    return sha256_bytes(path.read_bytes()) if path.exists() else ""


def index_status(config: Config) -> IndexStatus:
    """Compare the index's manifest with the corpus folder (checksums only: cheap enough for every start)."""
    try:
        manifest = store.read_manifest(config.index_dir)
        store.check_manifest(manifest, config.index_dir, config.model_name, None)
        store.check_files(manifest, config.index_dir)
    except IndexNotFound as e:
        return IndexStatus("missing", str(e))
    except IndexMismatch as e:
        return IndexStatus("broken", str(e))
    corpus = manifest.get("corpus", {})
    if not Path(config.corpus_dir).is_dir():
        return IndexStatus("current", "The corpus folder is gone; the index still answers from what it holds.")
    current = corpus_checksums(config.corpus_dir)
    built = corpus.get("files", {})
    changes = []
    for name in sorted(set(current) | set(built)):
        if name not in built:
            changes.append(f"{name} was added")
        elif name not in current:
            changes.append(f"{name} was removed")
        elif current[name] != built[name]:
            changes.append(f"{name} changed")
    if metadata_checksum(config.corpus_dir) != corpus.get("metadata_sha256", ""):
        changes.append(f"{METADATA_FILE} changed")
    if settings_of(config) != manifest.get("settings"):
        changes.append("the passage settings changed")
    if changes:
        return IndexStatus("stale", "The corpus changed since the index was built: " + "; ".join(changes) + ".")
    return IndexStatus("current", "The index is up to date.")


def settings_of(config: Config) -> dict:
    """The settings that shape what is stored (changing them needs a rebuild)."""
    return {"max_passage_tokens": config.max_passage_tokens, "exact_search_limit": config.exact_search_limit,
            "splitter": SPLITTER_VERSION}


def make_passages(corpus: Corpus, config: Config) -> list[Passage]:
    passages: list[Passage] = []
    counter = TokenCounter(model_path())
    for source in corpus.sources:
        passages.extend(split_passages(source, counter, config.max_passage_tokens))
    return passages


def build_index(
    config: Config,
    embedder: Embedder,
    force: bool = False,
    progress: bool = False,
) -> BuildReport:
    """Build the index of `config.corpus_dir` into `config.index_dir`, unless it is already up to date."""
    if not force:
        status = index_status(config)
        if status.state == "current":
            return BuildReport(False, 0, 0, (), (), f"The index at {config.index_dir} is up to date; nothing to do.")
    corpus = load_corpus(config.corpus_dir)
    passages = make_passages(corpus, config)
    if not passages:
        raise SourceError(
            f"No passages found in {config.corpus_dir}: the files hold no paragraphs of text. Add articles with prose."
        )
    titles = {s.source_id: s.title for s in corpus.sources}
    texts = [ranking_text(p, titles[p.source_id]) for p in passages]
    index = assemble(texts, passages, corpus, config, embedder, progress)
    index.drug_lexicon = drug_lexicon()
    store.save(index, config.index_dir)
    skipped = tuple(f.reason for f in corpus.skipped)
    message = (
        f"Indexed {len(passages)} passages from {len(corpus.sources)} sources into {config.index_dir}"
        + (f"; skipped {len(skipped)} file(s)." if skipped else ".")
    )
    log.info("%s", message)
    return BuildReport(True, len(corpus.sources), len(passages), skipped, corpus.warnings, message)


def drug_lexicon() -> dict | None:
    """The drug-name dictionary to store with the index, or None when the package cannot provide it."""
    try:
        return export_lexicon()
    except Exception as e:  # questions still work without it, through the package itself
        log.warning("The drug-name dictionary could not be exported (%s); start-up will be slower.", e)
        return None


def assemble(
    texts: list[str],
    passages: list[Passage],
    corpus: Corpus,
    config: Config,
    embedder: Embedder,
    progress: bool = False,
) -> store.StoredIndex:
    """Embed and index ranking texts into an in-memory index (also used by the benchmarks)."""
    vectors = embedder.encode_passages(texts, batch_size=config.batch_size, progress=progress)
    dense = DenseIndex.build(vectors, config.exact_search_limit)
    lexical = LexicalIndex.build([terms(t) for t in texts])
    vocabulary = Counter(w for t in texts for w in words(t) if w.isalpha())
    per_source = Counter(p.source_id for p in passages)
    checksums = corpus_checksums(corpus.directory) if Path(corpus.directory).is_dir() else corpus.checksums()
    manifest = store.new_manifest(
        model_name=embedder.name,
        dimension=int(vectors.shape[1]),
        corpus_dir=Path(corpus.directory),
        checksums=checksums,
        metadata_sha256=metadata_checksum(corpus.directory) if Path(corpus.directory).is_dir() else "",
        counts={"sources": len(corpus.sources), "passages": len(passages), "skipped": len(corpus.skipped)},
        settings=settings_of(config),
        dense_kind=dense.kind,
        skipped=[{"file": f.path.name, "reason": f.reason} for f in corpus.skipped],
    )
    sources = [store.SourceRecord.of(s, per_source[s.source_id]) for s in corpus.sources]
    return store.StoredIndex(manifest, sources, passages, dict(vocabulary), dense, lexical)
