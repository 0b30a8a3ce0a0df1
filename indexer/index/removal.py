"""Removing a source: its corpus file, its original (under `originals/`), its `sources.toml` entry and its
passages in the index go together, or nothing changes.

Under the index's build lock, the new index version is built first from the corpus without the source (its
other passages' vectors are reused, so nothing is embedded). Only then are the files moved into a hidden
folder of the corpus and the new `sources.toml` renamed into place, just before the index's pointer switches;
if the switch fails they are put back, and once it succeeded the hidden folder is deleted. A file rewritten
(`replace_file`) keeps the mode it had.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import tomlkit

from indexer.config import MODEL_NAME, Config
from indexer.errors import SourceError
from indexer.index import build, faults
from indexer.index.build import BuildReport
from indexer.index.embedder import Embedder, load_embedder
from indexer.index.onnx_model import expected_runtime
from indexer.ingest.convert.record import keep_mode
from indexer.ingest.sources import METADATA_FILE, Corpus, Source, citation_path, open_no_follow, sha256_bytes

log = logging.getLogger(__name__)

ORIGINALS = "originals"
TRASH_PREFIX = ".removing-"


def remove_source(config: Config, source_id: str, embedder: Embedder | None = None, *, wait: bool = True,
                  on_step: faults.Step | None = None) -> BuildReport:
    """Delete the source `source_id` from the corpus folder and the index, all together or not at all.

    Deletes its file, its original in `originals/` (files named like it, or the entry's `original`), and its
    `[[source]]` entry in `sources.toml` (comments and the other entries are kept). The model is loaded only if
    some passage has to be embedded (normally none). Raises SourceError for an unknown id or the last source.
    """
    step = faults.resolve(on_step)
    embedder = embedder or LazyEmbedder(config.model_name)
    removal: list[Removal] = []

    def prepare(corpus: Corpus) -> tuple[Corpus, Removal]:
        removal.append(plan(corpus, source_id))
        return removal[0].corpus, removal[0]

    report = build.locked_build(config, embedder, force=False, progress=False, wait=wait, step=step,
                                 prepare=prepare)
    done = removal[0]
    originals = f" and {len(done.originals)} original(s)" if done.originals else ""
    message = f"Removed the source {source_id!r} ({done.source.path.name}{originals}). {report.message}"
    log.info("%s", message)
    return replace(report, message=message)


@dataclass
class Removal:
    """What removing one source changes on disk; applied just before the index switches (folder.Commit)."""

    source: Source
    corpus: Corpus  # the corpus without it, as the new index sees it
    originals: list[Path]
    metadata_before: bytes | None
    metadata_after: bytes | None
    moved: list[tuple[Path, Path]] = field(default_factory=list)
    trash: Path | None = None
    metadata_replaced: bool = False

    def apply(self) -> None:
        directory = Path(self.corpus.directory)
        try:
            self.trash = directory / f"{TRASH_PREFIX}{secrets.token_hex(4)}"
            self.trash.mkdir()
            for number, path in enumerate([self.source.path, *self.originals]):
                target = self.trash / f"{number}-{path.name}"
                os.rename(path, target)
                self.moved.append((path, target))
            if self.metadata_after is not None:
                replace_file(directory / METADATA_FILE, self.metadata_after)
                self.metadata_replaced = True
        except BaseException:
            self.undo()
            raise

    def undo(self) -> None:
        directory = Path(self.corpus.directory)
        if self.metadata_replaced and self.metadata_before is not None:
            replace_file(directory / METADATA_FILE, self.metadata_before)
            self.metadata_replaced = False
        for path, target in reversed(self.moved):
            os.rename(target, path)
        self.moved.clear()
        if self.trash is not None:
            shutil.rmtree(self.trash, ignore_errors=True)
            self.trash = None

    def finish(self) -> None:
        if self.trash is not None:
            shutil.rmtree(self.trash, ignore_errors=True)


def plan(corpus: Corpus, source_id: str) -> Removal:
    """What removing `source_id` from the corpus changes (nothing is changed yet)."""
    source = corpus.get(source_id)
    if source is None:
        raise SourceError(f"There is no source {source_id[:80]!r} in {citation_path(corpus.directory)}, which has "
                          f"{len(corpus.sources)} sources. Use a source id from `python -m indexer sources` or the "
                          "Sources view.")
    if len(corpus.sources) == 1:
        raise SourceError(f"{source_id!r} is the last source: an index needs at least one. Add another source "
                          "first.")
    directory = Path(corpus.directory)
    before = read_metadata_bytes(directory)
    after = without_entry(before, source.path.name) if before is not None else None
    rest = tuple(s for s in corpus.sources if s.source_id != source_id)
    warnings = tuple(w for w in corpus.warnings if source.path.name not in w)
    changed = Corpus(corpus.directory, rest, corpus.skipped, warnings,
                     sha256_bytes(after) if after is not None else corpus.metadata_sha256)
    return Removal(source, changed, originals_of(source, directory), before, after)


def originals_of(source: Source, directory: Path) -> list[Path]:
    """The originals kept for a source: files in `originals/` named like it (any suffix)."""
    folder = directory / ORIGINALS
    if not folder.is_dir() or folder.is_symlink():
        return []
    stem = source.path.stem
    return sorted(p for p in folder.iterdir() if p.stem == stem and p.is_file() and not p.is_symlink())


def without_entry(metadata: bytes, file_name: str) -> bytes:
    """`sources.toml` without the [[source]] tables of `file_name`, comments and formatting kept (tomlkit)."""
    try:
        document = tomlkit.parse(metadata.decode("utf-8"))
    except (UnicodeDecodeError, tomlkit.exceptions.TOMLKitError) as e:
        raise SourceError(f"{METADATA_FILE} is not valid TOML ({e}). Fix it before removing a source.") from e
    entries = document.get("source")
    if isinstance(entries, list):
        for number in reversed(range(len(entries))):
            if isinstance(entries[number], dict) and entries[number].get("file") == file_name:
                del entries[number]
    return tomlkit.dumps(document).encode("utf-8")


def read_metadata_bytes(directory: Path) -> bytes | None:
    path = directory / METADATA_FILE
    if not path.exists():
        return None
    try:
        with open_no_follow(path) as f:
            return f.read()
    except OSError as e:
        raise SourceError(f"{METADATA_FILE} cannot be read ({e.strerror or e}).") from e


def replace_file(path: Path, data: bytes) -> None:
    """Write `path` through a staged file renamed into place; it keeps the mode it had (a new file gets the usual
    `0o666 & ~umask`)."""
    staged = path.with_name(f".{path.name}.tmp-{secrets.token_hex(4)}")
    try:
        with open(staged, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        keep_mode(staged, path)
        os.replace(staged, path)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise


class LazyEmbedder:
    """The real model, loaded only if something has to be embedded."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._model: Embedder | None = None

    def _get(self) -> Embedder:
        if self._model is None:
            self._model = load_embedder()
        return self._model

    @property
    def dimension(self) -> int:
        return self._get().dimension

    @property
    def runtime(self) -> str:
        """What runs the model (vectors are reused only from an index built by the same), known unloaded: the
        model this tool ships runs with `expected_runtime`; another model says nothing of its runtime."""
        if self._model is not None:
            return getattr(self._model, "runtime", "")
        return expected_runtime() if self.name == MODEL_NAME else ""

    def encode_queries(self, texts: list[str]):
        return self._get().encode_queries(texts)

    def encode_passages(self, texts: list[str], batch_size: int = 64, progress: bool = False):
        return self._get().encode_passages(texts, batch_size=batch_size, progress=progress)
