"""Drug names: brand names and synonyms to generic names, from drug-named-entity-recognition's dictionary
(exported with the index as `drug_names.json` for a fast start)."""

from __future__ import annotations

import json
import logging
import threading
from importlib import metadata
from pathlib import Path

from indexer.lexicon.english import is_english
from indexer.text.tokens import fold, unmarked

log = logging.getLogger(__name__)


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


def singular(word: str) -> str:
    """A name written in the plural, as people write of the tablets they take ("percocets", "xanaxes"), to its
    singular. A word too short to be a plural name, not ending in "s", or an English word ("pulsars" is not a plural
    of the brand Pulsar) is returned unchanged."""
    if len(word) < 5 or not word.endswith("s") or word.endswith("ss") or is_english(word):
        return word
    return word[:-2] if word.endswith(("xes", "ches", "shes", "zes")) else word[:-1]


class DrugNames:
    """Brand names and synonyms → generic names, from drug-named-entity-recognition's dictionary.

    The dictionary comes from `lexicon` (the index's `drug_names.json`) when it was exported by the installed
    package version, else from the package itself (whose import takes two to three seconds). It is loaded on
    first use, or on a background thread from `start()` (the engine starts it while the model loads); a lookup
    waits for a load under way. Making the object loads nothing.
    """

    def __init__(self, lexicon: Path | None = None) -> None:
        self._lexicon = lexicon
        self._variants: dict[str, list[str]] = {}
        self._names_of: dict[str, list[str]] = {}  # generic -> every name of it (made with the dictionary)
        self.origin = ""
        self._started = False
        self._start_lock = threading.Lock()
        self._ready = threading.Event()

    def start(self) -> DrugNames:
        """Begin loading the dictionary on a background thread (once); returns this object."""
        if self._claim():
            threading.Thread(target=self._load, name="drug-names", daemon=True).start()
        return self

    def _claim(self) -> bool:
        """True for the one caller that is to load the dictionary."""
        with self._start_lock:
            if self._started:
                return False
            self._started = True
            return True

    def _load(self) -> None:
        try:
            data = _read_lexicon(self._lexicon) if self._lexicon is not None else None
            self.origin = str(self._lexicon) if data else PACKAGE
            self._variants = (data or export_lexicon())["names"]
            names_of: dict[str, list[str]] = {}
            for variant, generics in self._variants.items():
                for generic in generics:
                    names_of.setdefault(generic, []).append(variant)
            self._names_of = names_of
        except Exception as e:  # the dictionary is optional at run time: questions still work without it
            log.warning("Drug-name lookup is unavailable (%s); brand names will not be resolved.", e)
        finally:
            self._ready.set()

    def wait(self) -> None:
        """Until the dictionary is loaded: loads it here when nothing has started loading it."""
        if self._claim():
            self._load()
        self._ready.wait()

    def find(self, tokens: list[str]) -> list[tuple[str, int, int]]:
        """(generic name, first token, end token) for each drug named in the tokens: two-word names first,
        then single words, matched without regard to case (as the package's `find_drugs` does)."""
        self.wait()
        found: list[tuple[str, int, int]] = []
        taken: set[int] = set()
        lowered = [unmarked(t).lower() for t in tokens]
        for i in range(len(tokens) - 1):
            for generic in self._variants.get(f"{lowered[i]} {lowered[i + 1]}", ()):
                found.append((generic, i, i + 2))
                taken.update((i, i + 1))
        for i, token in enumerate(lowered):
            if i in taken or len(token) < 3:
                continue
            for generic in self._variants.get(token, self._variants.get(singular(token), ())):
                found.append((generic, i, i + 1))
        return sorted(found, key=lambda match: match[1])

    def is_name(self, word: str) -> bool:
        self.wait()
        return word in self._variants

    def names_of(self, generic: str) -> list[str]:
        """Every name the dictionary knows for a generic drug (itself, brands, synonyms), lower case."""
        self.wait()
        return self._names_of.get(generic, [])

    def generics(self, name: str) -> list[str]:
        """The generic names of a drug name (empty when it is not one)."""
        self.wait()
        return self._variants.get(name, [])

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
