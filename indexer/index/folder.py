"""The index folder: which folders are indexes, which version of the index is live, and the one atomic switch.

    <index>/
      index-format.txt   marks the folder as an index: written when the folder is made (or found empty)
      manifest.json      the pointer: format version, build id, the live version's folder; replaced atomically
      build.lock         held by the one build that may write here (see indexer.index.lock)
      v-<build id>/      one complete index: its own manifest.json, passages, vectors, BM25 (see indexer.index.store)
      tmp-<build id>/    a build in progress; one left by a killed build is removed by the next build

A build writes its version into `tmp-<id>/`, renames it to `v-<id>/`, writes the new pointer beside the live
one and renames it over `manifest.json` (`os.replace`): readers see the old index or the new one, never a mix,
and a build killed at any point leaves the old pointer and a leftover folder that the next build removes.

A folder that is not an index (it holds files this program did not write) is never written, renamed or
deleted: every function that writes refuses it with NotAnIndex. An index of the previous layout (format 2: the
files at the top of the folder) is recognised by its manifest and its file names, and replaced in place.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import Protocol

from indexer.errors import IndexerError, IndexMismatch, IndexNotFound, IndexWriteError, NotAnIndex
from indexer.index.faults import Step, no_faults
from indexer.ingest.sources import display_path

log = logging.getLogger(__name__)

FORMAT_VERSION = 5  # 2: drug_names.json; 3: versioned folders behind a pointer, vector_keys.json;
# 4: passages carry context and kind; 5: sources carry the heading their passages are ranked under
FORMAT_NAME = "ketamine-sources index"
MARKER = "index-format.txt"
MANIFEST = "manifest.json"
VERSION_PREFIX = "v-"
TMP_PREFIX = "tmp-"
POINTER_TMP = f"{MANIFEST}.tmp-"
REBUILD = "Rebuild it with `python -m indexer build --force`."
MARKER_TEXT = (f"This folder is a {FORMAT_NAME} (format {FORMAT_VERSION}), written by `python -m indexer build`.\n"
               "The build replaces what is in it: keep no other files here.\n")
# The files of a format-2 index, kept at the top of its folder, and of its temporary siblings.
LEGACY_FILES = frozenset(["manifest.json", "sources.json", "passages.jsonl", "vocabulary.json", "dense.faiss",
                          "drug_names.json", "bm25"])
LEGACY_SIBLINGS = (".tmp-", ".old-")


# -- what a folder is -----------------------------------------------------------------------------------------


def kind_of(index_dir: Path) -> str:
    """"absent", "file" (not a folder), "empty", "index", "legacy" (format 2) or "foreign" (not an index)."""
    path = Path(index_dir)
    if not path.exists() and not path.is_symlink():
        return "absent"
    if not path.is_dir():
        return "file"
    try:
        names = os.listdir(path)
    except OSError as e:
        log.error("Cannot list %s: %s", path, e)
        raise IndexerError(f"The index folder {display_path(path)} cannot be read ({e.strerror or e}).") from e
    if MARKER in names:
        return "index"
    if not names:
        return "empty"
    return "legacy" if _is_legacy(path, names) else "foreign"


def _is_legacy(path: Path, names: list[str]) -> bool:
    if MANIFEST not in names or not set(names) <= LEGACY_FILES or not _holds_only_bm25_files(path / "bm25"):
        return False
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and isinstance(manifest.get("format_version"), int) and "model" in manifest


def _holds_only_bm25_files(path: Path) -> bool:
    """True when `path` is absent or a folder of bm25s's own files only (`*.index.json`, `*.index.npy`)."""
    if not path.exists():
        return True
    if not path.is_dir() or path.is_symlink():
        return False
    return all(p.is_file() and p.name.endswith((".index.json", ".index.npy")) for p in path.iterdir())


def not_an_index(index_dir: Path, kind: str) -> NotAnIndex:
    shown = display_path(index_dir)
    if kind == "file":
        return NotAnIndex(f"{shown} is a file, not a folder, so it cannot hold the index. Nothing was changed; "
                          "give --index a new or empty folder.")
    return NotAnIndex(f"{shown} is not an index folder: it holds files this program did not write. Nothing was "
                      "changed; give --index a new or empty folder.")


