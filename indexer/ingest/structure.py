"""Document structure → passages that fit the embedding model's window, with nothing real left out.

`split_document` reads a document's structure (`structure_md` for Markdown, `structure_txt` for plain text),
then turns each content group into pieces:
- every piece is an exact, trimmed slice `text[start:end]`; pieces are in reading order and never overlap;
- every piece fits the model's window together with its ranking context: title, heading path and `context`
  (a list's lead-in, a table's header row) take `count_tokens(". ".join(...))` tokens, the model's two special
  tokens two more, and the piece gets the rest (never less than a quarter of the window, so a huge title or
  header row cannot squeeze a piece to nothing; only then can piece and context together run over the window);
- a unit longer than that is cut at sentence ends, then line ends, then word boundaries (`windows.cut_to_window`;
  a single run of non-blank characters longer than the budget is not cut and stays over it);
- tiny neighbouring units of one group are merged so no passage is a two-word scrap: list items up to the
  window, table rows only until the piece is readable (`min_tokens`), so a table gives a few rows per piece.
  Units of different groups are never merged: the short answer under a question heading stays on its own.
A lead-in or header row is the first unit of its group: it starts the first piece (it is never a passage on
its own) and is the `context` of every later piece, so ranking sees which list an item belongs to and which
column is which.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from indexer.errors import ConfigError
from indexer.ingest.layout import Group, Heading, Span, trim
from indexer.ingest.structure_md import markdown_events
from indexer.ingest.structure_txt import text_events
from indexer.ingest.windows import DEFAULT_WINDOW, SPECIAL_TOKENS, cut_to_window

MIN_TOKENS = 32  # a piece under this many word pieces (about 25 words) is too small to read on its own
MIN_WINDOW = 16


@dataclass(frozen=True)
class Piece:
    """A passage: `text[start:end]`, the headings above it, and what ranking should read before it."""

    start: int
    end: int
    heading: tuple[str, ...] = ()
    context: str = ""  # the lead-in of its list or the header row of its table, when the piece does not hold it
    kind: str = "paragraph"  # "paragraph", "list", "table", "answer", "code" or "quote"


def split_document(
    text: str,
    *,
    markdown: bool,
    title: str = "",
    max_tokens: int = DEFAULT_WINDOW,
    count_tokens: Callable[[str], int],
    min_tokens: int = MIN_TOKENS,
) -> list[Piece]:
    """The passages of a document in reading order. `max_tokens` is the model's window (special tokens included);
    `count_tokens` counts word pieces without special tokens (`windows.TokenCounter`). A heading equal to the
    title is left out of the heading path."""
    if max_tokens < MIN_WINDOW:
        raise ConfigError(f"max_tokens must be at least {MIN_WINDOW}. Got {max_tokens}.")
    if min_tokens < 0:
        raise ConfigError(f"min_tokens must be 0 or more. Got {min_tokens}.")
    events = markdown_events(text) if markdown else text_events(text)
    path: list[Heading] = []
    pieces: list[Piece] = []
    position = 0
    for event in events:
        if isinstance(event, Heading):
            while path and path[-1].level >= event.level:
                path.pop()
            if event.text:
                path.append(event)
            continue
        heading = tuple(h.text for h in path if h.text.casefold() != title.casefold())
        units = _after(text, event.units, position)
        if not units:
            continue
        group = Group(event.kind, units, event.lead and units[0] == event.units[0], event.rows)
        new = _pieces(text, group, heading, title, max_tokens, count_tokens, min_tokens)
        pieces.extend(new)
        position = new[-1].end if new else position
    return pieces


def ranking_head(title: str, heading: tuple[str, ...], context: str) -> str:
    """What ranking reads before a piece: "Title. Heading. Sub-heading. Context." (empty parts left out)."""
    parts = [p for p in (title, *heading, context) if p]
    return f"{'. '.join(parts)}." if parts else ""


def _after(text: str, units: tuple[Span, ...], position: int) -> tuple[Span, ...]:
    """The units clipped so none starts before `position` or before the end of the one before it."""
    out: list[Span] = []
    for a, b in units:
        a, b = trim(text, max(a, position, out[-1][1] if out else 0), b)
        if a < b:
            out.append((a, b))
    return tuple(out)


def _pieces(text: str, group: Group, heading: tuple[str, ...], title: str, max_tokens: int,
            count: Callable[[str], int], min_tokens: int) -> list[Piece]:
    context = _context(text, group, max_tokens, count)
    head = count(ranking_head(title, heading, context))
    budget = max(max_tokens - SPECIAL_TOKENS - head, max_tokens // 4)
    units = list(group.units)
    lead = units.pop(0) if context else None
    spans = [p for a, b in units for p in cut_to_window(text, a, b, budget, count)]
    if lead is not None:
        if spans and count(text[lead[0] : spans[0][1]]) <= budget:
            spans[0] = (lead[0], spans[0][1])  # the lead-in starts the first piece
        elif not group.rows or not spans:
            spans[:0] = cut_to_window(text, *lead, budget, count)  # too long to join the first item
        # else: a header row too long to join a row is context only
    pieces = []
    for a, b in _merge(text, spans, budget, count, min_tokens, group.rows):
        own = lead is not None and a <= lead[0]
        pieces.append(Piece(a, b, heading, "" if own or lead is None else context, group.kind))
    return pieces


def _context(text: str, group: Group, max_tokens: int, count: Callable[[str], int]) -> str:
    """The group's lead-in or header row with white space collapsed, at most a quarter of the window (cut at a
    word); "" when the group has none, or when it is the only unit."""
    if not group.lead or len(group.units) < 2:
        return ""
    a, b = group.units[0]
    kept: list[str] = []
    for word in text[a:b].split():
        if count(" ".join([*kept, word])) > max_tokens // 4:
            break
        kept.append(word)
    return " ".join(kept)


def _merge(text: str, spans: list[Span], budget: int, count: Callable[[str], int], min_tokens: int,
           rows: bool) -> list[Span]:
    """Neighbouring spans joined while the result fits the budget and one side is too small to read alone
    (rows: while the piece so far is too small)."""
    out: list[Span] = []
    size = 0
    for a, b in spans:
        n = count(text[a:b])
        if out:
            joined = count(text[out[-1][0] : b])
            if joined <= budget and (size < min_tokens or (not rows and n < min_tokens)):
                out[-1] = (out[-1][0], b)
                size = joined
                continue
        out.append((a, b))
        size = n
    return out


@dataclass(frozen=True)
class Block:
    """A stretch of a document as a reader sees it: a heading (with its level), content, or debris (text no
    passage holds: navigation, "Skip to content")."""

    start: int
    end: int
    kind: str  # "heading", "content" or "debris"
    level: int = 0


def document_blocks(text: str, *, markdown: bool) -> list[Block]:
    """Every non-blank stretch of a document in reading order, from the same structure the passages come from:
    headings, content groups (a paragraph, a list with its lead-in, a table) and the debris between them."""
    events = markdown_events(text) if markdown else text_events(text)
    found: list[Block] = []
    for event in events:
        if isinstance(event, Heading):
            if event.span[0] < event.span[1]:
                found.append(Block(*event.span, "heading", event.level))
        elif event.units:
            found.append(Block(event.units[0][0], event.units[-1][1], "content"))
    blocks: list[Block] = []
    position = 0
    for block in sorted(found, key=lambda b: b.start):
        if block.start < position:
            continue
        blocks.extend(_debris(text, position, block.start))
        blocks.append(block)
        position = block.end
    blocks.extend(_debris(text, position, len(text)))
    return blocks


def _debris(text: str, start: int, end: int) -> list[Block]:
    """The non-blank runs of lines in text[start:end]."""
    out = []
    for part in re.finditer(r"\S(?:.*\S)?(?:\s*\n\s*\S(?:.*\S)?)*", text[start:end]):
        a, b = trim(text, start + part.start(), start + part.end())
        if a < b:
            out.append(Block(a, b, "debris"))
    return out
