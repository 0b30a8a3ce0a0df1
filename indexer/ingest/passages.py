"""Passages: the paragraphs and list items of a source, each an exact slice of it, with its heading path.

A source is read as blocks separated by blank lines. A block is a heading (a Markdown `#` line, or a short
title-like line with no sentence punctuation, possibly numbered: "2. Benzodiazepines"), prose (a paragraph or a
list item, which becomes a passage), or debris: short fragments that are neither a heading with text under it
nor a sentence ("Skip to content", "Previous / Next" navigation, the titles of other posts). Debris and headings
are never returned as answers; headings are kept as each passage's `heading` path, used for ranking and shown
with the citation. Passages longer than `max_chars` are cut at sentence ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.ingest.sources import Source
from indexer.text.headings import MARKDOWN_HEADING, NUMBERED, looks_like_heading
from indexer.text.sentences import split_sentences
from indexer.text.tokens import WORD

HEADING_SEPARATOR = " › "

_BULLET = re.compile(r"[-*+•]\s+")


@dataclass(frozen=True)
class Passage:
    """An exact slice of a source: `text == source.text[start:end]`. `heading` is the path of headings above it."""

    source_id: str
    start: int
    end: int
    text: str
    heading: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    kind: str  # "heading", "prose" or "debris"
    level: int = 0  # heading level, 1 = top


def split_passages(source: Source, max_chars: int = 900) -> list[Passage]:
    """The passages of a source, in reading order."""
    text = source.text
    passages: list[Passage] = []
    path: list[tuple[int, str]] = []  # (level, heading text)
    for block in classify_blocks(text):
        if block.kind == "heading":
            while path and path[-1][0] >= block.level:
                path.pop()
            path.append((block.level, heading_text(text[block.start : block.end])))
            continue
        if block.kind != "prose":
            continue
        headings = tuple(h for _, h in path if h.casefold() != source.title.casefold())
        for start, end in _cut(text, block.start, block.end, max_chars):
            passages.append(Passage(source.source_id, start, end, text[start:end], headings))
    return passages


def classify_blocks(text: str) -> list[Block]:
    """Every non-blank block of text, classified as heading, prose or debris."""
    raw = list(_raw_blocks(text))
    blocks: list[Block] = []
    markdown = any(MARKDOWN_HEADING.match(text, a) for a, _ in raw)
    for a, b in raw:
        blocks.extend(_classify(text, a, b, markdown))
    # A heading with no prose under it (before the next heading of the same or a higher level) is debris:
    # navigation links, titles of other posts, "Skip to content".
    out: list[Block] = []
    for i, block in enumerate(blocks):
        if block.kind == "heading" and not _has_body(blocks, i):
            block = Block(block.start, block.end, "debris")
        out.append(block)
    return out


def heading_text(raw: str) -> str:
    """A heading as shown: Markdown marks and surrounding white space removed, inner white space collapsed."""
    raw = raw.strip()
    raw = re.sub(r"^#{1,6}\s+", "", raw).rstrip("#").strip()
    raw = raw.splitlines()[0] if re.search(r"\n[=-]{3,}\s*$", raw) else raw
    return " ".join(raw.split()).rstrip(":").strip()


def _raw_blocks(text: str):
    """(start, end) of each run of non-blank lines, with surrounding white space trimmed."""
    start = None
    pos = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            if start is None:
                start = pos + (len(line) - len(line.lstrip()))
        elif start is not None:
            yield start, _rstrip_end(text, start, pos)
            start = None
        pos += len(line)
    if start is not None:
        yield start, _rstrip_end(text, start, pos)


def _rstrip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _classify(text: str, start: int, end: int, markdown: bool) -> list[Block]:
    lines = _lines(text, start, end)
    # A Markdown heading line inside a block: split the block around it.
    if len(lines) > 1 and any(MARKDOWN_HEADING.match(text, a) for a, _ in lines):
        out: list[Block] = []
        run: list[tuple[int, int]] = []
        for a, b in lines:
            if MARKDOWN_HEADING.match(text, a):
                if run:
                    out.extend(_classify(text, run[0][0], run[-1][1], markdown))
                    run = []
                out.extend(_classify(text, a, b, markdown))
            else:
                run.append((a, b))
        if run:
            out.extend(_classify(text, run[0][0], run[-1][1], markdown))
        return out
    # A block of list items, one per line: each item is its own passage.
    if len(lines) > 1 and all(NUMBERED.match(text, a) or _BULLET.match(text, a) for a, _ in lines[:1]):
        items = _list_items(text, lines)
        if len(items) > 1:
            return [b for a, z in items for b in _classify(text, a, z, markdown)]
    block = text[start:end]
    m = MARKDOWN_HEADING.match(block)
    if m:
        return [Block(start, end, "heading", len(m.group()))]
    if len(lines) == 2 and re.fullmatch(r"[=-]{3,}", text[lines[1][0] : lines[1][1]].strip()):
        return [Block(start, end, "heading", 1 if "=" in block else 2)]
    if len(lines) == 1 and looks_like_heading(block):
        numbered = bool(NUMBERED.match(block))
        level = (2 if numbered else 1) + (6 if markdown else 0)
        return [Block(start, end, "heading", level)]
    if _is_prose(block):
        return [Block(start, end, "prose")]
    return [Block(start, end, "debris")]


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        a = pos + (len(line) - len(line.lstrip()))
        b = _rstrip_end(text, a, pos + len(line))
        if a < b:
            out.append((a, b))
        pos += len(line)
    return out


def _list_items(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    items: list[list[int]] = []
    for a, b in lines:
        if NUMBERED.match(text, a) or _BULLET.match(text, a) or not items:
            items.append([a, b])
        else:
            items[-1][1] = b
    return [(a, b) for a, b in items]


def _is_prose(block: str) -> bool:
    """Running text: at least a short sentence. Two-word fragments and repeated link labels are not."""
    words = WORD.findall(block)
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    if len(lines) > 1 and len(set(lines)) == 1:
        return False  # the same label twice: "Previous\nPrevious"
    if len(words) >= 8:
        return True
    return len(words) >= 3 and block.rstrip()[-1] in ".!?)\"'”’"


def _has_body(blocks: list[Block], i: int) -> bool:
    level = blocks[i].level
    for block in blocks[i + 1 :]:
        if block.kind == "prose":
            return True
        if block.kind == "heading" and block.level <= level:
            return False
    return False


def _cut(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Split [start, end) at sentence ends into pieces of at most max_chars (a longer sentence stays whole)."""
    if end - start <= max_chars:
        return [(start, end)]
    sentences = split_sentences(text, start, end) or [(start, end)]
    pieces: list[tuple[int, int]] = []
    piece_start, piece_end = sentences[0]
    for a, b in sentences[1:]:
        if b - piece_start > max_chars:
            pieces.append((piece_start, piece_end))
            piece_start = a
        piece_end = b
    pieces.append((piece_start, piece_end))
    return _balance(text, pieces, max_chars)


def _balance(text: str, pieces: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Merge a very short last piece into the one before it when that stays within 1.25 × max_chars."""
    if len(pieces) >= 2:
        (a, _), (c, d) = pieces[-2], pieces[-1]
        if d - c < max_chars // 4 and d - a <= max_chars * 5 // 4:
            pieces = pieces[:-2] + [(a, d)]
    return pieces
