r"""PDF leaflets and prescribing information as Markdown: whole paragraphs, headings where the type shows
them, bullets as list items, tables as Markdown tables, without running headers, footers and page numbers. The
page count is checked (`limits.max_pdf_pages`) before any text is read, and again as pages are read.

Tables (`pdf_tables`): a ruled table (cell borders drawn as lines or rectangles) is found by pdfplumber's
`find_tables()` ("lines" strategy) on each page that draws anything; an unruled one only where its rows leave no
doubt: three or more rows of text, each of the same number of pieces at shared column positions, with no line
beside them that could be a wrapped or empty cell, no column of bullets or list numbers, and not every column
running text (a page set in two columns is never a table). Every character goes into the cell that holds its
centre, so a table's words are in its cells and not in the paragraphs around it. A table is one block in the
page's reading order, written as a pipe table (`| --- |` under the header row, one line per row, a cell's line
breaks joined with a space, `|` escaped as `\|`); a table that goes on over a page under the same header row is
one table. Not found: unruled tables whose cells wrap or are empty, tables drawn as an image."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from importlib.metadata import version

import pypdf

from indexer.errors import SourceError
from indexer.ingest.convert.converted import MEDIA_TYPES, Converted
from indexer.ingest.convert.fields import iso_date, publisher_or_empty, title_or_empty
from indexer.ingest.convert.joining import join_lines
from indexer.ingest.convert.limits import Limits, check_chars, check_pages, current
from indexer.ingest.convert.markdown import heading, join_blocks, squash
from indexer.ingest.convert.pdf_lines import Line, body_size, read_lines, remove_page_furniture
from indexer.ingest.convert.pdf_tables import pipe_table

log = logging.getLogger(__name__)

HEADING_SIZE_RATIO = 1.15  # a line this much larger than the body text is a heading
MAX_HEADING_CHARS = 200
MAX_HEADING_WORDS_WITH_FULL_STOP = 8  # "1. Introduction." is a heading; a long sentence in large type is not
_BULLET = re.compile(r"^(?:[•●▪■◦○‣⁃∙·▸►✓✔➢➤*\u2013\u2014-]|[\ue000-\uf8ff])\s+(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^(?P<number>\d{1,2})[.)]\s+(?P<text>\S.*)$")
_BULLET_ONLY = re.compile(r"^(?:[•●▪■◦○‣⁃∙·▸►✓✔➢➤]|[\ue000-\uf8ff])$")
_ENDS_SENTENCE = re.compile(r"[.!?:;][\"'”’)\]]*$")


@dataclass
class _Block:
    kind: str  # "heading", "paragraph", "bullet", "number" or "table"
    lines: list[Line]
    text: str
    level: int = 0
    number: str = ""
    marker_x0: float = 0.0  # where a list item's bullet or number is
    depth: int = 0
    rows: list[tuple[str, ...]] = field(default_factory=list)  # a table's cells, the header first


def convert_pdf(data: bytes, name: str, *, url: str = "", limits: Limits | None = None) -> Converted:
    """A PDF's text as Markdown, with the title, author and creation date its metadata gives. A PDF of more
    than `limits.max_pdf_pages` pages is refused before its text is read."""
    limits = current(limits)
    info = _document_info(data, name, limits)
    pages = remove_page_furniture(read_lines(data, name, max_pages=limits.max_pdf_pages))
    if not any(pages):
        raise SourceError(
            f"{name} has no text layer (it may be a scanned image). Run OCR on it first or add a text version."
        )
    blocks = _blocks(pages)
    headings = [b for b in blocks if b.kind == "heading" and b.lines[0].page == 1]
    first_heading = min(headings, key=lambda b: b.level).text if headings else ""
    text = join_blocks(_render(blocks))
    check_chars(len(text), name, limits)
    return Converted(
        text=text,
        suffix=".md",
        title=title_or_empty(info.get("title")) or first_heading,
        publisher=publisher_or_empty(info.get("author")),
        url=url,
        date=iso_date(info.get("created")),
        original_name=name,
        original_bytes=data,
        media_type=MEDIA_TYPES["pdf"],
        extractor="pdfminer.six",
        extractor_version=version("pdfminer.six"),
    )


def _document_info(data: bytes, name: str, limits: Limits) -> dict[str, object]:
    """Title, author and creation date from the document information dictionary (the page count is checked
    first). The Producer and Creator entries name software, by definition, so they are never a publisher."""
    if b"%PDF-" not in data[:1024]:
        raise SourceError(f"{name} is not a PDF (it does not start with %PDF-). Add the real PDF file.")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise SourceError(
                f"{name} is protected by a password. Save an unprotected copy (print it to PDF) and add that."
            )
        check_pages(len(reader.pages), name, limits)
        meta = reader.metadata or {}
        created = None
        try:
            created = getattr(meta, "creation_date", None)
        except (ValueError, TypeError):
            log.info("%s has an unreadable CreationDate; leaving the date empty.", name)
        return {"title": meta.get("/Title"), "author": meta.get("/Author"), "created": created}
    except SourceError:
        raise
    except Exception as e:  # pypdf raises many exception types on broken files
        raise SourceError(
            f"{name} cannot be opened as a PDF ({type(e).__name__}: {squash(str(e))[:80]}). The file may be "
            "damaged or incomplete: download or export it again."
        ) from e


def _blocks(pages: list[list[Line]]) -> list[_Block]:
    body = body_size(pages)
    large = sorted({round(line.size * 2) / 2 for p in pages for line in p if line.size >= body * HEADING_SIZE_RATIO},
                   reverse=True)
    blocks: list[_Block] = []
    bullet_glyph: Line | None = None
    for line in (line for page in pages for line in page):
        if line.cells:
            last = blocks[-1] if blocks else None
            if last and last.kind == "table" and _continues_table(last, line):
                last.rows += line.cells[1:]  # a table continued on the next page under its header again
                last.lines.append(line)
            else:
                blocks.append(_Block("table", [line], line.text, rows=list(line.cells)))
            bullet_glyph = None
            continue
        if _BULLET_ONLY.match(line.text):
            bullet_glyph = line  # a bullet set apart from its text: the next line is the item
            continue
        text = ("• " + line.text) if bullet_glyph else line.text
        marker_x0 = bullet_glyph.x0 if bullet_glyph else line.x0
        bullet_glyph = None
        level = _heading_level(line, body, large)
        last = blocks[-1] if blocks else None
        if level:
            if last and last.kind == "heading" and last.level == level and _close_below(last.lines[-1], line):
                _extend(last, line)
            else:
                blocks.append(_Block("heading", [line], line.text, level=level))
            continue
        bullet, numbered = _BULLET.match(text), _NUMBERED.match(text)
        starts_item = bullet or (numbered and (last is None or last.kind != "paragraph" or _ends(last)))
        if starts_item:
            match = bullet or numbered
            kind = "bullet" if bullet else "number"
            number = match.groupdict().get("number") or ""
            blocks.append(_Block(kind, [line], match["text"], number=number, marker_x0=marker_x0))
        elif last and _continues(last, line):
            _extend(last, line)
        else:
            blocks.append(_Block("paragraph", [line], line.text))
    _demote_long_headings(blocks)
    _nest_items(blocks)
    return blocks


def _continues_table(table: _Block, line: Line) -> bool:
    """`line`, a table, goes on with `table` from the page before: nothing between them, the same header."""
    return line.page == table.lines[-1].page + 1 and line.cells[0] == table.rows[0]


def _heading_level(line: Line, body: float, large: list[float]) -> int:
    size = round(line.size * 2) / 2
    if size in large:
        return min(large.index(size) + 1, 3)
    if line.bold and line.size >= body - 0.5 and len(line.text) <= MAX_HEADING_CHARS and not _ENDS_SENTENCE.search(
        line.text
    ):
        return min(len(large) + 1, 4)
    return 0


def _extend(block: _Block, line: Line) -> None:
    block.text = join_lines(block.text, line.text)
    block.lines.append(line)


def _ends(block: _Block) -> bool:
    return bool(_ENDS_SENTENCE.search(block.text))


def _close_below(previous: Line, line: Line) -> bool:
    """`line` follows `previous` in the same column, without a paragraph gap."""
    gap = line.top - previous.bottom
    return line.page == previous.page and -1 <= gap <= 0.6 * max(previous.height, line.height)


def _continues(block: _Block, line: Line) -> bool:
    if block.kind in ("bullet", "number"):
        return _continues_item(block, line)
    return block.kind == "paragraph" and _continues_paragraph(block, line)


def _continues_item(item: _Block, line: Line) -> bool:
    return _close_below(item.lines[-1], line) and line.x0 > item.marker_x0 + 0.5 * line.size


def _continues_paragraph(paragraph: _Block, line: Line) -> bool:
    previous = paragraph.lines[-1]
    if previous.size != line.size and abs(previous.size - line.size) > 0.5:
        return False
    if line.page == previous.page and line.box == previous.box:
        right = max(x.x1 for x in paragraph.lines)
        short = previous.x1 < right - 2 * line.size
        indented = line.x0 > previous.x0 + line.size
        return not (_ends(paragraph) and (short or indented))
    if _close_below(previous, line) and abs(line.x0 - previous.x0) < line.size:
        return True
    # a new column or page: the sentence goes on when it did not end and the next line does not start one
    return not _ends(paragraph) and (line.text[:1].islower() or paragraph.text.endswith("-"))


def _demote_long_headings(blocks: list[_Block]) -> None:
    """Bold or large type longer than a heading, or sentences ending with a full stop (an introduction set in
    larger type), is text, not a heading."""
    for block in blocks:
        too_long = len(block.text) > MAX_HEADING_CHARS or len(block.lines) > 3
        sentences = block.text.endswith(".") and len(block.text.split()) > MAX_HEADING_WORDS_WITH_FULL_STOP
        if block.kind == "heading" and (too_long or sentences):
            block.kind = "paragraph"


def _nest_items(blocks: list[_Block]) -> None:
    """List items indented further than the item before them are nested under it."""
    stack: list[float] = []
    for block in blocks:
        if block.kind not in ("bullet", "number"):
            stack = []
            continue
        x0 = block.marker_x0
        while stack and x0 < stack[-1] - 2:
            stack.pop()
        if not stack or x0 > stack[-1] + 2:
            stack.append(x0)
        block.depth = len(stack) - 1


def _render(blocks: list[_Block]) -> list[str]:
    """Markdown blocks; consecutive list items make one list, nested items indented under their parent's text."""
    out: list[str] = []
    indents: list[int] = []  # where the text of the open item at each depth starts
    for block, previous in zip(blocks, [None, *blocks[:-1]], strict=True):
        if block.kind == "heading":
            out.append(heading(block.level, block.text))
        elif block.kind == "paragraph":
            out.append(squash(block.text))
        elif block.kind == "table":
            out.append(pipe_table(block.rows))
        else:
            marker = f"{block.number}." if block.kind == "number" else "-"
            indents = indents[: block.depth]
            indent = indents[-1] if indents else 0
            indents.append(indent + len(marker) + 1)
            item = " " * indent + marker + " " + squash(block.text)
            if previous is not None and previous.kind in ("bullet", "number"):
                out[-1] += "\n" + item
            else:
                out.append(item)
    return out
