"""Building the index: sources → passages → ranking text → vectors and BM25 → a directory on disk."""

from __future__ import annotations

import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from indexer.config import Config, model_path
from indexer.errors import IndexerError, SourceError
from indexer.index import faults, folder, store, vectors
from indexer.index.dense import DenseIndex
from indexer.index.embedder import Embedder
from indexer.index.lexical import LexicalIndex
from indexer.index.lock import build_lock
from indexer.index.represent import has_title, ranking_text, source_heading
from indexer.index.span_vectors import passage_sentences, span_vectors
from indexer.index.status import SENTENCE_MAP_VERSION, IndexStatus, index_status, settings_of
from indexer.ingest.passages import Passage, split_passages
from indexer.ingest.sources import Corpus, check_corpus_folder, corpus_changes, display_path, load_corpus
from indexer.ingest.spans import source_spans
from indexer.ingest.windows import TokenCounter
from indexer.lexicon.finder import DrugFinder
from indexer.lexicon.lexicon import Lexicon
from indexer.lexicon.names import DrugNames, export_lexicon, package_version
from indexer.text.tokens import terms, words
from indexer.types import IndexState, ModelInfo, Span

log = logging.getLogger(__name__)
# The index's status lives in `status.py`; these names are imported from here too.
__all__ = ["SENTENCE_MAP_VERSION", "BuildReport", "IndexStatus", "assemble", "build_index", "candidate_spans",
           "index_status", "locked_build", "make_passages", "ranking_texts", "settings_of", "source_headings",
           "update_index"]


@dataclass(frozen=True)
class BuildReport:
    built: bool
    sources: int
    passages: int
    skipped: tuple[str, ...]
    warnings: tuple[str, ...]
    message: str
    embedded: int = 0  # passages whose vector was made by this build
    reused: int = 0  # passages whose vector was kept from the previous index
    build_id: str | None = None
    changed_during_build: tuple[str, ...] = ()  # corpus files that changed while it ran: the index is stale


def source_headings(corpus: Corpus) -> dict[str, str]:
    """Source id -> what its passages are ranked under (`represent.source_heading`). The drug dictionary is loaded
    only when some source has no title."""
    if all(has_title(s) for s in corpus.sources):
        return {s.source_id: s.title for s in corpus.sources}
    finder = DrugFinder(Lexicon(DrugNames()))
    return {s.source_id: source_heading(s, finder) for s in corpus.sources}


def make_passages(corpus: Corpus, config: Config, headings: dict[str, str] | None = None) -> list[Passage]:
    """The passages of every source; each fits the model's window with its ranking context (`headings`, from
    `source_headings` when not given)."""
    headings = source_headings(corpus) if headings is None else headings
    passages: list[Passage] = []
    counter = TokenCounter(model_path())
    for source in corpus.sources:
        passages.extend(split_passages(source, counter, config.max_passage_tokens, headings[source.source_id]))
    return passages


def ranking_texts(passages: list[Passage], headings: dict[str, str]) -> list[str]:
    return [ranking_text(p, headings[p.source_id]) for p in passages]


def build_index(
    config: Config,
    embedder: Embedder,
    force: bool = False,
    progress: bool = False,
    *,
    wait: bool = False,
    on_step: faults.Step | None = None,
) -> BuildReport:
    """Build the index of `config.corpus_dir` into `config.index_dir`, unless it is already up to date.

    Vectors of passages whose ranking text the current index already has are reused (`force` embeds every
    passage again). One build at a time per index: another one running raises IndexBusy, or is waited for with
    `wait` (then nothing is built when it left the index up to date). `on_step(name)` is called at each step of
    `indexer.index.faults.STEPS` (for fault-injection tests; without it, INDEXER_FAULT is read).
    """
    step = faults.resolve(on_step)
    if not force and index_status(config).state == IndexState.CURRENT:
        tidy(Path(config.index_dir))
        return up_to_date(config)
    return locked_build(config, embedder, force=force, progress=progress, wait=wait, step=step)


def update_index(config: Config, embedder: Embedder, progress: bool = False, *, wait: bool = True,
                 on_step: faults.Step | None = None) -> BuildReport:
    """Bring the index up to date with the corpus folder, embedding only new or changed passages (what the
    `add` and `remove` commands call after changing the corpus). Waits for a build already running."""
    return build_index(config, embedder, force=False, progress=progress, wait=wait, on_step=on_step)