def claim(index_dir: Path) -> None:
    """Make sure `index_dir` is an index folder this program may write: create it when absent, mark it when
    empty (or of the previous format). Raises NotAnIndex for anything else, IndexWriteError when it cannot be
    written. Nothing is written into a folder that is not an index."""
    path = Path(index_dir)
    kind = kind_of(path)
    if kind in ("file", "foreign"):
        raise not_an_index(path, kind)
    if kind == "index":
        return
    try:
        if kind == "absent":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.mkdir(exist_ok=True)
            kind = kind_of(path)  # another process may have made it in the meantime
            if kind in ("file", "foreign"):
                raise not_an_index(path, kind)
        with open(path / MARKER, "x", encoding="utf-8") as f:
            f.write(MARKER_TEXT)
    except FileExistsError as e:
        if e.filename is not None and Path(e.filename).name == MARKER:
            return  # another build marked it first
        raise _unwritable(path, e, "part of the path is a file, not a folder") from e
    except NotADirectoryError as e:
        raise _unwritable(path, e, "part of the path is a file, not a folder") from e
    except OSError as e:
        raise _unwritable(path, e) from e


def _unwritable(index_dir: Path, error: OSError, why: str = "") -> IndexWriteError:
    log.error("Cannot write the index folder %s: %s", index_dir, error)
    return IndexWriteError(f"The index folder {display_path(index_dir)} cannot be written "
                           f"({why or error.strerror or error}). Choose a folder you can write to with --index.")


def write_error(index_dir: Path, error: OSError) -> IndexWriteError:
    """An OSError while writing the index, as one line (the full path and error go to the log)."""
    log.error("Writing the index %s failed: %s", index_dir, error)
    return IndexWriteError(f"The index at {display_path(index_dir)} could not be written "
                           f"({error.strerror or error}). The previous index, if any, is unchanged; free some "
                           "space or choose another folder with --index, then build again.")


# -- reading the pointer --------------------------------------------------------------------------------------


