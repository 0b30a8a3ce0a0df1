"""Grids of table cells on a PDF page (`Grid`: cell rectangles, row by row), and the ruled tables' grids.

Ruled tables (cell borders drawn as lines or rectangles) are found by pdfplumber's `Page.find_tables()` with its
default "lines" strategy, on pages that draw any lines or rectangles (and not too many of them to be a table).
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from math import inf

from pdfminer.layout import LTComponent, LTCurve, LTFigure
from pdfplumber.page import Page

log = logging.getLogger(__name__)

Box = tuple[float, float, float, float]  # x0, top, x1, bottom: points from the page's top left

MAX_DRAWINGS = 5000  # lines and rectangles on a page past which no ruled table is looked for (a chart, a map)


@dataclass(frozen=True)
class Grid:
    """Cell rectangles, row by row (rows top to bottom); None where a cell spans the place of another."""

    cells: tuple[tuple[Box | None, ...], ...]

    @cached_property
    def box(self) -> Box:
        boxes = [c for row in self.cells for c in row if c]
        return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                max(b[3] for b in boxes))

    @cached_property
    def _row_spans(self) -> list[tuple[float, float, int]]:
        """(top, bottom, row) of each row, by top."""
        spans = [(min(c[1] for c in row if c), max(c[3] for c in row if c), r)
                 for r, row in enumerate(self.cells) if any(row)]
        return sorted(spans)

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(row, column) of the cell that holds the point, if any."""
        x0, top, x1, bottom = self.box
        if not (x0 <= x < x1 and top <= y < bottom):
            return None
        spans = self._row_spans
        for top, bottom, r in spans[: bisect_right(spans, (y, inf, inf))][::-1]:
            if top <= y < bottom:
                for c, cell in enumerate(self.cells[r]):
                    if cell and cell[0] <= x < cell[2] and cell[1] <= y < cell[3]:
                        return r, c
        return None


class DrawingsPage(Page):
    """A pdfplumber page whose objects are only its lines, rectangles and curves, all that ruled tables are
    found from: its characters are not made into pdfplumber's records (half the time of finding the tables)."""

    def iter_layout_objects(self, layout_objects: list[LTComponent]) -> Iterator[dict]:
        for item in layout_objects:
            if isinstance(item, LTCurve):
                yield self.process_object(item)
            elif isinstance(item, LTFigure):
                yield from self.iter_layout_objects(item._objs)


def ruled_grids(page: DrawingsPage) -> list[Grid]:
    """The ruled tables pdfplumber finds on `page`, in the page coordinates of its pdfminer layout. A page that
    draws nothing, or more than MAX_DRAWINGS things, is not searched."""
    drawings = sum(1 for _ in _drawings(page.layout))
    if not drawings or drawings > MAX_DRAWINGS:
        if drawings:
            log.info("Page %d draws %d lines and shapes; no ruled table is looked for on it.", page.page_number,
                     drawings)
        return []
    try:
        found = page.find_tables()
    except MemoryError:
        raise
    except Exception as e:  # a table that cannot be found is text: the page is still read
        log.info("Tables on page %d could not be found (%s: %s).", page.page_number, type(e).__name__, e)
        return []
    dx, dy = page.mediabox[0], page.mediabox[1]  # pdfplumber measures from the media box, pdfminer from its corner

    def moved(cell: Sequence[float] | None) -> Box | None:
        return None if cell is None else (cell[0] - dx, cell[1] - dy, cell[2] - dx, cell[3] - dy)

    return [Grid(tuple(tuple(moved(c) for c in row.cells) for row in table.rows)) for table in found]


def _drawings(container: LTComponent) -> Iterator[LTComponent]:
    for item in container:
        if isinstance(item, LTCurve):  # LTLine and LTRect are curves too
            yield item
        elif isinstance(item, LTFigure):
            yield from _drawings(item)
