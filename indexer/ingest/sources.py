"""Sources: the article files of a corpus folder, read verbatim, with the metadata from `sources.toml`.

Which files of the folder are read, and opening one without following a link, are in `corpus_folder.py`; the
checksums of the corpus files and which of them changed between two readings, in `checksums.py` (both names are
importable from here too)."""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import SourceError
from indexer.ingest.checksums import (
    changed_files,
    corpus_changes,
    corpus_checksums,
    file_sha256,
    metadata_checksum,
    sha256_bytes,
)
from indexer.ingest.corpus_folder import (
    METADATA_FILE,
    SUFFIXES,
    corpus_entries,
    corpus_files,
    open_no_follow,
    outside_corpus,
)

__all__ = [
    "MAX_SOURCE_BYTES", "METADATA_FILE", "NO_ENTRY", "SHOWN_NO_ENTRY", "SUFFIXES", "Corpus", "SkippedFile", "Source",
    "UnusableFile", "changed_files", "check_corpus_folder", "citation_path", "corpus_changes", "corpus_checksums",
    "corpus_entries", "corpus_files", "display_path", "file_sha256", "first_line", "load_corpus", "metadata_checksum",
    "open_no_follow", "outside_corpus", "parse_metadata", "read_bytes", "read_metadata", "read_metadata_with_checksum",
    "read_source", "refused_links", "sha256_bytes", "source_of", "warning_lines",
]

log = logging.getLogger(__name__)

NO_ENTRY = f"no entry in {METADATA_FILE}"
SHOWN_NO_ENTRY = 3  # files without an entry named one by one in `warning_lines`; the rest are counted
MAX_SOURCE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """One article. `text` is the file decoded as UTF-8, nothing else changed: citations index into it."""

    source_id: str
    path: Path
    title: str
    text: str = field(repr=False)
    sha256: str
    publisher: str = ""
    url: str = ""
    date: str = ""
    notes: str = ""
    has_metadata: bool = True
    titled: bool = True  # the title was given (sources.toml, a converter's metadata); False: taken from line one
    # Where an added source came from (`python -m indexer add`): the original file name or URL, the day it was
    # added, and the extractor (with its version) that made this text from it. Empty for files put in by hand.
    original: str = ""
    added: str = ""
    extractor: str = ""

    @property
    def display_path(self) -> str:
        """The path shown in citations (see `citation_path`)."""
        return citation_path(self.path)


@dataclass(frozen=True)
class SkippedFile:
    path: Path
    reason: str
    sha256: str | None = None  # of the bytes read; None for a file that is not part of the corpus (a symlink)


@dataclass(frozen=True)
class Corpus:
    """What a corpus folder yields: the readable sources and the files that had to be skipped."""

    directory: Path
    sources: tuple[Source, ...]
    skipped: tuple[SkippedFile, ...] = ()
    warnings: tuple[str, ...] = ()
    metadata_sha256: str = ""  # of the sources.toml bytes that were read ("" when there is none)

    def checksums(self) -> dict[str, str]:
        """Checksum of every corpus file as it was read: the sources, and the files skipped for their content."""
        out = {s.path.name: s.sha256 for s in self.sources}
        out.update({f.path.name: f.sha256 for f in self.skipped if f.sha256 is not None})
        return dict(sorted(out.items()))

    def get(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.source_id == source_id), None)


def _relative_to_cwd(path: Path) -> str | None:
    path = Path(os.path.abspath(path))
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
        except (ValueError, OSError):
            return None


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working directory when inside it, else only its name, so
    no message shows where on the server a folder is (logs give the full path)."""
    relative = _relative_to_cwd(path)
    if relative is not None:
        return relative
    return Path(os.path.abspath(path)).name or "/"


def citation_path(path: Path) -> str:
    """A source file's path as citations show it: relative to the working directory when the corpus is inside
    it (e.g. "corpus/000_x.txt"), else the corpus folder's name and the file name, never a server path."""
    relative = _relative_to_cwd(path)
    if relative is not None:
        return relative
    path = Path(os.path.abspath(path))
    return f"{path.parent.name}/{path.name}"


def refused_links(directory: Path) -> list[SkippedFile]:
    """The .txt/.md entries of a corpus folder that are symbolic links (or lead outside it): never read."""
    out = []
    for path in corpus_entries(directory):
        why = outside_corpus(path, directory)
        if why:
            out.append(SkippedFile(path, f"Skipped {citation_path(path)}: {why}; only files inside the corpus folder "
                                         "are read. Copy the article itself into the folder."))
    return out


def check_corpus_folder(directory: Path) -> None:
    if not Path(directory).is_dir():
        raise SourceError(
            f"Corpus folder {display_path(directory)} does not exist. Create it and put .txt or .md articles in "
            "it, or pass --corpus DIR."
        )


def read_metadata(directory: Path) -> dict[str, dict]:
    """`sources.toml` as {file name: entry}. A missing file is fine; a broken one is an error."""
    return read_metadata_with_checksum(directory)[0]


def read_metadata_with_checksum(directory: Path) -> tuple[dict[str, dict], str]:
    """`sources.toml` as {file name: entry}, and the checksum of the bytes parsed ("" when there is none)."""
    path = Path(directory) / METADATA_FILE
    if not path.exists():
        return {}, ""
    try:
        with open_no_follow(path) as f:
            raw = f.read()
    except OSError as e:
        raise SourceError(f"{citation_path(path)} cannot be read ({e.strerror or e}). Fix the file or remove it.") from e
    return parse_metadata(raw, path), sha256_bytes(raw)


