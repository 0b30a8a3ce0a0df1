"""The structure of a plain-text article, read from its lines: headings, paragraphs, lists with their lead-in,
tables, the answers under question headings, and page debris, which is left out.

Lines are grouped into blocks at blank lines, and a block is split further at a Markdown `#` heading line, a
setext underline, a line ending in ":" and a run of table rows (two or more lines split into cells by tabs, or
by pipes). A block is then
- a heading: a `#` line, a setext heading, a line on its own that reads as a title ("2. Benzodiazepines",
  "References:", "BLADDER AND KIDNEYS") or a short question ("Can I drink alcohol?"), or a title line right
  over the sentences of its paragraph ("Where Found\nDimenhydrinate is found in...");
- a lead-in: a paragraph ending in ":" that does not read as a title ("Common side effects include:"), or an
  unfinished sentence right before a list ("KADIAN is contraindicated in patients with");
- a list (lines starting with a bullet or a number; other lines continue the item above), a table, or text,
  which is prose (a sentence or more) or a fragment. Text whose lines all start with a capital or a digit is
  read line by line, as items ("Dramamine\nGravol\nMarmine").
A lead-in, a heading ending in ":" or "?" opens a run: the short blocks after it (fragments, one-sentence
items, title-like lines, lists, in the shape the run started with) belong to it, and one long block ends it
(after joining it when nothing else has). A complete answer ("No.") ends the run of a question. A fragment
right under a heading is its body; lines of items right after another list continue it. Any other fragment is
page debris, and so is the same label twice ("Previous\nPrevious") and a heading with nothing under it (the
titles of other posts, "Skip to content"). A document in which nothing would be kept keeps every block, so no
file ends up without passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.ingest.layout import (
    BULLET,
    ITEM_WORDS,
    NUMBERED,
    Group,
    Heading,
    Span,
    count_words,
    heading_text,
    is_prose,
    is_question,
    is_title_like,
    line_spans,
    trim,
)
from indexer.text.sentences import split_sentences

_MARKDOWN_HEADING = re.compile(r"\ufeff?#{1,6}(?=\s|$)")
_SETEXT = re.compile(r"(?:=+|-+)")
_TABLE_SEPARATOR = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?")


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "leadin", "list", "table", "text" or "repeat"
    units: tuple[Span, ...]
    level: int = 0  # headings: 1 = top
    title: str = ""  # headings: the text shown
    anchor: str = ""  # headings: "question" or "colon" when what follows belongs to them; "plain" otherwise
    marked: bool = False  # headings: `#`, setext, or a title line over its paragraph: never a list item
    prose: bool = False  # text: a sentence or more
    short: bool = False  # every unit is at most ITEM_WORDS words and one sentence


def text_events(text: str) -> list[Heading | Group]:
    """Headings and content groups of a plain-text document, in reading order, debris left out."""
    lines = [trim(text, a, b) for a, b in line_spans(text)]
    markdown = any(_MARKDOWN_HEADING.match(text, a) for a, _ in lines)
    blocks: list[Block] = []
    run: list[Span] = []
    for a, b in [*lines, (len(text), len(text))]:
        if a < b:
            run.append((a, b))
        elif run:
            blocks.extend(_segments(text, run, markdown))
            run = []
    events = _drop_empty_headings(_Walk(text, blocks).events())
    if not any(isinstance(e, Group) for e in events):
        events = [Group("list" if len(b.units) > 1 else "paragraph", b.units) for b in blocks if b.kind != "repeat"]
    return events


def _segments(text: str, lines: list[Span], markdown: bool) -> list[Block]:
    """The blocks of one run of non-blank lines."""
    first = text[slice(*lines[0])]
    # A line on its own that reads as a title is a heading even when numbered ("2. Benzodiazepines").
    if len(lines) == 1 and not BULLET.match(first) and not _MARKDOWN_HEADING.match(first) \
            and (is_title_like(first) or _is_question(first)):
        anchor = "colon" if first.endswith(":") else "plain"
        return [_heading(first, lines[0], _title_level(first, markdown), anchor)]
    out: list[Block] = []
    pending: list[Span] = []  # text lines
    items: list[list[int]] = []  # list items [start, end]

    def flush() -> None:
        if pending:
            out.extend(_text_blocks(text, pending, markdown))
            pending.clear()
        if items:
            out.append(_list_block(text, [(a, b) for a, b in items]))
            items.clear()

    i = 0
    while i < len(lines):
        a, b = lines[i]
        line = text[a:b]
        n = _table_length(text, lines, i)
        if n:
            flush()
            out.append(Block("table", tuple((a, b) for a, b in lines[i : i + n] if _cells(text[a:b])[1])))
            i += n
            continue
        if _MARKDOWN_HEADING.match(line):
            flush()
            level = len(line.lstrip("\ufeff")) - len(line.lstrip("\ufeff").lstrip("#"))
            out.append(_heading(line, (a, b), level, "plain", marked=True))
        elif not pending and not items and i + 1 < len(lines) and _SETEXT.fullmatch(text[slice(*lines[i + 1])]) \
                and not (NUMBERED.match(line) or BULLET.match(line)):
            level = 1 if text[lines[i + 1][0]] == "=" else 2
            out.append(_heading(line, (a, lines[i + 1][1]), level, "plain", marked=True))
            i += 1
        elif NUMBERED.match(line) or BULLET.match(line):
            if pending:
                flush()
            items.append([a, b])
        elif line.endswith(":") and is_title_like(line):
            flush()  # "Musculoskeletal:": a label over what follows
            out.append(_heading(line, (a, b), _title_level(line, markdown), "colon"))
        elif line.endswith(":") and not items:
            # "Common side effects include:", with the lines of its paragraph above it: a lead-in
            span = (pending[0][0] if pending else a, b)
            pending.clear()
            out.append(Block("leadin", (span,), short=True))
        elif items:
            items[-1][1] = b  # a line without a marker continues the item above
        else:
            pending.append((a, b))
        i += 1
    flush()
    return out


def _heading(line: str, span: Span, level: int, anchor: str, marked: bool = False) -> Block:
    if anchor == "plain" and line.rstrip().endswith("?"):
        anchor = "question"
    return Block("heading", (span,), level, heading_text(line), anchor, marked)


def _is_question(line: str) -> bool:
    return is_question(line) and count_words(line) <= 14


def _title_level(line: str, markdown: bool) -> int:
    """1 for a title line, 2 for a numbered one ("2. Benzodiazepines"), 3 for a question (an FAQ entry sits under
    the section around it); below every `#` heading when the text has any."""
    level = 2 if NUMBERED.match(line) else 3 if line.rstrip().endswith("?") else 1
    return level + (6 if markdown else 0)


def _text_blocks(text: str, lines: list[Span], markdown: bool) -> list[Block]:
    first = text[slice(*lines[0])]
    if len(lines) == 1 and (is_title_like(first) or _is_question(first)):
        return [_heading(first, lines[0], _title_level(first, markdown), "plain")]
    if len(lines) > 1 and len({text[a:b] for a, b in lines}) == 1:
        return [Block("repeat", tuple(lines))]
    if len(lines) > 1 and is_title_like(first) and _is_sentence(text[slice(*lines[1])]):
        # "Poisonous Ingredient\nDimenhydrinate can be harmful in large amounts.": a title over its paragraph
        return [_heading(first, lines[0], _title_level(first, markdown), "plain", marked=True),
                *_text_blocks(text, lines[1:], markdown)]
    span = (lines[0][0], lines[-1][1])
    # Lines that each start with a capital or a digit are items of their own ("Dramamine\nGravol\n...").
    items = len(lines) > 1 and all(text[a].isupper() or text[a].isdigit() for a, _ in lines)
    units = tuple(lines) if items else (span,)
    prose = is_prose(text[slice(*span)])
    return [Block("text", units, prose=prose, short=not prose or _short(text, units))]


def _list_block(text: str, items: list[Span]) -> Block:
    return Block("list", tuple(items), short=_short(text, items))


def _is_sentence(line: str) -> bool:
    return count_words(line) >= 8 or (count_words(line) >= 3 and line.rstrip()[-1] in ".!?")


def _short(text: str, units) -> bool:
    return all(count_words(text[a:b]) <= ITEM_WORDS and len(split_sentences(text, a, b)) <= 1 for a, b in units)


def _cells(line: str) -> tuple[str, int] | None:
    """("\\t" or "|", number of cells) of a table row, ("|", 0) for a separator row, None for other lines."""
    if _TABLE_SEPARATOR.fullmatch(line) and "|" in line:
        return "|", 0
    for delimiter in ("\t", "|"):
        if delimiter in line:
            cells = line.strip().strip("|").split(delimiter) if delimiter == "|" else line.split("\t")
            if len(cells) >= 2:
                return delimiter, len(cells)
    return None


def _table_length(text: str, lines: list[Span], i: int) -> int:
    """How many lines from `i` on form a table: two or more rows with the same delimiter (cell counts may differ:
    trailing empty cells are trimmed away, some rows are ragged)."""
    first = _cells(text[slice(*lines[i])])
    if not first or first[1] == 0:
        return 0
    n = 1
    while i + n < len(lines):
        cells = _cells(text[slice(*lines[i + n])])
        if not cells or cells[0] != first[0]:
            break
        n += 1
    rows = sum(1 for a, b in lines[i : i + n] if _cells(text[a:b])[1])
    return n if rows >= 2 else 0


@dataclass
class _Walk:
    """Reads blocks in order and decides what each belongs to (see the module docstring)."""

    text: str
    blocks: list[Block]
    out: list[Heading | Group] = field(default_factory=list)
    state: str = ""  # "" (after prose, at the start), "heading" (right under a heading), "open" or "list"
    question: bool = False  # the open run is under a question heading
    units: list[Span] = field(default_factory=list)  # the run being collected
    lead: bool = False
    all_short: bool = True
    listed: bool = False  # the run holds a list block
    shape: str = ""  # the kind of block that started the run's items: "list" or "text"

    def events(self) -> list[Heading | Group]:
        for i, block in enumerate(self.blocks):
            self.step(i, block)
        self.close()
        return self.out

    def step(self, i: int, block: Block) -> None:
        nxt = self.blocks[i + 1] if i + 1 < len(self.blocks) else None
        if block.kind == "repeat":
            self.close()
            self.state = ""
        elif block.kind == "heading":
            if self.state == "open" and block.anchor == "plain" and not block.marked and not _long_prose(nxt):
                self.add(block)  # "1. Aspirin" in the list after "Avoid these:"
                return
            self.close()
            self.out.append(Heading(block.level, block.title, block.units[0]))
            self.state = "open" if block.anchor in ("question", "colon") else "heading"
            self.question = block.anchor == "question"
        elif block.kind == "leadin" or (block.kind == "text" and not block.prose and _unfinished(self.text, block)
                                         and nxt is not None and _is_list(nxt)):
            self.close()
            self.units, self.lead, self.state, self.question = list(block.units), True, "open", False
        elif block.kind == "table":
            self.close()
            self.out.append(Group("table", block.units, lead=True, rows=True))
            self.state = ""
        elif self.state == "open":
            if self.shape and block.kind != self.shape:
                # A list goes on in the shape it started in: "- dry mouth" is not followed by "Skip to content".
                self.close()
                self.state = "list"
                self.step(i, block)
                return
            if not block.short and len(self.units) > int(self.lead):
                self.close()
                self.state = "list" if _is_list(block) else ""
                self.keep_alone(block)
                return
            self.add(block)
            if not block.short or (self.question and self.text[block.units[-1][1] - 1] in ".!?"):
                self.close()  # a long block, or a complete answer ("No."), ends what the anchor introduced
                self.state = "list" if _is_list(block) else ""
        elif self.state == "heading" and block.kind == "text" and not block.prose:
            self.add(block)  # the body right under a heading: "BLADDER AND KIDNEYS" / "Inability to urinate"
        else:
            after_list = self.state == "list"
            self.close()
            self.state = "list" if _is_list(block) else ""
            if block.kind == "text" and not block.prose and after_list and _is_list(block):
                self.out.append(Group("list", block.units))  # one list in several blocks: "Nausea\nVomiting"
            else:
                self.keep_alone(block)

    def add(self, block: Block) -> None:
        self.shape = self.shape or ("text" if block.kind == "heading" else block.kind)
        self.units.extend(block.units)
        self.all_short = self.all_short and block.short
        self.listed = self.listed or block.kind == "list"

    def keep_alone(self, block: Block) -> None:
        if block.kind == "list":
            self.out.append(Group("list", block.units))
        elif block.prose:
            self.out.append(Group("paragraph", block.units))
        # else: a fragment that belongs to nothing: page debris

    def close(self) -> None:
        if self.units:
            if self.question and self.all_short and not self.lead:
                kind = "answer"
            elif len(self.units) == 1 and not self.lead and not self.listed:
                kind = "paragraph"
            else:
                kind = "list"
            self.out.append(Group(kind, tuple(self.units), lead=self.lead))
        self.units, self.lead, self.all_short, self.listed, self.shape = [], False, True, False, ""


def _long_prose(block: Block | None) -> bool:
    return block is not None and block.kind == "text" and block.prose and not block.short


def _unfinished(text: str, block: Block) -> bool:
    """A fragment that stops mid-sentence: it ends in a lower-case word ("...in patients with")."""
    end = block.units[-1][1]
    return len(block.units) == 1 and text[end - 1].islower()


def _is_list(block: Block) -> bool:
    return block.kind == "list" or (block.kind == "text" and len(block.units) > 1)


def _drop_empty_headings(events: list[Heading | Group]) -> list[Heading | Group]:
    """A heading with no content before the next heading of its level or above is page debris."""
    out = []
    for i, event in enumerate(events):
        if isinstance(event, Heading):
            body = False
            for later in events[i + 1 :]:
                if isinstance(later, Group):
                    body = True
                    break
                if later.level <= event.level:
                    break
            if not body:
                continue
        out.append(event)
    return out
