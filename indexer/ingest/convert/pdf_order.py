"""Reading order of the text boxes of a page, by recursive XY-cut: split the page at its widest blank
stripe (between columns, or between bands of text), then read the parts left to right, top to bottom."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
Box = tuple[float, float, float, float]  # x0, top, x1, bottom (top < bottom)


def reading_order(items: Sequence[T], box: Callable[[T], Box]) -> list[T]:
    """`items` in reading order; `box(item)` gives its rectangle in page coordinates measured from the top."""
    items = list(items)
    if len(items) <= 1:
        return items
    across = _widest_gap([(box(i)[0], box(i)[2]) for i in items])  # a blank column: a cut between columns
    down = _widest_gap([(box(i)[1], box(i)[3]) for i in items])  # a blank band: a cut between rows of text
    if across is None and down is None:
        return sorted(items, key=lambda i: (box(i)[1], box(i)[0]))
    if down is None or (across is not None and across[0] > down[0]):
        at, start = across[1], 0
    else:
        at, start = down[1], 1
    before = [i for i in items if box(i)[start] < at]
    after = [i for i in items if box(i)[start] >= at]
    return reading_order(before, box) + reading_order(after, box)


def _widest_gap(intervals: list[tuple[float, float]]) -> tuple[float, float] | None:
    """(width, middle) of the widest stretch that no interval covers, between the first and the last."""
    best = None
    intervals = sorted(intervals)
    reach = intervals[0][1]
    for start, end in intervals[1:]:
        if start > reach and (best is None or start - reach > best[0]):
            best = (start - reach, (start + reach) / 2)
        reach = max(reach, end)
    return best
