"""Adding sources: each input converted (web page, PDF, Word file, text), its text of record, its original and
its `sources.toml` entry written to the corpus folder, and its passages embedded into the index — together, or
nothing changes.

Every input is converted first; one that fails stops the whole command before anything is written. What is
added is untrusted: each document is converted in a child process held to size, time and memory limits, a URL is
fetched from public addresses only unless `allow_private_addresses` (the command line's `--allow-private-addresses`),
and with `public_urls_only=True` (the page) text inputs are visitors' URLs only, never paths, and uploads come as
`Upload` (a name and bytes). Then, under
the index's build lock, the new index version is built from the corpus plus the new sources (only their passages
are embedded; every other vector is reused), and the files are written just before the index's pointer switches
(`folder.Commit`); if the switch fails they are taken back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from indexer.config import Config
from indexer.errors import SourceError
from indexer.index import build, faults
from indexer.index.build import BuildReport
from indexer.index.embedder import Embedder
from indexer.index.removal import LazyEmbedder, read_metadata_bytes, replace_file
from indexer.ingest.convert import (
    Converted,
    Fetcher,
    NotPublicAddress,
    Upload,
    convert_input,
    convert_public_url,
    convert_upload,
)
from indexer.ingest.convert.record import Planned, plan_additions, write_additions
from indexer.ingest.sources import METADATA_FILE, Corpus, corpus_files, sha256_bytes, source_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AddReport:
    added: tuple[Planned, ...]
    duplicates: tuple[str, ...]
    build: BuildReport | None  # None when the index was not updated
    message: str


@dataclass
class Addition:
    """The files one `add` writes; applied just before the index switches (folder.Commit)."""

    planned: list[Planned]
    metadata_before: bytes | None
    metadata_after: bytes
    corpus_dir: Path
    written: list[Path] = field(default_factory=list)

    def apply(self) -> None:
        self.written = write_additions(self.planned, self.metadata_after, self.corpus_dir)

    def undo(self) -> None:
        for path in self.written:
            path.unlink(missing_ok=True)
        self.written = []
        metadata = self.corpus_dir / METADATA_FILE
        if self.metadata_before is None:
            metadata.unlink(missing_ok=True)
        else:
            replace_file(metadata, self.metadata_before)

    def finish(self) -> None:
        pass


def convert_all(inputs: Sequence[str | Path | Upload], fetcher: Fetcher | None = None, *,
                public_urls_only: bool = False, allow_private_addresses: bool = False) -> list[Converted]:
    """Every input converted, or SourceError for the first that cannot be (nothing is written either way).

    With `public_urls_only`, the inputs come from a visitor of the page: a text input is an http(s) URL fetched
    from public addresses only (`convert_public_url`), never a path; `fetcher` and `allow_private_addresses`
    cannot be given. An `Upload` is converted from its bytes either way."""
    if public_urls_only and (fetcher is not None or allow_private_addresses):
        raise ValueError("public_urls_only=True fetches from public addresses only: give neither a fetcher nor "
                         "allow_private_addresses.")
    if not inputs:
        raise SourceError("Name at least one file or http(s) URL to add.")
    return [_convert_one(item, fetcher, public_urls_only, allow_private_addresses) for item in inputs]


def _convert_one(item: str | Path | Upload, fetcher: Fetcher | None, public_urls_only: bool,
                 allow_private_addresses: bool) -> Converted:
    if isinstance(item, Upload):
        return convert_upload(item)
    if public_urls_only:
        return convert_public_url(str(item))
    try:
        return convert_input(item if isinstance(item, Path) else str(item), fetcher=fetcher,
                             allow_private_addresses=allow_private_addresses)
    except NotPublicAddress as e:
        raise NotPublicAddress(f"{e} To add a page on this computer or your own network, use "
                               "--allow-private-addresses.") from e


def add_sources(config: Config, inputs: Sequence[str | Path | Upload], embedder: Embedder | None = None, *,
                update_index: bool = True, fetcher: Fetcher | None = None, today: date | None = None,
                wait: bool = True, on_step: faults.Step | None = None, public_urls_only: bool = False,
                allow_private_addresses: bool = False) -> AddReport:
    """Add files, URLs or uploads to the corpus folder and (unless `update_index` is false) to the index.

    `public_urls_only=True` is for the page: its text inputs are URLs a visitor typed (public http(s) addresses
    only, never a path) and its files come as `Upload(name, bytes)`. `allow_private_addresses` lets the command
    line fetch from this computer or a private network (`--allow-private-addresses`)."""
    converted = convert_all(inputs, fetcher, public_urls_only=public_urls_only,
                            allow_private_addresses=allow_private_addresses)
    today = today or date.today()
    corpus_dir = Path(config.corpus_dir)
    if not update_index or not _has_sources(corpus_dir):
        return _add_files_then_build(config, converted, corpus_dir, today, embedder, update_index, wait, on_step)
    found: list[tuple[list[Planned], list[str]]] = []

    def prepare(corpus: Corpus) -> tuple[Corpus, Addition]:
        planned, metadata, duplicates = plan_additions(converted, corpus_dir, added=today)
        found.append((planned, duplicates))
        new = tuple(source_of(corpus_dir / p.name, p.text, p.entry) for p in planned)
        changed = Corpus(corpus.directory, corpus.sources + new, corpus.skipped, corpus.warnings,
                         sha256_bytes(metadata))
        return changed, Addition(planned, read_metadata_bytes(corpus_dir), metadata, corpus_dir)

    if _all_duplicates(converted, corpus_dir, today):
        _, _, duplicates = plan_additions(converted, corpus_dir, added=today)
        return AddReport((), tuple(duplicates), None, " ".join(duplicates) + " Nothing was changed.")
    report = build.locked_build(config, embedder or LazyEmbedder(config.model_name), force=False, progress=False,
                                wait=wait, step=faults.resolve(on_step), prepare=prepare)
    planned, duplicates = found[0]
    return _report(planned, duplicates, report)


def _add_files_then_build(config: Config, converted: list[Converted], corpus_dir: Path, today: date,
                          embedder: Embedder | None, update_index: bool, wait: bool,
                          on_step: faults.Step | None) -> AddReport:
    """Without an index to update (or into an empty corpus): write the files; then build, taking the files back
    if the build fails."""
    planned, metadata, duplicates = plan_additions(converted, corpus_dir, added=today)
    if not planned:
        return AddReport((), tuple(duplicates), None, " ".join(duplicates) + " Nothing was changed.")
    addition = Addition(planned, read_metadata_bytes(corpus_dir) if corpus_dir.is_dir() else None, metadata,
                        corpus_dir)
    addition.apply()
    if not update_index:
        return _report(planned, duplicates, None)
    try:
        report = build.update_index(config, embedder or LazyEmbedder(config.model_name), wait=wait, on_step=on_step)
    except BaseException:
        addition.undo()
        raise
    return _report(planned, duplicates, report)


def _has_sources(corpus_dir: Path) -> bool:
    return corpus_dir.is_dir() and bool(corpus_files(corpus_dir))


def _all_duplicates(converted: list[Converted], corpus_dir: Path, today: date) -> bool:
    planned, _, _ = plan_additions(converted, corpus_dir, added=today)
    return not planned


def _report(planned: list[Planned], duplicates: list[str], report: BuildReport | None) -> AddReport:
    lines = [f"Added {p.name} as {p.source_id!r}: {p.entry['title'] or '(no title)'} (from {p.entry['original']})."
             for p in planned]
    lines.extend(duplicates)
    if report is not None:
        lines.append(report.message)
    else:
        lines.append("The index was not updated (--no-index): run `python -m indexer build` to include them.")
    message = "\n".join(lines)
    log.info("%s", message)
    return AddReport(tuple(planned), tuple(duplicates), report, message)
