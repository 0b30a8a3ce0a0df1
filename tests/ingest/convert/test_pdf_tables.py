"""A PDF's tables as Markdown tables: ruled ones (pdfplumber's line strategy) and unruled ones whose rows share
column positions, in reading order among the paragraphs; every word of a table in one of its cells and nowhere
else; a page set in columns, a list with its bullets set apart, are no table. An added PDF's table rows are
passages that carry their header, cited exactly."""

from __future__ import annotations

import io
import re
import textwrap
from collections import Counter

import pypdf
import pytest

from indexer import Config, load_corpus, split_passages
from indexer.index import store
from indexer.index.adding import add_sources
from indexer.ingest.convert.pdf import convert_pdf
from indexer.ingest.convert.sandbox import convert_in_child
from tests.fakes import FakeEmbedder
from tests.ingest.convert.builders import DOSE_TABLE, TWO_COLUMNS, placed_text_pdf, table_pdf, two_column_pdf

DOSES = """The table below gives the usual doses of ketamine.

| Dose | Age | Frequency |
| --- | --- | --- |
| 0.5 mg/kg | Adults | Once a week |
| 1 mg/kg | Children | Twice a week |
| 2 mg/kg | Over 65 | Once a month |

Your doctor may change the dose after the first treatment.
"""

_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def table_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.startswith("|")]


def cells(text: str) -> list[list[str]]:
    """The cells of the text's table rows (separator row left out), unescaped."""
    rows = [[c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(line)[1:-1]] for line in table_lines(text)]
    return [row for row in rows if not all(set(c) == {"-"} for c in row)]


def outside_tables(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not line.startswith("|"))


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_a_table_is_a_markdown_table_between_its_paragraphs(ruled):
    text = convert_pdf(table_pdf(DOSE_TABLE, ruled=ruled), "doses.pdf").text
    assert text == DOSES
    assert cells(text) == [list(row) for row in DOSE_TABLE]
    rest = outside_tables(text)
    assert not [cell for row in DOSE_TABLE for cell in row if cell in rest], "a cell's text is repeated outside"


def test_a_pipe_in_a_cell_is_escaped_and_its_line_breaks_are_spaces():
    rows = [("Route", "Dose"), ("Nasal spray | esketamine", "56 or 84 mg,\ntwice a week"),
            ("Intravenous", "0.5 mg/kg given slowly over forty minutes by a nurse who stays with you until it ends"),
            ("By mouth", "rarely used: the medi-\ncation is poorly absorbed")]
    text = convert_pdf(table_pdf(rows), "routes.pdf").text  # the "Intravenous" row's dose wraps in its cell
    assert table_lines(text) == [
        "| Route | Dose |",
        "| --- | --- |",
        "| Nasal spray \\| esketamine | 56 or 84 mg, twice a week |",
        "| Intravenous | 0.5 mg/kg given slowly over forty minutes by a nurse who stays with you until it ends |",
        "| By mouth | rarely used: the medication is poorly absorbed |",
    ]
    assert cells(text)[1] == ["Nasal spray | esketamine", "56 or 84 mg, twice a week"]
    assert "esketamine" not in outside_tables(text) and "absorbed" not in outside_tables(text)


def test_a_table_inside_a_ruled_frame_is_the_table():
    assert convert_pdf(table_pdf(DOSE_TABLE, frame=True), "framed.pdf").text == DOSES


def test_the_table_follows_its_heading_and_the_title_is_kept():
    text = convert_pdf(table_pdf(DOSE_TABLE, title="Ketamine doses", heading="Doses by age"), "doses.pdf").text
    assert text == "# Ketamine doses\n\n## Doses by age\n\n" + DOSES


@pytest.mark.parametrize(("gutter", "align"), [(12, "J"), (24, "J"), (100, "J"), (24, "L"), (60, "L")])
def test_an_article_in_two_columns_is_no_table(gutter, align):
    text = convert_pdf(two_column_pdf(gutter=gutter, align=align), "article.pdf").text
    assert "|" not in text
    assert text == "# Ketamine for depression: what to expect\n\n" + "\n\n".join(TWO_COLUMNS) + "\n"


@pytest.mark.parametrize("columns", [2, 3])
def test_columns_of_running_text_side_by_side_on_every_row_are_no_table(columns):
    """Every row has one line of each column at the same positions, and nothing else is near: only the text
    (lines of several words that fill their column) says it is not a table."""
    lines = [textwrap.wrap(paragraph, {2: 46, 3: 34}[columns])[:5] for paragraph in TWO_COLUMNS[:columns]]
    assert all(len(column) == 5 for column in lines)
    pieces = [(40 + c * 520 / columns, 60 + 12 * i, 10 if columns == 2 else 8, line)
              for c, column in enumerate(lines) for i, line in enumerate(column)]
    text = convert_pdf(placed_text_pdf(pieces), "columns.pdf").text
    assert "|" not in text
    assert text == "\n\n".join(" ".join(column) for column in lines) + "\n"


