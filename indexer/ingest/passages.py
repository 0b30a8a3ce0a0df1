"""Passages: the answerable pieces of a source, each an exact slice of it (`text == source.text[start:end]`), with
the heading path above it and the context ranking should read with it (a list's lead-in, a table's header row).

The document's structure is read by `structure.py` (Markdown with markdown-it-py for `.md`, line rules for `.txt`),
and every passage fits the embedding model's window together with its ranking context, counted in the model's
own word pieces (`windows.py`). Nothing real is dropped: lists with their lead-ins, table rows, short answers
under question headings are passages; only page debris (navigation, "Skip to content") and headings are not.
`Passage` itself is one of the shared types (`indexer.types`).
"""

from __future__ import annotations

from indexer.config import model_path
from indexer.ingest.sources import Source
from indexer.ingest.structure import split_document
from indexer.ingest.windows import TokenCounter
from indexer.types import Passage

__all__ = ["HEADING_SEPARATOR", "LABEL_TOKENS", "SPLITTER_VERSION", "Passage", "is_markdown", "split_passages"]

HEADING_SEPARATOR = " › "
SPLITTER_VERSION = 3  # changes when the same text would give other passages (the index records it); 3: a line of
# labelled values ("Color: BROWN; Shape: OVAL") is text, not a heading (`indexer.text.headings`)
# Room kept in the window beyond the ranking context counted with each passage (`index/represent.py`): the
# separators joining its lines, and word pieces that count differently once texts are joined.
LABEL_TOKENS = 32


def is_markdown(source: Source) -> bool:
    return source.path.suffix.lower() == ".md"


def split_passages(source: Source, counter: TokenCounter | None = None, max_tokens: int | None = None,
                   heading: str | None = None) -> list[Passage]:
    """The passages of a source, in reading order. `counter` counts the model's word pieces (made from the bundled
    model's tokenizer when not given: pass one when splitting many sources); `max_tokens` is the model's window
    (the counter's by default); `heading` is what ranking puts above each passage (`indexer.index.represent.
    source_heading`; the title by default): each passage fits the window with it."""
    counter = counter or TokenCounter(model_path())
    window = (max_tokens or counter.max_tokens) - LABEL_TOKENS
    title = source.title if heading is None else heading
    pieces = split_document(source.text, markdown=is_markdown(source), title=title, max_tokens=window,
                            count_tokens=counter)
    return [Passage(source.source_id, p.start, p.end, source.text[p.start : p.end], p.heading, p.context, p.kind)
            for p in pieces]
