"""Drug names: brand names and synonyms to generic names (drug-named-entity-recognition), generic names to the
drug classes of the curated `data/drug_classes.toml`."""

from __future__ import annotations

import logging
import threading
import tomllib
from dataclasses import dataclass
from importlib import resources

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


class DrugNames:
    """Brand and generic drug names from drug-named-entity-recognition.

    Importing that package takes about two seconds (it unpacks its dictionary), so it is loaded on a background
    thread as soon as this object is made; the first lookup waits for it if needed.
    """

    def __init__(self) -> None:
        self._find = None
        self._variants: dict[str, list[str]] = {}
        self._error: Exception | None = None
        self._ready = threading.Event()
        threading.Thread(target=self._load, name="drug-names", daemon=True).start()

    def _load(self) -> None:
        try:
            from drug_named_entity_recognition import drugs_finder

            self._find = drugs_finder.find_drugs
            self._variants = drugs_finder.drug_variant_to_canonical
        except Exception as e:  # the package is optional at run time: questions still work without it
            self._error = e
            log.warning("Drug-name lookup is unavailable (%s); brand names will not be resolved.", e)
        finally:
            self._ready.set()

    def wait(self) -> None:
        self._ready.wait()

    def find(self, tokens: list[str]) -> list[tuple[str, int, int]]:
        """(generic name, first token, end token) for each drug named in the tokens."""
        self.wait()
        if self._find is None or not tokens:
            return []
        found = []
        for data, first, end in self._find(tokens, is_ignore_case=True):
            generic = fold(str(data.get("name", "")))
            matched = " ".join(tokens[first:end])
            if generic and len(matched) >= 3:
                found.append((generic, first, end))
        return found

    def is_name(self, word: str) -> bool:
        self.wait()
        return word in self._variants

    def single_word_names(self) -> list[str]:
        self.wait()
        return [v for v in self._variants if v.isalpha() and len(v) >= 4]


def phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(words(phrase))