@pytest.mark.parametrize("marker", ["-", "{}.", "({})"])
def test_a_list_with_its_bullets_set_apart_is_no_table(marker):
    items = ["vivid dreams or hallucinations", "a faster heartbeat", "feeling sick", "a headache"]
    pieces = [(40, 60 + 14 * i, 10, marker.format(i + 1)) for i in range(len(items))]
    pieces += [(62, 60 + 14 * i, 10, item) for i, item in enumerate(items)]
    text = convert_pdf(placed_text_pdf(pieces), "list.pdf").text
    assert "|" not in text
    assert all(item in text for item in items)


WRAPPED = [*DOSE_TABLE[:2], ("1 mg/kg", "Children", "Twice a week\nat most"), DOSE_TABLE[3]]


def top_aligned(rows: list[tuple[str, ...]]) -> bytes:
    """An unruled table set as text, each cell's lines from the top of its row."""
    pieces, y = [], 60.0
    for row in rows:
        for column, cell in enumerate(row):
            pieces += [(40 + 150 * column, y + 12 * i, 10, line) for i, line in enumerate(cell.split("\n"))]
        y += 12 * max(cell.count("\n") + 1 for cell in row) + 4
    return placed_text_pdf(pieces)


@pytest.mark.parametrize("layout", ["centred", "top"])
def test_an_unruled_table_with_a_wrapped_cell_is_left_as_text_with_every_word(layout):
    """Which row a wrapped line belongs to (or whether it is a row with empty cells) is a guess without rules:
    the table is not guessed."""
    data = table_pdf(WRAPPED, ruled=False) if layout == "centred" else top_aligned(WRAPPED)
    text = convert_pdf(data, "doses.pdf").text
    assert "|" not in text
    words, expected = Counter(text.split()), Counter(w for row in WRAPPED for cell in row for w in cell.split())
    assert all(words[word] >= count for word, count in expected.items()), "a word of the table is lost"


def test_an_unruled_table_set_from_the_top_of_its_rows_is_found():
    assert cells(convert_pdf(top_aligned(DOSE_TABLE), "doses.pdf").text) == [list(row) for row in DOSE_TABLE]


SIDE_EFFECTS = [("Side effect", "How often", "What to do")] + [
    (f"{effect} ({n})", often, action) for n in range(1, 8) for effect, often, action in [
        ("Vivid dreams", "Very common", "Tell the nurse"), ("Dizziness", "Common", "Stay seated"),
        ("Nausea", "Common", "Ask for medicine against sickness"), ("High blood pressure", "Uncommon",
                                                                     "The nurse checks it every 15 minutes"),
        ("Double vision", "Rare", "Wait until it passes before you stand up")]]


def test_a_table_continued_on_the_next_page_under_its_header_again_is_one_table():
    data = table_pdf(SIDE_EFFECTS)
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 2
    text = convert_pdf(data, "effects.pdf").text
    assert cells(text) == [list(row) for row in SIDE_EFFECTS]
    assert text.count("| Side effect |") == 1 and text.count("\n\n|") == 1


def test_twelve_pages_of_ruled_table_convert_in_the_sandbox_within_its_limits():
    """Finding tables costs time on each page that draws: a table over twelve pages still converts in the child
    process under the default limits, as one table."""
    rows = SIDE_EFFECTS + SIDE_EFFECTS[1:] * 9
    data = table_pdf(rows)
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 12
    converted = convert_in_child(data, "pdf", name="effects.pdf")
    assert cells(converted.text) == [list(row) for row in rows]
    assert convert_in_child(table_pdf(DOSE_TABLE), "pdf", name="doses.pdf").text == DOSES


def test_an_added_pdfs_table_rows_are_passages_that_carry_their_header(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "effects.pdf").write_bytes(table_pdf(SIDE_EFFECTS, title="Ketamine side effects",
                                                     before="Tell the nurse about any of these effects."))
    config = Config(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", model_name=FakeEmbedder.name)
    [added] = add_sources(config, [tmp_path / "effects.pdf"], embedder=FakeEmbedder()).added
    file_text = (tmp_path / "corpus" / added.name).read_text(encoding="utf-8")
    header = "| Side effect | How often | What to do |"
    assert f"{header}\n| --- | --- | --- |\n| Vivid dreams (1) | Very common | Tell the nurse |\n" in file_text
    assert len(table_lines(file_text)) == len(SIDE_EFFECTS) + 1

    passages = store.load(config.index_dir, FakeEmbedder.name).passages
    [source] = [s for s in load_corpus(config.corpus_dir).sources if s.path.name == added.name]
    assert [(p.start, p.end) for p in passages] == [(p.start, p.end) for p in split_passages(source)]
    assert all(p.text == file_text[p.start : p.end] for p in passages), "a citation is not an exact slice"
    rows = [p for p in passages if p.kind == "table"]
    assert len(rows) >= 2, "the table is split into passages of rows"
    assert rows[0].text.startswith(header + "\n")
    assert all(p.context == header and header not in p.text for p in rows[1:]), "a row passage lacks its header"
    assert "| Double vision (7) | Rare | Wait until it passes before you stand up |" in rows[-1].text
    assert not [p for p in passages if p.kind != "table" and "Double vision" in p.text]
