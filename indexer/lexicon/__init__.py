"""What the tool knows about drugs, independent of any corpus: generic and brand names
(drug-named-entity-recognition), curated drug classes, abbreviations and question words (`data/`).

A change to which names, classes or words are known belongs here; how a question uses them belongs in `ask/`,
how a draft uses them in `check/`.
"""

from indexer.lexicon.finder import DrugFinder
from indexer.lexicon.lexicon import ClassRef, Lexicon
from indexer.lexicon.names import LEXICON_FILE, DrugNames

__all__ = ["LEXICON_FILE", "ClassRef", "DrugFinder", "DrugNames", "Lexicon"]
