"""Word-level differences between a draft sentence and a source span, each flagged when it can alter the meaning.

A change can alter the meaning when the two sides differ in a number, dose or unit; in a negation ("not", "no",
"never"); in a hedge, quantifier or degree word ("may" → "will", "most" → "all", "moderate" → "high"); in words of
opposite sense ("increase" → "decrease" is a direction, "safe" → "dangerous" an antonym, when the rules are given
`opposites`, see `indexer.lexicon.words`); or in the drugs and drug classes they name (SSRIs ↔ SNRIs). These are what a
reviewer must not miss.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from indexer.text.tokens import WORD_PATTERN, fold, unmarked

# A different unit from `WORD`: the diff also compares numbers with their decimals and percent signs ("0.5",
# "10%") and punctuation marks, so its tokens are numbers, words (the project's WORD) and single marks.
_TOKEN = re.compile(rf"\d+(?:[.,]\d+)*%?|{WORD_PATTERN}|[^\w\s*_`]")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
                         "″": '"', "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})

NEGATIONS = frozenset(["not", "no", "never", "none", "nor", "neither", "without", "cannot", "nothing", "nobody",
                       "nowhere", "non", "avoid", "avoided", "avoiding", "stop", "stopped", "stopping"])
HEDGES = frozenset(
    ["may", "might", "can", "could", "will", "would", "should", "must", "shall", "need", "needs", "always", "often", "usually", "typically", "generally", "sometimes", "occasionally", "rarely", "seldom", "frequently", "commonly", "mainly", "mostly", "largely", "primarily", "likely", "unlikely", "possibly", "possible", "probably", "certainly", "definitely", "clearly", "proven", "prove", "proves", "shown", "show", "shows", "suggest", "suggests", "suggested", "indicate", "indicates", "appear", "appears", "seem", "seems", "all", "any", "every", "each", "most", "many", "some", "several", "few", "certain", "only", "both", "either", "majority", "minority", "much", "more", "less", "fewer", "least", "handful", "moderate", "moderately", "high", "higher", "highest", "low", "lower", "lowest", "mild", "mildly", "severe", "severely", "extreme", "extremely", "slight", "slightly", "significant", "significantly", "small", "smaller", "large", "larger", "very", "highly", "greatly", "substantial", "substantially", "minimal", "major", "minor", "strong", "strongly", "weak", "rare", "common", "safe", "safer", "safest", "unsafe", "dangerous", "risky", "harmful", "effective", "ineffective", "better", "worse", "best", "worst", "increase", "increases", "decrease", "decreases", "reduce", "reduces", "raise", "raises", "improve", "improves", "worsen", "worsens"]
)
NUMBER_WORDS = frozenset(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "thirty", "fifty", "hundred", "thousand", "million", "half", "double", "twice", "triple", "dozen", "once"]
)
UNITS = frozenset(
    ["mg", "mcg", "µg", "ug", "g", "kg", "ml", "l", "iu", "units", "unit", "%", "percent", "mg/kg", "hour", "hours", "hr", "hrs", "minute", "minutes", "min", "day", "days", "week", "weeks", "month", "months", "year", "years", "daily", "weekly", "monthly", "times"]
)
KINDS = {"replace": "replaced", "insert": "inserted", "delete": "deleted"}


@dataclass(frozen=True)
class Token:
    key: str  # folded: lower case, straight quotes, plain hyphens
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.key[0].isalnum()


@dataclass(frozen=True)
class Change:
    """One difference: `draft` is what the draft says, `source` what the source says ("" when absent)."""

    kind: str  # "replaced", "inserted" (only in the draft) or "deleted" (only in the source)
    draft: str
    source: str
    meaning: bool
    reasons: tuple[str, ...] = ()  # "number", "negation", "hedge", "drug", "name", "antonym", "direction",
    # "quantifier", and "entailment" (the entailment model, `decide.py`)
    draft_start: int = 0  # offsets of the changed words in the draft and in the source file
    draft_end: int = 0
    source_start: int = 0
    source_end: int = 0

    def to_json(self) -> dict:
        return {"kind": self.kind, "draft": self.draft, "source": self.source, "meaning": self.meaning,
                "reasons": list(self.reasons), "draft_start": self.draft_start, "draft_end": self.draft_end,
                "source_start": self.source_start, "source_end": self.source_end}


def normalize(text: str) -> str:
    """Text compared for `verbatim`: case, quote marks, dash variants, Markdown emphasis and spacing ignored."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = re.sub(r'[*_`"]', "", text)  # double quotes too: a sentence quoted from the source is still verbatim
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(?<=\W) | (?=\W)", "", text)  # a space only matters between two word characters


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Words, numbers and punctuation marks of text[start:end], with offsets into `text`."""
    end = len(text) if end is None else end
    tokens = (Token(_key(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end))
    return [t for t in tokens if t.key and t.key != '"']  # an invisible mark alone folds to nothing


def _key(raw: str) -> str:
    key = fold(unicodedata.normalize("NFKC", raw).translate(_QUOTES))
    return unmarked(key) if len(key) > 1 else key  # "Hu·mira" is the word "humira"; a lone "·" is a mark


class MeaningRules:
    """Decides which changes can alter the meaning. `drug_spans(words)` finds drug and class mentions;
    `opposites(draft word, source word)` names how two words oppose ("antonym", "direction") or returns None."""

    def __init__(self, drug_spans=None, opposites=None) -> None:
        self._drug_spans = drug_spans or (lambda words: [])
        self._opposites = opposites

    def drug_names(self, tokens: list[Token], text: str) -> list[set[str]]:
        """For each token, the drugs or classes whose mention covers it."""
        out: list[set[str]] = [set() for _ in tokens]
        words = [i for i, t in enumerate(tokens) if t.is_word]
        found = self._drug_spans([text[tokens[i].start : tokens[i].end] for i in words])
        for name, first, last in found:
            for w in range(first, last):
                out[words[w]].add(name)
        return out

    def reasons(self, draft: list[Token], source: list[Token], draft_drugs: set[str], source_drugs: set[str]) -> tuple:
        d = [t.key for t in draft]
        s = [t.key for t in source]
        out = []
        if _numbers(d) != _numbers(s):
            out.append("number")
        if _negations(d) != _negations(s):
            out.append("negation")
        if Counter(k for k in d if k in HEDGES) != Counter(k for k in s if k in HEDGES):
            out.append("hedge")
        if draft_drugs != source_drugs:
            out.append("drug")
        if self._opposites is not None:
            words_d = [k for k in d if k[0].isalpha()]
            words_s = [k for k in s if k[0].isalpha()]
            for reason in dict.fromkeys(self._opposites(a, b) for a in words_d for b in words_s):
                if reason and reason not in out:
                    out.append(reason)
        return tuple(out)


def _numbers(keys: list[str]) -> Counter:
    return Counter(k for k in keys if k[0].isdigit() or k in NUMBER_WORDS or k in UNITS)


def _negations(keys: list[str]) -> int:
    return sum(1 for k in keys if k in NEGATIONS or k.endswith("n't"))


def diff(draft: str, draft_tokens: list[Token], source: str, source_tokens: list[Token],
         rules: MeaningRules) -> list[Change]:
    """The word-level changes that turn the source span into the draft sentence."""
    draft_drugs = rules.drug_names(draft_tokens, draft)
    source_drugs = rules.drug_names(source_tokens, source)
    matcher = SequenceMatcher(None, [t.key for t in source_tokens], [t.key for t in draft_tokens], autojunk=False)
    changes = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        d, s = draft_tokens[j1:j2], source_tokens[i1:i2]
        reasons = rules.reasons(d, s, set().union(*draft_drugs[j1:j2]), set().union(*source_drugs[i1:i2]))
        if "drug" not in reasons and _names(d, draft, j1) and _names(s, source, i1) and \
                _names(d, draft, j1) != _names(s, source, i1):
            reasons = (*reasons, "name")  # one place, person or body named for another
        d_start, d_end = _extent(d, draft_tokens, j1)
        s_start, s_end = _extent(s, source_tokens, i1)
        changes.append(Change(KINDS[op], draft[d_start:d_end], source[s_start:s_end], bool(reasons), reasons,
                              d_start, d_end, s_start, s_end))
    return changes


def _names(tokens: list[Token], text: str, first: int) -> frozenset[str]:
    """The capitalised words of a run of tokens (names of places, people, bodies), leaving out a sentence's first
    word, whose capital says nothing."""
    return frozenset(t.key for n, t in enumerate(tokens, first)
                     if n > 0 and t.is_word and text[t.start].isupper() and not t.key.isdigit())


def _extent(tokens: list[Token], all_tokens: list[Token], index: int) -> tuple[int, int]:
    """Offsets of a run of tokens; an empty run sits where it would be inserted."""
    if tokens:
        return tokens[0].start, tokens[-1].end
    if index < len(all_tokens):
        return all_tokens[index].start, all_tokens[index].start
    return (all_tokens[-1].end,) * 2 if all_tokens else (0, 0)


def word_ratio(a: list[str], b: list[str]) -> float:
    """How alike two word sequences are, 0..1 (difflib's ratio over words)."""
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
