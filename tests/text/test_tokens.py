"""The one tokenizer: words a page splits with invisible marks or syllable dots are still one word."""

from __future__ import annotations

import pytest

from indexer.check.diff import tokenize
from indexer.check.numbers import numbers
from indexer.lexicon import Lexicon
from indexer.lexicon.finder import DrugFinder
from indexer.text.tokens import WORD, terms, word_spans, words

PAGE = "Hu·\u200bmira | \\ hyü-ˈmer-ə. Take this medi\u00adcation with food; don’t crush it. Xa\u00adnax · Valium"


def test_soft_hyphens_zero_width_spaces_and_syllable_dots_do_not_split_a_word():
    assert words(PAGE)[:2] == ["humira", "hyu"]
    assert "medication" in words(PAGE)
    assert "xanax" in words(PAGE) and "valium" in words(PAGE)  # a dot between spaces still separates
    assert terms("medi\u00adcation") == terms("medication")


def test_word_spans_cover_the_marks_so_offsets_stay_exact():
    spans = [PAGE[a:b] for a, b in word_spans(PAGE)]
    assert spans[0] == "Hu·\u200bmira" and "medi\u00adcation" in spans and "don’t" in spans


@pytest.fixture(scope="module")
def finder(drug_names) -> DrugFinder:
    return DrugFinder(Lexicon(drug_names))


def test_a_drug_name_split_by_marks_is_still_found(finder: DrugFinder):
    found = {name for name, _, _ in finder(WORD.findall(PAGE))}
    assert {"adalimumab", "alprazolam", "diazepam"} <= found


def test_a_middle_dot_between_digits_stays_a_decimal_point():
    assert words("1·7 billion people") == ["1", "7", "billion", "people"]
    assert [n.value for n in numbers(tokenize("About 1·7 billion people"))] == [1.7e9]


def test_the_wording_check_reads_marked_words_as_the_words_and_ignores_a_lone_invisible_mark():
    keys = [t.key for t in tokenize("Hu·\u200bmira \u200b medi\u00adcation · done")]
    assert keys == ["humira", "medication", "·", "done"]
