"""HTML for the page, built so that nothing from a source file or a user can become markup.

Every string that came from a corpus file, `sources.toml` or the question goes through `html.escape` (or, for
Streamlit's Markdown elements, `md_escape`) before it is put into a template; marks and emphasis are added
around escaped pieces, never inside them. A Markdown source (an added PDF, web page or Word file) is shown with
its structure (`markdown_html`: tables, lists, headings from `ui.markdown`, whose leaves are exact spans of the
text), marked by offset like plain text. The scripts are constants: they take no text from anywhere.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from indexer.ask.engine import Citation
from indexer.index.store import SourceRecord
from indexer.ingest.layout import heading_text
from indexer.ingest.passages import HEADING_SEPARATOR
from indexer.ingest.structure import Block
from ui.highlight import Marks
from ui.links import SourceView
from ui.markdown import MarkdownDoc, Node, is_markdown_file, leaves, markdown_doc

Span = tuple[int, int]
CITED_ID = "qa-cited"

CSS = """
<style>
[class*="st-key-qa-card-"] { border-left: 4px solid #2f6fb0; }
[class*="st-key-qa-near-"] { border-left: 4px solid #a3acb9; background: #fafbfc; }
.qa-card { font-size: 1rem; }
.qa-head { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: baseline; font-size: 0.85rem;
  color: #4a5563; margin-bottom: 0.5rem; }
.qa-rank { font-weight: 700; color: #fff; background: #2f6fb0; border-radius: 999px; padding: 0 0.55rem; }
.qa-nearest .qa-rank { background: #8a94a3; }
.qa-publisher { font-weight: 600; color: #1f2933; }
.qa-flag { margin-left: auto; font-size: 0.75rem; font-weight: 600; color: #8a4b00; background: #fff3e0;
  border: 1px solid #f3c98b; border-radius: 4px; padding: 0 0.4rem; }
.qa-passage { margin: 0; padding: 0 0 0 0.8rem; border-left: 2px solid #e3e8ee; white-space: pre-wrap;
  line-height: 1.6; color: #1f2933; font-family: Georgia, 'Times New Roman', serif; font-size: 1.02rem; }
.qa-passage mark.qa-best { background: #fff1a8; color: inherit; padding: 0.05em 0; border-radius: 2px; }
.qa-passage strong { font-weight: 700; color: #0b3d6e; }
.qa-cite { margin-top: 0.7rem; font-size: 0.82rem; color: #4a5563; overflow-wrap: anywhere; line-height: 1.45; }
.qa-copy { font-size: 0.875rem; line-height: 1.6; padding: 0.25rem 0.75rem; min-height: 2.5rem;
  border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; background: #fff; color: #31333f; cursor: pointer;
  font-family: inherit; }
.qa-copy:hover { border-color: #2f6fb0; color: #2f6fb0; }
.qa-readas { font-size: 0.92rem; color: #3d4852; background: #f1f5f9; border-radius: 6px; padding: 0.4rem 0.7rem; }
.qa-readas b { color: #1f2933; }
.qa-doc { font-family: Georgia, 'Times New Roman', serif; font-size: 1.04rem; line-height: 1.65; color: #1f2933;
  max-width: 46rem; }
.qa-doc p { white-space: pre-wrap; margin: 0 0 0.9rem; }
.qa-doc h3, .qa-doc h4, .qa-doc h5 { font-family: inherit; margin: 1.4rem 0 0.5rem; color: #0b2540; }
.qa-doc h3 { font-size: 1.3rem; } .qa-doc h4 { font-size: 1.12rem; } .qa-doc h5 { font-size: 1rem; }
.qa-doc p.qa-debris { color: #98a2b0; font-size: 0.85rem; font-family: sans-serif; }
.qa-doc mark { background: #ffe680; color: inherit; box-shadow: 0 0 0 3px #ffe680; border-radius: 2px; }
.qa-meta { font-size: 0.9rem; color: #4a5563; line-height: 1.6; }
.qa-meta code { font-size: 0.8rem; overflow-wrap: anywhere; }
.qa-source-card h4 { margin: 0 0 0.3rem; font-size: 1.05rem; }
.qa-changed { color: #8a4b00; font-weight: 600; }
.qa-md table { border-collapse: collapse; margin: 0.2rem 0 0.9rem; font-size: 0.95em; line-height: 1.45; }
.qa-md th, .qa-md td { border: 1px solid #d5dbe3; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top;
  white-space: pre-wrap; }
.qa-md th { background: #f1f5f9; font-weight: 600; color: #1f2933; }
.qa-md ul, .qa-md ol { margin: 0 0 0.9rem; padding-left: 1.6rem; }
.qa-md li { white-space: pre-wrap; margin: 0.15rem 0; }
.qa-md li > p { margin: 0 0 0.4rem; }
.qa-md blockquote { margin: 0 0 0.9rem; padding-left: 0.8rem; border-left: 3px solid #e3e8ee; }
.qa-md pre { white-space: pre-wrap; font-size: 0.88em; background: #f6f8fa; padding: 0.5rem 0.7rem; }
.qa-passage.qa-md p, .qa-passage.qa-md table, .qa-passage.qa-md ul, .qa-passage.qa-md ol { margin: 0 0 0.5rem; }
.qa-passage.qa-md > :last-child { margin-bottom: 0; }
.qa-md mark { background: #ffe680; color: inherit; border-radius: 2px; }
.qa-passage.qa-md mark.qa-best { background: #fff1a8; }
.st-key-question [data-testid="InputInstructions"] { display: none; }
.st-key-question textarea { min-height: 2.6rem; }
</style>
"""

# One listener for every copy button on the page (buttons carry their text in data-copy, set from escaped text).
COPY_SCRIPT = """
<script>
(() => {
  if (window.__qaCopyInstalled) return;
  window.__qaCopyInstalled = true;
  const fallback = (text) => {
    const area = document.createElement("textarea");
    area.value = text; area.setAttribute("readonly", ""); area.style.position = "fixed"; area.style.opacity = "0";
    document.body.appendChild(area); area.select(); document.execCommand("copy"); area.remove();
  };
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button.qa-copy");
    if (!button) return;
    const text = button.dataset.copy || "";
    try { await navigator.clipboard.writeText(text); } catch (e) { fallback(text); }
    const label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.textContent = "Copied ✓";
    setTimeout(() => { button.textContent = label; }, 1600);
  });
})();
</script>
"""

# The question box: Enter asks (as Ctrl+Enter does in Streamlit's form text area), Shift+Enter starts a new line,
# and the box has the focus when the page loads (unless the reader already put it somewhere else).
QUESTION_SCRIPT = """
<script>
(() => {
  if (window.__qaQuestionInstalled) return;
  window.__qaQuestionInstalled = true;
  const BOX = 'textarea[aria-label="Your question"]';
  document.addEventListener("keydown", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLTextAreaElement) || !box.matches(BOX) || !event.isTrusted) return;
    if (event.key !== "Enter" || event.isComposing || event.shiftKey || event.altKey || event.ctrlKey
        || event.metaKey) return;
    event.preventDefault();
    event.stopPropagation();
    box.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", code: "Enter", ctrlKey: true, bubbles: true,
                                                    cancelable: true}));
  }, true);
  let tries = 0;
  const timer = setInterval(() => {
    const box = document.querySelector(BOX);
    if (box) {
      const active = document.activeElement;
      if (!active || active === document.body) box.focus();
      clearInterval(timer);
    } else if (++tries > 50) clearInterval(timer);
  }, 100);
})();
</script>
"""

SCROLL_SCRIPT = """
<script>
(() => {
  let tries = 0;
  const timer = setInterval(() => {
    const mark = document.getElementById("CITED_ID");
    if (mark) { mark.scrollIntoView({block: "center"}); clearInterval(timer); }
    else if (++tries > 60) clearInterval(timer);
  }, 100);
})();
</script>
""".replace("CITED_ID", CITED_ID)

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$&:])")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def md_escape(text: object) -> str:
    """Text shown literally by Streamlit's Markdown elements (st.error, st.caption...): no markup, no links."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


# -- citations ----------------------------------------------------------------------------------------------


def citation_line(rank: int, c: Citation) -> str:
    """`[1] Balanced Ketamine — "Title" › Heading › Subheading (chars 2767–2871)` (plain text)."""
    where = HEADING_SEPARATOR.join((f"“{c.title}”", *c.heading))
    return f"[{rank}] {c.publisher or c.source_id} — {where} (chars {c.start}–{c.end})"


def copy_text(rank: int, c: Citation, quote: str) -> str:
    """What the copy button puts on the clipboard: the quote, then its citation and file."""
    return f"“{quote}”\n{citation_line(rank, c)}\n{c.path}"


# -- answers ------------------------------------------------------------------------------------------------


def marked_html(text: str, marks: Marks) -> str:
    """`text` escaped, best sentences in <mark class="qa-best">, question terms in <strong>."""
    cuts = sorted({0, len(text), *(x for s in marks.sentences for x in s), *(x for s in marks.terms for x in s)})
    out = []
    open_mark = False
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a >= b or b > len(text):
            continue
        in_sentence = any(s <= a and b <= e for s, e in marks.sentences)
        if in_sentence != open_mark:
            out.append('<mark class="qa-best">' if in_sentence else "</mark>")
            open_mark = in_sentence
        piece = esc(text[a:b])
        out.append(f"<strong>{piece}</strong>" if any(s <= a and b <= e for s, e in marks.terms) else piece)
    if open_mark:
        out.append("</mark>")
    return "".join(out)


def card_html(rank: int, citation: Citation, text: str, marks: Marks, answers: bool,
              doc: MarkdownDoc | None = None) -> str:
    """A result card: who says it, under which heading, the passage verbatim, and the citation. With `doc` (the
    passage's Markdown source, whose characters citation.start..end are `text`) the passage keeps its tables and
    lists."""
    heading = HEADING_SEPARATOR.join(citation.heading) or f"“{citation.title}”"
    flag = "" if answers else '<span class="qa-flag">Does not answer the question</span>'
    if doc is not None and doc.text[citation.start : citation.end] == text:
        shift = citation.start
        body = markdown_html(doc, [*(Mark(a + shift, b + shift, "mark", ' class="qa-best"') for a, b in marks.sentences),
                                   *(Mark(a + shift, b + shift, "strong") for a, b in marks.terms)],
                             window=(citation.start, citation.end))
        passage = f'<div class="qa-passage qa-md">{body}</div>'
    else:
        passage = f'<blockquote class="qa-passage">{marked_html(text, marks)}</blockquote>'
    return (
        f'<div class="qa-card{"" if answers else " qa-nearest"}">'
        f'<div class="qa-head"><span class="qa-rank">{rank}</span>'
        f'<span class="qa-publisher">{esc(citation.publisher or citation.source_id)}</span>'
        f"<span>{esc(heading)}</span>{flag}</div>"
        f"{passage}"
        f'<div class="qa-cite">{esc(citation_line(rank, citation))}</div>'
        "</div>"
    )


def copy_button_html(rank: int, citation: Citation, quote: str) -> str:
    payload = esc(copy_text(rank, citation, quote))
    return (f'<button class="qa-copy" type="button" data-copy="{payload}" '
            f'title="Copy the quote and its citation">Copy quote + citation</button>')


def read_as_html(notes: Sequence[str]) -> str:
    """'How your question was read' in one line."""
    return ('<div class="qa-readas"><b>How your question was read:</b> '
            + " · ".join(esc(n) for n in notes) + "</div>")


# -- Markdown sources ---------------------------------------------------------------------------------------


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


# -- a source in context ------------------------------------------------------------------------------------


def source_html(view: SourceView) -> str:
    """The whole source, escaped, headings as headings, the cited range in <mark> (the first with an id); a
    Markdown source with its tables and lists."""
    if is_markdown_file(view.record.file):
        cited = [Mark(*view.cited, "mark", "", f' id="{CITED_ID}"')] if view.cited else []
        return f'<div class="qa-doc"><div class="qa-md">{markdown_html(markdown_doc(view.text), cited)}</div></div>'
    text = view.text
    parts = ['<div class="qa-doc">']
    first = True
    for block in view.blocks:
        inner, marked = _range_html(text, block, view.cited, first)
        first = first and not marked
        if block.kind == "heading":
            level = block.level - 6 if block.level > 6 else block.level
            tag = f"h{min(level + 2, 5)}"
            shown = inner if marked else esc(heading_text(text[block.start : block.end]))
            parts.append(f"<{tag}>{shown}</{tag}>")
        elif block.kind == "debris":
            parts.append(f'<p class="qa-debris">{inner}</p>')
        else:
            parts.append(f"<p>{inner}</p>")
    parts.append("</div>")
    return "".join(parts)


def _range_html(text: str, block: Block, cited: Span | None, first: bool) -> tuple[str, bool]:
    a, b = block.start, block.end
    if cited is None or cited[1] <= a or cited[0] >= b:
        return esc(text[a:b]), False
    s, e = max(a, cited[0]), min(b, cited[1])
    mark_id = f' id="{CITED_ID}"' if first else ""
    return f"{esc(text[a:s])}<mark{mark_id}>{esc(text[s:e])}</mark>{esc(text[e:b])}", True


def source_meta_html(record: SourceRecord, extra: Iterable[str] = ()) -> str:
    """Title, publisher, file, URL and date of a source, as one small block."""
    rows = [f"<b>{esc(record.publisher or 'Unknown publisher')}</b>"]
    if record.date:
        rows.append(esc(record.date))
    if record.url:
        rows.append(f'<a href="{esc(record.url)}" target="_blank" rel="noopener noreferrer">{esc(record.url)}</a>'
                    if record.url.startswith(("https://", "http://")) else esc(record.url))
    rows.append(f"<code>{esc(record.path)}</code>")
    rows.extend(esc(x) for x in extra)
    return '<div class="qa-meta">' + " · ".join(rows) + "</div>"


def source_card_html(record: SourceRecord, changed: str = "") -> str:
    """One indexed source in the Sources view."""
    notes = f"<div>{esc(record.notes)}</div>" if record.notes else ""
    warn = f'<div class="qa-changed">{esc(changed)}</div>' if changed else ""
    return (
        f'<div class="qa-source-card"><h4>{esc(record.title)}</h4>'
        + source_meta_html(record, (f"id {record.source_id}", f"{record.passages} passages"))
        + origin_html(record)
        + f'<div class="qa-meta">sha256 <code>{esc(record.sha256)}</code></div>'
        + f'<div class="qa-meta">{notes}</div>{warn}</div>'
    )


def origin_html(record: SourceRecord) -> str:
    """Where a source came from: the URL or file it was added from, when, and with which extractor."""
    if not record.original:
        return '<div class="qa-meta">Origin: a file put into the corpus folder</div>'
    origin = (f'<a href="{esc(record.original)}" target="_blank" rel="noopener noreferrer">{esc(record.original)}</a>'
              if record.original.startswith(("https://", "http://")) else f"file {esc(record.original)}")
    parts = [f"Origin: {origin}"]
    if record.added:
        parts.append(f"added {esc(record.added)}")
    if record.extractor:
        parts.append(f"extracted with {esc(record.extractor)}")
    return '<div class="qa-meta">' + " · ".join(parts) + "</div>"
