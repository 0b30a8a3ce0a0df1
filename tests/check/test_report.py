"""The wording report as JSON, text, Markdown and CSV."""

from __future__ import annotations

import csv
import io

import pytest

from indexer.check.report import inline_diff, md, to_csv, to_json, to_markdown, to_text
from indexer.check.verdicts import check

BENZO = "Benzodiazepine is okay when taken in moderate doses, but the higher the dose, the worse its effects are."
DRAFT = (f"{BENZO} {BENZO.replace('moderate', 'high')}\n\n=HYPERLINK(\"http://x\") patients should drink two liters "
         "of water before each <b>infusion</b>.")


@pytest.fixture
def report(fake_engine):
    return check(fake_engine, DRAFT)


def test_json_keeps_the_documented_fields(report):
    data = to_json(report)
    assert data["summary"] == report.summary()
    first, second, third = data["sentences"]
    assert first["source"]["text"] == BENZO and first["changes"] == []
    assert second["changes"][0]["kind"] == "replaced" and second["changes"][0]["meaning"] is True
    assert second["changes"][0]["reasons"] == ["hedge"]
    assert third["source"] is None and third["verdict"] == "unsupported"


def test_inline_diff_marks_meaning_changes(report):
    changed = report.sentences[1]
    assert inline_diff(changed) == BENZO.replace("moderate", "!![-moderate-]{+high+}")
    html = inline_diff(changed, ("<del>", "</del>"), ("<ins>", "</ins>"), ("<b>", "</b>"))
    assert "<b><del>moderate</del><ins>high</ins></b>" in html
    assert inline_diff(report.sentences[2]) == ""


def test_text_listing(report):
    text = to_text(report)
    assert text.splitlines()[0].startswith("3 sentences: 1 verbatim, 1 changed, 0 paraphrase, 1 unsupported.")
    assert "!! 1 meaning change(s)" in text


def test_markdown_escapes_and_marks(report):
    text = to_markdown(report)
    assert "| changed | 1 |" in text and "| **meaning changes** | **1** |" in text
    assert "⚠ ~~moderate~~**high**" in text
    assert "<b>" not in text and r"\<b\>" in text
    assert "No source says this." in text
    assert md("a*b_c [x](y)") == r"a\*b\_c \[x\](y)"


def test_csv_has_a_row_per_sentence_and_no_formulas(report):
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert [r["verdict"] for r in rows] == ["verbatim", "changed", "unsupported"]
    assert rows[0]["source_text"] == BENZO and rows[0]["source"].endswith("corpus/000_c89290b5e323cd66.txt")
    assert rows[1]["meaning_changes"] == "1" and "can alter the meaning: hedge" in rows[1]["changes"]
    assert rows[2]["source_id"] == ""
    assert all(not v.startswith(("=", "+", "@")) for r in rows for v in r.values())
