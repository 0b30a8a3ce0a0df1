"""The structure of a Markdown article, read with markdown-it-py (CommonMark plus pipe tables).

ATX and setext headings make the heading path. Content is every paragraph, list, blockquote, table, code block
and HTML block: nothing is dropped as debris, because a Markdown author chose each block. Token line ranges
(`Token.map`) are mapped back to exact character offsets of the original text; any line that carries words but
no token covers (a link reference definition, content past the parser's nesting limit) becomes a paragraph, so
no word is lost. A paragraph ending in ":" right before a list is the list's lead-in; a short paragraph right
under a question heading is its answer. A document of headings only keeps them as its passages.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from indexer.ingest.layout import ITEM_WORDS, WORD, Group, Heading, Span, count_words, line_spans, trim
from indexer.text.sentences import split_sentences

_LEAVES = ("paragraph_open", "heading_open", "fence", "code_block", "html_block", "tr_open")
_COVERING = (*_LEAVES, "hr", "table_open")
_KINDS = {"bullet_list_open": "list", "ordered_list_open": "list", "blockquote_open": "quote",
          "table_open": "table", "fence": "code", "code_block": "code"}


def markdown_events(text: str) -> list[Heading | Group]:
    """Headings and content groups of a Markdown document, in reading order."""
    # A byte-order mark would hide a heading on the first line; dropping it does not move any line.
    source = text[1:] if text.startswith("\ufeff") else text
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    lines = line_spans(text)
    covered = [False] * len(lines)
    found: list[tuple[int, Heading | Group]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        end = closing_token(tokens, i)
        inner = tokens[i : end + 1]
        for t in inner:
            if t.type in _COVERING and t.map:
                for n in range(t.map[0], min(t.map[1], len(lines))):
                    covered[n] = True
        if token.map is not None:
            event = _event(text, lines, token, inner, found)
            if event is not None:
                found.append((token.map[0], event))
        i = end + 1
    found.extend(_uncovered(text, lines, covered))
    found.sort(key=lambda pair: pair[0])
    events = [event for _, event in found]
    if not any(isinstance(e, Group) for e in events):  # only headings: they are the content
        return [Group("paragraph", (e.span,)) for e in events if e.span[0] < e.span[1]]
    return events


def closing_token(tokens: list[Token], i: int) -> int:
    """The index of the token that closes tokens[i] (i itself for a self-contained token)."""
    token = tokens[i]
    if token.nesting != 1:
        return i
    for j in range(i + 1, len(tokens)):
        if tokens[j].level == token.level and tokens[j].nesting == -1:
            return j
    return len(tokens) - 1


def _event(text: str, lines: list[Span], token: Token, inner: list[Token],
           found: list[tuple[int, Heading | Group]]) -> Heading | Group | None:
    if token.type == "heading_open":
        span = _span(text, lines, token.map) if token.map else (0, 0)
        return Heading(int(token.tag[1:]), _inline_text(inner[1]) if len(inner) > 1 else "", span)
    if token.type == "hr":
        return None
    units = tuple(u for u in (_span(text, lines, t.map) for t in inner if t.type in _LEAVES and t.map) if u[0] < u[1])
    if not units or not WORD.search(text[units[0][0] : units[-1][1]]):
        return None
    kind = _KINDS.get(token.type, "paragraph")
    if kind == "list" and found and _is_lead_in(text, found[-1][1]):
        _, lead = found.pop()
        return Group("list", (*lead.units, *units), lead=True)
    if kind == "paragraph" and found and _is_question(found[-1][1]) and _short(text, units[0]):
        kind = "answer"
    return Group(kind, units, lead=kind == "table", rows=kind == "table")


def _span(text: str, lines: list[Span], line_range: list[int]) -> Span:
    first, last = line_range[0], min(line_range[1], len(lines)) - 1
    if last < first:
        return 0, 0
    return trim(text, lines[first][0], lines[last][1])


def _inline_text(token: Token) -> str:
    parts = [c.content if c.type in ("text", "code_inline") else " " for c in token.children or []
             if c.type in ("text", "code_inline", "softbreak", "hardbreak")]
    return " ".join("".join(parts).split()).rstrip(":").strip()


def _is_lead_in(text: str, event: Heading | Group) -> bool:
    return isinstance(event, Group) and event.kind == "paragraph" and len(event.units) == 1 \
        and text[event.units[0][1] - 1] == ":"


def _is_question(event: Heading | Group) -> bool:
    return isinstance(event, Heading) and event.text.endswith("?")


def _short(text: str, span: Span) -> bool:
    return count_words(text[span[0] : span[1]]) <= ITEM_WORDS and len(split_sentences(text, *span)) <= 1


def _uncovered(text: str, lines: list[Span], covered: list[bool]) -> list[tuple[int, Group]]:
    """Runs of lines no block token covers that carry words, each as a paragraph."""
    out = []
    n = 0
    while n < len(lines):
        if covered[n] or not text[slice(*lines[n])].strip():
            n += 1
            continue
        first = n
        while n < len(lines) and not covered[n] and text[slice(*lines[n])].strip():
            n += 1
        span = trim(text, lines[first][0], lines[n - 1][1])
        if span[0] < span[1] and WORD.search(text[span[0] : span[1]]):
            out.append((first, Group("paragraph", (span,))))
    return out
