"""Sources: the article files of a corpus folder, read verbatim, with the metadata from `sources.toml`."""

from __future__ import annotations

import hashlib
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import SourceError

log = logging.getLogger(__name__)

METADATA_FILE = "sources.toml"
SUFFIXES = (".txt", ".md")
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

    @property
    def display_path(self) -> str:
        """The path shown in citations: relative to the working directory when inside it."""
        return display_path(self.path)


@dataclass(frozen=True)
class SkippedFile:
    path: Path
    reason: str


@dataclass(frozen=True)
class Corpus:
    """What a corpus folder yields: the readable sources and the files that had to be skipped."""

    directory: Path
    sources: tuple[Source, ...]
    skipped: tuple[SkippedFile, ...] = ()
    warnings: tuple[str, ...] = ()

    def checksums(self) -> dict[str, str]:
        return {s.path.name: s.sha256 for s in self.sources}

    def get(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.source_id == source_id), None)


def display_path(path: Path) -> str:
    path = Path(path).resolve()
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def corpus_files(directory: Path) -> list[Path]:
    """The files of a corpus folder that are indexed, in a stable order."""
    return sorted(
        p for p in Path(directory).iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
    )


def corpus_checksums(directory: Path) -> dict[str, str]:
    """Checksum of every indexable file, without decoding them: cheap enough to run on every start."""
    return {p.name: sha256_bytes(p.read_bytes()) for p in corpus_files(directory)}


def read_metadata(directory: Path) -> dict[str, dict]:
    """`sources.toml` as {file name: entry}. A missing file is fine; a broken one is an error."""
    path = Path(directory) / METADATA_FILE
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise SourceError(f"{display_path(path)} is not valid TOML ({e}). Fix the file or remove it.") from e
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise SourceError(f"{display_path(path)}: 'source' must be a list of [[source]] tables.")
    by_file: dict[str, dict] = {}
    for entry in entries:
        name = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name:
            raise SourceError(f"{display_path(path)}: every [[source]] needs a file = \"...\" entry.")
        by_file[name] = entry
    return by_file


def load_corpus(directory: Path | str) -> Corpus:
    """Read every .txt/.md file of `directory`. Unreadable or empty files are skipped and reported."""
    directory = Path(directory)
    if not directory.is_dir():
        raise SourceError(
            f"Corpus folder {display_path(directory)} does not exist. Create it and put .txt or .md articles in it, "
            "or pass --corpus DIR."
        )
    metadata = read_metadata(directory)
    files = corpus_files(directory)
    sources: list[Source] = []
    skipped: list[SkippedFile] = []
    warnings: list[str] = []
    used_ids: set[str] = set()
    for path in files:
        try:
            source = read_source(path, metadata.get(path.name))
        except SourceError as e:
            skipped.append(SkippedFile(path, str(e)))
            log.warning("%s", e)
            continue
        if source.source_id in used_ids:
            raise SourceError(
                f"Two files have the source id {source.source_id!r}. Give each [[source]] in "
                f"{METADATA_FILE} its own id."
            )
        used_ids.add(source.source_id)
        if not source.has_metadata:
            message = (
                f"{display_path(path)} has no entry in {METADATA_FILE}; using its first line as the title "
                f"({source.title!r})."
            )
            warnings.append(message)
            log.warning("%s", message)
        sources.append(source)
    for name in sorted(set(metadata) - {p.name for p in files}):
        message = f"{METADATA_FILE} describes {name}, which is not in {display_path(directory)}."
        warnings.append(message)
        log.warning("%s", message)
    if not sources:
        if skipped:
            raise SourceError(
                f"None of the {len(skipped)} files in {display_path(directory)} could be read "
                f"({skipped[0].reason}). Add UTF-8 .txt or .md articles."
            )
        raise SourceError(f"Corpus folder {display_path(directory)} has no .txt or .md files. Add some articles.")
    return Corpus(directory, tuple(sources), tuple(skipped), tuple(warnings))


def read_source(path: Path, entry: dict | None) -> Source:
    """One file as a Source. Raises SourceError when it is empty, too big, or not UTF-8."""
    shown = display_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise SourceError(f"Skipped {shown}: it is {size:,} bytes, over the {MAX_SOURCE_BYTES:,}-byte limit.")
        data = path.read_bytes()
    except OSError as e:
        raise SourceError(f"Skipped {shown}: it cannot be read ({e.strerror or e}).") from e
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SourceError(
            f"Skipped {shown}: it is not valid UTF-8 (byte {e.start}). Save it as UTF-8 text."
        ) from e
    if not text.strip():
        raise SourceError(f"Skipped {shown}: it is empty.")
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
    )


def first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return ""
