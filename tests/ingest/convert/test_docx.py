"""Word documents: headings, paragraphs, lists and tables as Markdown, in document order."""

from __future__ import annotations

import io

import docx
import pytest

from indexer.errors import SourceError
from indexer.ingest.convert.docx import convert_docx
from tests.ingest.convert.builders import word_docx

EXPECTED = """# Ketamine for depression

Ketamine can lift mood within hours in people whose depression did not respond to at least two antidepressants.

## Before treatment

Tell your doctor if you have:

- high blood pressure
- a history of psychosis
- liver problems

### On the day

1. Arrive 15 minutes early.
2. Have someone drive you home.
3. Do not drive until the next day.

## Doses | routes

| Route | Dose |
|---|---|
| Intravenous | 0.5 mg/kg |
| Nasal spray \\| esketamine | 56 or 84 mg |

Your care team will check your blood pressure after each dose.
"""


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_document_as_markdown():
    assert convert_docx(word_docx(), "guide.docx").text == EXPECTED


def test_core_properties_are_the_metadata():
    converted = convert_docx(word_docx(), "guide.docx")
    assert (converted.title, converted.publisher, converted.date) == (
        "Ketamine for Treatment-Resistant Depression", "Jane Doe", "2023-05-17"
    )
    assert (converted.suffix, converted.extractor, converted.original_name) == (".md", "python-docx", "guide.docx")


def test_without_a_title_property_the_title_paragraph_is_the_title_and_a_login_is_no_publisher():
    converted = convert_docx(word_docx(title="", author="jdoe"), "guide.docx")
    assert (converted.title, converted.publisher) == ("Ketamine for depression", "")


def test_without_a_title_style_heading_1_is_the_top_level():
    document = docx.Document()
    document.add_heading("Side effects", level=1)
    document.add_paragraph("Most are mild.")
    document.add_heading("Common", level=2)
    document.add_paragraph("Nausea.")
    assert convert_docx(_save(document), "x.docx").text == "# Side effects\n\nMost are mild.\n\n## Common\n\nNausea.\n"


def test_nested_list_items_are_indented_under_their_parent():
    document = docx.Document()
    document.add_paragraph("Dizziness", style="List Bullet")
    document.add_paragraph("when standing up", style="List Bullet 2")
    document.add_paragraph("Nausea", style="List Bullet")
    text = convert_docx(_save(document), "x.docx").text
    assert text == "- Dizziness\n  - when standing up\n- Nausea\n"


def test_one_column_table_is_read_as_paragraphs():
    document = docx.Document()
    box = document.add_table(rows=1, cols=1)
    box.cell(0, 0).text = "Warning: do not drive for 24 hours."
    document.add_paragraph("After the session, rest.")
    text = convert_docx(_save(document), "x.docx").text
    assert text == "Warning: do not drive for 24 hours.\n\nAfter the session, rest.\n"


def test_merged_cells_are_written_once():
    document = docx.Document()
    grid = document.add_table(rows=2, cols=3)
    grid.cell(0, 0).text, grid.cell(0, 1).text = "Dose", "Route"
    grid.cell(1, 0).text = "0.5 mg/kg"
    merged = grid.cell(1, 1).merge(grid.cell(1, 2))
    merged.text = "intravenous"
    text = convert_docx(_save(document), "x.docx").text
    assert text == "| Dose | Route | |\n|---|---|---|\n| 0.5 mg/kg | intravenous | |\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (word_docx()[:2000], r"cannot be opened as a Word document .* save it again from Word"),
        (b"Plain notes, renamed to .docx\n", r"is not a Word \.docx file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), r"old Word 97-2003 file \(\.doc\)\. Save it as \.docx"),
    ],
    ids=["truncated", "renamed-text-file", "old-doc"],
)
def test_corrupt_or_wrong_file_is_a_one_line_error(data, message):
    with pytest.raises(SourceError, match=message) as error:
        convert_docx(data, "guide.docx")
    assert "\n" not in str(error.value)


def test_document_without_text_is_an_error():
    with pytest.raises(SourceError, match=r"empty\.docx has no text"):
        convert_docx(_save(docx.Document()), "empty.docx")
