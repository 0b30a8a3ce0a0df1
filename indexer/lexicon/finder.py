"""Finding the drugs and drug classes a text names: the curated classes first, then the drug dictionary. Used by
the wording check, to flag a swapped drug and to keep a sentence naming a drug its source span does not from
passing as a paraphrase of it."""

from __future__ import annotations

from indexer.lexicon.classes import match_phrases
from indexer.lexicon.lexicon import Lexicon
from indexer.text.tokens import STOPWORDS, WORD, fold, stem


class DrugFinder:
    """Drugs and drug classes named in a list of words: the curated classes first, then the drug dictionary."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._names = lexicon.drug_names
        self._phrases = lexicon.phrases
        # name -> itself, the classes it belongs to, and the classes wider or narrower than those
        self._related: dict[str, set[str]] = {}
        narrower: dict[str, set[str]] = {}
        for drug_class in lexicon.classes.values():
            for parent in drug_class.broader:
                narrower.setdefault(parent, set()).add(drug_class.key)
        for drug_class in lexicon.classes.values():
            family = {drug_class.key, *drug_class.broader, *narrower.get(drug_class.key, ())}
            self._related.setdefault(drug_class.key, set()).update(family)
            for member in drug_class.members:
                self._related.setdefault(member, {member}).update(family)

    def names(self, text: str) -> set[str]:
        """The drugs and classes a text names, with the classes they belong to and the classes around those."""
        found = {name for name, _, _ in self(WORD.findall(text), every=True)}
        return set().union(*(self._related.get(name, {name}) for name in found)) if found else set()

    def unsupported_names(self, sentence: str, span_text: str, title: str) -> set[str]:
        """Drugs or classes the sentence names that neither the span nor its source's title speaks of: not by
        name, not by a class a drug belongs to or a wider or narrower class, not by a word of the mention
        ("NMDA receptors" is supported by a span about "NMDA blockers"; "neutralizing antibody" by one about
        "antibodies": words are compared by their stems)."""
        words = WORD.findall(sentence)
        around = self.names(span_text) | self.names(title)
        around_words = {stem(fold(w)) for w in WORD.findall(f"{span_text} {title}")}
        missing = set()
        for name, first, end in self(words):
            if self._related.get(name, {name}) & around:
                continue
            if any(stem(fold(w)) in around_words for w in words[first:end]
                   if fold(w) not in STOPWORDS and len(w) > 2):
                continue
            missing.add(name)
        return missing

    def __call__(self, words: list[str], every: bool = False) -> list[tuple[str, int, int]]:
        """(name, first word, end word) of each mention; with `every`, also the dictionary's reading of words the
        curated lexicon already matched ("NMDA" in "NMDA blocker" is a class and a substance)."""
        folded = [fold(w) for w in words]
        found = [(name, first, end) for (_, name), first, end in match_phrases(words, self._phrases)]
        covered = {i for _, first, end in found for i in range(first, end)}
        for name, first, end in self._names.find(words):
            if (every or not covered.intersection(range(first, end))) and not all(
                    w in STOPWORDS for w in folded[first:end]):
                found.append((name, first, end))
        return found
