"""The text lines of a PDF, in reading order, with their position and type size, running headers and
footers and page numbers removed. pdfminer.six (the engine under pdfplumber) groups characters into lines
and lines into boxes; the boxes are then put in reading order by `pdf_order`."""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from statistics import median

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTComponent, LTFigure, LTPage, LTTextBox, LTTextLine

from indexer.errors import SourceError
from indexer.ingest.convert.markdown import squash
from indexer.ingest.convert.pdf_order import reading_order

log = logging.getLogger(__name__)

# How many lines at the top and at the bottom of a page can be a running header or footer.
EDGE_LINES = 3
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_PAGE_NUMBER = re.compile(
    r"^(page\s*)?[-–—(]?\s*(\d{1,4}|[ivxlc]{1,6})\s*[-–—)]?(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE
)
# A table-of-contents entry: dot leaders and a page number.
_CONTENTS_ENTRY = re.compile(r"(\.\s*){4,}\d{1,4}$|…{2,}\s*\d{1,4}$")
# pdfminer writes "(cid:13)" for a glyph that has no character: nothing can be recovered from it.
_NO_CHARACTER = re.compile(r"\(cid:\d+\)")


@dataclass(frozen=True)
class Line:
    """One line of text. Coordinates are in points from the top left of its page."""

    page: int
    box: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool

    @property
    def height(self) -> float:
        return self.bottom - self.top


def read_lines(data: bytes, name: str, *, max_pages: int | None = None) -> list[list[Line]]:
    """Every page's lines, in reading order. Raises SourceError when the file cannot be parsed, or has more than
    `max_pages` pages (whatever its page count said)."""
    layout: list[LTPage] = []
    try:
        for page in extract_pages(io.BytesIO(data), laparams=LAParams(all_texts=True, boxes_flow=None)):
            layout.append(page)
            if max_pages is not None and len(layout) > max_pages:
                raise SourceError(f"{name} has more than {max_pages:,} pages. Add only the part you need (print "
                                  "those pages to PDF).")
    except SourceError:
        raise
    except Exception as e:  # pdfminer raises many exception types on broken files
        raise SourceError(
            f"{name} cannot be opened as a PDF ({type(e).__name__}: {squash(str(e))[:80]}). The file may be "
            "damaged or incomplete: download or export it again."
        ) from e
    return [_page_lines(number, page) for number, page in enumerate(layout, start=1)]


def _page_lines(number: int, page: LTPage) -> list[Line]:
    lines = []
    boxes = reading_order(list(_boxes(page)), lambda b: (b.x0, page.height - b.y1, b.x1, page.height - b.y0))
    for box_id, box in enumerate(boxes):
        for item in box:
            if not isinstance(item, LTTextLine):
                continue
            chars = [c for c in _chars(item) if c.get_text().strip()]
            text = squash(_NO_CHARACTER.sub("", item.get_text()))
            if not chars or not text:
                continue
            lines.append(
                Line(
                    page=number,
                    box=box_id,
                    text=text,
                    x0=item.x0,
                    x1=item.x1,
                    top=page.height - item.y1,
                    bottom=page.height - item.y0,
                    size=round(median(c.size for c in chars), 1),
                    bold=sum(bool(_BOLD_FONT.search(c.fontname)) for c in chars) * 2 > len(chars),
                )
            )
    return lines


def _boxes(container: LTComponent) -> Iterator[LTTextBox]:
    """Text boxes in layout order, including those inside figures (form objects)."""
    for item in container:
        if isinstance(item, LTTextBox):
            yield item
        elif isinstance(item, LTFigure):
            yield from _boxes(item)


def _chars(line: LTTextLine) -> Iterator[LTChar]:
    return (c for c in line if isinstance(c, LTChar))


def remove_page_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Drop running headers and footers (the same line, numbers aside, at the top or bottom of at least half
    of the pages, and of two pages or more) and page numbers at the top or bottom of a page."""
    edges = [_edge_lines(page) for page in pages]
    seen = Counter(key for page in edges for key in {_furniture_key(line) for line in page})
    repeated = {key for key, count in seen.items() if count >= 2 and count * 2 >= len(pages)}
    kept = []
    for page, edge in zip(pages, edges, strict=True):
        drop = {
            id(line) for line in edge if _furniture_key(line) in repeated or _PAGE_NUMBER.match(line.text)
        }
        kept.append([line for line in page if id(line) not in drop and not _CONTENTS_ENTRY.search(line.text)])
    dropped = sum(len(p) for p in pages) - sum(len(p) for p in kept)
    log.debug("Dropped %d header, footer and page-number lines.", dropped)
    return kept


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
