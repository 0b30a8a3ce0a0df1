"""What the document-structure readers (`structure_md`, `structure_txt`) hand to `structure`: headings and
groups of content units in reading order, plus the line, trimming and word helpers both readers use.

A `Group` is one block of content (a paragraph, a list with its lead-in, a table, the answer under a question
heading). Its units are exact, trimmed spans of the document (a list item, a table row, a paragraph); the
splitter packs neighbouring units of one group into passages, never units of two groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.text.headings import NUMBERED, looks_like_heading
from indexer.text.tokens import WORD, count_words

Span = tuple[int, int]

BULLET = re.compile(r"[-*+•]\s+")
__all__ = ["BULLET", "NUMBERED", "WORD", "Group", "Heading", "Span", "heading_text", "is_prose", "is_question",
           "is_title_like", "line_spans", "trim", "count_words"]
_NEWLINE = re.compile(r"\r\n|\r|\n")  # the line breaks CommonMark knows; the text reader uses the same
ITEM_WORDS = 30  # a list item, table cell run or answer of at most this many words (and one sentence) is "short"


@dataclass(frozen=True)
class Heading:
    level: int  # 1 = top
    text: str  # as shown: marks removed, white space collapsed
    span: Span = (0, 0)  # where it is in the document


@dataclass(frozen=True)
class Group:
    kind: str  # "paragraph", "list", "table", "answer", "code" or "quote"
    units: tuple[Span, ...]  # exact trimmed spans, in reading order, not overlapping
    lead: bool = False  # the first unit (a lead-in line, a table's header row) is context for the later pieces
    rows: bool = False  # table rows: small rows are merged only until a piece is readable, not up to the window


def line_spans(text: str) -> list[Span]:
    """(start, end) of every line, its line break excluded."""
    spans = []
    pos = 0
    for m in _NEWLINE.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return spans


def trim(text: str, start: int, end: int) -> Span:
    """The span without surrounding white space (a byte-order mark counts as white space)."""
    while start < end and (text[start].isspace() or text[start] == "\ufeff"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def heading_text(raw: str) -> str:
    """A heading as shown: Markdown marks and a trailing colon removed, white space collapsed."""
    raw = re.sub(r"^\ufeff?\s*#{1,6}(?=\s|$)", "", raw.strip()).strip()
    raw = re.sub(r"\s#+$", "", raw)
    return " ".join(raw.split()).rstrip(":").strip()


def is_title_like(line: str) -> bool:
    """A short title-like line ("Medications That Work With Ketamine", "2. Benzodiazepines", "References:"):
    the project's one heading rule, `indexer.text.headings.looks_like_heading`."""
    return looks_like_heading(line)


def is_question(line: str) -> bool:
    """A short line that asks: "Can I drink alcohol while taking it?"."""
    line = line.strip()
    return line.endswith("?") and 0 < count_words(line) <= 25


def is_prose(block: str) -> bool:
    """Running text: at least a short sentence. Two-word fragments and repeated link labels are not."""
    found = count_words(block)
    if found >= 8:
        return True
    return found >= 3 and block.rstrip()[-1] in ".!?)\"'”’"
