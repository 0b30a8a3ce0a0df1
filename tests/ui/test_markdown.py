"""Markdown sources shown with their structure (ui.markdown, ui.html.markdown_html): every visible character is
a character of the file at a known offset, nothing but Markdown syntax is left out, everything is escaped, and
marks land on exactly the characters they cover, one mark per cell or item."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.ask.engine import Citation
from indexer.index.store import SourceRecord
from indexer.ingest.structure import document_blocks
from ui.highlight import Marks
from ui.html import CITED_ID, Mark, card_html, markdown_html, source_html
from ui.links import SourceView
from ui.markdown import Node, leaves, markdown_doc

TABLE_DOC = """# Doses | routes

The table below lists doses.

| Route | Dose |
|---|---|
| Intravenous | 0.5 mg/kg over 40 minutes |
| Nasal spray \\| esketamine | 56 or 84 mg |
| <script>alert(1)</script> | none |

Tell your doctor if you have:

- high blood pressure
- a history of psychosis

3. Arrive early.
4. Have someone drive you home.
"""
CELLS = ["Route", "Dose", "Intravenous", "0.5 mg/kg over 40 minutes", "Nasal spray | esketamine", "56 or 84 mg",
         "<script>alert(1)</script>", "none"]


def plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def node(doc, tag: str) -> Node:
    return next(n for n in doc.nodes if n.tag == tag)


def shown(text: str, spans) -> str:
    return "".join(text[a:b] for a, b in spans)


def cell_texts(text: str, table: Node) -> list[str]:
    return [shown(text, leaves([cell])) for section in table.children for row in section.children
            for cell in row.children]


def md_view(text: str, cited: tuple[int, int] | None) -> SourceView:
    record = SourceRecord("doses", "doses.md", "corpus/doses.md", "Doses", "", "", "", "", "", 3)
    return SourceView(record, text, tuple(document_blocks(text, markdown=True)), cited, (), False)


# -- structure, exact characters ----------------------------------------------------------------------------


def test_a_table_is_cells_of_exact_characters():
    doc = markdown_doc(TABLE_DOC)
    table = node(doc, "table")
    assert cell_texts(TABLE_DOC, table) == CELLS
    assert shown(TABLE_DOC, leaves([table])) == "".join(CELLS)
    assert [s.tag for s in table.children] == ["thead", "tbody"]
    pipe = next(b for a, b in leaves([table]) if TABLE_DOC[a:b] == "| esketamine")
    assert TABLE_DOC[pipe - len("| esketamine") - 1] == "\\"  # the escaped pipe is the file's own pipe
    out = markdown_html(doc)
    assert "<table><thead><tr><th>Route</th><th>Dose</th></tr></thead><tbody>" in out
    assert "<td>Nasal spray | esketamine</td>" in out
    assert "---" not in out and "\\|" not in out


def test_cell_text_is_escaped():
    out = markdown_html(markdown_doc(TABLE_DOC))
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in out
    assert "<script" not in out


def test_lists_headings_and_paragraphs():
    doc = markdown_doc(TABLE_DOC)
    out = markdown_html(doc)
    assert out.startswith("<h3>Doses | routes</h3><p>The table below lists doses.</p>")
    assert "<ul><li>high blood pressure</li><li>a history of psychosis</li></ul>" in out
    assert '<ol><li value="3">Arrive early.</li><li value="4">Have someone drive you home.</li></ol>' in out


def test_the_whole_text_less_its_syntax_is_shown():
    out = markdown_html(markdown_doc(TABLE_DOC))
    kept = re.sub(r"\s", "", plain(out))
    lines = []
    for line in TABLE_DOC.splitlines():
        if line.startswith("|"):  # a table row: its pipes go, an escaped pipe stays (its backslash goes)
            line = "" if set(line) <= set("|-") else re.sub(r"(?<!\\)\||\\(?=\|)", "", line)
        lines.append(re.sub(r"^(#+|-|\d\.) ", "", line))
    assert kept == re.sub(r"\s", "", "".join(lines))


def test_other_blocks_keep_their_text():
    text = ("Title\n=====\n\n> A quote with *emphasis*\n> - and an item\n\n```python\nx = '<b>'\n```\n\n"
            "1. one\n\n   still one\n2. two\n\n## Closed heading ##\n\n---\n")
    doc = markdown_doc(text)
    out = markdown_html(doc)
    assert "<h3>Title</h3>" in out and "<h4>Closed heading</h4>" in out and "<hr>" in out
    assert "<blockquote><p>A quote with *emphasis*</p><ul><li>and an item</li></ul></blockquote>" in out
    assert "<pre>x = &#x27;&lt;b&gt;&#x27;</pre>" in out
    assert '<li value="1"><p>one</p><p>still one</p></li>' in out


def test_a_block_it_cannot_map_is_shown_as_its_raw_lines():
    text = "> [ref]: https://example.org\n> Words after a reference.\n"
    out = markdown_html(markdown_doc(text))
    assert "ref" in plain(out) and "example.org" in plain(out) and "Words after a reference." in plain(out)


def test_crlf_bom_and_no_final_newline():
    text = "\ufeff# Head\r\n\r\n| a | b |\r\n|---|---|\r\n| 1 | 2 |"
    doc = markdown_doc(text)
    assert [shown(text, leaves([n])) for n in doc.nodes] == ["Head", "ab12"]
    assert cell_texts(text, node(doc, "table")) == ["a", "b", "1", "2"]


# -- any document: leaves are exact, ordered, and all that is left out is syntax ----------------------------

WORDS = st.sampled_from(["ketamine", "dose", "<script>x</script>", "a & b", "mg/kg", "é", "“q”", "`code`", "*em*",
                         "x\\|y", "0.5", "[link](http://x)"])
LINE = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)
BLOCK = st.one_of(
    LINE,
    LINE.map(lambda s: f"## {s}"),
    st.lists(LINE, min_size=1, max_size=3).map(lambda items: "\n".join(f"- {i}" for i in items)),
    st.lists(LINE, min_size=1, max_size=3).map(lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))),
    st.lists(st.lists(LINE.map(lambda s: s.replace("|", "\\|")), min_size=2, max_size=2), min_size=1, max_size=3).map(
        lambda rows: "\n".join(["| h1 | h2 |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)])),
    LINE.map(lambda s: f"> {s}"),
    st.tuples(LINE, LINE).map(lambda p: f"> - {p[0]}\n> - {p[1]}"),
    st.tuples(LINE, LINE, LINE).map(lambda p: f"- {p[0]}\n  - {p[1]}\n    continued {p[2]}"),
)
DOCS = st.builds(lambda blocks, newline, end: newline.join(b.replace("\n", newline) for b in blocks) + end,
                 st.lists(BLOCK, min_size=1, max_size=6), st.sampled_from(["\n\n", "\r\n\r\n"]),
                 st.sampled_from(["", "\n"]))
NUMBER = re.compile(r"^\d+(?=\. )", re.M)


@settings(max_examples=150, deadline=None)
@given(text=DOCS)
def test_any_document_shows_exact_characters_and_only_drops_syntax(text):
    doc = markdown_doc(text)
    spans = list(leaves(doc.nodes))
    assert all(0 <= a < b <= len(text) for a, b in spans)
    assert all(b <= c for (_, b), (c, _) in zip(spans, spans[1:], strict=False)), "in reading order, never overlapping"
    hidden = set(range(len(text))) - {i for a, b in spans for i in range(a, b)}
    numbers = {i for m in NUMBER.finditer(text) for i in range(*m.span())}
    assert all(re.match(r"[\s|\-:#>*+.)\\]", text[i]) for i in hidden - numbers), text
    out = markdown_html(doc)
    assert "<script" not in out
    assert plain(out) == shown(text, spans)


# -- marks ----------------------------------------------------------------------------------------------------


def test_a_mark_across_cells_is_one_mark_per_cell_and_the_first_keeps_the_id():
    start = TABLE_DOC.index("mg/kg")
    end = TABLE_DOC.index("56 or") + len("56 or")
    out = markdown_html(markdown_doc(TABLE_DOC), [Mark(start, end, "mark", "", f' id="{CITED_ID}"')])
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", out)
    assert marked == ["mg/kg over 40 minutes", "Nasal spray | esketamine", "56 or"]
    assert out.count(f'id="{CITED_ID}"') == 1 and f'<mark id="{CITED_ID}">mg/kg' in out
    assert "<td>0.5 <mark" in out and "</mark> 84 mg</td>" in out


def test_the_reader_marks_the_cited_range_inside_the_table():
    start = TABLE_DOC.index("Intravenous")
    end = start + len("Intravenous | 0.5 mg/kg")
    out = source_html(md_view(TABLE_DOC, (start, end)))
    assert f'<td><mark id="{CITED_ID}">Intravenous</mark></td><td><mark>0.5 mg/kg</mark> over 40 minutes</td>' in out
    assert out.startswith('<div class="qa-doc"><div class="qa-md"><h3>Doses | routes</h3>')
    assert "<mark" not in source_html(md_view(TABLE_DOC, None))


def test_a_card_shows_its_rows_as_a_table_with_the_sentence_and_terms_marked():
    start = TABLE_DOC.index("| Intravenous")
    end = TABLE_DOC.index("84 mg |") + len("84 mg |")
    passage = TABLE_DOC[start:end]
    citation = Citation("doses", "Doses", "Clinic", "corpus/doses.md", start, end, ("Doses | routes",))
    sentence = (passage.index("Nasal"), passage.index("84 mg") + 5)
    term = (passage.index("esketamine"), passage.index("esketamine") + len("esketamine"))
    out = card_html(1, citation, passage, Marks((sentence,), (term,)), answers=True, doc=markdown_doc(TABLE_DOC))
    body = re.search(r'<div class="qa-passage qa-md">(.*?)</div><div class="qa-cite">', out).group(1)
    assert body.startswith("<table><tbody><tr><td>Intravenous</td>")  # rows without the header: no <thead>
    assert ('<td><mark class="qa-best">Nasal spray | <strong>esketamine</strong></mark></td>'
            '<td><mark class="qa-best">56 or 84 mg</mark></td>') in body
    assert "Route" not in body and "|---" not in body


def test_a_card_whose_file_changed_shows_the_passage_as_it_was_indexed():
    citation = Citation("doses", "Doses", "Clinic", "corpus/doses.md", 0, 12, ())
    out = card_html(1, citation, "# Doses | ro", Marks(), answers=True, doc=markdown_doc("Something else entirely"))
    assert '<blockquote class="qa-passage"># Doses | ro</blockquote>' in out
