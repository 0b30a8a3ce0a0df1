"""What the index holds, as the question reader needs it: its stemmed terms, its words with their counts, and
which passages name a word or a phrase.

Every look-up reads the BM25 postings (`LexicalIndex.postings`): a phrase's passages are the intersection of
its terms' postings, checked word by word on at most `PHRASE_CHECKS` of them. No look-up passes over all
passages, so asking costs about the same in a corpus of 25 passages or of 100,000.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from indexer.index.lexical import LexicalIndex
from indexer.lexicon.classes import DrugClass
from indexer.text.tokens import terms

# Passages (holding every word of a phrase) checked for the words in order. A phrase none of the first ones
# holds in order is taken as absent: its words occur together, but as something else.
PHRASE_CHECKS = 50


class IndexVocabulary:
    """Built once per engine; read-only."""

    def __init__(self, lexical: LexicalIndex, index_words: dict[str, int],
                 passage_terms: Callable[[int], list[str]] | None = None) -> None:
        self.lexical = lexical
        self.terms = lexical.vocabulary  # stemmed terms of the passages' ranking text
        self.words = index_words  # folded words of the passages' ranking text -> count
        self.size = len(lexical)
        self._passage_terms = passage_terms  # a passage's stemmed ranking terms, in order

    def passages(self, phrase: str) -> np.ndarray:
        """The numbers of the passages that name `phrase` (a multi-word phrase as a phrase, not word by word;
        for a phrase, at most the first `PHRASE_CHECKS` passages that hold all its words are checked)."""
        parts = terms(phrase.replace("/", " "))
        if not parts or not all(p in self.terms for p in parts):
            return np.zeros(0, dtype=np.int64)
        if len(parts) == 1:
            return self.lexical.postings(parts[0])
        by_rarity = sorted(set(parts), key=self.lexical.document_frequency)
        found = self.lexical.postings(by_rarity[0])
        for part in by_rarity[1:]:
            found = np.intersect1d(found, self.lexical.postings(part), assume_unique=True)
            if not len(found):
                return found
        if self._passage_terms is None:
            return found
        return np.array([n for n in found[:PHRASE_CHECKS] if holds(self._passage_terms(int(n)), parts)],
                        dtype=np.int64)

    def has(self, phrase: str) -> bool:
        """The phrase occurs in the indexed passages."""
        return len(self.passages(phrase)) > 0

    def count(self, phrase: str) -> int:
        """How many passages name the phrase (for a phrase of several words, at most `PHRASE_CHECKS`)."""
        return len(self.passages(phrase))

    def narrows_to(self, passages: int) -> bool:
        """A name or word in this many passages narrows a search down: at most half of them (or none). In a corpus
        about ketamine infusions, "ketamine" and "infusion" do not."""
        return passages <= self.size / 2

    def narrows(self, term: str) -> bool:
        """The stemmed term narrows a search down (`narrows_to` its document frequency)."""
        return self.narrows_to(self.lexical.document_frequency(term))

    def idf(self, term: str) -> float:
        """How rare a stemmed term is in the index (BM25's idf; a term no passage holds gets the highest)."""
        df = self.lexical.document_frequency(term)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def class_terms(self, classes: dict[str, DrugClass], keys: tuple[str, ...]) -> list[str]:
        """For each class, the first of its terms the sources use (its broader class's, when none of its own
        occur). One term per class: more would match look-alike classes ("serotonin reuptake inhibitors")."""
        found: list[str] = []
        for key in keys:
            drug_class = classes.get(key)
            if drug_class is None:
                continue
            own = [t for t in drug_class.terms if self.has(t)][:1]
            if not own:
                for parent in drug_class.broader:
                    own.extend([t for t in classes[parent].terms if self.has(t)][:1])
            found.extend(own)
        # Keep one spelling per stemmed form ("benzodiazepine"/"benzodiazepines").
        seen: set[tuple[str, ...]] = set()
        out = []
        for term in found:
            key = tuple(terms(term))
            if key not in seen:
                seen.add(key)
                out.append(term)
        return out


def holds(passage: list[str], parts: list[str]) -> bool:
    """The passage's terms hold `parts` in a row."""
    n = len(parts)
    return any(passage[i : i + n] == parts for i in range(len(passage) - n + 1) if passage[i] == parts[0])
