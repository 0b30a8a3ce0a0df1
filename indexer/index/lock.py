"""One writer at a time per index: an exclusive `flock` on a lock file inside the index folder, held for the
whole build. The kernel releases it when the process ends, however it ends, so a killed build never leaves a
stale lock behind."""

from __future__ import annotations

import errno
import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.errors import IndexBusy, IndexWriteError
from indexer.ingest.sources import display_path

log = logging.getLogger(__name__)

LOCK = "build.lock"


@contextmanager
def build_lock(index_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold the index's build lock. Without `wait`, raise IndexBusy when another build holds it."""
    path = Path(index_dir) / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as e:
        log.error("Cannot open the lock file %s: %s", path, e)
        raise IndexWriteError(f"The index folder {display_path(index_dir)} cannot be written "
                              f"({e.strerror or e}). Choose a folder you can write to with --index.") from e
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            if not wait:
                raise IndexBusy(
                    f"Another build of this index ({display_path(index_dir)}) is running; wait for it to finish "
                    "and try again, or build into another folder with --index."
                ) from e
            log.warning("Another build of the index %s is running; waiting for it to finish.", index_dir)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock
