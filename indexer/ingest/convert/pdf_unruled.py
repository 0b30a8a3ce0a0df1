"""Unruled tables on a PDF page, as grids of cells, found only where the layout leaves no doubt.

Three or more consecutive rows of text, each made of the same number (two or more) of separate pieces at shared
column positions (left edges, right edges or centres aligned, the columns apart), with no line next to the block
that fits inside a column (a wrapped cell or an empty one would make the rows ambiguous), no column of bullets or
list numbers, and not every column filled with running text (a page set in columns is not a table). pdfplumber's
"text" strategy is not used: on a page it cuts words at chance alignments of other words and drops the text past
the last aligned edge.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from pdfminer.layout import LTPage, LTTextLine

from indexer.ingest.convert.markdown import squash
from indexer.ingest.convert.pdf_grids import Grid

MIN_ALIGNED_ROWS = 3
ALIGN_TOLERANCE = 0.25  # of the line height: how far column edges may stray
MAX_ROW_GAP = 1.5  # line heights between two rows of one unruled table
PROSE_WORDS = 4  # a column of running text: at least this many words a line (median) ...
PROSE_FILL = 0.75  # ... filling at least this much of the column's width (median)
_LIST_MARKER = re.compile(r"^(?:[•●▪■◦○‣⁃∙·▸►✓✔➢➤*\u2013\u2014-]|[\ue000-\uf8ff]|\(?[0-9]{1,3}[.)]|\(?[a-z][.)])$")


@dataclass(frozen=True)
class _Text:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


def aligned_grids(page: LTPage, lines: Sequence[LTTextLine]) -> list[Grid]:
    """Grids of the unruled tables among `lines`: blocks of rows whose pieces share column positions (see the
    module's docstring for what makes one reliable)."""
    texts = [_Text(line.x0, line.x1, page.height - line.y1, page.height - line.y0, squash(line.get_text()))
             for line in lines]
    rows = _rows([t for t in texts if t.text])
    grids = []
    start = 0
    while start < len(rows):
        run = _run(rows, start)
        if len(run) >= MIN_ALIGNED_ROWS and _reliable(run, rows[start - 1] if start else None,
                                                      rows[start + len(run)] if start + len(run) < len(rows) else None):
            grids.append(_grid(run))
        start += max(1, len(run))
    return grids


def _rows(texts: list[_Text]) -> list[list[_Text]]:
    """Texts side by side (their middles within half a line of each other), left to right; rows top to bottom."""
    rows: list[list[_Text]] = []
    for text in sorted(texts, key=lambda t: t.middle):
        first = rows[-1][0] if rows else None
        if first and abs(text.middle - first.middle) < 0.5 * min(text.height, first.height):
            rows[-1].append(text)
        else:
            rows.append([text])
    return [sorted(row, key=lambda t: t.x0) for row in rows]


def _run(rows: list[list[_Text]], start: int) -> list[list[_Text]]:
    """The rows from `start` on that have as many pieces as the first, two or more, in the same columns."""
    first = rows[start]
    if len(first) < 2 or _overprinted(first):
        return [first]
    run = [first]
    for row in rows[start + 1:]:
        height = median(t.height for t in row + run[-1])
        gap = min(t.top for t in row) - max(t.bottom for t in run[-1])
        if len(row) != len(first) or _overprinted(row) or gap > MAX_ROW_GAP * height or not _aligned([*run, row]):
            break
        run.append(row)
    return run


def _overprinted(row: list[_Text]) -> bool:
    return any(b.x0 < a.x1 for a, b in zip(row, row[1:], strict=False))


def _aligned(run: list[list[_Text]]) -> bool:
    tolerance = ALIGN_TOLERANCE * median(t.height for row in run for t in row)
    columns = list(zip(*run, strict=True))
    for column in columns:
        if not any(max(edge) - min(edge) <= tolerance for edge in (
                [t.x0 for t in column], [t.x1 for t in column], [(t.x0 + t.x1) / 2 for t in column])):
            return False
    return all(max(t.x1 for t in left) < min(t.x0 for t in right) for left, right in zip(columns, columns[1:],
                                                                                          strict=False))


def _reliable(run: list[list[_Text]], above: list[_Text] | None, below: list[_Text] | None) -> bool:
    columns = list(zip(*run, strict=True))
    spans = [(min(t.x0 for t in column), max(t.x1 for t in column)) for column in columns]
    if any(all(_LIST_MARKER.match(t.text) for t in column) for column in columns):
        return False  # a list whose bullets or numbers are set apart from the items' text
    if all(_prose(column, span) for column, span in zip(columns, spans, strict=True)):
        return False  # text set in columns
    height = median(t.height for row in run for t in row)
    widest = max([min(t.top for t in b) - max(t.bottom for t in a) for a, b in zip(run, run[1:], strict=False)])
    limit = max(widest, 0.0) + 0.5 * height
    for row, gap in ((above, lambda r: min(t.top for t in run[0]) - max(t.bottom for t in r)),
                     (below, lambda r: min(t.top for t in r) - max(t.bottom for t in run[-1]))):
        if row and gap(row) <= limit and all(_inside(t, spans, height) for t in row):
            return False  # a row that may belong to the table (a wrapped cell, an empty cell): not certain
    return True


def _prose(column: Sequence[_Text], span: tuple[float, float]) -> bool:
    words = median(len(t.text.split()) for t in column)
    fill = median(t.x1 - t.x0 for t in column) / max(span[1] - span[0], 1e-6)
    return words >= PROSE_WORDS and fill >= PROSE_FILL


def _inside(text: _Text, spans: list[tuple[float, float]], height: float) -> bool:
    slack = ALIGN_TOLERANCE * height
    return any(x0 - slack <= text.x0 and text.x1 <= x1 + slack for x0, x1 in spans)


def _grid(run: list[list[_Text]]) -> Grid:
    columns = list(zip(*run, strict=True))
    xs = [min(t.x0 for t in columns[0]) - 1]
    xs += [(max(t.x1 for t in left) + min(t.x0 for t in right)) / 2 for left, right in zip(columns, columns[1:],
                                                                                             strict=False)]
    xs.append(max(t.x1 for t in columns[-1]) + 1)
    ys = [min(t.top for t in run[0]) - 1]
    ys += [(max(t.bottom for t in upper) + min(t.top for t in lower)) / 2 for upper, lower in zip(run, run[1:],
                                                                                                   strict=False)]
    ys.append(max(t.bottom for t in run[-1]) + 1)
    return Grid(tuple(tuple((xs[c], ys[r], xs[c + 1], ys[r + 1]) for c in range(len(columns)))
                      for r in range(len(run))))
