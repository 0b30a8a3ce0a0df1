"""HTML of cards, citations and the source view: exact text, escaped, marks in the right places."""

from __future__ import annotations

import html
import re

from indexer.ask.engine import Citation
from indexer.index.store import SourceRecord
from indexer.ingest.structure import document_blocks
from ui.highlight import Marks
from ui.html import CITED_ID, citation_line, copy_text, marked_html, md_escape, source_html
from ui.links import SourceView

CITATION = Citation("balanced-ketamine", "Can You Have Other Medications With Ketamine Therapy?", "Balanced Ketamine",
                    "corpus/000.txt", 2841, 2949,
                    ("Medications That Interfere With Ketamine Infusion Therapy", "2. Benzodiazepines"))


def plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_citation_line_names_publisher_title_headings_and_characters():
    assert citation_line(1, CITATION) == (
        "[1] Balanced Ketamine — “Can You Have Other Medications With Ketamine Therapy?” › Medications That "
        "Interfere With Ketamine Infusion Therapy › 2. Benzodiazepines (chars 2841–2949)"
    )
    assert copy_text(1, CITATION, "Quote.").splitlines() == ["“Quote.”", citation_line(1, CITATION), "corpus/000.txt"]


def test_marked_html_escapes_and_keeps_every_character():
    text = "Take <b>care</b> & ask. Benzodiazepines <script>x</script> matter."
    marks = Marks(sentences=((24, len(text)),), terms=((24, 39), (5, 8)))
    out = marked_html(text, marks)
    assert plain(out) == text
    assert "<script>" not in out and "<b>care" not in out
    assert '<mark class="qa-best"><strong>Benzodiazepines</strong>' in out
    assert out.count("<mark") == out.count("</mark>") == 1


def test_source_html_marks_the_cited_range_once_with_an_id_and_shows_headings():
    text = "# Title <i>\n\nFirst paragraph with <img src=x onerror=y> in it.\n\nSecond paragraph follows here now."
    record = SourceRecord("s", "s.txt", "s.txt", "Title", "", "", "", "", "", 2)
    start = text.index("with")
    end = text.index("follows")
    view = SourceView(record, text, tuple(document_blocks(text, markdown=False)), (start, end), (), False)
    out = source_html(view)
    assert "<h3>Title &lt;i&gt;</h3>" in out
    assert "<img" not in out and "&lt;img src=x onerror=y&gt;" in out
    assert out.count(f'id="{CITED_ID}"') == 1 and out.count("<mark") == 2
    marked = "".join(re.findall(r"<mark[^>]*>(.*?)</mark>", out))
    assert html.unescape(marked) == text[start:end].replace("\n\n", "")


def test_md_escape_turns_markup_into_literal_text():
    assert md_escape("<script>") == r"\<script\>"
    assert md_escape("[x](javascript:y) *a* $b$") == r"\[x\]\(javascript\:y\) \*a\* \$b\$"
