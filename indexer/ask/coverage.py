"""Whether the sources address a question, judged from how well the best passages match it.

The evidence, strongest first:
1. The question names a drug or drug class the sources never mention (directly or through its class), and no
   drug they do discuss: not covered, unless a passage is very close in meaning (`covered_dense_unknown_drug`).
2. The question has topic words no source contains ("alcohol", "pregnancy", "cost"): not covered, unless a
   passage is close in meaning (`covered_dense`, or the lower `covered_dense_anchored` when the question also
   names a drug or class the sources discuss, as in "cough medicine with dextromethorphan").
3. Otherwise: covered when a passage is close in meaning (again less close is enough for a question anchored on a
   drug or class the sources discuss), or reasonably close while holding most of the question's key terms, or
   holds all of them.

The thresholds live in `Config`; they were calibrated on `tests/eval/questions.jsonl` (`python -m indexer eval`).
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.ask.reading import Understanding
from indexer.ask.search import Hit
from indexer.config import Config


@dataclass(frozen=True)
class Coverage:
    covered: bool
    reason: str
    best_dense: float
    term_share: float


def key_terms(understood: Understanding, question_terms: frozenset[str]) -> set[str]:
    """The stemmed terms of the question that carry its topic (expansions included); `question_terms` are the
    stemmed words that ask rather than name a topic (`Lexicon.question_terms`)."""
    return {t for t in understood.key_terms if t not in question_terms and not t.isdigit()}


def anchored(understood: Understanding) -> bool:
    """The question names a drug or class that some (not most) passages discuss: by name, or through a class
    when the sources never name the drug itself."""
    return any((d.via_class and not d.named) or d.specific for d in understood.drugs) or any(
        c.in_sources for c in understood.classes)


def judge(
    understood: Understanding,
    hits: list[Hit],
    hit_terms: list[frozenset[str]],
    question_terms: frozenset[str],
    config: Config,
) -> Coverage:
    """`hit_terms[i]` are the stemmed terms of hit i's ranking text."""
    if not hits:
        return Coverage(False, "No passage matched the question.", 0.0, 0.0)
    best_dense = max(h.dense_score for h in hits)
    wanted = key_terms(understood, question_terms)
    share = max(len(wanted & t) / len(wanted) for t in hit_terms[:3]) if wanted else 0.0

    def result(covered: bool, reason: str) -> Coverage:
        return Coverage(covered, reason, best_dense, share)

    is_anchored = anchored(understood)
    if understood.unknown_drugs and not is_anchored:
        names = ", ".join(understood.unknown_drugs)
        if best_dense >= config.covered_dense_unknown_drug:
            return result(True, f"The sources never name {names}, but a passage is very close in meaning.")
        return result(False, f"The sources never mention {names} or its drug class.")
    words = list(understood.unmatched)  # with a known drug too, unknown ones weigh like unknown words
    needed = config.covered_dense_anchored if is_anchored else config.covered_dense
    if words:
        if best_dense >= needed:
            return result(True, "A passage is close in meaning, though the sources never use the words "
                          + ", ".join(repr(w) for w in words) + ".")
        return result(False, "The sources never mention " + ", ".join(repr(w) for w in words) + ".")
    if best_dense >= needed:
        return result(True, "A passage is close in meaning to the question.")
    if share >= 1.0 or (best_dense >= config.covered_dense_lexical and share >= config.covered_term_share):
        return result(True, "A passage holds the question's key terms.")
    return result(False, "No passage is close enough to the question.")
