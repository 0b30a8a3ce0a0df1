"""Measuring quality: retrieval figures for question sets (`retrieval.py`, `python -m indexer eval`) and the
wording check's accuracy on labelled drafts (`drafts.py`, `python -m indexer.evaluate.drafts FILE`).
"""
