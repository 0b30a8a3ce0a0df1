"""HTML for the page, built so that nothing from a source file or a user can become markup.

Every string that came from a corpus file, `sources.toml` or the question goes through `html.escape` (`esc`, or,
for Streamlit's Markdown elements, `md_escape`: both in `escape.py`) before it is put into a template; marks and
emphasis are added around escaped pieces, never inside them. A Markdown source (an added PDF, web page or Word
file) is shown with its structure (`markdown_html.py`: tables, lists, headings from `ui.markdown`, whose leaves
are exact spans of the text), marked by offset like plain text. The page's CSS and scripts are in `assets.py`:
constants that take no text from anywhere. The public names of those modules are importable from here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from indexer.ask.engine import Citation
from indexer.index.store import SourceRecord
from indexer.ingest.layout import heading_text
from indexer.ingest.passages import HEADING_SEPARATOR
from indexer.ingest.structure import Block
from ui.assets import CITED_ID, COPY_SCRIPT, CSS, QUESTION_SCRIPT, SCROLL_SCRIPT
from ui.escape import esc, md_escape
from ui.highlight import Marks
from ui.links import SourceView
from ui.markdown import MarkdownDoc, is_markdown_file, markdown_doc
from ui.markdown_html import Mark, markdown_html

__all__ = [
    "CITED_ID", "COPY_SCRIPT", "CSS", "QUESTION_SCRIPT", "SCROLL_SCRIPT", "Mark", "Span", "card_html", "citation_line",
    "copy_button_html", "copy_text", "esc", "markdown_html", "marked_html", "md_escape", "origin_html",
    "read_as_html", "source_card_html", "source_html", "source_meta_html",
]

Span = tuple[int, int]


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