def tidy(index_dir: Path) -> None:
    """Remove what a killed build left in an up-to-date index, unless a build is running."""
    try:
        with build_lock(index_dir, wait=False):
            folder.clean(index_dir)
    except IndexerError as e:
        log.info("Leftovers in %s are left for the next build: %s", index_dir, e)


def up_to_date(config: Config) -> BuildReport:
    return BuildReport(False, 0, 0, (), (), f"The index at {config.index_dir} is up to date; nothing to do.",
                       build_id=folder.current_build_id(config.index_dir))


def locked_build(config: Config, embedder: Embedder, force: bool, progress: bool, wait: bool,
                  step: faults.Step, prepare=None) -> BuildReport:
    """Claim the index folder, take its lock, remove leftovers, build. `prepare(corpus)` (under the lock) may
    change the corpus that is indexed: it returns that corpus and a `folder.Commit` applied just before the
    switch (and undone if the switch fails)."""
    index_dir = Path(config.index_dir)
    check_corpus_folder(config.corpus_dir)  # a missing corpus changes nothing on disk
    folder.claim(index_dir)
    with build_lock(index_dir, wait=wait):
        step("locked")
        if not force and prepare is None and index_status(config).state == IndexState.CURRENT:
            return up_to_date(config)  # another build brought it up to date while this one waited
        folder.clean(index_dir)
        step("cleaned")
        return build_locked(config, embedder, reuse=not force, progress=progress, step=step, prepare=prepare)


def build_locked(config: Config, embedder: Embedder, reuse: bool, progress: bool, step: faults.Step,
                 prepare=None) -> BuildReport:
    """The build itself; the caller holds the index's build lock."""
    index_dir = Path(config.index_dir)
    build_id = folder.new_build_id()
    tmp = folder.start_version(index_dir, build_id)  # an unwritable index fails here, before any embedding
    try:
        corpus = load_corpus(config.corpus_dir)
        commit = None
        if prepare is not None:
            corpus, commit = prepare(corpus)
        headings = source_headings(corpus)
        passages = make_passages(corpus, config, headings)
        if not passages:
            raise SourceError(f"No passages found in {display_path(config.corpus_dir)}: the files hold no paragraphs "
                              "of text. Add articles with prose.")
        texts = ranking_texts(passages, headings)
        runtime = getattr(embedder, "runtime", "")
        kept = vectors.kept_vectors(index_dir, embedder.name, runtime=runtime) if reuse else vectors.NONE
        made = vectors.embed(texts, embedder, kept, config.batch_size, progress)
        step("embedded")
        dense, lexical = ranking_indexes(made.vectors, texts, config)
        built_at = store.utc_now()
        if progress and config.check_vectors:
            print("Embedding the sentences Check wording compares drafts with (skip with --ask-only) …",
                  file=sys.stderr)
        candidates = candidate_spans(corpus) if config.check_vectors else []
        spans = span_vectors(candidates, embedder, kept, config.batch_size, progress)
        lexicon_file = kept_lexicon(index_dir)
        index = stored_index(
            dense, lexical, texts, passages, corpus, config, ModelInfo(embedder.name, made.dimension, runtime),
            headings, made, built_at, spans=spans, passage_sentences=passage_sentences(passages, candidates),
            drug_lexicon=drug_lexicon() if lexicon_file is None else None, drug_lexicon_file=lexicon_file)
        try:
            store.write_version(index, tmp, build_id)
            step("written")
            folder.publish(index_dir, tmp, build_id, step, commit)
        except OSError as e:
            raise folder.write_error(index_dir, e) from e
    except BaseException:
        clean_quietly(index_dir)
        raise
    changed = changed_during_build(corpus, config.corpus_dir) if prepare is None else ()
    report = _report(config, corpus, passages, made, build_id, changed)
    step("done")
    return report


def candidate_spans(corpus: Corpus) -> list[Span]:
    """Every candidate span of the wording check (`indexer.ingest.spans.source_spans`), in corpus order: their
    vectors are made here, once per build (`span_vectors`), so a check embeds only the draft."""
    return [span for s in corpus.sources for span in source_spans(s.source_id, s.title, s.display_path, s.text)]


def clean_quietly(index_dir: Path) -> None:
    try:
        folder.clean(index_dir)
    except Exception as e:  # the build's own error is the one to report
        log.warning("Could not clean up after the failed build of %s: %s", index_dir, e)


def changed_during_build(corpus: Corpus, corpus_dir: Path) -> tuple[str, ...]:
    """The corpus files whose bytes on disk now differ from the ones this build read and indexed."""
    return tuple(corpus_changes(corpus_dir, corpus.checksums(), corpus.metadata_sha256))


