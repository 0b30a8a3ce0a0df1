"""The current text of an indexed source, read from its file in the corpus folder: what citations are opened in
(the page's reader checks it against the index's checksum) and what the wording check compares drafts with.

Only a plain file inside the corpus folder is read, never through a symbolic link.
"""

from __future__ import annotations

import logging
from pathlib import Path

from indexer.errors import SourceError
from indexer.ingest.sources import open_no_follow, outside_corpus
from indexer.types import SourceRecord

log = logging.getLogger(__name__)


def source_text(corpus_dir: Path, record: SourceRecord) -> str:
    """The text of `record`'s file in `corpus_dir`, decoded as UTF-8. SourceError when it is not served (a link,
    a name outside the folder) or cannot be read."""
    corpus = Path(corpus_dir)
    path = corpus / record.file
    why = outside_corpus(path, corpus) if Path(record.file).name == record.file else "it is outside the folder"
    if why:
        log.warning("Refused to serve %s for the source %r: %s.", path, record.source_id, why)
        raise SourceError(f"The source file of {record.source_id!r} is not served: {why}. Put the article itself "
                          "into the corpus folder and rebuild the index.")
    try:
        with open_no_follow(path) as f:
            return f.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        log.warning("Cannot read the source file %s: %s", path, e)
        reason = e.strerror if isinstance(e, OSError) and e.strerror else type(e).__name__
        raise SourceError(f"The source file {record.path} cannot be read ({reason}). Rebuild the index.") from e
