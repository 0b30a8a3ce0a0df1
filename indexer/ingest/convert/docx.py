"""Word documents (.docx) as Markdown, in document order: headings, paragraphs, lists and tables.

The package's ZIP directory is checked (`limits.check_zip`: parts, expanded size, compression ratio) before
python-docx reads a byte of it, and the text is measured as it grows, so a document that expands stops early."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from importlib.metadata import version

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from indexer.errors import SourceError
from indexer.ingest.convert.converted import MEDIA_TYPES, Converted
from indexer.ingest.convert.docx_lists import ListNumbering
from indexer.ingest.convert.fields import iso_date, publisher_or_empty, title_or_empty
from indexer.ingest.convert.limits import Limits, check_chars, check_zip, current
from indexer.ingest.convert.markdown import escape_cell, heading, join_blocks, squash, table

log = logging.getLogger(__name__)

_HEADING_STYLE = re.compile(r"^heading (\d)$", re.IGNORECASE)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc and other OLE files


def convert_docx(data: bytes, name: str, *, url: str = "", limits: Limits | None = None) -> Converted:
    """A .docx file's text as Markdown, with the title, author and creation date of its core properties."""
    limits = current(limits)
    document = _open(data, name, limits)
    has_title = any(_is_title(p) for p in _paragraphs(document))
    numbering = ListNumbering(document)
    blocks: list[str] = []
    first_heading = ""
    in_list = False
    size = 0  # characters so far
    for item in _body_items(document):
        marker = None
        if isinstance(item, Table):
            rows = _table_blocks(item)
            blocks.extend(rows)
            size += sum(map(len, rows))
        elif text := squash(item.text):
            size += len(text)
            level = _heading_level(item, has_title)
            marker = None if level else numbering.marker(item)
            if level:
                blocks.append(heading(level, text))
                first_heading = first_heading or text
            elif marker is not None and in_list:
                blocks[-1] += "\n" + marker + text
            else:
                blocks.append((marker or "") + text)
        check_chars(size, name, limits)
        in_list = marker is not None
        if not in_list:
            numbering.end_list()
    text = join_blocks(blocks)
    check_chars(len(text), name, limits)
    if not text:
        raise SourceError(f"{name} has no text. Add a document that has the article's text.")
    properties = document.core_properties
    return Converted(
        text=text,
        suffix=".md",
        title=title_or_empty(properties.title) or first_heading,
        publisher=publisher_or_empty(properties.author),
        url=url,
        date=iso_date(properties.created),
        original_name=name,
        original_bytes=data,
        media_type=MEDIA_TYPES["docx"],
        extractor="python-docx",
        extractor_version=version("python-docx"),
    )


def _open(data: bytes, name: str, limits: Limits) -> Document:
    if data.startswith(_OLE_MAGIC):
        raise SourceError(f"{name} is an old Word 97-2003 file (.doc). Save it as .docx in Word and add that.")
    if not data.startswith(b"PK\x03\x04"):
        raise SourceError(f"{name} is not a Word .docx file (it is not a ZIP package). Add the real .docx file.")
    check_zip(data, name, limits)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx and zipfile raise many exception types on broken files
        raise SourceError(
            f"{name} cannot be opened as a Word document ({type(e).__name__}: {squash(str(e))[:80]}). "
            "The file may be damaged or incomplete: save it again from Word."
        ) from e


def _body_items(document: Document) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables in document order, including those inside content controls."""

    def walk(element) -> Iterator[Paragraph | Table]:
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                yield Paragraph(child, document)
            elif child.tag == qn("w:tbl"):
                yield Table(child, document)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from walk(content)

    yield from walk(document.element.body)


def _paragraphs(document: Document) -> Iterator[Paragraph]:
    return (item for item in _body_items(document) if isinstance(item, Paragraph))


def _style_chain(paragraph: Paragraph) -> Iterator:
    style = paragraph.style
    seen = 0
    while style is not None and seen < 10:
        yield style
        style, seen = style.base_style, seen + 1


def _is_title(paragraph: Paragraph) -> bool:
    return any((s.name or "").lower() == "title" for s in _style_chain(paragraph))


def _heading_level(paragraph: Paragraph, has_title: bool) -> int:
    """1 for the Title, then Heading N one level below it (Heading N is level N without a Title)."""
    if _is_title(paragraph):
        return 1
    level = _outline_level(paragraph)
    return min(level + (1 if has_title else 0), 6) if level else 0


def _outline_level(paragraph: Paragraph) -> int:
    """The heading level from the paragraph's outline level, or its (base) style's; 0 for body text."""
    elements = [paragraph._p] + [s.element for s in _style_chain(paragraph)]
    for element in elements:
        found = element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        if found is not None:
            value = int(found.get(qn("w:val"), "9"))
            return value + 1 if value < 9 else 0
    for style in _style_chain(paragraph):
        match = _HEADING_STYLE.match(style.name or "")
        if match:
            return int(match.group(1))
    return 0


def _table_blocks(grid: Table) -> list[str]:
    """A pipe table; a one-column table (a box around text) is its paragraphs."""
    rows: list[list[str]] = []
    above: list[object] = []
    for row in grid.rows:
        cells, previous = [], None
        for column, cell in enumerate(row.cells):
            merged = cell._tc is previous or (column < len(above) and above[column] is cell._tc)
            cells.append("" if merged else escape_cell(cell.text))
            previous = cell._tc
        above = [cell._tc for cell in row.cells]
        rows.append(cells)
    if rows and max(len(r) for r in rows) == 1:
        return [squash(p.text) for row in grid.rows for cell in row.cells for p in cell.paragraphs if p.text.strip()]
    return [table(rows)]
