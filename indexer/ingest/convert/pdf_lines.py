"""The text lines of a PDF, in reading order, with their position and type size, running headers and
footers and page numbers removed; a table is one `Line` that holds its cells (`pdf_tables`). pdfplumber opens
the file and gives each page's pdfminer.six layout (characters grouped into lines, lines into boxes) and its
ruled tables; the boxes and tables are then put in reading order by `pdf_order`."""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from statistics import median

import pdfplumber
from pdfminer.layout import LTAnno, LTChar, LTComponent, LTFigure, LTPage, LTTextBox, LTTextLine
from pdfminer.pdfpage import PDFPage

from indexer.errors import SourceError
from indexer.ingest.convert.markdown import squash
from indexer.ingest.convert.pdf_order import reading_order
from indexer.ingest.convert.pdf_tables import (
    NO_CHARACTER,
    DrawingsPage,
    Grid,
    Table,
    find_tables,
    ruled_grids,
)

log = logging.getLogger(__name__)

LAYOUT = {"all_texts": True, "boxes_flow": None}  # pdfminer's LAParams: text in figures too; no box ordering
# How many lines at the top and at the bottom of a page can be a running header or footer.
EDGE_LINES = 3
MAX_FURNITURE_ROWS = 2  # a table of more rows is never a running header or footer
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_PAGE_NUMBER = re.compile(
    r"^(page\s*)?[-–—(]?\s*(\d{1,4}|[ivxlc]{1,6})\s*[-–—)]?(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE
)
# A table-of-contents entry: dot leaders and a page number.
_CONTENTS_ENTRY = re.compile(r"(\.\s*){4,}\d{1,4}$|…{2,}\s*\d{1,4}$")


@dataclass(frozen=True)
class Line:
    """One line of text, or a table (`cells` row by row, Markdown-escaped; `text` is their words). Coordinates
    are in points from the top left of its page."""

    page: int
    box: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    cells: tuple[tuple[str, ...], ...] = ()

    @property
    def height(self) -> float:
        return self.bottom - self.top


def read_lines(data: bytes, name: str, *, max_pages: int | None = None) -> list[list[Line]]:
    """Every page's lines, in reading order. Raises SourceError when the file cannot be parsed, or has more than
    `max_pages` pages (whatever its page count said)."""
    pages: list[list[Line]] = []
    try:
        # Pages are made one at a time (not `document.pages`, which makes them all first, nor `with`, whose
        # close() does the same): reading stops at the limit whatever the file says.
        document = pdfplumber.open(io.BytesIO(data), laparams=LAYOUT)
        for number, page_object in enumerate(PDFPage.create_pages(document.doc), start=1):
            if max_pages is not None and number > max_pages:
                raise SourceError(f"{name} has more than {max_pages:,} pages. Add only the part you need (print "
                                  "those pages to PDF).")
            page = DrawingsPage(document, page_object, page_number=number)
            pages.append(_page_lines(number, page.layout, ruled_grids(page)))
            page.close()  # its layout and objects are not kept: memory stays that of one page
    except SourceError:
        raise
    except Exception as e:  # pdfminer raises many exception types on broken files
        if e.args and isinstance(e.args[0], Exception):
            e = e.args[0]  # pdfplumber wraps pdfminer's own (its PdfminerException)
        raise SourceError(
            f"{name} cannot be opened as a PDF ({type(e).__name__}: {squash(str(e))[:80]}). The file may be "
            "damaged or incomplete: download or export it again."
        ) from e
    return pages


@dataclass(frozen=True)
class _Item:
    """A part of the page to put in reading order: text lines (each with the characters and spaces kept, those
    in a table left out), or a table."""

    box: tuple[float, float, float, float]  # x0, top, x1, bottom
    lines: tuple[tuple[LTTextLine, tuple[LTComponent, ...] | None], ...] = ()  # None: the whole line
    table: Table | None = None


def _page_lines(number: int, page: LTPage, ruled: list[Grid]) -> list[Line]:
    boxes = list(_boxes(page))
    text_lines = [item for box in boxes for item in box if isinstance(item, LTTextLine)]
    # contents entries are dropped (remove_page_furniture), never read as a table of contents
    tables, taken = find_tables(page, [t for t in text_lines if not _CONTENTS_ENTRY.search(squash(t.get_text()))],
                                ruled)
    items = [_Item(t.box, table=t) for t in tables]
    for box in boxes:
        items += _box_items(page, box, taken)
    lines = []
    for box_id, item in enumerate(reading_order(items, lambda i: i.box)):
        if item.table:
            table = item.table
            x0, top, x1, bottom = table.box
            lines.append(Line(number, box_id, table.text, x0, x1, top, bottom, table.size, False, table.rows))
            continue
        for text_line, kept in item.lines:
            line = _line(number, box_id, page, text_line, kept)
            if line:
                lines.append(line)
    return lines


