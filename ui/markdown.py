"""The block structure of a Markdown source as exact character ranges, so it can be shown as tables and lists.

Sources added with `python -m indexer add` (PDFs, web pages, Word files) are Markdown: tables as pipe rows,
lists as `- ` lines, headings as `#` lines. `markdown_doc` reads the block structure with markdown-it-py (the
parser the index uses, `indexer.ingest.structure_md`) and maps every block back to the text (`markdown_reader.py`):
`Token.map` gives each block's lines; each line's container prefix (blockquote `>`, a list item's marker), a
heading's `#`s and a table row's pipes are cut off by position. The result is a tree of `Node`s
(`markdown_tree.py`: a tag and constant attributes) whose leaves are spans `(start, end)` of the original text;
`ui.markdown_html.markdown_html` escapes and marks them. This module says which sources are Markdown and keeps
their trees (`markdown_doc`, cached); the names of `markdown_tree.py` are importable from here too.

Nothing is invented and nothing is lost: the only characters no leaf holds are the Markdown syntax itself
(pipes, list markers, `#`, `>`, a table's `---` row, fence lines, the backslash of an escaped pipe); an ordered
item's number is kept as the `value` of its `<li>`. A block whose lines hold any other character that no leaf
covers (a construct this module does not know) becomes its raw lines instead. Inline syntax (emphasis, code
spans, links) stays as the text it is.
"""

from __future__ import annotations

from functools import lru_cache

from ui.markdown_reader import Reader
from ui.markdown_tree import MarkdownDoc, Node, Span, leaves

__all__ = ["MAX_CACHED", "MarkdownDoc", "Node", "Span", "is_markdown_file", "leaves", "markdown_doc"]

MAX_CACHED = 32


def is_markdown_file(name: str) -> bool:
    """Whether a source file is read as Markdown (as the index reads it)."""
    return name.lower().endswith(".md")


@lru_cache(maxsize=MAX_CACHED)
def markdown_doc(text: str) -> MarkdownDoc:
    """The block tree of a Markdown text (cached: the reader and the cards of one source parse it once)."""
    return MarkdownDoc(text, tuple(Reader(text).nodes()))
