"""What ranking sees of a passage: its source title, heading path and context (a list's lead-in, a table's header
row), then the passage text. The passage text itself is never changed."""

from __future__ import annotations

import re

from indexer.ingest.passages import Passage

_NUMBERING = re.compile(r"^\(?\d{1,3}[.)]\s+")


def context_lines(passage: Passage, title: str) -> list[str]:
    headings = [_NUMBERING.sub("", h) for h in passage.heading]
    return [line for line in [title, *headings, passage.context] if line]


def ranking_text(passage: Passage, title: str) -> str:
    """The text that is embedded and BM25-indexed for a passage."""
    head = ". ".join(context_lines(passage, title))
    return f"{head}.\n{passage.text}" if head else passage.text
