"""Tables on a PDF page: where they are, and the text of each cell as Markdown table cells.

A table is first a grid of cell rectangles (`pdf_grids.py`), found one of two ways:

- **Ruled tables** (cell borders drawn as lines or rectangles): pdfplumber's `Page.find_tables()` (`ruled_grids`,
  in `pdf_grids.py`).
- **Unruled tables**, only where the layout leaves no doubt: rows of text aligned in columns (`aligned_grids`, in
  `pdf_unruled.py`, which says what makes one reliable).

Each character of the page's text lines then goes into the cell that holds its centre; a cell's lines are
joined with a space (a hyphen at a line end undone as in paragraphs). So every word of a table is in one of its
cells and nowhere else. A grid that does not make at least two rows with two filled cells (a frame around a
paragraph, a box with a rule down its middle) is not a table, and its text stays where it was. `pipe_table`
writes a table's rows as a Markdown pipe table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from statistics import median

from pdfminer.layout import LTAnno, LTChar, LTPage, LTTextLine

from indexer.ingest.convert.joining import join_lines
from indexer.ingest.convert.markdown import escape_cell, squash
from indexer.ingest.convert.pdf_grids import MAX_DRAWINGS, Box, DrawingsPage, Grid, ruled_grids
from indexer.ingest.convert.pdf_unruled import (
    ALIGN_TOLERANCE,
    MAX_ROW_GAP,
    MIN_ALIGNED_ROWS,
    PROSE_FILL,
    PROSE_WORDS,
    aligned_grids,
)

__all__ = [
    "ALIGN_TOLERANCE", "MAX_DRAWINGS", "MAX_ROW_GAP", "MIN_ALIGNED_ROWS", "NO_CHARACTER", "PROSE_FILL", "PROSE_WORDS",
    "Box", "DrawingsPage", "Grid", "Owner", "Table", "aligned_grids", "find_tables", "pipe_table", "ruled_grids",
]

Owner = tuple[int, int, int]  # grid, row, column
# pdfminer writes "(cid:13)" for a glyph that has no character: nothing can be recovered from it.
NO_CHARACTER = re.compile(r"\(cid:\d+\)")


@dataclass(frozen=True)
class Table:
    """A table found on a page: its rectangle, its cells as Markdown table cells (the first row is the header),
    its type size (the median of its characters')."""

    box: Box
    rows: tuple[tuple[str, ...], ...]
    size: float

    @property
    def text(self) -> str:
        return " ".join(cell for row in self.rows for cell in row if cell)


def find_tables(page: LTPage, lines: Sequence[LTTextLine], ruled: Sequence[Grid]) -> tuple[list[Table], set[int]]:
    """The tables among `lines` (the page's text lines): those of the `ruled` grids that hold a table, then the
    unruled ones among the lines left. Returns them with the ids of the characters in their cells."""
    tables, taken = _fill(page, lines, _apart(ruled))
    free = [line for line in lines if not any(id(c) in taken for c in line if isinstance(c, LTChar))]
    more, more_taken = _fill(page, free, aligned_grids(page, free))
    return tables + more, taken | more_taken


def _apart(grids: Sequence[Grid]) -> list[Grid]:
    """Grids of two rows and two columns or more that do not overlap a smaller one (a table inside a ruled frame
    is the table)."""
    kept: list[Grid] = []
    for grid in sorted(grids, key=lambda g: (g.box[2] - g.box[0]) * (g.box[3] - g.box[1])):
        if len(grid.cells) < 2 or max(len(row) for row in grid.cells) < 2:
            continue
        if not any(_overlap(grid.box, other.box) for other in kept):
            kept.append(grid)
    return kept


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# -- the text of the cells ----------------------------------------------------------------------------------------


@dataclass
class _Piece:
    """The characters (and the spaces pdfminer put between them) of one text line that fall in one cell."""

    top: float
    bottom: float
    x0: float
    text: str


def _fill(page: LTPage, lines: Sequence[LTTextLine], grids: Sequence[Grid]) -> tuple[list[Table], set[int]]:
    if not grids:
        return [], set()
    pieces: dict[Owner, dict[int, _Piece]] = {}  # a cell's pieces, by the text line they come from
    chars: dict[int, list[LTChar]] = {}  # a grid's characters
    for line in lines:
        owner: Owner | None = None
        for item in line:
            if isinstance(item, LTChar):
                owner = _cell_at(grids, (item.x0 + item.x1) / 2, page.height - (item.y0 + item.y1) / 2)
                if owner is None:
                    continue
                top, bottom = page.height - item.y1, page.height - item.y0
                piece = pieces.setdefault(owner, {}).get(id(line))
                if piece is None:
                    pieces[owner][id(line)] = _Piece(top, bottom, item.x0, item.get_text())
                else:
                    piece.text += item.get_text()
                    piece.top, piece.bottom = min(piece.top, top), max(piece.bottom, bottom)
                chars.setdefault(owner[0], []).append(item)
            elif isinstance(item, LTAnno) and owner is not None:  # a space pdfminer put after a cell's character
                pieces[owner][id(line)].text += item.get_text()
    tables, taken = [], set()
    for number, grid in enumerate(grids):
        rows = [[_cell_text(list(pieces.get((number, r, c), {}).values())) for c in range(len(row))] for r, row in
                enumerate(grid.cells)]
        rows = _trimmed(rows)
        if sum(1 for row in rows if sum(1 for cell in row if cell) >= 2) < 2:
            continue
        in_cells = chars.get(number, [])
        sizes = [c.size for c in in_cells if c.get_text().strip()]
        tables.append(Table(grid.box, tuple(tuple(row) for row in rows), round(median(sizes), 1) if sizes else 0.0))
        taken |= {id(c) for c in in_cells}
    return tables, taken


def _cell_at(grids: Sequence[Grid], x: float, y: float) -> Owner | None:
    for number, grid in enumerate(grids):
        found = grid.cell_at(x, y)
        if found:
            return number, *found
    return None


def _cell_text(pieces: list[_Piece]) -> str:
    """A cell's pieces in reading order, one line of text: pieces side by side joined with a space, lines joined
    as a paragraph's are (a hyphen at a line end undone)."""
    lines: list[list[_Piece]] = []
    for piece in sorted(pieces, key=lambda p: (p.top, p.x0)):
        middle = (piece.top + piece.bottom) / 2
        if lines and lines[-1][0].top <= middle <= lines[-1][0].bottom:
            lines[-1].append(piece)
        else:
            lines.append([piece])
    texts = [squash(" ".join(NO_CHARACTER.sub("", p.text) for p in sorted(line, key=lambda p: p.x0)))
             for line in lines]
    return escape_cell(reduce(join_lines, [t for t in texts if t], ""))


def _trimmed(rows: list[list[str]]) -> list[list[str]]:
    """Without empty rows and empty columns."""
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    filled = [c for c in range(len(rows[0])) if any(row[c] for row in rows)]
    return [[row[c] for c in filled] for row in rows]


def pipe_table(rows: Sequence[Sequence[str]]) -> str:
    """A Markdown pipe table: the first row is the header. Cells must be escaped (`escape_cell`)."""
    width = max(len(row) for row in rows)
    lines = [list(row) + [""] * (width - len(row)) for row in rows]
    lines.insert(1, ["---"] * width)
    return "\n".join("| " + " | ".join(row) + " |" for row in lines)
