"""Whether the sources address a question, judged from how well the best passages match it.

A question is covered when the best passage is close in meaning (dense similarity at least `covered_dense`), or
reasonably close (at least `covered_dense_lexical`) while sharing most of the question's key terms. It is not
covered when it names a drug or class, or asks about a topic word, that no source mentions and no passage is
close in meaning anyway. The thresholds live in `Config` and were calibrated on `tests/eval/questions.jsonl`
(`python -m indexer eval`).
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.config import Config
from indexer.search import Hit
from indexer.text import terms
from indexer.understand import Understanding


@dataclass(frozen=True)
class Coverage:
    covered: bool
    reason: str
    best_dense: float
    term_share: float


def key_terms(understood: Understanding, question_words: frozenset[str]) -> set[str]:
    """The stemmed terms of the question that carry its topic (expansions included)."""
    skip = {t for w in question_words for t in terms(w)}
    return {t for t in understood.search_terms if t not in skip and not t.isdigit()}


def judge(
    understood: Understanding,
    hits: list[Hit],
    hit_terms: list[set[str]],
    question_words: frozenset[str],
    config: Config,
) -> Coverage:
    """`hit_terms[i]` are the stemmed terms of hit i's ranking text."""
    if not hits:
        return Coverage(False, "No passage matched the question.", 0.0, 0.0)
    best_dense = max(h.dense_score for h in hits)
    wanted = key_terms(understood, question_words)
    share = 0.0
    if wanted:
        share = max(len(wanted & t) / len(wanted) for t in hit_terms[:3])
    if understood.unmatched and best_dense < config.covered_dense:
        return Coverage(
            False,
            "The sources never mention " + ", ".join(repr(u) for u in understood.unmatched) + ".",
            best_dense,
            share,
        )
    if best_dense >= config.covered_dense:
        return Coverage(True, "A passage is close in meaning to the question.", best_dense, share)
    if best_dense >= config.covered_dense_lexical and share >= config.covered_term_share:
        return Coverage(True, "A passage shares the question's key terms and meaning.", best_dense, share)
    return Coverage(False, "No passage is close enough to the question.", best_dense, share)
