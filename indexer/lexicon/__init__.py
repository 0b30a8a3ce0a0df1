"""What the tool knows about drugs, independent of any corpus: generic and brand names
(drug-named-entity-recognition), curated drug classes, abbreviations and question words (`data/`).

A change to which names, classes or words are known belongs here; how a question uses them belongs in `ask/`,
how a draft uses them in `check/`.

`DrugFinder`, `DrugNames`, `Lexicon`, `ClassRef` and `LEXICON_FILE` are importable from here; each is loaded
with its module on first use (PEP 562), so importing one module of the package loads no other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from indexer.lazy import lazy_exports

if TYPE_CHECKING:
    from indexer.lexicon.finder import DrugFinder
    from indexer.lexicon.lexicon import ClassRef, Lexicon
    from indexer.lexicon.names import LEXICON_FILE, DrugNames

_MODULES = {"DrugFinder": "indexer.lexicon.finder", "ClassRef": "indexer.lexicon.lexicon",
            "Lexicon": "indexer.lexicon.lexicon", "LEXICON_FILE": "indexer.lexicon.names",
            "DrugNames": "indexer.lexicon.names"}
__all__ = ["LEXICON_FILE", "ClassRef", "DrugFinder", "DrugNames", "Lexicon"]

__getattr__, __dir__ = lazy_exports(globals(), _MODULES)
