"""Stage 3, ask: a question read (`reading.py`, with `spelling.py` and the index's `vocabulary.py`), the hybrid
search (`search.py`) and its second ranking (`rerank.py`), whether the sources cover it (`coverage.py`), and the
`Engine` the CLI and the page use (`engine.py`).

A change to how questions are read, ranked or judged covered belongs here.
"""
