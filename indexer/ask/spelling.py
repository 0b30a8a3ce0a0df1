"""Typo correction for questions, which never corrupts a real word.

A word is *known*, and never changed, when it is a real English word (wordfreq, `english.KNOWN_FLOOR`), a word
or stemmed term of the index, a name of the drug lexicon, a class term, a question word or a stopword. An
unknown word is, in this order:
1. split, when it is two known words run together ("aday" → "a day", "inthis" → "in this");
2. joined with its neighbour, when the two together are a word of the index or a drug the sources name
   ("level iracetam" → "levetiracetam");
3. corrected to the closest word of the index, or to a drug name or class term whose drug or class the
   sources speak of (a drug by any of its names, or through its class), within an edit distance that grows with
   the word's length (`max_distance`), and only to a word more frequent in English than what was typed (a typo
   is rarer than the word it misspells). Of equally close words, one the sources speak of is preferred.
Anything else stays as written. Every change is reported (`Understanding.corrections`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from indexer.ask.vocabulary import IndexVocabulary
from indexer.lexicon.english import KNOWN_FLOOR, english_words, zipf
from indexer.lexicon.lexicon import Lexicon
from indexer.text.tokens import STOPWORDS, fold, stem

MIN_LENGTH = 4  # shorter words are too ambiguous to correct ("tu", "mgs")
SPLIT_ZIPF = 3.5  # a half of a split word is an everyday word (about three times per million words or more)


def max_distance(word: str) -> int:
    """Edits allowed for a word of this length: 1 up to 6 letters, 2 up to 10, 3 beyond."""
    return 1 if len(word) <= 6 else 2 if len(word) <= 10 else 3


@dataclass(frozen=True)
class Edit:
    """Tokens `first` to `end` (exclusive) replaced by `text`."""

    first: int
    end: int
    text: str


class Speller:
    def __init__(self, vocabulary: IndexVocabulary, lexicon: Lexicon) -> None:
        self.vocabulary = vocabulary
        self.lexicon = lexicon
        self._index_words: dict[int, list[str]] | None = None  # by length, most frequent first
        self._drug_names: dict[int, list[str]] | None = None  # single-word drug names by length
        self._english: dict[int, list[str]] | None = None  # English words by length

    # -- what is known ------------------------------------------------------------------------------------

    def is_known(self, word: str) -> bool:
        return (
            word in STOPWORDS
            or word in self.vocabulary.words
            or word in self.lexicon.question_words
            or word in self.lexicon.words
            or zipf(word) >= KNOWN_FLOOR
            or stem(word) in self.vocabulary.terms
            or self.lexicon.drug_names.is_name(word)
        )

    def _in_sources(self, word: str) -> bool:
        """A word of the index; or a class term or drug name whose class or drug the sources speak of (a drug
        by any of its names or through its class)."""
        if word in self.vocabulary.words:
            return True
        kind, value = self.lexicon.phrases.get((word,), ("", ""))
        if kind == "class":
            return self._class_in_sources(value)
        generics = [value] if kind == "drug" else self.lexicon.drug_names.generics(word)
        return any(self._drug_in_sources(g) for g in generics)

    def _drug_in_sources(self, generic: str) -> bool:
        return any(self.vocabulary.has(name) for name in self.lexicon.names_of(generic)[:30]) or any(
            self._class_in_sources(c.key) for c in self.lexicon.classes_of(generic))

    def _class_in_sources(self, key: str) -> bool:
        return bool(self.vocabulary.class_terms(self.lexicon.classes, (key,)))

    # -- corrections --------------------------------------------------------------------------------------

    def edits(self, tokens: list[str]) -> list[Edit]:
        """The corrections of a question's tokens, left to right, without overlaps."""
        folded = [fold(t) for t in tokens]
        unknown = [self._correctable(w) and not self.is_known(w) for w in folded]
        single: dict[int, tuple[str, int] | None] = {}

        def alone(j: int) -> tuple[str, int] | None:
            if j not in single:
                single[j] = self._closest(folded[j]) if unknown[j] else None
            return single[j]

        out: list[Edit] = []
        i = 0
        while i < len(tokens):
            edit = self._split(i, folded[i]) if unknown[i] else None
            if edit is None and i + 1 < len(tokens) and (unknown[i] or unknown[i + 1]):
                joined = self._join(folded[i], folded[i + 1])
                rivals = [c[1] for c in (alone(i), alone(i + 1)) if c is not None]
                if joined is not None and all(joined[1] < d for d in rivals):
                    edit = Edit(i, i + 2, joined[0])
            if edit is None and alone(i) is not None:
                edit = Edit(i, i + 1, alone(i)[0])
            if edit is not None:
                out.append(Edit(edit.first, edit.end, _same_case(tokens[i], edit.text)))
                i = edit.end
            else:
                i += 1
        return out

    def correct(self, token: str) -> str | None:
        """The intended word for one misspelt token, or None when it is known or nothing fits."""
        edits = self.edits([token])
        return edits[0].text if edits else None

    @staticmethod
    def _correctable(word: str) -> bool:
        return len(word) >= MIN_LENGTH and word.isalpha()

    def _split(self, i: int, word: str) -> Edit | None:
        """Two words run together: each half a stopword, or a word of three letters or more that is an everyday
        English word (`SPLIT_ZIPF`) or a word of the index ("lidocaineof" → "lidocaine of")."""
        best, score = None, 0.0
        for at in range(1, len(word)):
            halves = (word[:at], word[at:])
            scores = [self._split_score(h) for h in halves]
            if min(scores) > score:
                best, score = " ".join(halves), min(scores)
        return Edit(i, i + 1, best) if best else None

    def _split_score(self, half: str) -> float:
        if half in STOPWORDS:
            return 6.0
        if len(half) < 3:
            return 0.0
        frequency = zipf(half)
        if frequency >= SPLIT_ZIPF:
            return frequency
        return SPLIT_ZIPF if half in self.vocabulary.words else 0.0

    def _join(self, first: str, second: str) -> tuple[str, int] | None:
        """Two tokens that together are (or are one edit away from) a word or drug the sources name."""
        if not (first.isalpha() and second.isalpha()) or first in STOPWORDS or second in STOPWORDS:
            return None
        joined = first + second
        if self._in_sources(joined):
            return joined, 0
        found = self._closest(joined, limit=1)
        return found

    def _closest(self, word: str, limit: int | None = None) -> tuple[str, int] | None:
        """The intended word for an unknown one, with the edits needed; None when it is not in the sources.

        The candidates are the words of the index, the drug names and class terms of the lexicon, and English
        words (`english.KNOWN_FLOOR`), within the edit distance. Of those needing the fewest edits, one the
        sources speak of (the question is asked of them: "voiting" is "vomiting" over sources about vomiting,
        though "voting" is as near and more common), then one with the same first letter (typos rarely change
        it), then the most frequent in English, then the one the index uses most wins: the correction is made
        only when that word is one the sources speak of, and more frequent in English than what was typed. So a
        typo nearest to a drug the sources never name is left alone, never moved to a farther one they do
        ("rivatigmine" is not "rifaximine")."""
        limit = max_distance(word) if limit is None else limit
        choices = set()
        for buckets in (self._index_word_buckets(), self._drug_name_buckets(), self._english_buckets()):
            choices.update(self._near(buckets, len(word), limit))
        found = process.extract(word, list(choices), scorer=DamerauLevenshtein.distance, score_cutoff=limit,
                                limit=None)
        if not found:
            return None
        fewest = min(distance for _, distance, _ in found)
        in_sources = {name: self._in_sources(name) for name, distance, _ in found if distance == fewest}
        best = max(in_sources, key=lambda w: (in_sources[w], w[0] == word[0], zipf(w),
                                              self.vocabulary.words.get(w, 0), w))
        typed = zipf(word)
        if (typed == 0 or zipf(best) > typed) and in_sources[best]:
            return best, int(fewest)
        return None

    @staticmethod
    def _near(buckets: dict[int, list[str]], length: int, limit: int) -> list[str]:
        return [w for n in range(length - limit, length + limit + 1) for w in buckets.get(n, ())]

    def _index_word_buckets(self) -> dict[int, list[str]]:
        """The index's words of four letters or more, most frequent first, by length (made on first use)."""
        if self._index_words is None:
            words = self.vocabulary.words
            buckets: dict[int, list[str]] = {}
            for w in sorted(words, key=lambda w: -words[w]):
                if len(w) >= MIN_LENGTH and w not in STOPWORDS:
                    buckets.setdefault(len(w), []).append(w)
            self._index_words = buckets
        return self._index_words

    def _drug_name_buckets(self) -> dict[int, list[str]]:
        """Single-word drug names and class terms of the dictionary and the lexicon, by length (made on first
        use)."""
        if self._drug_names is None:
            names = set(self.lexicon.drug_names.single_word_names())
            names.update(key[0] for key in self.lexicon.phrases if len(key) == 1 and key[0].isalpha())
            buckets: dict[int, list[str]] = {}
            for name in sorted(names):
                buckets.setdefault(len(name), []).append(name)
            self._drug_names = buckets
        return self._drug_names

    def _english_buckets(self) -> dict[int, list[str]]:
        """English words of four letters or more at least as frequent as `english.KNOWN_FLOOR`, by length."""
        if self._english is None:
            self._english = _by_length(w for w in english_words() if len(w) >= MIN_LENGTH and w.isalpha())
        return self._english


def _by_length(words) -> dict[int, list[str]]:
    buckets: dict[int, list[str]] = {}
    for w in words:
        buckets.setdefault(len(w), []).append(w)
    return buckets


def _same_case(token: str, text: str) -> str:
    """The correction in the case the user typed: "ZOLOF" → "ZOLOFT", "Zolof" → "Zoloft"."""
    if token.isupper() and len(token) > 1:
        return text.upper()
    if token[:1].isupper():
        return text[:1].upper() + text[1:]
    return text
