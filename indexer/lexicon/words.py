"""The words of general English the wording check compares (`WordTables`, `load_word_tables`): opposites, synonyms
and word classes for Check wording: WordNet antonyms and synonyms (data/antonyms.json and
data/synonyms.json, made by scripts/build_wordnet.py) and the curated classes of data/polarity.json (negation,
up/down, same, benefit/harm, stop/continue, quantifiers, hedges).

Words are compared by their base forms: `Lexicon.lemmas("lowers")` is {"lowers", "lower"}, `lemmas("worse")` holds
"bad" (WordNet's irregular forms), `lemmas("higher")` holds "high". Only forms the tables know are returned, so an
unknown word is just itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType

from indexer.text.tokens import STOPWORDS

# Which classes oppose which: a rise against a fall, no change against either, benefit against harm, stopping
# against continuing.
OPPOSED = {("up", "down"), ("down", "up"), ("same", "up"), ("up", "same"), ("same", "down"), ("down", "same"),
           ("benefit", "harm"), ("harm", "benefit"), ("stop", "continue"), ("continue", "stop")}
CLASS_REASON = {"up": "direction", "down": "direction", "same": "direction", "benefit": "antonym", "harm": "antonym",
                "stop": "antonym", "continue": "antonym"}
CLASSES = ("negation", "up", "down", "same", "benefit", "harm", "stop", "continue", "universal", "exclusive",
           "partial", "hedge", "certain")
# Suffix rules of WordNet's morphology (morphy), plus adverbs in -ly: (ending, replacement).
_SUFFIXES = (("ies", "y"), ("es", "e"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", "e"), ("ed", ""), ("ing", "e"),
             ("ing", ""), ("ier", "y"), ("iest", "y"), ("er", ""), ("er", "e"), ("est", ""), ("est", "e"),
             ("ily", "y"), ("ly", ""), ("ally", ""))
_NEGATED_AUXILIARY = "n't"


@dataclass(frozen=True)
class WordTables:
    antonyms: Mapping[str, frozenset[str]]  # base form -> its WordNet antonyms
    exceptions: Mapping[str, tuple[str, ...]]  # irregular form -> base forms ("worse" -> "bad", "ill")
    classes: Mapping[str, frozenset[str]]  # class name -> base forms
    vocabulary: frozenset[str]
    groups: Mapping[str, frozenset[int]] = field(default_factory=dict)  # word -> the synonym groups it is in
    units: Mapping[str, str] = field(default_factory=dict)  # unit abbreviation -> unit word ("min" -> "minute")
    _known: dict = field(default_factory=dict, compare=False, repr=False)  # word -> lemmas, filled as asked
    _known_classes: dict = field(default_factory=dict, compare=False, repr=False)

    def lemmas(self, word: str) -> frozenset[str]:
        """The word and the base forms of it that the tables know."""
        known = self._known.get(word)
        if known is None:
            known = self._known[word] = self._lemmas(word)
        return known

    def _lemmas(self, word: str) -> frozenset[str]:
        out = {word, *self.exceptions.get(word, ())}
        for ending, replacement in _SUFFIXES:
            if word.endswith(ending) and len(word) - len(ending) >= 2:
                stem = word[: len(word) - len(ending)] + replacement
                if stem in STOPWORDS:  # "noted" is not a form of "not"
                    continue
                if stem in self.vocabulary:
                    out.add(stem)
                elif not replacement and len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in self.vocabulary:
                    out.add(stem[:-1])  # "stopped" -> "stop", "bigger" -> "big"
        return frozenset(out)

    def word_classes(self, word: str) -> frozenset[str]:
        """The classes of data/polarity.json the word belongs to ("doesn't" is a negation)."""
        known = self._known_classes.get(word)
        if known is None:
            known = self._known_classes[word] = self._word_classes(word)
        return known

    def _word_classes(self, word: str) -> frozenset[str]:
        lemmas = self.lemmas(word)
        found = {name for name, members in self.classes.items() if lemmas & members}
        if word.endswith(_NEGATED_AUXILIARY):
            found.add("negation")
        return frozenset(found)

    def opposite(self, a: str, b: str) -> bool:
        """Whether WordNet makes the two words (in any of their base forms) antonyms."""
        lemmas_b = self.lemmas(b)
        return any(self.antonyms.get(lemma, frozenset()) & lemmas_b for lemma in self.lemmas(a))

    def senses(self, word: str) -> frozenset[int]:
        """The synonym groups of the word's base forms (two words sharing one are synonyms)."""
        out: frozenset[int] = frozenset()
        for lemma in self.lemmas(word):
            out |= self.groups.get(lemma, frozenset())
        return out

    def opposition(self, a: str, b: str) -> str | None:
        """How word a opposes word b: "antonym" (WordNet, or benefit against harm), "direction" (a rise against a
        fall or against no change), or None."""
        if a == b:
            return None
        if self.opposite(a, b):
            return "antonym"
        classes = self.opposed_classes(a, b)
        return CLASS_REASON[classes[0]] if classes else None

    def evaluative(self, a: str, b: str) -> bool:
        """Whether both words judge the whole claim (benefit or harm, stopping or continuing), rather than a
        quantity (up, down, same)."""
        judged = {"benefit", "harm", "stop", "continue"}
        return bool(self.word_classes(a) & judged) and bool(self.word_classes(b) & judged)

    def opposed_classes(self, a: str, b: str) -> tuple[str, str] | None:
        """(class of a, class of b) when a curated class of one opposes a class of the other (up vs down)."""
        classes_b = self.word_classes(b)
        for first in sorted(self.word_classes(a)):
            for second in sorted(classes_b):
                if (first, second) in OPPOSED:
                    return first, second
        return None


