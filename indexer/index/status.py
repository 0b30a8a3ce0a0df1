"""Whether an index can be used as it is: its manifest checked against the corpus folder and the settings, with
checksums only (cheap enough for every start). The build (`build.py`) runs only when it is not current."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexer.config import Config
from indexer.errors import IndexerError, IndexMismatch, IndexNotFound, NotAnIndex
from indexer.index import folder, store
from indexer.ingest.passages import SPLITTER_VERSION
from indexer.ingest.sources import corpus_changes, display_path
from indexer.text.tokens import TOKENIZER_VERSION
from indexer.types import IndexState, Manifest

SENTENCE_MAP_VERSION = 1  # passage_sentences.npy (an index without it is rebuilt: it reuses every vector)
CHANGE_WORDS = {"added": "was added", "removed": "was removed", "changed": "changed"}


@dataclass(frozen=True)
class IndexStatus:
    """Whether the index can be used as it is (`IndexState`: "missing", "stale", "broken", "current", or
    "foreign": the folder is not an index and is never touched), and why."""

    state: IndexState
    reason: str

    @property
    def usable(self) -> bool:
        return self.state in (IndexState.CURRENT, IndexState.STALE)


def settings_of(config: Config) -> dict:
    """The settings that shape what is stored (changing them needs a rebuild)."""
    return {"max_passage_tokens": config.max_passage_tokens, "exact_search_limit": config.exact_search_limit,
            "splitter": SPLITTER_VERSION, "tokenizer": TOKENIZER_VERSION, "sentence_map": SENTENCE_MAP_VERSION}


def index_status(config: Config) -> IndexStatus:
    """Compare the index's manifest with the corpus folder (checksums only: cheap enough for every start)."""
    index_dir = Path(config.index_dir)
    try:
        kind = folder.kind_of(index_dir)
    except IndexerError as e:
        return IndexStatus(IndexState.BROKEN, str(e))
    if kind in ("file", "foreign"):
        return IndexStatus(IndexState.FOREIGN, str(folder.not_an_index(index_dir, kind)))
    for attempt in range(2):  # a build may switch versions between reading the pointer and the files
        build_id = folder.current_build_id(index_dir)
        try:
            live, raw = store.live_manifest(index_dir)
            shown = display_path(index_dir)
            store.check_manifest(raw, shown, config.model_name, None)
            store.check_files(raw, live, shown)
            break
        except IndexNotFound as e:
            return IndexStatus(IndexState.MISSING, str(e))
        except NotAnIndex as e:
            return IndexStatus(IndexState.FOREIGN, str(e))
        except IndexMismatch as e:
            if attempt == 0 and build_id is not None and folder.current_build_id(index_dir) != build_id:
                continue
            return IndexStatus(IndexState.BROKEN, str(e))
    if not Path(config.corpus_dir).is_dir():
        return IndexStatus(IndexState.CURRENT,
                           "The corpus folder is gone; the index still answers from what it holds.")
    manifest = Manifest.from_json(raw)
    changes = [f"{name} {CHANGE_WORDS[how]}" for name, how in
               corpus_changes(config.corpus_dir, manifest.corpus.files, manifest.corpus.metadata_sha256).items()]
    if settings_of(config) != manifest.settings:
        changes.append("the passage settings changed")
    if changes:
        return IndexStatus(IndexState.STALE,
                           "The corpus changed since the index was built: " + "; ".join(changes) + ".")
    return IndexStatus(IndexState.CURRENT, "The index is up to date.")
