"""The drug classes: WordNet's drug hierarchy (`data/wordnet_drugs.json`, derived by
`scripts/derive_drug_classes.py`) merged with the curated classes WordNet lacks (`data/drug_classes.toml`: newer
drugs, colloquial names such as "benzos" or "blood thinners"); brand names the drug dictionary lacks,
abbreviations, and the words that ask rather than name a topic (`data/question_words.txt`). Also the phrase
matcher that finds them in a list of words."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, replace
from importlib import resources

from indexer.text.tokens import fold, words


@dataclass(frozen=True)
class DrugClass:
    key: str
    name: str  # plural, as shown: "SSRIs"
    singular: str  # "an SSRI"
    terms: tuple[str, ...]  # lower case; the first is the class's usual name
    members: tuple[str, ...]  # generic names
    broader: tuple[str, ...]  # keys of wider classes
    is_drug: bool = False  # a drug with kinds of its own (insulin, morphine): its terms name a drug, not a class


def _text(name: str) -> str:
    return resources.files("indexer.lexicon").joinpath(f"data/{name}").read_text(encoding="utf-8")


def _data(name: str) -> dict:
    return tomllib.loads(_text(name))


def load_brands() -> dict[str, str]:
    """Brand names and synonyms the drug dictionary may lack: {name: generic}, from WordNet's drug synsets
    and the curated [brand] table (which wins)."""
    brands = {fold(k): fold(v) for k, v in load_wordnet().get("names", {}).items()}
    brands.update({fold(k): fold(v) for k, v in _data("drug_classes.toml").get("brand", {}).items()})
    return brands


def load_stems(text: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """The INN name stems of drug_classes.toml: ({suffix: class key}, {prefix: class key})."""
    data = tomllib.loads(text) if text is not None else _data("drug_classes.toml")
    return ({fold(k): v for k, v in data.get("stem", {}).items()},
            {fold(k): v for k, v in data.get("prefix", {}).items()})


def load_abbreviations() -> dict[str, tuple[str, ...]]:
    """{abbreviation: spelled-out forms}, from data/abbreviations.toml."""
    table = _data("abbreviations.toml").get("abbreviation", {})
    return {fold(k): tuple(fold(v) for v in forms) for k, forms in table.items()}


def load_wordnet() -> dict:
    """WordNet's drug hierarchy as shipped: {"classes": {...}, "drugs": {...}, "names": {...}}."""
    return json.loads(_text("wordnet_drugs.json"))


def plural(name: str) -> str:
    """"SSRI" -> "SSRIs", "ACE inhibitor" -> "ACE inhibitors", "antibody" -> "antibodies"."""
    head, _, last = name.rpartition(" ")
    if last.isupper() or last[-1:].isdigit():
        last += "s"
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        last += "es"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def with_article(name: str) -> str:
    """"an SSRI", "a benzodiazepine", "an ACE inhibitor"."""
    first = name.split()[0]
    acronym = first.isupper() and len(first) > 1  # read letter by letter: "an SSRI", "an NSAID"
    vowel = first[0] in "AEFHILMNORSX" if acronym else first[0].lower() in "aeiou"
    return f"{'an' if vowel else 'a'} {name}"


def _terms_with_plurals(terms: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for term in terms for t in (fold(term), fold(plural(term)))))


def wordnet_classes(data: dict | None = None) -> dict[str, DrugClass]:
    """WordNet's classes with their member drugs (direct members only: the chain follows `broader`)."""
    data = data if data is not None else load_wordnet()
    members: dict[str, list[str]] = {}
    for generic, keys in data.get("drugs", {}).items():
        for key in keys:
            members.setdefault(key, []).append(generic)
    classes = {}
    for key, entry in data.get("classes", {}).items():
        name = entry.get("name", key)
        classes[key] = DrugClass(key, plural(name), with_article(name), _terms_with_plurals(entry["terms"]),
                                 tuple(members.get(key, ())), tuple(entry.get("broader", ())),
                                 bool(entry.get("drug")))
    return classes


def curated_classes(text: str | None = None) -> dict[str, DrugClass]:
    """The curated classes of drug_classes.toml as written (every entry must have terms)."""
    table = (tomllib.loads(text) if text is not None else _data("drug_classes.toml")).get("class", {})
    classes = {}
    for key, entry in table.items():
        terms = tuple(fold(t) for t in entry.get("terms", []))
        if not terms:
            raise ValueError(f"Drug class {key!r} has no terms.")
        name = entry.get("name", key)
        classes[key] = DrugClass(key=key, name=name, singular=entry.get("singular", name), terms=terms,
                                 members=tuple(fold(m) for m in entry.get("members", [])),
                                 broader=tuple(entry.get("broader", [])))
    return classes


def merge_classes(wordnet: dict[str, DrugClass], curated: dict[str, DrugClass]) -> dict[str, DrugClass]:
    """One table: a curated class with the key of a WordNet class extends it (its name and terms first, the
    members and broader classes of both); other curated classes are added as they are. Every `broader` key
    must exist."""
    out = dict(wordnet)
    for key, mine in curated.items():
        theirs = wordnet.get(key)
        if theirs is None:
            out[key] = mine
            continue
        out[key] = replace(
            theirs, name=mine.name, singular=mine.singular, terms=tuple(dict.fromkeys(mine.terms + theirs.terms)),
            members=tuple(dict.fromkeys(mine.members + theirs.members)),
            broader=tuple(b for b in dict.fromkeys(mine.broader + theirs.broader) if b != key),
        )
    for drug_class in out.values():
        for parent in drug_class.broader:
            if parent not in out:
                raise ValueError(f"Drug class {drug_class.key!r} names an unknown broader class {parent!r}.")
    return out


def load_drug_classes(text: str | None = None) -> dict[str, DrugClass]:
    """WordNet's classes merged with the curated ones (`text`: curated TOML instead of drug_classes.toml)."""
    return merge_classes(wordnet_classes(), curated_classes(text))


def load_question_words() -> frozenset[str]:
    """Words that ask rather than name a topic ("what", "safe", "take"): never typos, never unmatched topics."""
    return _word_list("question_words.txt")


def load_dosage_forms() -> frozenset[str]:
    """Words that name a medicine's form or route ("patch", "otic"), not the medicine (`data/dosage_forms.txt`)."""
    return _word_list("dosage_forms.txt")


def _word_list(name: str) -> frozenset[str]:
    """A data file of one word per line, lower-cased; lines starting with # are comments."""
    return frozenset(line.strip().lower() for line in _text(name).splitlines() if line.strip() and not line.startswith("#"))


def phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(words(phrase))


MAX_PHRASE_WORDS = 6


def curated_phrases(classes: dict[str, DrugClass]) -> dict[tuple[str, ...], tuple[str, str]]:
    """The curated lexicon as {phrase words: ("class", class key) or ("drug", generic name)}: class terms first,
    then class members, then the brand names the drug dictionary lacks."""
    phrases: dict[tuple[str, ...], tuple[str, str]] = {}
    for drug_class in classes.values():
        for term in drug_class.terms:
            if drug_class.is_drug:  # "insulin" names a drug (whose kinds are members of it)
                phrases.setdefault(phrase_key(term), ("drug", drug_class.key))
            else:
                phrases[phrase_key(term)] = ("class", drug_class.key)
    for drug_class in classes.values():
        for member in drug_class.members:
            phrases.setdefault(phrase_key(member), ("drug", member))
    for brand, generic in load_brands().items():
        phrases.setdefault(phrase_key(brand), ("drug", generic))
        phrases.setdefault(phrase_key(plural(brand)), ("drug", generic))  # "percocets", as people write it
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
