"""Typo correction for questions: a word that is not known is corrected to the closest word of the index or of
the drug lexicon, within an edit distance that grows with the word's length. Known words are never changed."""

from __future__ import annotations

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from indexer.ask.vocabulary import IndexVocabulary
from indexer.lexicon.lexicon import Lexicon
from indexer.text.tokens import STOPWORDS, fold, stem


class Speller:
    def __init__(self, vocabulary: IndexVocabulary, lexicon: Lexicon, known_words: frozenset[str] = frozenset()) -> None:
        self.vocabulary = vocabulary
        self.lexicon = lexicon
        self.known_words = known_words  # common English words (the model's whole-word vocabulary)
        self._candidates: list[str] | None = None
        self._drug_names_by_length: dict[int, list[str]] | None = None

    def is_known(self, word: str) -> bool:
        return (
            word in self.vocabulary.words
            or word in self.known_words
            or word in STOPWORDS
            or word in self.lexicon.question_words
            or word in self.lexicon.words
            or stem(word) in self.vocabulary.terms
            or self.lexicon.drug_names.is_name(word)
        )

    def correct(self, token: str) -> str | None:
        """The intended word for a misspelt token, or None when it is a known word or nothing is close."""
        word = fold(token)
        if len(word) < 4 or not word.isalpha() or self.is_known(word):
            return None
        limit = 1 if len(word) <= 5 else 2 if len(word) <= 9 else 3
        # The index's own words and the class lexicon first; the large drug-name lexicon only when they have
        # nothing close, and only names of a similar length.
        for candidates in (self._candidate_words(), *self._drug_names_near(len(word), limit)):
            best = process.extractOne(word, candidates, scorer=DamerauLevenshtein.distance, score_cutoff=limit)
            if best is not None:
                candidate = best[0]
                return candidate.upper() if token.isupper() else candidate.capitalize() if token[0].isupper() else candidate
        return None

    def _candidate_words(self) -> list[str]:
        """Words of the index (most frequent first), then the drug and class lexicon."""
        if self._candidates is None:
            index_words = self.vocabulary.words
            ordered = sorted(index_words, key=lambda w: -index_words[w])
            ordered += sorted(w for w in self.lexicon.words if w.isalpha())
            self._candidates = [w for w in dict.fromkeys(ordered) if len(w) >= 4 and w not in STOPWORDS]
        return self._candidates

    def _drug_names_near(self, length: int, limit: int) -> list[list[str]]:
        """Single-word drug names whose length is within `limit` of `length`, grouped by length."""
        if self._drug_names_by_length is None:
            by_length: dict[int, list[str]] = {}
            for name in sorted(self.lexicon.drug_names.single_word_names()):
                by_length.setdefault(len(name), []).append(name)
            self._drug_names_by_length = by_length
        near = [w for n in range(length - limit, length + limit + 1) for w in self._drug_names_by_length.get(n, ())]
        return [near] if near else []
