"""The page's address: which view it shows (`?view=check`), which question it answers (`?q=...`) and which
cited passage it opens (`?source=ID&start=..&end=..`), the last checked before use.

A link can be pasted into a document and opened much later, or typed by hand, so everything in it is checked:
the source must be one the index knows (never a file path), the offsets whole numbers inside the text. A source
file that changed since the index was built is still shown, flagged, because the offsets may no longer match.
The view is part of the address so that the browser's Back and Forward restore it; a link without `view` (every
link made before it existed) opens Ask, or the source it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from indexer.ask.engine import Citation, Engine
from indexer.errors import IndexerError
from indexer.index.store import SourceRecord
from indexer.ingest.sources import sha256_bytes
from indexer.ingest.structure import Block, document_blocks
from ui.markdown import is_markdown_file

Span = tuple[int, int]
MAX_DIGITS = 12  # a character offset: far above any source's length, far below Python's integer-digit limit
VIEWS = {"ask": "Ask", "check": "Check wording", "sources": "Sources"}  # `?view=` → the view's name on the page
DEFAULT_VIEW = "Ask"  # shown without `view`, or with one the page does not know
SOURCE_PARAMS = ("source", "start", "end")


class LinkError(IndexerError, ValueError):
    """A link to a source names an unknown source or a range outside its text."""


@dataclass(frozen=True)
class SourceView:
    """A source opened for reading, with the cited range (if any) and the heading path above it."""

    record: SourceRecord
    text: str
    blocks: tuple[Block, ...]
    cited: Span | None
    heading: tuple[str, ...]
    changed: bool  # the file differs from the one the index was built from


def view_of(params: Mapping[str, str]) -> str:
    """The view an address shows."""
    return VIEWS.get((params.get("view") or "").strip().lower(), DEFAULT_VIEW)


def view_param(view: str) -> str | None:
    """The `view` parameter of a view (None for Ask, so that `?q=` links stay as they always were)."""
    return next((name for name, shown in VIEWS.items() if shown == view and shown != DEFAULT_VIEW), None)


def changed_address(params: Mapping[str, str], changes: Mapping[str, str | None]) -> dict[str, str]:
    """`params` with `changes` made: a value sets its parameter (in place, or after the others), None removes it."""
    out = {name: value for name, value in params.items() if name not in changes or changes[name] is not None}
    for name, value in changes.items():
        if value is not None:
            out[name] = value
    return out


def link_params(citation: Citation) -> dict[str, str]:
    """The query parameters that open a citation in its source."""
    return {"source": citation.source_id, "start": str(citation.start), "end": str(citation.end)}


def open_link(engine: Engine, params: Mapping[str, str]) -> SourceView:
    """The source a link's `source`, `start` and `end` parameters point at. Raises LinkError or SourceError."""
    source_id = (params.get("source") or "").strip()
    if not source_id:
        raise LinkError("The link names no source. Open a source from the Sources view or from a citation.")
    record = engine.index.source(source_id)
    if record is None:
        raise LinkError(f"There is no source {source_id[:80]!r} in the index, which has {len(engine.index.sources)} "
                        "sources (the Sources view lists them).")
    text = engine.source_text(source_id)
    cited = parse_range(params.get("start"), params.get("end"), len(text))
    changed = sha256_bytes(text.encode("utf-8")) != record.sha256
    blocks = tuple(document_blocks(text, markdown=is_markdown_file(record.file)))
    return SourceView(record, text, blocks, cited, heading_at(engine, source_id, cited), changed)


def parse_range(start: str | None, end: str | None, length: int) -> Span | None:
    """(start, end) from a link's parameters, or None when it gives neither (the whole source, nothing cited)."""
    if start in (None, "") and end in (None, ""):
        return None
    if start in (None, "") or end in (None, ""):
        raise LinkError("The link gives only one end of the range. It needs both start and end, e.g. "
                        "start=120&end=340.")
    numbers = []
    for name, value in (("start", start), ("end", end)):
        value = str(value).strip()
        if not value.isascii() or not value.isdigit() or len(value) > MAX_DIGITS:
            shown = f"{value[:20]}…" if len(value) > 20 else value
            raise LinkError(f"{name} must be a whole number of characters (0 or more, at most {MAX_DIGITS} digits). "
                            f"Got {shown!r}.")
        numbers.append(int(value))
    a, b = numbers
    if a >= b:
        raise LinkError(f"The range {a}–{b} is empty: start must be smaller than end.")
    if b > length:
        raise LinkError(f"The range {a}–{b} runs past the end of the source, which has {length:,} characters. "
                        "The link may be from an older version of the source.")
    return a, b


def heading_at(engine: Engine, source_id: str, cited: Span | None) -> tuple[str, ...]:
    """The heading path of the passage that contains the cited range (empty when none does)."""
    if cited is None:
        return ()
    for p in engine.index.passages:
        if p.source_id == source_id and p.start <= cited[0] and cited[1] <= p.end:
            return p.heading
    return ()
