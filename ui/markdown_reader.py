"""Reading the blocks of a Markdown text with their offsets: markdown-it's tokens as `Node`s whose leaves are exact
spans of the text.

`Token.map` gives each block's lines; each line's container prefix (blockquote `>`, a list item's marker), a
heading's `#`s and a table row's pipes are cut off by position. A block whose lines hold any character that no
leaf covers and that is not Markdown syntax becomes its raw lines instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it import MarkdownIt
from markdown_it.token import Token

from indexer.ingest.structure_md import closing_token
from ui.markdown_tree import Node, Span, leaves

_NEWLINE = re.compile(r"\r\n|\r|\n")  # the line breaks CommonMark knows (as `indexer.ingest.layout`)
_MARKER = re.compile(r"(?:[-*+]|(\d{1,9})[.)])(?=[ \t]|$)")
_ATX = re.compile(r"#{1,6}(?=[ \t]|$)")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
# What a Markdown block may hold besides what it shows: white space, a byte-order mark, pipes, list markers,
# heading and quote marks, a table's separator row, fences, setext underlines, escapes before pipes.
_SYNTAX = re.compile(r"[\s\ufeff|\-:#>*+.)=`~\\]")
_HEADING_TAGS = {1: "h3", 2: "h4"}  # deeper headings are h5, as the plain-text reader shows them


class Reader:
    """markdown-it tokens → nodes whose leaves are exact spans of the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[Span] = []
        self.breaks: list[int] = []  # where each line's line break ends
        pos = 0
        for m in _NEWLINE.finditer(text):
            self.lines.append((pos, m.start()))
            self.breaks.append(m.end())
            pos = m.end()
        self.lines.append((pos, len(text)))
        self.breaks.append(len(text))
        source = text[1:] if text.startswith("\ufeff") else text  # a byte-order mark moves no line
        self.tokens = MarkdownIt("commonmark").enable("table").parse(source)
        self.item_lines: dict[int, int] = {}  # line → how many list items start on it (markers to cut)
        for t in self.tokens:
            if t.type == "list_item_open" and t.map:
                self.item_lines[t.map[0]] = self.item_lines.get(t.map[0], 0) + 1
        self.covered: list[Span] = []  # what a block shows in another way (an ordered item's number, fences)

    def nodes(self) -> list[Node]:
        out: list[tuple[int, Node]] = []
        used = [False] * len(self.lines)
        i = 0
        while i < len(self.tokens):
            token = self.tokens[i]
            end = closing_token(self.tokens, i)
            if token.map is not None:
                first, last = token.map[0], min(token.map[1], len(self.lines))
                self.covered = []
                node = self._block(self.tokens[i : end + 1], quotes=0)
                if node is not None:
                    out.append((first, self._checked(node, first, last)))
                for n in range(first, last):
                    used[n] = True
            i = end + 1
        out.extend(self._loose_lines(used))
        out.sort(key=lambda pair: pair[0])
        return [node for _, node in out]

    # blocks

    def _block(self, tokens: list[Token], quotes: int) -> Node | None:
        token = tokens[0]
        kind = token.type
        if kind == "heading_open":
            return self._heading(token, quotes)
        if kind == "paragraph_open":
            return Node("p", tuple(self._lines(token.map, quotes)))
        if kind in ("bullet_list_open", "ordered_list_open"):
            items = [self._item(part, quotes) for part in _parts(tokens)]
            return Node("ol" if kind == "ordered_list_open" else "ul", tuple(items))
        if kind == "blockquote_open":
            return Node("blockquote", tuple(self._children(tokens, quotes + 1)))
        if kind == "table_open":
            return self._table(tokens, quotes)
        if kind in ("fence", "code_block"):
            return self._code(token, quotes)
        if kind == "html_block":
            return Node("p", tuple(self._lines(token.map, quotes)))
        if kind == "hr":
            return Node("hr")
        return None

    def _children(self, tokens: list[Token], quotes: int) -> list[Node | Span]:
        out: list[Node | Span] = []
        for part in _parts(tokens):
            if part[0].type == "paragraph_open" and part[0].hidden:
                out.extend(self._lines(part[0].map, quotes))  # a tight list item: its text, not a paragraph
                continue
            node = self._block(part, quotes)
            if node is not None:
                out.append(node)
        return out

    def _item(self, tokens: list[Token], quotes: int) -> Node:
        token = tokens[0]
        number = token.info if token.info.isdigit() else ""
        return Node("li", tuple(self._children(tokens, quotes)), f' value="{int(number)}"' if number else "")

    def _heading(self, token: Token, quotes: int) -> Node | None:
        if token.markup in ("=", "-"):  # setext: the text lines, then the underline
            first, last = token.map[0], token.map[1] - 1
            spans = self._lines([first, last], quotes) if last > first else []
        else:
            a, b = self._content(token.map[0], quotes)
            hashes = _ATX.match(self.text, a, b)
            if hashes is None:
                return None
            a = hashes.end()
            closing = _CLOSING_HASHES.search(self.text, a, b)
            a, b = _trim(self.text, a, closing.start() if closing else b)
            spans = [(a, b)] if a < b else []
        if not spans:
            return None
        return Node(_HEADING_TAGS.get(int(token.tag[1:]), "h5"), tuple(spans))

    def _table(self, tokens: list[Token], quotes: int) -> Node:
        sections: list[Node] = []
        for part in _parts(tokens):
            tag, cell = ("thead", "th") if part[0].type == "thead_open" else ("tbody", "td")
            rows = [self._row(row[0].map[0], quotes, cell) for row in _parts(part) if row[0].map]
            sections.append(Node(tag, tuple(rows)))
        return Node("table", tuple(sections))

    def _row(self, line: int, quotes: int, cell: str) -> Node:
        a, b = self._content(line, quotes)
        text = self.text
        pipes: list[int] = []
        n = a
        while n < b:
            if text[n] == "\\":
                n += 2
                continue
            if text[n] == "|":
                pipes.append(n)
            n += 1
        bounds = [a - 1, *pipes, b]
        cells = []
        for k, (x, y) in enumerate(zip(bounds, bounds[1:], strict=False)):
            x, y = _trim(text, x + 1, y)
            edge = (k == 0 and pipes and pipes[0] == a) or (k == len(bounds) - 2 and pipes and pipes[-1] == b - 1)
            if edge and x >= y:
                continue  # nothing before a leading pipe or after a trailing one
            cells.append(Node(cell, tuple(_unescape_pipes(text, x, y))))
        return Node("tr", tuple(cells))

    def _code(self, token: Token, quotes: int) -> Node:
        first, last = token.map[0], min(token.map[1], len(self.lines))
        if token.type == "fence":
            self._cover_line(first, quotes)
            first += 1
            if last - 1 >= first:
                closing = self.text[slice(*self._content(last - 1, quotes))]
                if len(closing) >= len(token.markup) and not closing.strip(token.markup[0]):
                    self._cover_line(last - 1, quotes)
                    last -= 1
        spans = []
        for n in range(first, last):
            a = self._skip_quotes(self.lines[n][0], self.lines[n][1], quotes)
            end = self.breaks[n] if n < last - 1 else self.lines[n][1]
            if a < end:
                spans.append((a, end))
        return Node("pre", tuple(spans))

    # lines

    def _lines(self, line_range: list[int] | None, quotes: int) -> list[Span]:
        """The content of lines first..last-1 (container prefixes cut, ends trimmed), each but the last with its
        line break, so the leaves read as the lines do."""
        if not line_range:
            return []
        first, last = line_range[0], min(line_range[1], len(self.lines))
        spans = []
        for n in range(first, last):
            a, b = self._content(n, quotes)
            if a >= b:
                continue
            spans.append((a, b))
        return [(a, self._break_after(b) if k < len(spans) - 1 else b) for k, (a, b) in enumerate(spans)]

    def _break_after(self, end: int) -> int:
        """`end` extended over its line's line break, when only white space lies between them."""
        m = _NEWLINE.search(self.text, end)
        return m.end() if m and not self.text[end : m.start()].strip() else end

    def _content(self, line: int, quotes: int) -> Span:
        """A line without its container prefix: blockquote marks and the markers of the list items that start
        on it (an ordered item's number is recorded as shown, in the `value` of its <li>)."""
        a, b = self.lines[line]
        markers = self.item_lines.get(line, 0)
        text = self.text
        while True:
            while a < b and (text[a] in " \t" or text[a] == "\ufeff"):
                a += 1
            if quotes and a < b and text[a] == ">":
                a += 1
                quotes -= 1
                continue
            m = _MARKER.match(text, a, b) if markers else None
            if m:
                if m.group(1):
                    self.covered.append(m.span(1))
                a = m.end()
                markers -= 1
                continue
            break
        return _trim(text, a, b)

    def _skip_quotes(self, a: int, b: int, quotes: int) -> int:
        text = self.text
        start = a
        for _ in range(quotes):
            while a < b and text[a] in " \t":
                a += 1
            if a < b and text[a] == ">":
                a += 1
                if a < b and text[a] == " ":
                    a += 1
            else:
                break
        return a if quotes else start

    def _cover_line(self, line: int, quotes: int) -> None:
        self.covered.append(self._content(line, quotes))

    def _loose_lines(self, used: list[bool]) -> list[tuple[int, Node]]:
        """Runs of non-blank lines no block token covers (a link reference definition...), each a paragraph."""
        out = []
        n = 0
        while n < len(self.lines):
            if used[n] or not self.text[slice(*self.lines[n])].strip():
                n += 1
                continue
            first = n
            while n < len(self.lines) and not used[n] and self.text[slice(*self.lines[n])].strip():
                n += 1
            out.append((first, Node("p", tuple(self._raw_lines(first, n)))))
        return out

    def _raw_lines(self, first: int, last: int) -> list[Span]:
        spans = [_trim(self.text, *self.lines[n]) for n in range(first, last)]
        spans = [s for s in spans if s[0] < s[1]]
        return [(a, self._break_after(b) if k < len(spans) - 1 else b) for k, (a, b) in enumerate(spans)]

    def _checked(self, node: Node, first: int, last: int) -> Node:
        """The node, or its raw lines when they hold a character it neither shows nor may drop as syntax."""
        start, end = self.lines[first][0], self.lines[last - 1][1]
        shown = sorted([*leaves([node]), *self.covered])
        pos = start
        for a, b in [*shown, (end, end)]:
            if a > pos and any(not _SYNTAX.match(c) for c in self.text[pos:a]):
                return Node("p", tuple(self._raw_lines(first, last)))
            pos = max(pos, b)
        return node


def _parts(tokens: list[Token]) -> Iterator[list[Token]]:
    """The direct children of an opening token, each as its own token list (tokens[0] opens, tokens[-1] closes)."""
    i = 1
    while i < len(tokens) - 1:
        end = closing_token(tokens, i)
        if tokens[i].nesting != -1:
            yield tokens[i : end + 1]
        i = end + 1


def _trim(text: str, a: int, b: int) -> Span:
    while a < b and (text[a].isspace() or text[a] == "\ufeff"):
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _unescape_pipes(text: str, a: int, b: int) -> list[Span]:
    """A cell's text as spans, leaving out the backslash of each escaped pipe (`\\|` shows `|`)."""
    spans = []
    start = a
    n = a
    while n < b - 1:
        if text[n] == "\\" and text[n + 1] == "|":
            if n > start:
                spans.append((start, n))
            start = n + 1
            n += 2
            continue
        n += 2 if text[n] == "\\" else 1
    if start < b:
        spans.append((start, b))
    return spans
