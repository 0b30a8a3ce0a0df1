"""Reading a cited passage in its source: links of the form `?source=ID&start=..&end=..`, checked before use.

A link can be pasted into a document and opened much later, or typed by hand, so everything in it is checked:
the source must be one the index knows (never a file path), the offsets whole numbers inside the text. A source
file that changed since the index was built is still shown, flagged, because the offsets may no longer match.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from indexer.ask.engine import Citation, Engine
from indexer.errors import IndexerError
from indexer.index.store import SourceRecord
from indexer.ingest.sources import sha256_bytes
from indexer.ingest.structure import Block, document_blocks

Span = tuple[int, int]
MAX_DIGITS = 12  # a character offset: far above any source's length, far below Python's integer-digit limit


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
    return SourceView(record, text, tuple(document_blocks(text, markdown=record.file.lower().endswith(".md"))), cited, heading_at(engine, source_id, cited),
                      changed)


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