def parse_metadata(raw: bytes, path: Path) -> dict[str, dict]:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise SourceError(f"{citation_path(path)} is not valid TOML ({e}). Fix the file or remove it.") from e
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise SourceError(f"{citation_path(path)}: 'source' must be a list of [[source]] tables.")
    by_file: dict[str, dict] = {}
    for entry in entries:
        name = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name:
            raise SourceError(f"{citation_path(path)}: every [[source]] needs a file = \"...\" entry.")
        by_file[name] = entry
    return by_file


def load_corpus(directory: Path | str) -> Corpus:
    """Read every .txt/.md file of `directory`. Unreadable or empty files are skipped and reported: in the
    corpus's `skipped` and `warnings`, for the caller to show (they are logged at INFO level only)."""
    directory = Path(directory)
    check_corpus_folder(directory)
    metadata, metadata_sha256 = read_metadata_with_checksum(directory)
    files = corpus_files(directory)
    sources: list[Source] = []
    skipped: list[SkippedFile] = refused_links(directory)
    for refused in skipped:
        log.info("%s", refused.reason)
    warnings: list[str] = []
    used_ids: set[str] = set()
    for path in files:
        try:
            data = read_bytes(path)
            source = source_of(path, data, metadata.get(path.name))
        except SourceError as e:
            skipped.append(SkippedFile(path, str(e), e.sha256 if isinstance(e, UnusableFile) else file_sha256(path)))
            log.info("%s", e)
            continue
        if source.source_id in used_ids:
            raise SourceError(
                f"Two files have the source id {source.source_id!r}. Give each [[source]] in "
                f"{METADATA_FILE} its own id."
            )
        used_ids.add(source.source_id)
        if not source.has_metadata:  # reported by the caller (`warning_lines`): a folder may have thousands
            warnings.append(f"{citation_path(path)} has {NO_ENTRY}; using its first line as the title ({source.title!r}).")
        sources.append(source)
    for name in sorted(set(metadata) - {p.name for p in files}):
        message = f"{METADATA_FILE} describes {name}, which is not in {display_path(directory)}."
        warnings.append(message)
        log.info("%s", message)
    if not sources:
        if skipped:
            raise SourceError(
                f"None of the {len(skipped)} files in {display_path(directory)} could be read "
                f"({skipped[0].reason}). Add UTF-8 .txt or .md articles."
            )
        raise SourceError(f"Corpus folder {display_path(directory)} has no .txt or .md files. Add some articles.")
    return Corpus(directory, tuple(sources), tuple(skipped), tuple(warnings), metadata_sha256)


def warning_lines(warnings: tuple[str, ...] | list[str]) -> list[str]:
    """The warnings of a corpus as a user reads them: every one, except that files without an entry in
    sources.toml (a folder brought without one: thousands) are named up to `SHOWN_NO_ENTRY` and then counted."""
    no_entry = [w for w in warnings if NO_ENTRY in w]
    lines = [w for w in warnings if NO_ENTRY not in w]
    shown = no_entry[:SHOWN_NO_ENTRY]
    if len(no_entry) > len(shown):
        more = len(no_entry) - len(shown)
        shown.append(f"… and {more:,} more {'file has' if more == 1 else 'files have'} {NO_ENTRY}: "
                     f"each is titled by its first line. Add [[source]] entries to give them titles and links.")
    return shown + lines


class UnusableFile(SourceError):
    """A corpus file whose bytes were read but cannot be a source (not UTF-8, empty)."""

    def __init__(self, message: str, sha256: str) -> None:
        super().__init__(message)
        self.sha256 = sha256


def read_bytes(path: Path) -> bytes:
    """A corpus file's bytes (never through a symbolic link). Raises SourceError when it is too big or unreadable."""
    shown = citation_path(path)
    try:
        with open_no_follow(path) as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_SOURCE_BYTES:
                raise SourceError(f"Skipped {shown}: it is {size:,} bytes, over the {MAX_SOURCE_BYTES:,}-byte limit.")
            return f.read()
    except OSError as e:
        raise SourceError(f"Skipped {shown}: it cannot be read ({e.strerror or e}).") from e


def read_source(path: Path, entry: dict | None) -> Source:
    """One file as a Source. Raises SourceError when it is empty, too big, or not UTF-8."""
    return source_of(path, read_bytes(path), entry)


def source_of(path: Path, data: bytes, entry: dict | None) -> Source:
    """The bytes of a file as a Source; `sha256` is theirs, so the index records exactly what it indexed."""
    shown = citation_path(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UnusableFile(
            f"Skipped {shown}: it is not valid UTF-8 (byte {e.start}). Save it as UTF-8 text.", sha256_bytes(data)
        ) from e
    if not text.strip():
        raise UnusableFile(f"Skipped {shown}: it is empty.", sha256_bytes(data))
    entry = entry or {}
    title = str(entry.get("title") or "").strip() or first_line(text) or path.stem
    return Source(
        source_id=str(entry.get("id") or path.stem),
        path=path,
        title=title,
        text=text,
        sha256=sha256_bytes(data),
        publisher=str(entry.get("publisher", "")),
        url=str(entry.get("url", "")),
        date=str(entry.get("date", "")),
        notes=str(entry.get("notes", "")),
        has_metadata=bool(entry),
        titled=bool(str(entry.get("title") or "").strip()),
        original=str(entry.get("original", "")),
        added=str(entry.get("added", "")),
        extractor=" ".join(str(entry.get(k, "")) for k in ("extractor", "extractor_version") if entry.get(k)),
    )


def first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return ""