def _read(name: str) -> dict:
    return json.loads(resources.files("indexer.lexicon").joinpath(f"data/{name}").read_text(encoding="utf-8"))


def load_word_tables(antonyms: dict | None = None, polarity: dict | None = None, synonyms: dict | None = None,
                 units: dict | None = None) -> WordTables:
    """The shipped tables, or the given ones (tests). ValueError when a table is malformed."""
    antonyms = _read("antonyms.json") if antonyms is None else antonyms
    polarity = _read("polarity.json") if polarity is None else polarity
    synonyms = _read("synonyms.json") if synonyms is None else synonyms
    table: dict[str, set[str]] = {}
    for pair in antonyms.get("pairs", []):
        if len(pair) != 2 or pair[0] == pair[1]:
            raise ValueError(f"An antonym entry must be two different words. Got {pair!r}.")
        a, b = (str(w).lower() for w in pair)
        table.setdefault(a, set()).add(b)
        table.setdefault(b, set()).add(a)
    missing = [name for name in CLASSES if name not in polarity]
    if missing:
        raise ValueError(f"The word classes lack {missing[0]!r}. Every class of {', '.join(CLASSES)} is needed.")
    classes = {name: frozenset(str(w).lower() for w in polarity[name]) for name in CLASSES}
    groups: dict[str, set[int]] = {}
    for number, group in enumerate(synonyms.get("groups", [])):
        if len(group) < 2:
            raise ValueError(f"A synonym group must have two words or more. Got {group!r}.")
        for word in group:
            groups.setdefault(str(word).lower(), set()).add(number)
    vocabulary = frozenset(table) | frozenset().union(*classes.values()) | frozenset(groups)
    exceptions = {str(form): tuple(lemmas) for form, lemmas in antonyms.get("exceptions", {}).items()}
    if units is None:
        units = json.loads(resources.files("indexer.lexicon").joinpath("data/units.json").read_text(encoding="utf-8"))
    unit_words = units.get("units")
    if not isinstance(unit_words, dict):
        raise ValueError("The unit table must map abbreviations to unit words under \"units\".")
    return WordTables({w: frozenset(o) for w, o in table.items()}, exceptions, classes, vocabulary,
                   {w: frozenset(g) for w, g in groups.items()},
                   MappingProxyType({str(k).lower(): str(v).lower() for k, v in unit_words.items()}))
