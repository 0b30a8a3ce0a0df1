"""Which side a draft sentence and a source span take, compared: signals the verdict weighs next to the entailment
model, for when no single pair of words conflicts (`conflict.py` finds those) but the sentence and the part of the
span it speaks of still lean different ways.

    negation_mismatch  one side holds an odd number of negations (not, no, without, "unlikely"...) and the other
                       an even number
    draft_negations    negations of the sentence (up to 2)
    source_negations   negations of the part of the span the sentence speaks of (up to 2)
    direction_agree    both name the same direction (a rise, a fall, no change)
    direction_clash    one names a direction the other opposes, and none they share
    evaluative_agree   both judge the same way (benefit, harm)
    draft_hedge        the sentence hedges (may, suggest...)
    source_hedge       the span hedges
    unmatched_universal  the sentence says all / only / always and the span does not
    sign_agree         counting negations, the two lean the same way (up or benefit against down or harm)
    sign_clash         ... the opposite way

"The part of the span the sentence speaks of" is `Alignment.source_window()`: from the first linked word to the
last, with a margin, so the negations of other clauses of a long span do not count.
"""

from __future__ import annotations

from collections.abc import Sequence

from indexer.check.align import Alignment
from indexer.check.conflict import negative_form
from indexer.check.diff import Token
from indexer.lexicon.words import OPPOSED, WordTables

POLARITY_FEATURES = ("negation_mismatch", "draft_negations", "source_negations", "direction_agree",
                     "direction_clash", "evaluative_agree", "draft_hedge", "source_hedge", "unmatched_universal",
                     "sign_agree", "sign_clash")
DIRECTIONS = frozenset(["up", "down", "same"])
EVALUATIVE = frozenset(["benefit", "harm"])
ABSOLUTE = frozenset(["universal", "exclusive"])


def polarity(alignment: Alignment, lexicon: WordTables) -> dict[str, float]:
    """The features of POLARITY_FEATURES for one sentence (the alignment's draft) and span."""
    window = [alignment.source[j] for j in alignment.source_window()]
    draft = list(alignment.draft)
    draft_classes, source_classes = _classes(draft, lexicon), _classes(window, lexicon)
    draft_negations = _negations(draft, window, lexicon)
    source_negations = _negations(window, draft, lexicon)
    shared = draft_classes & source_classes
    direction_agree = bool(shared & DIRECTIONS)
    direction_clash = not direction_agree and any((a, b) in OPPOSED for a in draft_classes & DIRECTIONS
                                                  for b in source_classes & DIRECTIONS)
    leaning = _sign(draft_classes, draft_negations) * _sign(source_classes, source_negations)
    return {
        "negation_mismatch": float(draft_negations % 2 != source_negations % 2),
        "draft_negations": float(min(draft_negations, 2)),
        "source_negations": float(min(source_negations, 2)),
        "direction_agree": float(direction_agree),
        "direction_clash": float(direction_clash),
        "evaluative_agree": float(bool(shared & EVALUATIVE)),
        "draft_hedge": float("hedge" in draft_classes),
        "source_hedge": float("hedge" in source_classes),
        "unmatched_universal": float(bool(draft_classes & ABSOLUTE) and not source_classes & ABSOLUTE),
        "sign_agree": float(leaning > 0),
        "sign_clash": float(leaning < 0),
    }


def _classes(tokens: Sequence[Token], lexicon: WordTables) -> set[str]:
    return {c for t in tokens if t.is_word for c in lexicon.word_classes(t.key)}


def _negations(tokens: Sequence[Token], other: Sequence[Token], lexicon: WordTables) -> int:
    """Negation words, and words that are a negative form of a word ("unlikely", "unrelated")."""
    other_keys = [t.key for t in other if t.is_word]
    return sum(1 for t in tokens if t.is_word and ("negation" in lexicon.word_classes(t.key)
                                                    or negative_form(t.key, lexicon, other_keys)))


def _sign(classes: set[str], negations: int) -> int:
    """+1 when the words lean up or towards benefit, -1 down or towards harm, turned by an odd number of
    negations; 0 when they lean neither way or both."""
    lean = (("up" in classes) - ("down" in classes) + ("benefit" in classes) - ("harm" in classes))
    if not lean:
        return 0
    return (1 if lean > 0 else -1) * (-1 if negations % 2 else 1)
