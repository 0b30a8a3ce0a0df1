"""What the index holds, read from the BM25 postings: phrases as phrases, counts, and no pass over all passages."""

from __future__ import annotations

from indexer.ask.vocabulary import PHRASE_CHECKS, IndexVocabulary
from indexer.index.lexical import LexicalIndex
from indexer.text.tokens import terms

TEXTS = [
    "Warfarin is a blood thinner.",
    "Thinner blood flows faster; blood tests check it.",  # both words, not the phrase
    "Aspirin thins the blood.",
    "Take the tablet with food.",
] + [f"Filler passage number {i} about food and tablets." for i in range(200)]


def vocabulary(texts=TEXTS):
    documents = [terms(t) for t in texts]
    looked_at: list[int] = []

    def passage_terms(number: int) -> list[str]:
        looked_at.append(number)
        return documents[number]

    lexical = LexicalIndex.build(documents)
    return IndexVocabulary(lexical, {}, passage_terms), looked_at


def test_a_phrase_is_found_only_where_its_words_stand_together():
    vocab, _ = vocabulary()
    assert vocab.has("blood thinner") and vocab.has("blood thinners")  # stemmed, as BM25 sees it
    assert list(vocab.passages("blood thinner")) == [0]
    assert not vocab.has("thinner food")
    assert not vocab.has("anticoagulant")


def test_single_words_are_counted_from_the_postings():
    vocab, looked_at = vocabulary()
    assert vocab.count("blood") == 3
    assert vocab.count("food") == 201
    assert looked_at == []  # no passage's text was needed


def test_a_phrase_check_reads_only_passages_that_hold_all_its_words():
    vocab, looked_at = vocabulary()
    vocab.has("blood thinner")
    assert set(looked_at) <= {0, 1}  # the only passages holding both words


def test_a_phrase_check_reads_at_most_a_bounded_number_of_passages():
    texts = [f"food with tablets number {i}" for i in range(500)]
    vocab, looked_at = vocabulary(texts)
    assert not vocab.has("tablets food")
    assert len(looked_at) == PHRASE_CHECKS


def test_a_word_no_passage_holds_is_the_rarest():
    vocab, _ = vocabulary()
    assert vocab.idf("anticoagul") > vocab.idf("warfarin") > vocab.idf("food")
