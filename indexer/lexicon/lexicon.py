"""The lexicon as one object: the drug dictionary, the curated classes, brands, abbreviations and question words.

The question reader and the wording check both take a `Lexicon`; neither reaches into the other's internals.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.lexicon.classes import (
    DrugClass,
    curated_phrases,
    load_abbreviations,
    load_brands,
    load_dosage_forms,
    load_drug_classes,
    load_question_words,
    load_stems,
    phrase_key,
)
from indexer.lexicon.english import COMMON_WORD, zipf
from indexer.lexicon.names import DrugNames
from indexer.text.tokens import terms, words


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
            if drug_class.is_drug:  # insulin, morphine: a drug whose own classes are the broader ones
                self.members[drug_class.key] = tuple(dict.fromkeys((*self.members.get(drug_class.key, ()),
                                                                    *drug_class.broader)))
        self.suffixes, self.prefixes = load_stems()
        for key in (*self.suffixes.values(), *self.prefixes.values()):
            if key not in self.classes:
                raise ValueError(f"A name stem names an unknown drug class {key!r}.")
        self.dosage_forms = load_dosage_forms()
        # Brand names and synonyms of the curated and WordNet lexicons: {name: generic} and back.
        self.brands = load_brands()
        self._aliases: dict[str, set[str]] = {}
        for name, generic in self.brands.items():
            self._aliases.setdefault(generic, set()).add(name)

    def ref(self, key: str) -> ClassRef:
        drug_class = self.classes.get(key)
        if drug_class is None:
            return ClassRef(key, key, key)
        return ClassRef(key, drug_class.name, drug_class.singular)

    def classes_of(self, generic: str) -> tuple[ClassRef, ...]:
        """The classes a generic drug name belongs to directly (their broader classes follow `broader`): as a
        listed member; else by the INN stem of its name; else through the words of a longer name
        ("enoxaparin sodium", "clonidine patch")."""
        keys = self.members.get(generic) or self.members.get(self.brands.get(generic, "")) or self._by_stem(generic)
        if not keys:
            for word in words(generic):
                if len(word) >= 4 and word != generic:
                    keys = (*keys, *(self.members.get(word) or self._by_stem(word)))
        return tuple(self.ref(k) for k in dict.fromkeys(keys))

    def _by_stem(self, name: str) -> tuple[str, ...]:
        if " " in name or not name.isalpha():
            return ()
        for length in range(len(name), 2, -1):  # the longest stem first ("vastatin" before any shorter)
            if name[-length:] in self.suffixes:
                return (self.suffixes[name[-length:]],)
        return tuple(key for prefix, key in self.prefixes.items() if name.startswith(prefix))

    def chain(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        """The classes and every class wider than them, nearest first."""
        out: list[str] = []
        queue = list(keys)
        while queue:
            key = queue.pop(0)
            if key in out or key not in self.classes:
                continue
            out.append(key)
            queue.extend(self.classes[key].broader)
        return tuple(out)

    def names_of(self, generic: str) -> tuple[str, ...]:
        """The names of a generic drug that can tell whether a text speaks of it: itself, then itself without the
        dosage form it ends in (`without_form`), then its brands and synonyms of four letters or more, in words (not
        codes such as "c/t/s"), that are not everyday English words meaning something else first
        (`english.COMMON_WORD`). A curated or WordNet generic that the drug dictionary files under a shorter or
        longer name of the same medicine (`same_medicine`: WordNet's "diclofenac sodium" is the dictionary's
        "diclofenac") has that name's names too: the two dictionaries name a salt or form differently, and sources
        write the shorter name."""
        names = [generic, *sorted(self._aliases.get(generic, ())), *self.drug_names.names_of(generic)]
        for other in self.drug_names.generics(generic):
            if other != generic and same_medicine(generic, other):
                names += [other, *self.drug_names.names_of(other)]
        base = self.without_form(generic)
        return tuple(dict.fromkeys(n for n in names[:1] + [base] + names[1:]
                                   if n and (n in (generic, base) or _telling(n))))

    def without_form(self, generic: str) -> str:
        """A generic name without the dosage-form words it ends in ("nicotine patch" → "nicotine"); "" when it ends
        in none, or is nothing else ("patch")."""
        parts = generic.split()
        end = len(parts)
        while end > 1 and parts[end - 1] in self.dosage_forms:
            end -= 1
        base = " ".join(parts[:end])
        return base if end < len(parts) and len(base) >= 4 else ""


def same_medicine(name: str, other: str) -> bool:
    """Whether the words of one name begin the other's: the same medicine, one name adding a salt, form or variant
    ("diclofenac sodium" and "diclofenac", "amphotericin" and "amphotericin b"). A brand the drug dictionary files
    under one of its products (Maalox under loperamide) is not."""
    first, second = words(name), words(other)
    shorter, longer = sorted((first, second), key=len)
    return bool(shorter) and longer[: len(shorter)] == shorter


def _telling(name: str) -> bool:
    return len(name) >= 4 and all(len(w) >= 3 for w in words(name)) and zipf(name) < COMMON_WORD
