"""The curated drug lexicon: drug classes with their member drugs and the words sources use for them
(`data/drug_classes.toml`), brand names the drug dictionary lacks, abbreviations, and the words that ask rather
than name a topic (`data/question_words.txt`). Also the phrase matcher that finds them in a list of words."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

from indexer.text.tokens import fold, words


@dataclass(frozen=True)
class DrugClass:
    key: str
    name: str
    singular: str
    terms: tuple[str, ...]
    members: tuple[str, ...]
    broader: tuple[str, ...]


def _data(name: str) -> dict:
    return tomllib.loads(resources.files("indexer.lexicon").joinpath(f"data/{name}").read_text(encoding="utf-8"))


def load_brands() -> dict[str, str]:
    """Brand names the drug dictionary lacks, curated in drug_classes.toml: {brand: generic}."""
    return {fold(k): fold(v) for k, v in _data("drug_classes.toml").get("brand", {}).items()}


def load_abbreviations() -> dict[str, tuple[str, ...]]:
    """{abbreviation: spelled-out forms}, from data/abbreviations.toml."""
    table = _data("abbreviations.toml").get("abbreviation", {})
    return {fold(k): tuple(fold(v) for v in forms) for k, forms in table.items()}


def load_drug_classes(text: str | None = None) -> dict[str, DrugClass]:
    """The curated classes, checked: every `broader` key must exist and every entry must have terms."""
    table = (tomllib.loads(text) if text is not None else _data("drug_classes.toml")).get("class", {})
    classes = {}
    for key, entry in table.items():
        terms = tuple(fold(t) for t in entry.get("terms", []))
        if not terms:
            raise ValueError(f"Drug class {key!r} has no terms.")
        classes[key] = DrugClass(
            key=key,
            name=entry.get("name", key),
            singular=entry.get("singular", entry.get("name", key)),
            terms=terms,
            members=tuple(fold(m) for m in entry.get("members", [])),
            broader=tuple(entry.get("broader", [])),
        )
    for drug_class in classes.values():
        for parent in drug_class.broader:
            if parent not in classes:
                raise ValueError(f"Drug class {drug_class.key!r} names an unknown broader class {parent!r}.")
    return classes


def load_question_words() -> frozenset[str]:
    """Words that ask rather than name a topic ("what", "safe", "take"): never typos, never unmatched topics."""
    text = resources.files("indexer.lexicon").joinpath("data/question_words.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(words(phrase))


MAX_PHRASE_WORDS = 6


def curated_phrases(classes: dict[str, DrugClass]) -> dict[tuple[str, ...], tuple[str, str]]:
    """The curated lexicon as {phrase words: ("class", class key) or ("drug", generic name)}: class terms first,
    then class members, then the brand names the drug dictionary lacks."""
    phrases: dict[tuple[str, ...], tuple[str, str]] = {}
    for drug_class in classes.values():
        for term in drug_class.terms:
            phrases[phrase_key(term)] = ("class", drug_class.key)
    for drug_class in classes.values():
        for member in drug_class.members:
            phrases.setdefault(phrase_key(member), ("drug", member))
    for brand, generic in load_brands().items():
        phrases.setdefault(phrase_key(brand), ("drug", generic))
    return phrases


def match_phrases(
    tokens: list[str], phrases: dict[tuple[str, ...], tuple[str, str]]
) -> list[tuple[tuple[str, str], int, int]]:
    """(what the phrase names, first token, end token) of each curated phrase in the tokens, longest first,
    left to right, without overlaps."""
    keys = [phrase_key(t) for t in tokens]
    found = []
    i = 0
    while i < len(tokens):
        for n in range(min(MAX_PHRASE_WORDS, len(tokens) - i), 0, -1):
            hit = phrases.get(tuple(w for key in keys[i : i + n] for w in key))
            if hit:
                found.append((hit, i, i + n))
                i += n
                break
        else:
            i += 1
    return found
