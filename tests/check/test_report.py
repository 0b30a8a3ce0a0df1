"""The wording report as JSON, text, Markdown and CSV."""

from __future__ import annotations

import csv
import io

import pytest

from indexer.check.checker import check
from indexer.check.report import (
    inline_diff,
    marked_draft,
    marked_source,
    md,
    to_csv,
    to_json,
    to_markdown,
    to_text,
)

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
    assert text.splitlines()[0].startswith("3 sentences: 0 conflicts, 1 verbatim, 1 changed, 0 paraphrase, "
                                           "1 unsupported.")
    assert "!! 1 meaning change(s)" in text


def test_markdown_escapes_and_marks(report):
    text = to_markdown(report)
    assert "| changed | 1 |" in text and "| **meaning changes** | **1** |" in text
    assert text.index("| **conflicts** | **0** |") < text.index("| verbatim | 1 |")
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


CONFLICTING = "Memantine is safe to take during ketamine infusion therapy. Ketamine and SSRIs together lower serotonin."


@pytest.fixture
def conflicts(fake_engine, rule_thresholds):
    return check(fake_engine, CONFLICTING, thresholds=rule_thresholds)


def test_conflicts_in_json_mark_both_sides(conflicts):
    data = to_json(conflicts)
    assert [s["verdict"] for s in data["sentences"]] == ["conflicts", "conflicts"]
    assert data["summary"]["conflicts"] == 2 and list(data["summary"])[0] == "conflicts"
    first = data["sentences"][0]
    assert first["source"]["text"].startswith("Memantine is a well-known NMDA blocker")
    assert [(c["draft"], c["source"], c["meaning"], c["reasons"]) for c in first["changes"]] == [
        ("safe", "avoid", True, ["antonym"])]
    assert first["meaning_changes"] == 1


def test_conflicting_words_are_marked_in_draft_and_source(conflicts):
    s = conflicts.sentences[1]
    assert marked_draft(s) == "Ketamine and SSRIs together [[lower]] serotonin."
    assert "work together to [[increase]] the serotonin levels" in marked_source(s)
    assert marked_source(s, ("<b>", "</b>"), escape=str.upper).startswith("BOTH KETAMINE")


def test_conflicts_in_text_markdown_and_csv(conflicts):
    text = to_text(conflicts)
    assert text.startswith("2 sentences: 2 conflicts, 0 verbatim")
    assert "[1] CONFLICTS (a source says otherwise" in text and "Draft: Memantine is [[safe]] to take" in text
    assert 'the draft says "safe", the source "avoid" (antonym)' in text
    markdown = to_markdown(conflicts)
    assert "| **conflicts** | **2** |" in markdown
    assert "## 1. conflicts — ⚠ a source says otherwise" in markdown
    assert "Memantine is ⚠ **safe** to take" in markdown and "crucial to ⚠ **avoid** it" in markdown
    rows = list(csv.DictReader(io.StringIO(to_csv(conflicts))))
    assert [r["verdict"] for r in rows] == ["conflicts", "conflicts"]
    assert rows[1]["changes"] == 'the draft says "lower", the source "increase" (direction)'
    assert "!![-increase-]{+lower+}" in rows[1]["diff"] and rows[1]["source_id"] == "balanced-ketamine"
