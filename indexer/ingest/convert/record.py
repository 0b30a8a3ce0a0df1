"""Adding a converted source to a corpus folder: the text of record, the original, a `sources.toml` entry.

A draft of what `python -m indexer add` does with each `Converted`; every file is written to a temporary
name and then renamed, and `sources.toml` keeps its existing text (comments included), with one entry added.
A file written keeps the mode of the file it replaces, and a new one gets the usual `0o666 & ~umask`, as the
corpus folder's other files have (`keep_mode`).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from indexer.errors import SourceError
from indexer.ingest.convert.converted import Converted
from indexer.ingest.convert.naming import file_name_for, slug

METADATA_FILE = "sources.toml"
ORIGINALS = "originals"


@dataclass(frozen=True)
class AddedSource:
    """Where a source went: its text file, its original, and its id in `sources.toml`."""

    source_id: str
    text_path: Path
    original_path: Path
    entry: dict[str, str]


@dataclass(frozen=True)
class Planned:
    """One converted source ready to be written: its file name, text bytes, original and `sources.toml` entry."""

    source_id: str
    name: str  # the text file's name in the corpus folder
    text: bytes
    original_name: str  # under originals/
    original: bytes
    entry: dict[str, str]


def plan_additions(converted: list[Converted], corpus_dir: Path, *,
                   added: date) -> tuple[list[Planned], bytes, list[str]]:
    """Names, ids and entries for converted sources (nothing is written), the new `sources.toml` bytes, and one
    message per input left out because the same original is already in the corpus (or earlier in the batch)."""
    corpus_dir = Path(corpus_dir)
    metadata_path = corpus_dir / METADATA_FILE
    existing_text = metadata_path.read_text(encoding="utf-8") if metadata_path.exists() else ""
    try:
        entries = tomllib.loads(existing_text).get("source", [])
    except tomllib.TOMLDecodeError as e:
        raise SourceError(f"{METADATA_FILE} is not valid TOML ({e}). Fix it before adding sources.") from e
    taken = ({p.name for p in corpus_dir.iterdir()} if corpus_dir.is_dir() else set()) | {
        str(e.get("file", "")) for e in entries}
    if (corpus_dir / ORIGINALS).is_dir():  # an original left behind keeps its name taken
        taken |= {p.stem + c.suffix for p in (corpus_dir / ORIGINALS).iterdir() for c in converted}
    ids = {str(e.get("id", "")) for e in entries} | {Path(name).stem for name in taken}
    known = {str(e.get("sha256")): str(e.get("file")) for e in entries if e.get("sha256")}
    planned: list[Planned] = []
    duplicates: list[str] = []
    text = existing_text
    for item in converted:
        sha256 = hashlib.sha256(item.original_bytes).hexdigest()
        if sha256 in known:
            duplicates.append(f"{item.original_name} is already in the corpus as {known[sha256]} (same content); "
                              "it was not added again.")
            continue
        stem_source = item.title or _original_stem(item.original_name)
        name = file_name_for(stem_source, item.suffix, taken)
        source_id = _unique(slug(stem_source)[:60].strip("-") or "source", ids)
        original_name = Path(name).stem + item.original_suffix
        entry = {
            "file": name, "id": source_id, "title": item.title, "publisher": item.publisher, "url": item.url,
            "date": item.date, "original": item.original_name, "original_file": f"{ORIGINALS}/{original_name}",
            "sha256": sha256, "added": added.isoformat(), "extractor": item.extractor,
            "extractor_version": item.extractor_version,
        }
        planned.append(Planned(source_id, name, item.text.encode("utf-8"), original_name, item.original_bytes, entry))
        taken.add(name)
        ids.add(source_id)
        known[sha256] = name
        text = _with_blank_line(text) + toml_entry(entry)
    return planned, text.encode("utf-8"), duplicates


def write_additions(planned: list[Planned], metadata: bytes, corpus_dir: Path) -> list[Path]:
    """Write the originals, then the texts, then `sources.toml`, each to a temporary name renamed into place.
    Returns every path written (so a caller can take them back); on failure nothing written stays."""
    corpus_dir = Path(corpus_dir)
    written: list[Path] = []
    try:
        corpus_dir.mkdir(parents=True, exist_ok=True)
        for item in planned:
            (corpus_dir / ORIGINALS).mkdir(exist_ok=True)
            _write_atomic(corpus_dir / ORIGINALS / item.original_name, item.original)
            written.append(corpus_dir / ORIGINALS / item.original_name)
            _write_atomic(corpus_dir / item.name, item.text)
            written.append(corpus_dir / item.name)
        _write_atomic(corpus_dir / METADATA_FILE, metadata)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def add_to_corpus(converted: Converted, corpus_dir: Path, *, added: date) -> AddedSource:
    """Write `converted` into `corpus_dir` (no index update). Raises SourceError when the same original is
    already there."""
    corpus_dir = Path(corpus_dir)
    planned, metadata, duplicates = plan_additions([converted], corpus_dir, added=added)
    if duplicates:
        raise SourceError(duplicates[0].replace("it was not added again", "nothing was added"))
    write_additions(planned, metadata, corpus_dir)
    item = planned[0]
    return AddedSource(item.source_id, corpus_dir / item.name, corpus_dir / ORIGINALS / item.original_name, item.entry)


def toml_entry(entry: dict[str, str]) -> str:
    """One `[[source]]` table with string values."""
    return "[[source]]\n" + "".join(f"{key} = {toml_string(value)}\n" for key, value in entry.items())


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char in "\b\t\n\f\r":
            out.append({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _with_blank_line(text: str) -> str:
    """`text` ending with one blank line (or empty), ready for another table."""
    return text.rstrip("\n") + "\n\n" if text.strip() else ""


def _original_stem(original: str) -> str:
    """A name for a source without a title: its file name, or the last part of its URL's path."""
    path = urlsplit(original).path if "://" in original else original
    return PurePosixPath(path.replace("\\", "/")).stem or urlsplit(original).hostname or ""


def _unique(base: str, taken: set[str]) -> str:
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        # created like any new file (0o666 less the umask), not mkstemp's 0o600
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        keep_mode(temporary, path)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def keep_mode(staged: Path, replaced: Path) -> None:
    """Give `staged` the permissions of the regular file it is about to replace, if there is one."""
    try:
        before = replaced.stat(follow_symlinks=False)
    except FileNotFoundError:
        return
    if stat.S_ISREG(before.st_mode):
        os.chmod(staged, stat.S_IMODE(before.st_mode))
