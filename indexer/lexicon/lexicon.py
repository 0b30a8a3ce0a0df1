"""The lexicon as one object: the drug dictionary, the curated classes, brands, abbreviations and question words.

The question reader and the wording check both take a `Lexicon`; neither reaches into the other's internals.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.lexicon.classes import (
    DrugClass,
    curated_phrases,
    load_abbreviations,
    load_drug_classes,
    load_question_words,
    phrase_key,
)
from indexer.lexicon.names import DrugNames
from indexer.text.tokens import terms


@dataclass(frozen=True)
class ClassRef:
    """A drug class as shown to the user: its key, its plural name and its singular ("a benzodiazepine")."""

    key: str
    name: str
    singular: str


class Lexicon:
    """Read-only after it is made (the drug dictionary itself may still be loading in the background)."""

    def __init__(self, drug_names: DrugNames, classes: dict[str, DrugClass] | None = None) -> None:
        self.drug_names = drug_names
        self.classes = classes if classes is not None else load_drug_classes()
        # {phrase words: ("class", key) or ("drug", generic)}: class terms, class members, curated brands.
        self.phrases = curated_phrases(self.classes)
        self.words = frozenset(w for key in self.phrases for w in key)
        self.question_words = load_question_words()
        self.question_terms = frozenset(t for w in self.question_words for t in terms(w))
        self.abbreviations: dict[tuple[str, ...], tuple[str, ...]] = {}
        for short, forms in load_abbreviations().items():
            self.abbreviations[(short,)] = forms
            for form in forms:
                self.abbreviations[phrase_key(form)] = (short, *[f for f in forms if f != form])
        self.members: dict[str, tuple[str, ...]] = {}
        for drug_class in self.classes.values():
            for member in drug_class.members:
                self.members[member] = (*self.members.get(member, ()), drug_class.key)

    def ref(self, key: str) -> ClassRef:
        drug_class = self.classes.get(key)
        if drug_class is None:
            return ClassRef(key, key, key)
        return ClassRef(key, drug_class.name, drug_class.singular)

    def classes_of(self, generic: str) -> tuple[ClassRef, ...]:
        """The curated classes a generic drug name belongs to."""
        return tuple(self.ref(k) for k in self.members.get(generic, ()))
