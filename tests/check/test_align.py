"""Word alignment of a draft sentence with a source span, and the word tables it uses."""

from __future__ import annotations

import pytest

from indexer.check.align import align, relation
from indexer.check.diff import tokenize
from indexer.lexicon.words import load_word_tables as load_lexicon


def links(draft: str, source: str, lexicon) -> list[tuple[str, str, str]]:
    d, s = tokenize(draft), tokenize(source)
    a = align(d, s, lexicon.lemmas, lexicon.senses)
    return [(d[link.draft].key, s[link.source].key, link.relation) for link in a.links]


def test_content_words_link_by_identity_stem_base_form_synonym_and_spelling(lexicon):
    found = links("Studies show ketamine interacts with medicines; worse for Neandertals.",
                  "Research suggests ketamine interacted with medications, bad for Neanderthals.", lexicon)
    assert ("ketamine", "ketamine", "same") in found
    assert ("interacts", "interacted", "stem") in found
    assert ("medicines", "medications", "synonym") in found
    assert ("worse", "bad", "lemma") in found
    assert ("neandertals", "neanderthals", "similar") in found


def test_links_are_one_to_one_and_stopwords_are_not_linked(lexicon):
    found = links("The dose and the dose.", "The dose was low.", lexicon)
    assert found == [("dose", "dose", "same")]


def test_a_word_and_its_negative_are_never_linked(lexicon):
    assert relation("asymptomatic", "symptomatic", lexicon.lemmas, lexicon.senses) is None
    assert relation("unsafe", "safe") is None
    assert relation("infectious", "infection") == "similar"


def test_equal_links_prefer_the_nearer_relative_position(lexicon):
    d, s = tokenize("Dose first, then dose again."), tokenize("Then the dose.")
    a = align(d, s, lexicon.lemmas)
    assert [(d[link.draft].key, link.draft, link.source) for link in a.links] == [("dose", 4, 2)]


def test_anchoring_and_coverage(lexicon):
    d = tokenize("Ketamine and SSRIs lower serotonin.")
    s = tokenize("Both ketamine and SSRIs work together to increase the serotonin levels in your brain.")
    a = align(d, s, lexicon.lemmas)
    lower = next(i for i, t in enumerate(d) if t.key == "lower")
    increase = next(j for j, t in enumerate(s) if t.key == "increase")
    brain = next(j for j, t in enumerate(s) if t.key == "brain")
    assert a.anchored(lower, increase)
    assert not a.anchored(0, brain, window=1)
    assert a.coverage(lambda word: 1.0) == pytest.approx(3 / 4)  # ketamine, ssris, serotonin; not "lower"


def test_lexicon_base_forms(lexicon):
    assert "lower" in lexicon.lemmas("lowers")
    assert "bad" in lexicon.lemmas("worse")
    assert "increase" in lexicon.lemmas("increased")
    assert "stop" in lexicon.lemmas("stopped")
    assert "not" not in lexicon.lemmas("noted")  # a stopword is never a base form
    assert lexicon.lemmas("ketamine") == {"ketamine"}


def test_lexicon_tables_are_checked():
    with pytest.raises(ValueError, match="two different words"):
        load_lexicon(antonyms={"pairs": [["safe", "safe"]]})
    with pytest.raises(ValueError, match="lack 'negation'"):
        load_lexicon(polarity={"up": []})
    with pytest.raises(ValueError, match="two words or more"):
        load_lexicon(synonyms={"groups": [["alone"]]})
