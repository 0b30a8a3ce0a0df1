"""The files of a corpus folder: which are articles (`corpus_files`), which must never be read (a symbolic link, a
file outside the folder), the name of its metadata file, and opening a file without following a link."""

from __future__ import annotations

import os
import stat
from pathlib import Path

METADATA_FILE = "sources.toml"
SUFFIXES = (".txt", ".md")


def corpus_entries(directory: Path) -> list[Path]:
    """The .txt/.md entries of a corpus folder (symbolic links too), in a stable order."""
    return sorted(p for p in Path(directory).iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith("."))


def outside_corpus(path: Path, directory: Path) -> str:
    """Why a corpus entry must not be read ("" when it may): a symbolic link, or a file outside the folder."""
    if path.is_symlink():
        return "it is a symbolic link"
    try:
        path.resolve().relative_to(Path(directory).resolve())
    except (ValueError, OSError):
        return "it is outside the corpus folder"
    return ""


def corpus_files(directory: Path) -> list[Path]:
    """The files of a corpus folder that are indexed, in a stable order. Symbolic links are never followed."""
    return [p for p in corpus_entries(directory) if not outside_corpus(p, directory) and p.is_file()]


def open_no_follow(path: Path):
    """Open a file for reading in binary, refusing a symbolic link (even one swapped in after a check)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise IsADirectoryError(f"{path} is not a regular file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
