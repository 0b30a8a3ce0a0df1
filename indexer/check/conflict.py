"""Meaning checks on a word alignment: where a draft sentence says something the source span contradicts.

Each finding is a `Change` with `meaning=True`, the conflicting words of both sides and their offsets:

    negation    one side negates what the other states ("safe to take" vs "crucial to avoid it"; "does not
                interact negatively" vs "interacts badly")
    antonym     WordNet antonyms facing each other ("rapid" vs "slow"), or benefit against harm ("harmless" vs
                "adverse")
    direction   a rise against a fall or against no change ("lowers" vs "increase", "same risk" vs "higher risk")
    quantifier  all / any / only where the source says some, most or usually
    hedge       a certainty ("will", "proves") where the source hedges ("may", "suggests")
    number      a number the source states differently ("1008 participants" vs "108 participants")
    drug        the claim made of another drug or class than the one the source names

Words "face each other" when a pair of linked words lies near both (see `Alignment.anchored`), so words of
unrelated clauses are never compared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from indexer.check.align import ANCHOR_WINDOW, Alignment
from indexer.check.diff import Change, Token
from indexer.check.numbers import comparable, numbers, same_number
from indexer.lexicon.words import WordTables
from indexer.text.tokens import STOPWORDS, stem

REASONS = ("negation", "antonym", "direction", "quantifier", "hedge", "number", "drug")
NEGATION_SCOPE = 3  # tokens after a negation in which "any" means "none"
CONTRAST_REACH = 3  # tokens after a negation in which the word it negates is looked for
NEGATIVE_PREFIXES = ("un", "in", "im", "il", "ir", "non", "non-", "dis", "a")
MIN_BASE = 5  # letters: the rest of a word with a negative prefix must be this long to count
COMPARISON_MARKS = frozenset(["than", "compared", "versus", "vs"])  # what follows names the group compared with
OPPOSITE_WINDOW = 2 * ANCHOR_WINDOW  # opposed words face each other across this many tokens



@dataclass
class _Finder:
    alignment: Alignment
    draft_text: str
    source_text: str
    lexicon: WordTables

    def __post_init__(self) -> None:
        a = self.alignment
        sentences = _sentence_numbers(a.source, self.source_text)
        per_sentence = Counter(sentences[link.source] for link in a.links)
        most = max(per_sentence.values(), default=0)
        kept = {k for k, count in per_sentence.items() if count >= 2 or count == most}
        self.window = [j for j in a.source_window() if sentences[j] in kept]
        self.draft_lemmas = set().union(*(self.lexicon.lemmas(t.key) for t in a.draft if t.is_word))
        self.source_lemmas = set().union(*(self.lexicon.lemmas(t.key) for t in a.source if t.is_word))
        self.draft_classes = [self.lexicon.word_classes(t.key) if t.is_word else frozenset() for t in a.draft]
        self.source_classes = [self.lexicon.word_classes(t.key) if t.is_word else frozenset() for t in a.source]
        self.used_draft: set[int] = set()
        self.used_source: set[int] = set()
        self.found: list[Change] = []

    # -- marking -----------------------------------------------------------------------------------------

    def facing_source(self, i: int) -> int:
        """The source token the draft token i stands against: the one linked to its nearest linked neighbour."""
        links = sorted(self.alignment.links, key=lambda link: (abs(link.draft - i), link.draft < i))
        return links[0].source if links else (self.window[0] if self.window else 0)

    def facing_draft(self, j: int) -> int:
        links = sorted(self.alignment.links, key=lambda link: (abs(link.source - j), link.source < j))
        return links[0].draft if links else 0

    def add(self, reason: str, draft: list[int], source: list[int]) -> None:
        d, s = self.alignment.draft, self.alignment.source
        if draft:
            d_start, d_end = d[min(draft)].start, d[max(draft)].end
        else:
            d_start = d_end = d[self.facing_draft(min(source))].start if d else 0
        if source:
            s_start, s_end = s[min(source)].start, s[max(source)].end
        else:
            s_start = s_end = s[self.facing_source(min(draft))].start if s else 0
        kind = "replaced" if draft and source else "inserted" if draft else "deleted"
        self.found.append(Change(kind, self.draft_text[d_start:d_end], self.source_text[s_start:s_end], True,
                                 (reason,), d_start, d_end, s_start, s_end))
        self.used_draft.update(draft)
        self.used_source.update(source)

    # -- checks ------------------------------------------------------------------------------------------

    def negation(self) -> None:
        """A negation near the linked words of one side and none near those of the other. A word with a negative
        prefix ("unrelated", "asymptomatic", see `negative_form`) is a negation, so "no symptoms" against
        "asymptomatic" agree and "most were asymptomatic" against "most show symptoms" conflict; one whose base
        its own side also says ("pregnant and nonpregnant women") contrasts two groups and is not."""
        a = self.alignment
        linked_draft = sorted(a.linked_draft())
        linked_source = sorted(a.linked_source())
        draft = [i for i in range(len(a.draft)) if _near(i, linked_draft) and self._negates(a.draft, i, a.source)]
        source = [j for j in self.window if _near(j, linked_source) and self._negates(a.source, j, a.draft)]
        if bool(draft) == bool(source):
            return
        # a negation on one side stands against the other only when the other says no negation there at all: "no
        # other mammals" against "to no other mammals" agree, even where one of them also reads as a contrast
        other = ([j for j in self.window if _near(j, linked_source) and self._negation_word(a.source, j)] if draft
                 else [i for i in range(len(a.draft)) if _near(i, linked_draft) and self._negation_word(a.draft, i)])
        if other:
            return
        if draft:
            self.add("negation", draft[:1], [])
        else:
            self.add("negation", [], source[:1])

    def _negates(self, tokens: Sequence[Token], n: int, other: Sequence[Token]) -> bool:
        """Whether token n negates: a negation word (not an idiom, not a contrast of two groups), or a word with a
        negative prefix whose base the other side says ("asymptomatic" against "symptoms"; "unrelated" where the
        other side never says "related" is a different word, left to the model and to `polarity.py`)."""
        token = tokens[n]
        if not token.is_word:
            return False
        if "negation" in self.lexicon.word_classes(token.key):
            return not _idiom(tokens, n) and not _contrast(tokens, n)
        base = negative_form(token.key, self.lexicon, [t.key for t in other if t.is_word], said_only=True)
        return bool(base) and not any(t.is_word and t.key[:MIN_BASE] == base[:MIN_BASE] for t in tokens)

    def _negation_word(self, tokens: Sequence[Token], n: int) -> bool:
        return tokens[n].is_word and "negation" in self.lexicon.word_classes(tokens[n].key) and not _idiom(tokens, n)

    def opposites(self) -> None:
        """WordNet antonyms and opposed classes facing each other, neither word said by the other side. Of the
        source words facing a draft word, the nearest one that bears on it decides: "best to avoid" faces
        "harmless" with "avoid", not "best"."""
        linked_draft, linked_source = self.alignment.linked_draft(), self.alignment.linked_source()
        for i, token in enumerate(self.alignment.draft):
            if not token.is_word or i in linked_draft or i in self.used_draft:
                continue
            if self.lexicon.lemmas(token.key) & self.source_lemmas:
                continue
            own = self.draft_classes[i] - {"negation"}
            facing = self.facing_source(i)
            bearing = []  # (distance, source token, reason or None when it says the same)
            for j in self.window:
                other = self.alignment.source[j]
                if not other.is_word or j in self.used_source or not self.alignment.anchored(i, j, OPPOSITE_WINDOW):
                    continue
                if own & self.source_classes[j]:
                    bearing.append((abs(j - facing), j, None))
                elif j not in linked_source and not self.lexicon.lemmas(other.key) & self.draft_lemmas:
                    reason = self.lexicon.opposition(token.key, other.key)
                    # a rise or an antonym must face its opposite closely ("lower rates" vs "higher rates"); a
                    # verdict on the whole claim ("safe" vs "avoid", "stop" vs "continue") may stand further off
                    near = (self.lexicon.evaluative(token.key, other.key)
                            or self.alignment.anchored(i, j, OPPOSITE_WINDOW))
                    if reason and near:
                        bearing.append((abs(j - facing), j, reason))
            if bearing:
                _, j, reason = min(bearing)
                if reason:
                    self.add(reason, [i], [j])

    def comparison(self) -> None:
        """Two groups compared the other way round: the group after "than" / "compared with" in the draft stands
        before it in the source, and the group after it in the source stands before it in the draft ("nonpregnant
        women are more likely ... than pregnant women" against "pregnant women are more likely ... compared with
        nonpregnant women"). A comparison turned round and an opposite direction together ("higher in A than in
        B" against "lower in B than in A") say the same thing: then neither is a conflict."""
        a = self.alignment
        d_mark = next((i for i, t in enumerate(a.draft) if t.key in COMPARISON_MARKS), None)
        s_mark = next((j for j in self.window if a.source[j].key in COMPARISON_MARKS), None)
        if d_mark is None or s_mark is None:
            return
        after_draft = [link for link in a.links if d_mark < link.draft <= d_mark + ANCHOR_WINDOW
                       and link.source < s_mark]
        after_source = [link for link in a.links if s_mark < link.source <= s_mark + ANCHOR_WINDOW
                        and link.draft < d_mark]
        pairs = [(x, y) for x in after_draft for y in after_source
                 if a.draft[x.draft].key != a.draft[y.draft].key]
        if not pairs:
            return
        turned = [c for c in self.found if set(c.reasons) & {"direction", "antonym"}]
        if turned:
            self.found = [c for c in self.found if c not in turned]
            return
        x, y = pairs[0]
        self.add("direction", [x.draft], [y.source])

    def quantifier(self) -> None:
        for i, classes in enumerate(self.draft_classes):
            if not classes & {"universal", "exclusive"} or i in self.used_draft:
                continue
            if self.lexicon.lemmas(self.alignment.draft[i].key) & self.source_lemmas:
                continue
            if any("negation" in self.draft_classes[k] for k in range(max(0, i - NEGATION_SCOPE), i)):
                continue  # "without asking any doctor": a negation, not a quantifier
            partial = [j for j in self.window if "partial" in self.source_classes[j] and j not in self.used_source]
            if partial:  # "all" where the source says "most": without a quantifier in the source, "any
                # medication" may well mean what the source says of medications
                self.add("quantifier", [i], [min(partial, key=lambda j: abs(j - self.facing_source(i)))])

    def hedge(self) -> None:
        if any("hedge" in c for c in self.draft_classes):
            return
        hedges = [j for j in self.window if "hedge" in self.source_classes[j]]
        if not hedges or any("certain" in self.source_classes[j] for j in self.window):
            return
        for i, classes in enumerate(self.draft_classes):
            if "certain" in classes and i not in self.used_draft:
                self.add("hedge", [i], [min(hedges, key=lambda j: abs(j - self.facing_source(i)))])
                return

    def number(self) -> None:
        draft = numbers(self.alignment.draft, self.lexicon.units)
        source = numbers(self.alignment.source, self.lexicon.units)
        if not source:
            return
        for number in draft:
            if any(same_number(number, other) for other in source):
                continue
            facing = self.facing_source(number.first)
            rivals = [other for other in source if comparable(number, other)
                      and self.alignment.anchored(number.first, other.first, 2 * ANCHOR_WINDOW)]
            if not rivals:
                continue  # a number the span does not state: unsupported, not contrary
            near = min(rivals, key=lambda other: abs(other.first - facing))
            self.add("number", list(range(number.first, number.last + 1)), list(range(near.first, near.last + 1)))


def negative_form(word: str, lexicon: WordTables, other: Sequence[str] = (), said_only: bool = False) -> str:
    """The base of `word` when it is a word with a negative prefix ("" when not): "unlikely" (WordNet makes
    "likely" its antonym; not with `said_only`), or "asymptomatic" when the other side says "symptoms" (a word
    sharing the base's first MIN_BASE letters)."""
    for prefix in NEGATIVE_PREFIXES:
        base = word[len(prefix):]
        if not word.startswith(prefix) or len(base) < MIN_BASE:
            continue
        if not said_only and lexicon.opposite(word, base):
            return base
        if any(len(o) >= MIN_BASE and o[:MIN_BASE] == base[:MIN_BASE] and not o.startswith(prefix) for o in other):
            return base
    return ""


def _contrast(tokens: Sequence[Token], n: int) -> bool:
    """A negation that sets one group against another: the word it negates is said unnegated on the same side
    ("with underlying conditions ... than those without underlying conditions", "treated ... than those without
    treatment")."""
    following = [k for k in range(n + 1, min(n + 1 + CONTRAST_REACH, len(tokens)))
                 if tokens[k].is_word and tokens[k].key not in STOPWORDS]
    if not following:
        return False
    negated = stem(tokens[following[0]].key)
    return any(k < n - 1 or k > following[0] for k in range(len(tokens))
               if tokens[k].is_word and k != following[0] and stem(tokens[k].key) == negated)


def _idiom(tokens: Sequence[Token], n: int) -> bool:
    """A negation word that negates nothing: "whether or not", "not only"."""
    before = tokens[n - 1].key if n > 0 else ""
    after = tokens[n + 1].key if n + 1 < len(tokens) else ""
    return (before == "or" and tokens[n].key == "not") or (tokens[n].key == "not" and after == "only")


def _near(n: int, linked: list[int], distance: int = 2 * ANCHOR_WINDOW) -> bool:
    return any(abs(n - k) <= distance for k in linked)


def _sentence_numbers(tokens: Sequence[Token], text: str) -> list[int]:
    """For each token, the number of the sentence it is in (a span may hold up to three)."""
    out, number = [], 0
    for n, token in enumerate(tokens):
        out.append(number)
        if token.key in (".", "?", "!") and n + 1 < len(tokens):
            following = text[tokens[n + 1].start]
            if following.isupper() or following.isdigit():
                number += 1
    return out


def find_conflicts(alignment: Alignment, draft_text: str, source_text: str, lexicon: WordTables,
                   drug_swap: Callable[[Alignment], tuple[list[int], list[int]] | None] | None = None
                   ) -> tuple[Change, ...]:
    """The conflicting words of a draft sentence and a span, as changes ordered by their place in the source.

    `drug_swap(alignment)` may return the draft and source tokens of a drug named in place of another."""
    finder = _Finder(alignment, draft_text, source_text, lexicon)
    finder.negation()
    finder.opposites()
    finder.comparison()
    finder.quantifier()
    finder.hedge()
    finder.number()
    swap = drug_swap(alignment) if drug_swap else None
    if swap:
        finder.add("drug", *swap)
    return tuple(sorted(finder.found, key=lambda c: (c.source_start, c.draft_start)))
