"""Building the index: sources → passages → ranking text → vectors and BM25 → a directory on disk."""

from __future__ import annotations

import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from indexer.config import Config, model_path
from indexer.errors import IndexerError, IndexMismatch, IndexNotFound, NotAnIndex, SourceError
from indexer.index import faults, folder, store, vectors
from indexer.index.dense import DenseIndex
from indexer.index.embedder import Embedder
from indexer.index.lexical import LexicalIndex
from indexer.index.lock import build_lock
from indexer.index.represent import has_title, ranking_text, source_heading
from indexer.index.span_vectors import passage_sentences, span_vectors
from indexer.ingest.passages import SPLITTER_VERSION, Passage, split_passages
from indexer.ingest.sources import (
    METADATA_FILE,
    Corpus,
    check_corpus_folder,
    corpus_checksums,
    display_path,
    load_corpus,
    metadata_checksum,
)
from indexer.ingest.windows import TokenCounter
from indexer.lexicon.finder import DrugFinder
from indexer.lexicon.lexicon import Lexicon
from indexer.lexicon.names import DrugNames, export_lexicon, package_version
from indexer.text.tokens import TOKENIZER_VERSION, terms, words

log = logging.getLogger(__name__)
# What the build's report also says (`BuildReport.warnings`): logged for callers that print no report (a build
# started by `ask`); `indexer build` prints the report and quiets this logger, so each line is said once.
report_log = logging.getLogger(f"{__name__}.report")


@dataclass(frozen=True)
class IndexStatus:
    """Whether the index can be used as it is: "missing", "stale", "broken", "current" or "foreign" (the folder
    is not an index and is never touched), and why."""

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
    embedded: int = 0  # passages whose vector was made by this build
    reused: int = 0  # passages whose vector was kept from the previous index
    build_id: str | None = None
    changed_during_build: tuple[str, ...] = ()  # corpus files that changed while it ran: the index is stale


def index_status(config: Config) -> IndexStatus:
    """Compare the index's manifest with the corpus folder (checksums only: cheap enough for every start)."""
    index_dir = Path(config.index_dir)
    try:
        kind = folder.kind_of(index_dir)
    except IndexerError as e:
        return IndexStatus("broken", str(e))
    if kind in ("file", "foreign"):
        return IndexStatus("foreign", str(folder.not_an_index(index_dir, kind)))
    for attempt in range(2):  # a build may switch versions between reading the pointer and the files
        build_id = folder.current_build_id(index_dir)
        try:
            live, manifest = store.live_manifest(index_dir)
            shown = display_path(index_dir)
            store.check_manifest(manifest, shown, config.model_name, None)
            store.check_files(manifest, live, shown)
            break
        except IndexNotFound as e:
            return IndexStatus("missing", str(e))
        except NotAnIndex as e:
            return IndexStatus("foreign", str(e))
        except IndexMismatch as e:
            if attempt == 0 and build_id is not None and folder.current_build_id(index_dir) != build_id:
                continue
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


SENTENCE_MAP_VERSION = 1  # passage_sentences.npy (an index without it is rebuilt: it reuses every vector)


def settings_of(config: Config) -> dict:
    """The settings that shape what is stored (changing them needs a rebuild)."""
    return {"max_passage_tokens": config.max_passage_tokens, "exact_search_limit": config.exact_search_limit,
            "splitter": SPLITTER_VERSION, "tokenizer": TOKENIZER_VERSION, "sentence_map": SENTENCE_MAP_VERSION}


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
    if not force and index_status(config).state == "current":
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
        if not force and prepare is None and index_status(config).state == "current":
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
        index = assemble_vectors(made.vectors, texts, passages, corpus, config, embedder.name, headings, runtime)
        index.vector_keys = made.keys
        if progress and config.check_vectors:
            print("Embedding the sentences Check wording compares drafts with (skip with --ask-only) …",
                  file=sys.stderr)
        candidates = candidate_spans(corpus) if config.check_vectors else []
        spans = span_vectors(candidates, embedder, kept, config.batch_size, progress)
        index.span_keys, index.span_vectors = spans.keys, spans.vectors
        index.passage_sentences = passage_sentences(passages, candidates)
        index.manifest["counts"].update(embedded=made.embedded, reused=made.reused, spans=len(spans.keys),
                                        spans_embedded=spans.embedded, spans_reused=spans.reused)
        index.drug_lexicon_file = kept_lexicon(index_dir)
        if index.drug_lexicon_file is None:
            index.drug_lexicon = drug_lexicon()
        else:
            index.manifest["drug_names_version"] = package_version()
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


def candidate_spans(corpus: Corpus) -> list:
    """Every candidate span of the wording check (`check.spans.source_spans`), in corpus order: their vectors are
    made here, once per build (`span_vectors`), so a check embeds only the draft."""
    from indexer.check.spans import source_spans  # the check's own definition of a span, not a copy of it

    return [span for s in corpus.sources for span in source_spans(s.source_id, s.title, s.display_path, s.text)]


def clean_quietly(index_dir: Path) -> None:
    try:
        folder.clean(index_dir)
    except Exception as e:  # the build's own error is the one to report
        log.warning("Could not clean up after the failed build of %s: %s", index_dir, e)


def changed_during_build(corpus: Corpus, corpus_dir: Path) -> tuple[str, ...]:
    """The corpus files whose bytes on disk now differ from the ones this build read and indexed."""
    read = corpus.checksums()
    now = corpus_checksums(corpus_dir)
    names = sorted(n for n in set(read) | set(now) if read.get(n) != now.get(n))
    if metadata_checksum(corpus_dir) != corpus.metadata_sha256:
        names.append(METADATA_FILE)
    return tuple(names)


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
        report_log.warning("%s", warnings[-1])
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
    index = assemble_vectors(made.vectors, texts, passages, corpus, config, embedder.name,
                             runtime=getattr(embedder, "runtime", ""))
    index.vector_keys = made.keys
    index.manifest["counts"].update(embedded=made.embedded, reused=made.reused)
    return index


def assemble_vectors(
    passage_vectors,
    texts: list[str],
    passages: list[Passage],
    corpus: Corpus,
    config: Config,
    model_name: str,
    headings: dict[str, str] | None = None,
    runtime: str = "",
) -> store.StoredIndex:
    """An in-memory index from the passages' vectors: FAISS, BM25, vocabulary and the manifest. The checksums are
    those of the bytes that were read and split (never read again from disk)."""
    dense = DenseIndex.build(passage_vectors, config.exact_search_limit)
    lexical = LexicalIndex.build([terms(t) for t in texts])
    vocabulary = Counter(w for t in texts for w in words(t) if w.isalpha())
    per_source = Counter(p.source_id for p in passages)
    manifest = store.new_manifest(
        model_name=model_name,
        dimension=int(passage_vectors.shape[1]),
        corpus_dir=Path(corpus.directory),
        checksums=corpus.checksums(),
        metadata_sha256=corpus.metadata_sha256,
        counts={"sources": len(corpus.sources), "passages": len(passages), "skipped": len(corpus.skipped)},
        settings=settings_of(config),
        dense_kind=dense.kind,
        skipped=[{"file": f.path.name, "reason": f.reason} for f in corpus.skipped],
    )
    manifest["model"]["runtime"] = runtime  # what ran the model: vectors are reused only from the same one
    headings = headings or {}
    sources = [store.SourceRecord.of(s, per_source[s.source_id], headings.get(s.source_id, s.title))
               for s in corpus.sources]
    return store.StoredIndex(manifest, sources, passages, dict(vocabulary), dense, lexical)
