"""Drug names: brand names and synonyms to generic names (drug-named-entity-recognition), generic names to the
drug classes of the curated `data/drug_classes.toml`."""

from __future__ import annotations

import json
import logging
import threading
import tomllib
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from indexer.text import fold, words

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DrugClass:
    key: str
    name: str
    singular: str
    terms: tuple[str, ...]
    members: tuple[str, ...]
    broader: tuple[str, ...]


def _data(name: str) -> dict:
    return tomllib.loads(resources.files("indexer").joinpath(f"data/{name}").read_text(encoding="utf-8"))


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


LEXICON_FILE = "drug_names.json"
PACKAGE = "drug-named-entity-recognition"


def package_version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return ""


def export_lexicon() -> dict:
    """The drug dictionary of drug-named-entity-recognition as plain data: {variant: [generic names]}.

    Saved with the index (`drug_names.json`), it loads in a fraction of a second, where importing the package
    takes two to three seconds of start-up.
    """
    from drug_named_entity_recognition import drugs_finder

    canonical_data = drugs_finder.drug_canonical_to_data
    variant_data = drugs_finder.drug_variant_to_variant_data
    names: dict[str, list[str]] = {}
    for variant, canonicals in drugs_finder.drug_variant_to_canonical.items():
        generics = []
        for canonical in canonicals:
            data = dict(canonical_data.get(canonical, {})) | variant_data.get(variant, {})
            generic = fold(str(data.get("name") or canonical))
            if generic and generic not in generics:
                generics.append(generic)
        if generics:
            names[variant] = generics
    return {"package": PACKAGE, "version": package_version(), "names": names}


class DrugNames:
    """Brand names and synonyms → generic names, from drug-named-entity-recognition's dictionary.

    The dictionary comes from the index's `drug_names.json` when it was exported by the installed package
    version, else from the package itself (whose import takes two to three seconds). Either way it is loaded on
    a background thread as soon as this object is made; the first lookup waits for it if needed.
    """

    def __init__(self, lexicon: Path | None = None) -> None:
        self._variants: dict[str, list[str]] = {}
        self.origin = ""
        self._ready = threading.Event()
        threading.Thread(target=self._load, args=(lexicon,), name="drug-names", daemon=True).start()

    def _load(self, lexicon: Path | None) -> None:
        try:
            data = _read_lexicon(lexicon) if lexicon is not None else None
            self.origin = str(lexicon) if data else PACKAGE
            self._variants = (data or export_lexicon())["names"]
        except Exception as e:  # the dictionary is optional at run time: questions still work without it
            log.warning("Drug-name lookup is unavailable (%s); brand names will not be resolved.", e)
        finally:
            self._ready.set()

    def wait(self) -> None:
        self._ready.wait()

    def find(self, tokens: list[str]) -> list[tuple[str, int, int]]:
        """(generic name, first token, end token) for each drug named in the tokens: two-word names first,
        then single words, matched without regard to case (as the package's `find_drugs` does)."""
        self.wait()
        found: list[tuple[str, int, int]] = []
        taken: set[int] = set()
        lowered = [t.lower() for t in tokens]
        for i in range(len(tokens) - 1):
            for generic in self._variants.get(f"{lowered[i]} {lowered[i + 1]}", ()):
                found.append((generic, i, i + 2))
                taken.update((i, i + 1))
        for i, token in enumerate(lowered):
            if i in taken or len(token) < 3:
                continue
            for generic in self._variants.get(token, ()):
                found.append((generic, i, i + 1))
        return sorted(found, key=lambda match: match[1])

    def is_name(self, word: str) -> bool:
        self.wait()
        return word in self._variants

    def single_word_names(self) -> list[str]:
        self.wait()
        return [v for v in self._variants if v.isalpha() and len(v) >= 4]


def _read_lexicon(path: Path) -> dict | None:
    """The exported dictionary, or None when it is missing, unreadable or from another package version."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != package_version() or not isinstance(data.get("names"), dict):
        return None
    return data


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
