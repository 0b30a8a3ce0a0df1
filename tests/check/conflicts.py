"""The conflicts the check finds between a draft sentence and a source span, as (draft words, source words,
reasons) triples: what the tests of the meaning checks compare."""

from __future__ import annotations

from indexer.check.align import align
from indexer.check.conflict import find_conflicts
from indexer.check.diff import tokenize


def conflicts(draft: str, source: str, lexicon) -> list[tuple[str, str, tuple[str, ...]]]:
    a = align(tokenize(draft), tokenize(source), lexicon.lemmas, lexicon.senses)
    return [(c.draft, c.source, c.reasons) for c in find_conflicts(a, draft, source, lexicon)]
