"""What the question is about must be where the reader looks: when none of the passages shown holds the question's
rarest topic word that the sources hold, the best-ranked passage that does is shown last among them.

A question like "Does ketamine interact with alcohol?" over sources that name ketamine everywhere and alcohol once
ranks passages that repeat "ketamine" above the one passage about alcohol. Ranking keeps its order; only the
passages shown change: the passage holding the rarest held topic term (a stemmed word of the question that names
no drug or class, that some passage holds, and that narrows the corpus down: `IndexVocabulary.narrows`) takes the
last place shown, and the answer says so (`Surfaced`), so the page can tell the reader plainly that the passages
above it do not mention that word. Coverage is judged before this, on the ranking as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from indexer.ask.reading import Understanding
from indexer.ask.vocabulary import IndexVocabulary
from indexer.text.tokens import COMPOUND, terms
from indexer.types import Hit

MIN_SHOWN = 3  # with fewer passages shown, the best ones are left alone


@dataclass(frozen=True)
class Surfaced:
    """The question's word that no better-ranked passage holds, and the rank (1-based) of the passage that does."""

    word: str
    rank: int

    def to_json(self) -> dict:
        return {"word": self.word, "rank": self.rank}


def rarest_topic_term(understood: Understanding, vocabulary: IndexVocabulary) -> str | None:
    """The question's topic term that the fewest passages hold, among those some passage holds and that narrow the
    corpus down; None when there is none."""
    held = [t for t in understood.topic_terms if vocabulary.lexical.document_frequency(t) > 0 and vocabulary.narrows(t)]
    return min(held, key=vocabulary.lexical.document_frequency, default=None)


def surface_rarest(hits: Sequence[Hit], k: int, understood: Understanding, vocabulary: IndexVocabulary,
                   passage_terms: Callable[[int], list[str]]) -> tuple[list[Hit], Surfaced | None]:
    """The first `k` hits, with the best-ranked hit holding the rarest held topic term put last when none of them
    holds it, and what was done (None when nothing was)."""
    shown = list(hits[:k])
    term = rarest_topic_term(understood, vocabulary) if k >= MIN_SHOWN else None
    if term is None or any(term in passage_terms(h.ranked.number) for h in shown):
        return shown, None
    found = next((h for h in hits[k:] if term in passage_terms(h.ranked.number)), None)
    if found is None:
        return shown, None
    return shown[: k - 1] + [found], Surfaced(question_word(understood.question, term), k)


def question_word(question: str, term: str) -> str:
    """The word of the question a stemmed term comes from, as the user wrote it (the term itself if none)."""
    return next((m.group() for m in COMPOUND.finditer(question) if term in terms(m.group())), term)
