"""Adding a converted source to a corpus folder: the text of record, the original, a `sources.toml` entry.

A draft of what `python -m indexer add` does with each `Converted`; every file is written to a temporary
name and then renamed, and `sources.toml` keeps its existing text (comments included), with one entry added.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
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


def add_to_corpus(converted: Converted, corpus_dir: Path, *, added: date) -> AddedSource:
    """Write `converted` into `corpus_dir`. Raises SourceError when the same original is already there."""
    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    metadata_path = corpus_dir / METADATA_FILE
    existing_text = metadata_path.read_text(encoding="utf-8") if metadata_path.exists() else ""
    try:
        entries = tomllib.loads(existing_text).get("source", [])
    except tomllib.TOMLDecodeError as e:
        raise SourceError(f"{metadata_path} is not valid TOML ({e}). Fix it before adding sources.") from e
    sha256 = hashlib.sha256(converted.original_bytes).hexdigest()
    for entry in entries:
        if entry.get("sha256") == sha256:
            raise SourceError(
                f"{converted.original_name} is already in the corpus as {entry.get('file')} (same content). "
                "Nothing was added."
            )
    taken = {p.name for p in corpus_dir.iterdir()} | {str(e.get("file", "")) for e in entries}
    if (corpus_dir / ORIGINALS).is_dir():  # an original left behind keeps its name taken
        taken |= {p.stem + converted.suffix for p in (corpus_dir / ORIGINALS).iterdir()}
    stem_source = converted.title or _original_stem(converted.original_name)
    name = file_name_for(stem_source, converted.suffix, taken)
    ids = {str(e.get("id", "")) for e in entries} | {Path(str(e.get("file", ""))).stem for e in entries}
    source_id = _unique(slug(stem_source)[:60].strip("-") or "source", ids)
    original_name = Path(name).stem + converted.original_suffix
    entry = {
        "file": name,
        "id": source_id,
        "title": converted.title,
        "publisher": converted.publisher,
        "url": converted.url,
        "date": converted.date,
        "original": converted.original_name,
        "original_file": f"{ORIGINALS}/{original_name}",
        "sha256": sha256,
        "added": added.isoformat(),
        "extractor": converted.extractor,
        "extractor_version": converted.extractor_version,
    }
    original_path = corpus_dir / ORIGINALS / original_name
    original_path.parent.mkdir(exist_ok=True)
    _write_atomic(original_path, converted.original_bytes)
    _write_atomic(corpus_dir / name, converted.text.encode("utf-8"))
    _write_atomic(metadata_path, (_with_blank_line(existing_text) + toml_entry(entry)).encode("utf-8"))
    return AddedSource(source_id, corpus_dir / name, original_path, entry)


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
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
