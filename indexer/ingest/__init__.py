"""Stage 1, ingest: the corpus folder's files read verbatim with their `sources.toml` metadata (`sources.py`) and
split into passages, each an exact slice of its file with its heading path (`passages.py`).

A change to which files are read, or to how a document's structure becomes passages, belongs here.
"""
