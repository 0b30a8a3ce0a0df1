"""Sentence boundaries: exact offsets on every source and on awkward text; abbreviations, lists and quotes."""

from __future__ import annotations

import pytest

from indexer.text.sentences import skip_marker, split_sentences
from tests.conftest import CORPUS


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def assert_exact(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans are in order, do not overlap, are trimmed, and only white space lies between them."""
    end = len(text) if end is None else end
    spans = split_sentences(text, start, end)
    pos = start
    for a, b in spans:
        assert pos <= a < b <= end
        assert text[pos:a].strip() == ""
        assert text[a:b] == text[a:b].strip()
        pos = b
    assert text[pos:end].strip() == ""
    return spans


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name)
def test_every_source_splits_into_exact_spans(path):
    text = path.read_bytes().decode("utf-8")
    spans = assert_exact(text)
    assert len(spans) > 30
    for a, b in spans:
        assert text.index(text[a:b], a) == a


def test_a_slice_of_a_source_keeps_source_offsets():
    text = (CORPUS / "000_c89290b5e323cd66.txt").read_text(encoding="utf-8")
    start = text.index("Both ketamine and SSRIs")
    end = text.index("Monoamine Oxidase")
    spans = assert_exact(text, start, end)
    assert text[spans[0][0] : spans[0][1]].startswith("Both ketamine and SSRIs")


@pytest.mark.parametrize("text", [
    "Áureo’s team agrees. Ketamine helps.",
    "First line.\r\nSecond line.\r\n\r\nThird paragraph.",
    "No trailing newline. At all",
    "   Leading space. Trailing space.   \n\n",
    "Ünïcödé — dashes “quotes”. Naïve café.",
])
def test_awkward_text_keeps_exact_offsets(text):
    assert_exact(text)


@pytest.mark.parametrize("text, expected", [
    ("Use e.g. SSRIs. Dr. Smith vs. Dr. Jones agreed.", ["Use e.g. SSRIs.", "Dr. Smith vs. Dr. Jones agreed."]),
    ("See i.e. the dose. Then stop.", ["See i.e. the dose.", "Then stop."]),
    ("Newport, D. J., Carpenter, L. L. (2015). Ketamine works.", ["Newport, D. J., Carpenter, L. L. (2015).",
                                                                 "Ketamine works."]),
    ("It is used in the U.S. by many clinics.", ["It is used in the U.S. by many clinics."]),
    ("It works (see Fig. 2). Next one.", ["It works (see Fig. 2).", "Next one."]),
    ("The dose is 0.5 mg. That is low.", ["The dose is 0.5 mg.", "That is low."]),
    ("Take No. 5 now. No. Stop.", ["Take No. 5 now.", "No.", "Stop."]),
    ("SSRIs, SNRIs, etc. Ketamine is different.", ["SSRIs, SNRIs, etc.", "Ketamine is different."]),
    ("SSRIs, SNRIs, etc. and others.", ["SSRIs, SNRIs, etc. and others."]),
    ("Open at 9 a.m. daily. Closed at 5 p.m. The rest is online.",
     ["Open at 9 a.m. daily.", "Closed at 5 p.m.", "The rest is online."]),
])
def test_abbreviations_initials_and_units(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("1. First item is here.\n2. Second item.", ["1. First item is here.", "2. Second item."]),
    ("Intro line:\n- SSRIs\n- SNRIs", ["Intro line:", "- SSRIs", "- SNRIs"]),
    ("Step 3. Then rest.", ["Step 3.", "Then rest."]),
    ("# Ketamine and SSRIs\nBoth work together. Yes.", ["# Ketamine and SSRIs", "Both work together.", "Yes."]),
    ("Medications That Work\nBoth ketamine and SSRIs work.", ["Medications That Work", "Both ketamine and SSRIs work."]),
    ("a long line of prose that wraps\nSSRIs and more.", ["a long line of prose that wraps\nSSRIs and more."]),
])
def test_numbered_lists_and_title_lines(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize("text, expected", [
    ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
    ("She said “Hello there.” And left.", ["She said “Hello there.”", "And left."]),
    ('He said "Stop. Then go." and left. Next one.', ['He said "Stop. Then go." and left.', "Next one."]),
    ("She wrote “It helps. It is safe.” Then she left.", ["She wrote “It helps. It is safe.”", "Then she left."]),
    ('"Is it safe?" she asked. Yes.', ['"Is it safe?" she asked.', "Yes."]),
    ('A stray " quote. Then more.', ['A stray " quote.', "Then more."]),
])
def test_quotes(text, expected):
    assert sentences(text) == expected


def test_a_lower_case_start_after_a_plain_sentence_still_splits():
    assert sentences("Your safety comes first. take the first step.") == ["Your safety comes first.",
                                                                          "take the first step."]


def test_skip_marker():
    text = "2. Benzodiazepines are fine."
    assert text[skip_marker(text, 0, len(text)) :] == "Benzodiazepines are fine."
    assert skip_marker("- ", 0, 2) == 0  # nothing would be left
    assert skip_marker("Plain.", 0, 6) == 0