def _report(config: Config, corpus: Corpus, passages: list[Passage], made: vectors.Embedded, build_id: str,
            changed: tuple[str, ...]) -> BuildReport:
    skipped = tuple(f.reason for f in corpus.skipped)
    message = (
        f"Indexed {len(passages)} passages from {len(corpus.sources)} sources into {config.index_dir} "
        f"(embedded {made.embedded} passages, reused {made.reused})"
        + (f"; skipped {len(skipped)} file(s)." if skipped else ".")
    )
    warnings = list(corpus.warnings)
    for name in changed:
        warnings.append(f"{name} changed while the index was being built; the index holds the version that was "
                        "read, so it is already stale. Build again to include the change.")
    log.info("%s", message)
    return BuildReport(True, len(corpus.sources), len(passages), skipped, tuple(warnings), message, made.embedded,
                       made.reused, build_id, changed)


def kept_lexicon(index_dir: Path) -> Path | None:
    """The live index's drug_names.json when the installed package exported it (it is copied, not redone)."""
    try:
        live, manifest = store.live_manifest(index_dir)
    except IndexerError:
        return None
    path = live / "drug_names.json"
    return path if manifest.get("drug_names_version") == package_version() and path.is_file() else None


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
    made = vectors.embed(texts, embedder, vectors.NONE, config.batch_size, progress)
    dense, lexical = ranking_indexes(made.vectors, texts, config)
    model = ModelInfo(embedder.name, made.dimension, getattr(embedder, "runtime", ""))
    return stored_index(dense, lexical, texts, passages, corpus, config, model, None, made, store.utc_now())


def ranking_indexes(passage_vectors, texts: list[str], config: Config) -> tuple[DenseIndex, LexicalIndex]:
    """FAISS over the passages' vectors and BM25 over their ranking texts."""
    return DenseIndex.build(passage_vectors, config.exact_search_limit), LexicalIndex.build([terms(t) for t in texts])


def stored_index(
    dense: DenseIndex,
    lexical: LexicalIndex,
    texts: list[str],
    passages: list[Passage],
    corpus: Corpus,
    config: Config,
    model: ModelInfo,
    headings: dict[str, str] | None,
    made: vectors.Embedded,
    built_at: str,
    *,
    spans: vectors.Embedded | None = None,
    passage_sentences=None,
    drug_lexicon: dict | None = None,
    drug_lexicon_file: Path | None = None,
) -> store.StoredIndex:
    """The whole in-memory index, made once: FAISS, BM25, the vocabulary, the sources, the wording check's span
    vectors (`spans`, and which of them are each passage's sentences) and the manifest. The checksums are those
    of the bytes that were read and split (never read again from disk). `model.runtime` is what ran the model:
    vectors are reused only from the same one. A drug dictionary copied from the previous index
    (`drug_lexicon_file`) is recorded in the manifest now; one exported by this build (`drug_lexicon`) when the
    index is written."""
    vocabulary = Counter(w for t in texts for w in words(t) if w.isalpha())
    per_source = Counter(p.source_id for p in passages)
    counts = {"sources": len(corpus.sources), "passages": len(passages), "skipped": len(corpus.skipped),
              "embedded": made.embedded, "reused": made.reused}
    if spans is not None:
        counts |= {"spans": len(spans.keys), "spans_embedded": spans.embedded, "spans_reused": spans.reused}
    manifest = store.new_manifest(
        model=model,
        corpus_dir=Path(corpus.directory),
        checksums=corpus.checksums(),
        metadata_sha256=corpus.metadata_sha256,
        counts=counts,
        settings=settings_of(config),
        dense_kind=dense.kind,
        skipped=[{"file": f.path.name, "reason": f.reason} for f in corpus.skipped],
        built_at=built_at,
        drug_names_version=package_version() if drug_lexicon_file is not None else None,
    )
    headings = headings or {}
    sources = [store.source_record(s, per_source[s.source_id], headings.get(s.source_id, s.title))
               for s in corpus.sources]
    span_parts = {} if spans is None else {"span_keys": spans.keys, "span_vectors": spans.vectors,
                                            "passage_sentences": passage_sentences}
    return store.StoredIndex(manifest, sources, passages, dict(vocabulary), dense, lexical, drug_lexicon,
                             vector_keys=made.keys, drug_lexicon_file=drug_lexicon_file, **span_parts)