def _box_items(page: LTPage, box: LTTextBox, taken: set[int]) -> list[_Item]:
    """A box as one item; a box some of whose characters are in a table as its runs of lines left between."""
    lines = [item for item in box if isinstance(item, LTTextLine)]
    whole = tuple((line, None) for line in lines)
    if not taken or not any(id(c) in taken for line in lines for c in line if isinstance(c, LTChar)):
        return [_Item((box.x0, page.height - box.y1, box.x1, page.height - box.y0), whole)]
    runs: list[list[tuple[LTTextLine, tuple[LTComponent, ...]]]] = [[]]
    for line in lines:
        kept = _kept(line, taken)
        if any(isinstance(c, LTChar) and c.get_text().strip() for c in kept):
            runs[-1].append((line, kept))
        elif runs[-1]:
            runs.append([])
    items = []
    for run in (r for r in runs if r):
        chars = [c for _, kept in run for c in kept if isinstance(c, LTChar)]
        bounds = (min(c.x0 for c in chars), page.height - max(c.y1 for c in chars), max(c.x1 for c in chars),
                  page.height - min(c.y0 for c in chars))
        items.append(_Item(bounds, tuple(run)))
    return items


def _kept(line: LTTextLine, taken: set[int]) -> tuple[LTComponent, ...]:
    """The characters of `line` not in a table, with the spaces after them."""
    kept, dropping = [], False
    for item in line:
        if isinstance(item, LTChar):
            dropping = id(item) in taken
        if isinstance(item, LTChar | LTAnno) and not dropping:
            kept.append(item)
    return tuple(kept)


def _line(number: int, box_id: int, page: LTPage, item: LTTextLine, kept: tuple[LTComponent, ...] | None
          ) -> Line | None:
    parts = list(item) if kept is None else kept
    chars = [c for c in parts if isinstance(c, LTChar) and c.get_text().strip()]
    text = squash(NO_CHARACTER.sub("", item.get_text() if kept is None else "".join(c.get_text() for c in kept)))
    if not chars or not text:
        return None
    x0, x1, y0, y1 = (item.x0, item.x1, item.y0, item.y1) if kept is None else (
        min(c.x0 for c in chars), max(c.x1 for c in chars), min(c.y0 for c in chars), max(c.y1 for c in chars))
    return Line(
        page=number,
        box=box_id,
        text=text,
        x0=x0,
        x1=x1,
        top=page.height - y1,
        bottom=page.height - y0,
        size=round(median(c.size for c in chars), 1),
        bold=sum(bool(_BOLD_FONT.search(c.fontname)) for c in chars) * 2 > len(chars),
    )


def _boxes(container: LTComponent) -> Iterator[LTTextBox]:
    """Text boxes in layout order, including those inside figures (form objects)."""
    for item in container:
        if isinstance(item, LTTextBox):
            yield item
        elif isinstance(item, LTFigure):
            yield from _boxes(item)


def remove_page_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Drop running headers and footers (the same line, numbers aside, at the top or bottom of at least half
    of the pages, and of two pages or more) and page numbers at the top or bottom of a page. A table is one only
    when it is a band of at most MAX_FURNITURE_ROWS rows: a dose table repeated on each page is content."""
    edges = [_edge_lines(page) for page in pages]
    seen = Counter(key for page in edges for key in {_furniture_key(line) for line in page})
    repeated = {key for key, count in seen.items() if count >= 2 and count * 2 >= len(pages)}
    kept = []
    for page, edge in zip(pages, edges, strict=True):
        drop = {
            id(line) for line in edge if len(line.cells) <= MAX_FURNITURE_ROWS
            and (_furniture_key(line) in repeated or _PAGE_NUMBER.match(line.text))
        }
        kept.append([line for line in page if id(line) not in drop and not _contents_entry(line)])
    dropped = sum(len(p) for p in pages) - sum(len(p) for p in kept)
    log.debug("Dropped %d header, footer and page-number lines.", dropped)
    return kept


def _contents_entry(line: Line) -> bool:
    return not line.cells and bool(_CONTENTS_ENTRY.search(line.text))


def _edge_lines(page: list[Line]) -> list[Line]:
    by_top = sorted(page, key=lambda line: line.top)
    if len(by_top) <= 2 * EDGE_LINES:
        return by_top
    return by_top[:EDGE_LINES] + by_top[-EDGE_LINES:]


def _furniture_key(line: Line) -> tuple[str, float]:
    """Same text (numbers aside) in the same type size: a title on the first page is not the header that
    repeats it in small type on the others."""
    return re.sub(r"\d+", "#", line.text.lower()), round(line.size)


def body_size(pages: list[list[Line]]) -> float:
    """The type size of most of the text (weighted by characters)."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page:
            sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0