def read_pointer(index_dir: Path) -> dict:
    """The live version of the index: {"format_version", "build_id", "version"}. Raises IndexNotFound,
    NotAnIndex or IndexMismatch (with what to do)."""
    path = Path(index_dir)
    shown = display_path(path)
    kind = kind_of(path)
    if kind in ("file", "foreign"):
        raise not_an_index(path, kind)
    if kind in ("absent", "empty"):
        raise IndexNotFound(f"No index at {shown}. Build one with `python -m indexer build`.")
    try:
        raw = (path / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise IndexNotFound(f"No index at {shown}. Build one with `python -m indexer build`.") from e
    except (OSError, UnicodeDecodeError) as e:
        raise IndexMismatch(f"The index manifest in {shown} cannot be read ({e}). {REBUILD}") from e
    try:
        pointer = json.loads(raw)
    except ValueError as e:
        raise IndexMismatch(f"The index manifest in {shown} is corrupt ({e}). {REBUILD}") from e
    if not isinstance(pointer, dict):
        raise IndexMismatch(f"The index manifest in {shown} is corrupt (not a JSON object). {REBUILD}")
    version = pointer.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexMismatch(f"The index at {shown} has format version {version!r}; this program reads version "
                            f"{FORMAT_VERSION}. {REBUILD}")
    folder = pointer.get("version")
    if not isinstance(folder, str) or not folder.startswith(VERSION_PREFIX) or "/" in folder or "\\" in folder:
        raise IndexMismatch(f"The index manifest in {shown} is corrupt (no version folder). {REBUILD}")
    return pointer


def version_dir(index_dir: Path) -> Path:
    """The folder of the live version of the index."""
    return Path(index_dir) / read_pointer(index_dir)["version"]


def current_build_id(index_dir: Path) -> str | None:
    """The build id of the index on disk (None when there is none): reads one small file, for a cheap check
    whether the index was rebuilt since it was loaded."""
    try:
        build_id = read_pointer(index_dir).get("build_id")
    except (IndexerError, OSError):
        return None
    return build_id if isinstance(build_id, str) else None


# -- writing a version and switching to it ----------------------------------------------------------------------


def new_build_id() -> str:
    return f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{secrets.token_hex(4)}"


def start_version(index_dir: Path, build_id: str) -> Path:
    """The temporary folder a build writes into (made now, so an unwritable index fails before any work)."""
    tmp = Path(index_dir) / f"{TMP_PREFIX}{build_id}"
    try:
        tmp.mkdir()
    except OSError as e:
        raise _unwritable(Path(index_dir), e) from e
    return tmp


class Commit(Protocol):
    """Changes outside the index that must take effect together with a new version (or not at all)."""

    def apply(self) -> None: ...

    def undo(self) -> None: ...

    def finish(self) -> None: ...


def publish(index_dir: Path, tmp: Path, build_id: str, step: Step = no_faults, commit: Commit | None = None) -> None:
    """Make the complete version in `tmp` the live index: rename it, then switch the pointer in one rename.
    `commit` is applied just before the switch, undone if the switch fails, finished once it succeeded."""
    index_dir = Path(index_dir)
    sync_tree(tmp)
    os.rename(tmp, index_dir / f"{VERSION_PREFIX}{build_id}")
    _sync_dir(index_dir)
    step("renamed")
    pointer = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "build_id": build_id,
               "version": f"{VERSION_PREFIX}{build_id}"}
    staged = index_dir / f"{POINTER_TMP}{build_id}"
    with open(staged, "w", encoding="utf-8") as f:
        json.dump(pointer, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    step("switching")
    if commit is not None:
        commit.apply()
    try:
        os.replace(staged, index_dir / MANIFEST)
    except BaseException:
        if commit is not None:
            commit.undo()
        raise
    if commit is not None:
        commit.finish()
    _sync_dir(index_dir)
    step("switched")
    clean(index_dir)


def clean(index_dir: Path) -> list[str]:
    """Remove what builds leave behind (call it holding the build lock): temporary folders and pointers, versions
    other than the live one, the files of a replaced format-2 index, and format-2 temporary siblings beside the
    folder. Returns the names removed. Nothing else is touched."""
    index_dir = Path(index_dir)
    if kind_of(index_dir) != "index":
        return []
    try:
        live = read_pointer(index_dir)["version"]
    except IndexerError:
        live = None
    removed = []
    for name in sorted(os.listdir(index_dir)):
        path = index_dir / name
        ours = (name.startswith((TMP_PREFIX, POINTER_TMP))
                or (name.startswith(VERSION_PREFIX) and name != live)
                or (live is not None and name in LEGACY_FILES - {MANIFEST}
                    and (name != "bm25" or _holds_only_bm25_files(path))))
        if ours and _remove(path):
            removed.append(name)
    removed.extend(_clean_legacy_siblings(index_dir))
    if removed:
        log.info("Removed leftovers of earlier builds in %s: %s", index_dir, ", ".join(removed))
    return removed


def _clean_legacy_siblings(index_dir: Path) -> list[str]:
    """The `.<name>.tmp-*` and `.<name>.old-*` folders format-2 builds made beside the index, when they hold
    nothing but index files (what a killed build of that format left)."""
    parent = index_dir.parent
    prefixes = tuple(f".{index_dir.name}{kind}" for kind in LEGACY_SIBLINGS)
    removed = []
    try:
        names = os.listdir(parent)
    except OSError:
        return []
    for name in sorted(names):
        path = parent / name
        if not name.startswith(prefixes) or path.is_symlink() or not path.is_dir():
            continue
        try:
            entries = os.listdir(path)
        except OSError:
            continue
        if set(entries) <= LEGACY_FILES and _holds_only_bm25_files(path / "bm25") and _remove(path):
            removed.append(name)
    return removed


def _remove(path: Path) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError as e:
        log.warning("Could not remove %s: %s", path, e)
        return False
    return True


def sync_tree(directory: Path) -> None:
    """Flush every file of a freshly written folder to disk before it is renamed into use."""
    for root, _dirs, files in os.walk(directory):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _sync_dir(Path(root))


def _sync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot sync a directory
        pass
    finally:
        os.close(fd)
