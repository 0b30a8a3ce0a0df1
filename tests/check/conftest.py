"""Fixtures shared by the wording check's tests."""

from __future__ import annotations

import pytest

from indexer.lexicon.words import load_word_tables as load_lexicon


@pytest.fixture(scope="session")
def lexicon():
    """The check's word lexicon (WordNet antonyms, lemmas and senses, the curated polarity classes)."""
    return load_lexicon()
