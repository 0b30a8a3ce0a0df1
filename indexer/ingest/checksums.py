"""Corpus checksums and change detection: the SHA-256 of every corpus file and of `sources.toml`, read without
decoding them, and which files changed between two readings of a corpus folder."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from indexer.ingest.corpus_folder import METADATA_FILE, corpus_files, open_no_follow


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """Checksum of a file's bytes ("" when it cannot be read), without following a symbolic link."""
    try:
        with open_no_follow(path) as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return ""


def corpus_checksums(directory: Path) -> dict[str, str]:
    """Checksum of every indexable file, without decoding them: cheap enough to run on every start."""
    return {p.name: file_sha256(p) for p in corpus_files(directory)}


def metadata_checksum(directory: Path) -> str:
    path = Path(directory) / METADATA_FILE
    return file_sha256(path) if path.is_file() else ""


def changed_files(before: Mapping[str, str], now: Mapping[str, str]) -> dict[str, str]:
    """The files whose checksum differs between two readings of a corpus folder ({file name: checksum}), by
    name: "added" (only in `now`), "removed" (only in `before`) or "changed"."""
    return {name: "added" if name not in before else "removed" if name not in now else "changed"
            for name in sorted(set(before) | set(now)) if before.get(name) != now.get(name)}


def corpus_changes(directory: Path, files: Mapping[str, str], metadata_sha256: str) -> dict[str, str]:
    """What differs in the corpus folder now from a reading of it (its files' checksums and sources.toml's):
    `changed_files`, then sources.toml as "changed" when it did."""
    changes = changed_files(files, corpus_checksums(directory))
    if metadata_checksum(directory) != metadata_sha256:
        changes[METADATA_FILE] = "changed"
    return changes
