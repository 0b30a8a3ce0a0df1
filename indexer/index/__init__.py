"""Stage 2, index: what ranking sees of a passage (`represent.py`), the embedder (`embedder.py`), FAISS dense
search (`dense.py`), BM25 (`lexical.py`), the wording check's span vectors (`span_vectors.py`), the index directory
and its manifest (`store.py`, `folder.py`), whether an index is current (`status.py`) and the build that ties them
together (`build.py`).

A change to how passages are embedded, scored lexically, stored or rebuilt belongs here.
"""
