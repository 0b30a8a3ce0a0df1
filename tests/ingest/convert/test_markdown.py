"""Markdown from another tool is tidied into the one shape every converter writes."""

from __future__ import annotations

from indexer.ingest.convert.markdown import table, tidy


def test_tidy_normalizes_whitespace_and_blank_lines():
    raw = "# Title  \n\n\n\nA paragraph\nwrapped   in the\tsource.\u00a0\n\n\n- item one\n- item\n  two\n\n"
    assert tidy(raw) == "# Title\n\nA paragraph wrapped in the source.\n\n- item one\n- item two\n"


def test_tidy_gives_a_headerless_table_a_separator_and_keeps_escaped_pipes():
    raw = "| a\\|b | c | \n| d | e | \n"
    assert tidy(raw) == "| a\\|b | c |\n|---|---|\n| d | e |\n"


def test_tidy_pads_short_rows():
    assert tidy("| A | B | C |\n|---|---|---|\n| 1 |\n") == "| A | B | C |\n|---|---|---|\n| 1 | | |\n"


def test_tidy_keeps_code_blocks_and_nested_lists():
    raw = "```\nline 1\n\nline  2\n```\n\n- outer\n  - inner\n"
    assert tidy(raw) == raw


def test_heading_stuck_to_its_paragraph_is_split():
    assert tidy("## Dose\nTake one.") == "## Dose\n\nTake one.\n"


def test_table_from_rows():
    assert table([["Drug", "Dose"], ["ketamine", ""]]) == "| Drug | Dose |\n|---|---|\n| ketamine | |"


def test_empty_input_gives_empty_text():
    assert tidy("\n\n") == ""
