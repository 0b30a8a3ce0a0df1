"""Evidence for a draft sentence in other words: the source spans worth comparing it with, found both by meaning
(embedding cosine) and by words (rarity-weighted overlap of stemmed terms, so a span sharing the claim's rare
terms is found even when the embedding ranks it low), each aligned word by word and checked for conflicts.

`EvidenceFinder(index, word_tables)` is made once per checker (it indexes the spans' terms); `candidates()` and `assess()`
are then called per sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from indexer.check.align import Alignment, align
from indexer.check.conflict import find_conflicts
from indexer.check.diff import Change, MeaningRules, Token
from indexer.check.numbers import added_numbers
from indexer.check.polarity import polarity
from indexer.check.spans import SpanIndex
from indexer.lexicon.words import WordTables
from indexer.text.tokens import STOPWORDS

DENSE_DEPTH = 20  # spans of each kind (single sentences, runs) taken by cosine
LEXICAL_DEPTH = 20  # ... and by shared rare terms
KEEP_SINGLE = 6  # single sentences aligned and assessed, best by cosine + term_weight × share
KEEP_RUNS = 2  # runs of two or three sentences aligned and assessed (runs overlap: without their own quota,
# the runs around one good sentence would crowd every other sentence out)
TERM_WEIGHT = 0.5
SWAP_COVERAGE = 0.8


@dataclass(frozen=True)
class Assessment:
    """How one span bears on one draft sentence."""

    span: int  # number of the span in the SpanIndex
    cosine: float
    share: float  # rarity-weighted share of the sentence's stemmed terms the span holds
    coverage: float  # rarity-weighted share of the sentence's content words linked by the alignment
    added_numbers: int  # numbers the sentence states and the span does not
    new_drugs: bool  # the sentence names a drug or class the span (and its source's title) does not
    conflicts: tuple[Change, ...]
    polarity: Mapping[str, float] = field(default_factory=dict)  # `polarity.polarity()` of the sentence and span

    def leans_otherwise(self) -> bool:
        """Whether, counting negations, the sentence and the span lean opposite ways (a rise against a fall,
        benefit against harm, an odd number of negations on one side only)."""
        p = self.polarity
        return bool(p.get("sign_clash") or p.get("direction_clash") or p.get("negation_mismatch"))

    def reasons(self) -> set[str]:
        return {r for c in self.conflicts for r in c.reasons}


class EvidenceFinder:
    """Finds and assesses the candidate spans of draft sentences, over one SpanIndex."""

    def __init__(self, index: SpanIndex, lexicon: WordTables) -> None:
        self.index = index
        self.lexicon = lexicon
        self.rules = MeaningRules(index.drug_spans)
        self.postings: dict[str, list[int]] = {}
        for n in np.flatnonzero(index.claims):
            for term in index.terms[n]:
                self.postings.setdefault(term, []).append(int(n))

    def share(self, own: set[str], n: int) -> float:
        if not own:
            return 0.0
        weight = {t: self.index.idf.get(t, self.index.max_idf) for t in own}
        return sum(weight[t] for t in own & self.index.terms[n]) / sum(weight.values())

    def candidates(self, own: set[str], cosines: np.ndarray, singles: int = KEEP_SINGLE,
                   runs: int = KEEP_RUNS) -> list[int]:
        """The spans (not headings) nearest by cosine or by shared rare terms — the best `singles` single sentences
        and the best `runs` runs, each kind pooled and ranked on its own — best first by
        cosine + TERM_WEIGHT × share."""
        index = self.index
        scores: dict[int, float] = {}
        for term in own:
            weight = index.idf.get(term, index.max_idf)
            for n in self.postings.get(term, ()):
                scores[n] = scores.get(n, 0.0) + weight
        out: list[int] = []
        for wanted, keep in ((index.single, singles), (index.claims & ~index.single, runs)):
            kind = np.where(wanted, cosines, -np.inf)
            dense = [int(n) for n in np.argsort(-kind)[: min(DENSE_DEPTH, int(wanted.sum()))]]
            lexical = sorted((n for n in scores if wanted[n]), key=lambda n: (-scores[n], n))[:LEXICAL_DEPTH]
            pool = dict.fromkeys(dense + lexical)
            out += sorted(pool, key=lambda n: -(float(cosines[n]) + TERM_WEIGHT * self.share(own, n)))[:keep]
        return sorted(out, key=lambda n: -(float(cosines[n]) + TERM_WEIGHT * self.share(own, n)))

    def word_weight(self, word: str) -> float:
        return self.index.word_idf.get(word, self.index.max_idf)

    def assess(self, draft: str, tokens: list[Token], own: set[str], n: int, cosine: float) -> Assessment:
        """How span n bears on the sentence `draft[tokens]`."""
        index = self.index
        span = index.spans[n]
        source_text = index.texts[span.source_id]
        sentence = draft[tokens[0].start : tokens[-1].end] if tokens else ""
        alignment = align(tokens, index.tokens[n], self.lexicon.lemmas, self.lexicon.senses)
        missing = index.drug_spans.unsupported_names(sentence, span.text, span.title)
        new_drugs = bool(missing)
        conflicts = find_conflicts(alignment, draft, source_text, self.lexicon,
                                   lambda a: self._drug_swap(a, draft, source_text, sentence, n, missing))
        return Assessment(n, cosine, self.share(own, n), alignment.coverage(self.word_weight),
                          added_numbers(alignment, self.lexicon.units), new_drugs, conflicts,
                          polarity(alignment, self.lexicon))

    def _drug_swap(self, alignment: Alignment, draft: str, source_text: str, sentence: str,
                   n: int, missing: set[str]) -> tuple[list[int], list[int]] | None:
        """The draft and source tokens of a drug or class the sentence names where the span names another one, when
        the rest of the sentence is the span's (SWAP_COVERAGE of its content words linked) and the sources speak of
        the sentence's drug somewhere (else the sources are silent on it, not contrary)."""
        span = self.index.spans[n]
        finder = self.index.drug_spans
        if not missing:
            return None
        others = finder.unsupported_names(span.text, sentence, "")
        if not others:
            return None
        draft_names = self.rules.drug_names(list(alignment.draft), draft)
        source_names = self.rules.drug_names(list(alignment.source), source_text)
        draft_tokens = [i for i, names in enumerate(draft_names) if names & missing]
        source_tokens = [j for j, names in enumerate(source_names) if names & others]
        if not draft_tokens or not source_tokens:
            return None
        words = [alignment.draft[i].key for i in draft_tokens if alignment.draft[i].key not in STOPWORDS]
        if not words or not all(w in self.index.by_word for w in words):
            return None
        rest = [i for i in alignment.draft_content if i not in draft_tokens]
        linked = alignment.linked_draft()
        if not rest or sum(i in linked for i in rest) < SWAP_COVERAGE * len(rest):
            return None  # the rest of the sentence must say what the span says: only the drug differs
        first = draft_tokens[0]
        near = min(source_tokens, key=lambda j: abs(j / max(len(alignment.source), 1)
                                                     - first / max(len(alignment.draft), 1)))
        return _mention(draft_tokens, first), _mention(source_tokens, near)


def _mention(tokens: list[int], at: int) -> list[int]:
    """The run of consecutive token numbers around `at` (one drug mention)."""
    present = set(tokens)
    first, last = at, at
    while first - 1 in present:
        first -= 1
    while last + 1 in present:
        last += 1
    return list(range(first, last + 1))
