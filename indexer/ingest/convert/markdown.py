"""Clean Markdown: one shape for every converter's output, so citations index into a tidy, stable text.

Blocks (headings, paragraphs, lists, tables) are separated by exactly one blank line; a paragraph is one
line; list items are one line each; no trailing spaces; the text ends with a single newline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# Spaces that read as a space; characters that read as nothing (zero-width, soft hyphen, byte-order mark).
_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_RUNS = re.compile(r" {2,}")
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st"})
_HEADING = re.compile(r"^#{1,6} ")
_LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)]) +(.*)$")
_FENCE = re.compile(r"^(```|~~~)")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_SEPARATOR_CELL = re.compile(r"^:?-{3,}:?$")


def squash(text: str) -> str:
    """One line of text: every run of white space becomes one space, invisible characters go, ends trimmed."""
    text = _INVISIBLE.sub("", text.translate(_LIGATURES))
    return _RUNS.sub(" ", _SPACES.sub(" ", text.replace("\r", " ").replace("\n", " "))).strip()


def join_blocks(blocks: Iterable[str]) -> str:
    """The final text: blocks separated by one blank line, no trailing spaces, one final newline."""
    kept = []
    for block in blocks:
        lines = [line.rstrip() for line in block.strip("\n").split("\n")]
        block = "\n".join(lines).strip("\n")
        if block.strip():
            kept.append(block)
    return "\n\n".join(kept) + "\n" if kept else ""


def heading(level: int, text: str) -> str:
    return "#" * max(1, min(level, 6)) + " " + squash(text)


def escape_cell(text: str) -> str:
    """A table cell on one line, with `|` escaped so it does not split the cell."""
    return _CELL_SPLIT.sub(r"\\|", squash(text))


def table(rows: Sequence[Sequence[str]]) -> str:
    """A pipe table; the first row is the header. Rows are padded to the widest row. Cells must be escaped."""
    rows = [list(r) for r in rows if any(c.strip() for c in r)]
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = [_row(rows[0]), "|" + "---|" * width] + [_row(r) for r in rows[1:]]
    return "\n".join(lines)


def _row(cells: list[str]) -> str:
    return "|" + "|".join(f" {cell} " if cell else " " for cell in cells) + "|"


def tidy(markdown: str) -> str:
    """Normalize Markdown written by another tool (trafilatura): same block shapes as `join_blocks`."""
    markdown = markdown.replace("\r\n", "\n").replace("\r", "\n")
    return join_blocks(_tidy_block(b) for b in _split_blocks(markdown))


def _split_blocks(markdown: str) -> list[list[str]]:
    """Blocks separated by blank lines; a fenced code block is one block even when it has blank lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    fenced = False
    for line in markdown.split("\n"):
        if _FENCE.match(line.strip()):
            fenced = not fenced
        if not line.strip() and not fenced:
            if current:
                blocks.append(current)
            current = []
            continue
        current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _tidy_block(lines: list[str]) -> str:
    if _FENCE.match(lines[0].strip()):
        return "\n".join(line.rstrip() for line in lines)
    if all(line.strip().startswith("|") for line in lines):
        return _tidy_table(lines)
    out: list[str] = []
    paragraph: list[str] = []
    for line in lines:
        stripped = line.strip()
        item = _LIST_ITEM.match(line.rstrip())
        if _HEADING.match(stripped):
            out += [squash(" ".join(paragraph))] if paragraph else []
            paragraph = []
            out.append(squash(stripped))
        elif item:
            out += [squash(" ".join(paragraph))] if paragraph else []
            paragraph = []
            out.append(item.group(1) + item.group(2) + " " + squash(item.group(3)))
        elif out and _LIST_ITEM.match(out[-1]) and not paragraph:
            out[-1] = out[-1] + " " + squash(stripped)  # a wrapped list item
        else:
            paragraph.append(stripped)
    out += [squash(" ".join(paragraph))] if paragraph else []
    # headings and paragraphs are blocks of their own; list items stay together
    blocks: list[str] = []
    for line in out:
        if blocks and _LIST_ITEM.match(line) and _LIST_ITEM.match(blocks[-1].split("\n")[-1]):
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return "\n\n".join(blocks)


def _tidy_table(lines: list[str]) -> str:
    rows = []
    for line in lines:
        body = line.strip()
        body = body[1:] if body.startswith("|") else body
        body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
        cells = [squash(c) for c in _CELL_SPLIT.split(body)]
        if all(_SEPARATOR_CELL.match(c) for c in cells if c) and any(cells):
            continue
        rows.append(cells)
    return table(rows)
