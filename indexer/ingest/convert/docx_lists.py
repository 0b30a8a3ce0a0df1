"""List items of a Word document: bullet or number, the number Word would show, and how deep they are nested,
from the numbering properties (`w:numPr`) of the paragraph or its style."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from docx.document import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

log = logging.getLogger(__name__)

_TWIPS_PER_LEVEL = 720  # Word's default indent step (half an inch), used when a level gives no indent


@dataclass(frozen=True)
class _Level:
    fmt: str  # "bullet", "decimal", "lowerLetter", ..., "none"
    start: int
    indent: int  # left indent in twips


class ListNumbering:
    """Markers for the list paragraphs of one document, numbered as Word numbers them: each list (numId)
    counts on through the document, and a deeper level restarts under each item of the level above. An item
    indented further than the one before it is nested under it ("List Bullet 2" is a new list, indented)."""

    def __init__(self, document: Document) -> None:
        self._abstract: dict[str, str] = {}
        self._levels: dict[tuple[str, int], _Level] = {}
        self._counters: dict[tuple[str, int], int] = {}
        self._open: list[tuple[int, int]] = []  # (indent, where the item's text starts) per open depth
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return  # no numbering definitions: lists are known by their style names only
        for num in numbering.findall(qn("w:num")):
            abstract = num.find(qn("w:abstractNumId"))
            if abstract is not None:
                self._abstract[num.get(qn("w:numId"))] = abstract.get(qn("w:val"))
        for abstract in numbering.findall(qn("w:abstractNum")):
            for lvl in abstract.findall(qn("w:lvl")):
                level = int(lvl.get(qn("w:ilvl"), "0"))
                fmt, start = lvl.find(qn("w:numFmt")), lvl.find(qn("w:start"))
                self._levels[(abstract.get(qn("w:abstractNumId")), level)] = _Level(
                    fmt=fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    start=int(start.get(qn("w:val"), "1")) if start is not None else 1,
                    indent=_indent(lvl) if _indent(lvl) is not None else (level + 1) * _TWIPS_PER_LEVEL,
                )

    def marker(self, paragraph: Paragraph) -> str | None:
        """"- " or "N. " (indented under the item above when nested), or None for a paragraph not in a list."""
        found = self._num_pr(paragraph)
        if found is None:
            return None
        num_id, level, style_name = found
        definition = self._levels.get((self._abstract.get(num_id, ""), level))
        if definition is None:  # no definition: trust the style's name
            fmt = "decimal" if "number" in style_name.lower() else "bullet"
            definition = _Level(fmt, 1, (level + 1) * _TWIPS_PER_LEVEL)
        if definition.fmt == "none":
            return None
        if definition.fmt == "bullet":
            token = "-"
        else:
            key = (num_id, level)
            self._counters[key] = self._counters.get(key, definition.start - 1) + 1
            for deeper in [k for k in self._counters if k[0] == num_id and k[1] > level]:
                del self._counters[deeper]
            token = f"{self._counters[key]}."
        indent = _indent(paragraph._p)
        indent = definition.indent if indent is None else indent
        while self._open and indent < self._open[-1][0]:
            self._open.pop()
        if self._open and indent == self._open[-1][0]:
            self._open.pop()
        text_start = self._open[-1][1] if self._open else 0
        self._open.append((indent, text_start + len(token) + 1))
        return " " * text_start + token + " "

    def end_list(self) -> None:
        self._open = []

    def _num_pr(self, paragraph: Paragraph) -> tuple[str, int, str] | None:
        """(numId, level, style name) from the paragraph's numbering properties or its style's."""
        style = paragraph.style
        elements = [paragraph._p]
        while style is not None and len(elements) < 10:
            elements.append(style.element)
            style = style.base_style
        style_name = paragraph.style.name if paragraph.style is not None else ""
        num_id = level = None
        for element in elements:  # a paragraph may set the level and leave the list to its style
            num_pr = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is None:
                continue
            found_id, found_level = num_pr.find(qn("w:numId")), num_pr.find(qn("w:ilvl"))
            if level is None and found_level is not None:
                level = int(found_level.get(qn("w:val"), "0"))
            if found_id is not None:
                num_id = found_id.get(qn("w:val"))
                break
        if num_id == "0":
            return None  # numbering switched off
        if num_id is not None:
            return num_id, level or 0, style_name
        if re.match(r"^list (bullet|number)", style_name, re.IGNORECASE):
            return "", 0, style_name
        return None


def _indent(element) -> int | None:
    """The left indent (twips) that a paragraph or a numbering level sets, if it sets one."""
    ind = element.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    if ind is None:
        return None
    value = ind.get(qn("w:left")) or ind.get(qn("w:start"))
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
