"""The lexical index keeps every passage's terms in order, so a question's candidates are never tokenised again;
an index saved before it kept them still loads, and a term file that does not fit it is refused."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.errors import IndexMismatch
from indexer.index.lexical import TERM_OFFSETS, TERMS, LexicalIndex

DOCUMENTS = [["ketamin", "infus", "dose", "dose"], [], ["xanax", "benzodiazepin"], ["dose", "naltrexon", "ketamin"]]


def test_each_passage_gives_back_its_terms_in_order():
    index = LexicalIndex.build(DOCUMENTS)
    assert [index.terms_of(n) for n in range(len(DOCUMENTS))] == DOCUMENTS


def test_the_terms_are_saved_and_loaded_with_the_index(tmp_path):
    LexicalIndex.build(DOCUMENTS).save(tmp_path)
    loaded = LexicalIndex.load(tmp_path, size=len(DOCUMENTS))
    assert [loaded.terms_of(n) for n in range(len(DOCUMENTS))] == DOCUMENTS
    assert loaded.top(["dose"], 2)[1].tolist() == [0, 3]


def test_an_index_saved_without_the_terms_loads_and_says_it_has_none(tmp_path):
    LexicalIndex.build(DOCUMENTS).save(tmp_path)
    (tmp_path / TERMS).unlink()
    (tmp_path / TERM_OFFSETS).unlink()
    loaded = LexicalIndex.load(tmp_path, size=len(DOCUMENTS))
    assert loaded.terms_of(0) is None
    assert loaded.top(["xanax"], 1)[1].tolist() == [2]


@pytest.mark.parametrize("damage", ["offsets of another index", "a term number past the vocabulary", "not NumPy"])
def test_terms_that_do_not_fit_the_index_are_refused(tmp_path, damage):
    LexicalIndex.build(DOCUMENTS).save(tmp_path)
    if damage == "offsets of another index":
        np.save(tmp_path / TERM_OFFSETS, np.array([0, 2, 4], dtype=np.int64))
    elif damage == "a term number past the vocabulary":
        ids = np.load(tmp_path / TERMS)
        ids[-1] = 10_000
        np.save(tmp_path / TERMS, ids)
    else:
        (tmp_path / TERMS).write_bytes(b"not an array")
    with pytest.raises(IndexMismatch, match="terms"):
        LexicalIndex.load(tmp_path, size=len(DOCUMENTS))
