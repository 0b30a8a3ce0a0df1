"""Stage 1, ingest: the corpus folder's files read verbatim with their `sources.toml` metadata (`sources.py`;
`corpus_folder.py` which files are articles, `checksums.py` which files changed between two readings), split into passages, each an exact slice of its file with
its heading path (`passages.py`), and into the spans the wording check compares drafts with (`spans.py`); an
indexed source's current text is read back by `source_text.py`.

A change to which files are read, or to how a document's structure becomes passages or spans, belongs here.
"""
