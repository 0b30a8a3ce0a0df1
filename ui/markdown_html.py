"""A Markdown source as HTML: `ui.markdown`'s tree with every leaf escaped, and marks (the cited range, the best
sentences, the question's terms) put around escaped pieces by offset, never inside them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ui.escape import esc
from ui.markdown_tree import MarkdownDoc, Node, Span, leaves


@dataclass(frozen=True)
class Mark:
    """`<tag attrs>` around the characters start..end of a text; `first_attrs` go on its first piece only."""

    start: int
    end: int
    tag: str  # "mark" or "strong"
    attrs: str = ""  # constant markup only
    first_attrs: str = ""


def markdown_html(doc: MarkdownDoc, marks: Sequence[Mark] = (), window: Span | None = None) -> str:
    """A Markdown source as HTML (`ui.markdown`'s tree, every leaf escaped), or only the part inside `window` (a
    passage: leaves cut to it, blocks outside it left out; a table row keeps all its cells). A mark that spans
    several leaves (cells, items, paragraphs) is one mark per piece; marks nest in the order given."""
    return _MarkdownWriter(doc.text, marks, window).nodes(doc.nodes)


class _MarkdownWriter:
    def __init__(self, text: str, marks: Sequence[Mark], window: Span | None) -> None:
        self.text = text
        self.whole = window is None
        self.window = window or (0, len(text))
        self.marks = [m for m in marks if m.start < m.end]
        self.opened: set[int] = set()  # marks whose first piece has been written

    def nodes(self, nodes: Sequence[Node | Span]) -> str:
        out: list[str] = []
        run: list[Span] = []  # neighbouring leaves are written as one run: a mark over them stays one mark
        for node in nodes:
            if not self._inside(node):
                continue
            if isinstance(node, Node):
                out.append(self._run(run) + self._node(node))
                run = []
            else:
                run.append(node)
        out.append(self._run(run))
        return "".join(out)

    def _inside(self, node: Node | Span) -> bool:
        a, b = self.window
        if isinstance(node, Node) and node.tag == "hr":
            return self.whole
        return any(s < b and e > a for s, e in leaves([node]))

    def _node(self, node: Node) -> str:
        if node.tag == "hr":
            return "<hr>"
        if node.tag == "tr":  # every cell of a row, so the columns stay in place
            inner = "".join(f"<{c.tag}>{self.nodes(c.children)}</{c.tag}>" for c in node.children
                            if isinstance(c, Node))
        else:
            inner = self.nodes(node.children)
        return f"<{node.tag}{node.attrs}>{inner}</{node.tag}>"

    def _run(self, spans: list[Span]) -> str:
        """Leaves cut to the window, escaped, with the marks over them (a mark is closed and opened again only
        where another mark inside it starts or ends)."""
        pieces = []
        for start, end in spans:
            start, end = max(start, self.window[0]), min(end, self.window[1])
            cuts = sorted({start, end, *(x for m in self.marks for x in (m.start, m.end) if start < x < end)})
            pieces.extend(zip(cuts, cuts[1:], strict=False))
        out: list[str] = []
        stack: list[int] = []  # the marks open now, outermost first
        for a, b in pieces:
            wanted = [k for k, m in enumerate(self.marks) if m.start <= a and b <= m.end]
            keep = 0
            while keep < min(len(stack), len(wanted)) and stack[keep] == wanted[keep]:
                keep += 1
            while len(stack) > keep:
                out.append(f"</{self.marks[stack.pop()].tag}>")
            for k in wanted[keep:]:
                mark = self.marks[k]
                out.append(f"<{mark.tag}{mark.attrs}{'' if k in self.opened else mark.first_attrs}>")
                self.opened.add(k)
                stack.append(k)
            out.append(esc(self.text[a:b]))
        out.extend(f"</{self.marks[k].tag}>" for k in reversed(stack))
        return "".join(out)
