"""Check wording: a draft's sentences against candidate source spans (`spans.py`), the word-level diff and its
meaning flags (`diff.py`), the verdicts (`verdicts.py`) and the reports (`report.py`).

A change to what a verdict means or how it is decided belongs here.
"""
