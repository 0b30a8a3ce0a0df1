"""What the index holds, as the question reader needs it: its stemmed terms, its words with their counts, and
each passage's terms (for phrase look-ups and for how many passages name something)."""

from __future__ import annotations

from collections.abc import Callable

from indexer.lexicon.classes import DrugClass
from indexer.text.tokens import terms


class IndexVocabulary:
    """Built once per engine. Each passage's terms are made on first use and kept with this object."""

    def __init__(self, index_terms: frozenset[str], index_words: dict[str, int],
                 passage_terms: Callable[[], list[str]] | None = None) -> None:
        self.terms = index_terms  # stemmed terms of the passages' ranking text
        self.words = index_words  # folded words of the passages' ranking text -> count
        # Each passage's stemmed terms as " term term ... ": multi-word terms must occur in a passage as phrases,
        # and how many passages hold a name tells whether it is specific.
        self._passage_terms_source = passage_terms
        self._passage_texts: list[str] | None = None
        self._phrase_cache: dict[str, bool] = {}

    def has(self, phrase: str) -> bool:
        """The phrase occurs in the indexed passages (a multi-word phrase as a phrase, not word by word)."""
        parts = terms(phrase.replace("/", " "))
        if not parts or not all(p in self.terms for p in parts):
            return False
        if len(parts) == 1 or self._passage_terms_source is None:
            return True
        key = f" {' '.join(parts)} "
        if key not in self._phrase_cache:
            self._phrase_cache[key] = any(key in p for p in self._passages())
        return self._phrase_cache[key]

    def specific(self, phrase: str) -> bool:
        """The phrase occurs in some passages but not in most (it is not the corpus's subject, like ketamine)."""
        if self._passage_terms_source is None:
            return True
        key = " " + " ".join(terms(phrase.replace("/", " "))) + " "
        passages = self._passages()
        return sum(1 for p in passages if key in p) <= len(passages) / 2

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

    def _passages(self) -> list[str]:
        if self._passage_texts is None:
            self._passage_texts = self._passage_terms_source()
        return self._passage_texts
