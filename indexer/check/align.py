"""Word alignment of a draft sentence with a source span, for sentences in other words as much as near copies.

Content words (not stopwords) are linked one to one, best relation first: the same word, the same stem
("interacts" ~ "interact"), a shared base form ("worse" ~ "bad"), WordNet synonyms ("medicine" ~ "medication"),
or a near spelling ("Neandertals" ~
"Neanderthals", "vaccinated" ~ "vaccine"; never a word and its negative, "asymptomatic" ~ "symptomatic"). Among
equally good links the one at the nearer relative position wins. Words left unlinked are what the meaning checks (`conflict.py`) compare: an
antonym, a rise against a fall, a number against another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from indexer.check.diff import Token
from indexer.text.tokens import STOPWORDS, stem

RELATION_SCORES = {"same": 1.0, "stem": 0.95, "lemma": 0.9, "synonym": 0.85, "similar": 0.8}
MIN_SIMILAR_LENGTH = 5  # near spellings are only trusted between words this long
NEGATIVE_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non", "non-", "a", "an", "anti", "de", "mis")
ANCHOR_WINDOW = 4  # tokens: how near a linked pair must be for an unlinked pair to count as facing each other


@dataclass(frozen=True)
class Link:
    draft: int  # token numbers in the draft sentence and in the span
    source: int
    relation: str  # "same", "stem", "lemma", "synonym" or "similar"


@dataclass(frozen=True)
class Alignment:
    draft: tuple[Token, ...]
    source: tuple[Token, ...]
    links: tuple[Link, ...]
    draft_content: tuple[int, ...]  # token numbers of content words
    source_content: tuple[int, ...]

    def linked_draft(self) -> set[int]:
        return {link.draft for link in self.links}

    def linked_source(self) -> set[int]:
        return {link.source for link in self.links}

    def anchored(self, i: int, j: int, window: int = ANCHOR_WINDOW) -> bool:
        """Whether draft token i and source token j face each other: some other linked pair lies within `window`
        tokens of both (so "lower" and "increase" in "... SSRIs lower serotonin" and "... SSRIs increase the
        serotonin ..." are compared, and words of unrelated clauses are not)."""
        return any(abs(link.draft - i) <= window and abs(link.source - j) <= window
                   and link.draft != i and link.source != j for link in self.links)

    def source_window(self, margin: int = ANCHOR_WINDOW) -> range:
        """The source tokens the draft speaks of: from the first linked word to the last, with a margin."""
        if not self.links:
            return range(0)
        first = min(link.source for link in self.links)
        last = max(link.source for link in self.links)
        return range(max(0, first - margin), min(len(self.source), last + margin + 1))

    def coverage(self, weight: Callable[[str], float]) -> float:
        """The weighted share of the draft's content words that are linked (weight: rarity of a word)."""
        total = sum(weight(self.draft[i].key) for i in self.draft_content)
        if not total:
            return 0.0
        linked = self.linked_draft()
        return sum(weight(self.draft[i].key) for i in self.draft_content if i in linked) / total


def content_words(tokens: Sequence[Token]) -> tuple[int, ...]:
    return tuple(n for n, t in enumerate(tokens) if t.is_word and t.key not in STOPWORDS and not t.key.isdigit())


def relation(a: str, b: str, lemmas: Callable[[str], frozenset[str]] | None = None,
             senses: Callable[[str], frozenset[int]] | None = None) -> str | None:
    """How two folded words relate as a link, or None."""
    if a == b:
        return "same"
    return _relation(_word(a, lemmas, senses), _word(b, lemmas, senses))


@dataclass(frozen=True)
class _Word:
    key: str
    stem: str
    lemmas: frozenset[str]
    senses: frozenset[int]


def _word(key: str, lemmas=None, senses=None) -> _Word:
    return _Word(key, stem(key), lemmas(key) if lemmas else frozenset(), senses(key) if senses else frozenset())


def _relation(x: _Word, y: _Word) -> str | None:
    a, b = x.key, y.key
    if a == b:
        return "same"
    if x.stem == y.stem:
        return "stem"
    if x.lemmas & y.lemmas:
        return "lemma"
    if x.senses & y.senses:
        return "synonym"
    if min(len(a), len(b)) >= MIN_SIMILAR_LENGTH and a[:3] == b[:3] and not negative_of(a, b):
        prefix = 3
        for char_a, char_b in zip(a[3:], b[3:], strict=False):
            if char_a != char_b:
                break
            prefix += 1
        if prefix >= MIN_SIMILAR_LENGTH and prefix >= 0.7 * min(len(a), len(b)):
            return "similar"
        if Levenshtein.normalized_similarity(a, b) >= 0.85:
            return "similar"
    elif (min(len(a), len(b)) >= MIN_SIMILAR_LENGTH + 3 and not negative_of(a, b)
          and Levenshtein.normalized_similarity(a, b) >= 0.85):  # a spelling that differs early ("oestrogen")
        return "similar"
    return None


def negative_of(a: str, b: str) -> bool:
    """Whether one word is the other with a negative prefix ("unsafe", "asymptomatic", "nonsmoker")."""
    short, long = sorted((a, b), key=len)
    return any(long == prefix + short for prefix in NEGATIVE_PREFIXES)


def align(draft: Sequence[Token], source: Sequence[Token], lemmas: Callable[[str], frozenset[str]] | None = None,
          senses: Callable[[str], frozenset[int]] | None = None) -> Alignment:
    """Link the content words of `draft` to those of `source`, one to one, best relation and nearest first.
    `lemmas(word)` gives a word's base forms and `senses(word)` its synonym groups (see `indexer.lexicon.words.WordTables`)."""
    draft_content = content_words(draft)
    source_content = content_words(source)
    n, m = max(len(draft), 1), max(len(source), 1)
    source_words = [(j, _word(source[j].key, lemmas, senses)) for j in source_content]
    scored = []
    for i in draft_content:
        x = _word(draft[i].key, lemmas, senses)
        for j, y in source_words:
            kind = _relation(x, y)
            if kind is not None:
                scored.append((-RELATION_SCORES[kind], abs(i / n - j / m), i, j, kind))
    scored.sort()
    used_draft: set[int] = set()
    used_source: set[int] = set()
    links = []
    for _, _, i, j, kind in scored:
        if i in used_draft or j in used_source:
            continue
        used_draft.add(i)
        used_source.add(j)
        links.append(Link(i, j, kind))
    return Alignment(tuple(draft), tuple(source), tuple(sorted(links, key=lambda link: link.draft)), draft_content,
                     source_content)
