"""Minimal sentence pairs made from any collection of health texts by one edit that keeps or flips the meaning,
as the counterfactually revised NLI pairs were made by hand (Kaushik et al., 2020), but by rule.

Each source sentence (8 to 45 words, from a document split into sentences by the project's own splitter) gives
at most one pair, by one edit chosen at random among those that apply to it:

    entailment      part-of-run         premise: the sentence with its neighbour; hypothesis: the sentence
                    drop-parenthesis    a bracketed aside "( … )" removed from the sentence
                    drop-clause         a trailing clause after ", which / , while / ; / , and …" removed
                                        (not when the sentence opens with a condition: "If …, …")
                    synonym             a verb of rise or fall replaced by another of the same direction
                                        (increase ↔ raise ↔ elevate, reduce ↔ decrease ↔ lower), inflection kept
                    hedge-weaken        "can / will" replaced by "may"
    contradiction   negate              "not" after the first auxiliary (is, are, was, were, can, has, …), or an
                                        existing "not" / "no" removed
                    antonym             a word replaced by its opposite: a rise against a fall (increase ↔
                                        decrease, higher ↔ lower), benefit against harm (safe ↔ unsafe), presence
                                        against absence, a group against its counterpart (children ↔ adults)
                    number              one number changed (other digits, another number word, another year)
                    drug                one drug or drug class named replaced by another drug the texts name
    neutral         strengthen          a hedge ("may / might / could") replaced by "will"
                    says-more           premise: the sentence; hypothesis: the sentence with its neighbour
                    other-sentence      hypothesis: another sentence of the same document, not next to it
                    near-topic          hypothesis: the sentence of another document that shares the most rare
                                        words with it

Inflections are kept ("increased" → "decreased", "Higher" → "Lower"). Nothing here depends on a corpus: the
word pairs are general English (WordNet's antonyms and synonyms were tried and left out: a word's other senses
made too many wrong pairs, "patient" → "impatient", "transport" → "carry") and the drug names are the drug
dictionary's.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from indexer.text.sentences import split_sentences
from indexer.text.tokens import STOPWORDS, WORD, fold

ENTAILMENT, NEUTRAL, CONTRADICTION = "entailment", "neutral", "contradiction"
MIN_WORDS, MAX_WORDS = 8, 45
AUXILIARIES = ("is", "are", "was", "were", "can", "could", "should", "will", "would", "has", "have", "had",
               "must", "does", "do", "did")
NEGATED = {"can": "cannot"}
SUBORDINATE_OPENERS = ("if", "when", "whenever", "unless", "although", "though", "while", "because", "since",
                       "after", "before", "once", "as", "whereas", "in case")
CLAUSE_CUTS = re.compile(r",\s+(?:which|while|whereas|and|but|with|including|although|as well as)\s|;\s")
PARENTHESIS = re.compile(r"\s?\([^()]{2,120}\)")
NUMBER = re.compile(r"(?<![\w.,·])(\d+(?:[.,·]\d+)?)(?![\w.,·]*\d)")
NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "twenty",
                "thirty", "fifty", "hundred")
# a rise against a fall; benefit against harm: the word classes of the wording check, in pairs of base forms
# whose inflections are made alike (increase/increased/increases/increasing)
OPPOSITE_VERBS = (("increase", "decrease"), ("raise", "lower"), ("improve", "worsen"), ("rise", "fall"),
                  ("enhance", "reduce"), ("promote", "inhibit"), ("accelerate", "slow"), ("strengthen", "weaken"))
OPPOSITE_WORDS = (("higher", "lower"), ("more", "less"), ("greater", "smaller"), ("larger", "smaller"),
                  ("high", "low"), ("safe", "unsafe"), ("effective", "ineffective"), ("beneficial", "harmful"),
                  ("positive", "negative"), ("positively", "negatively"), ("before", "after"), ("all", "none of the"),
                  ("always", "never"), ("increased", "decreased"), ("reduced", "increased"),
                  ("lowest", "highest"), ("better", "worse"), ("faster", "slower"), ("earlier", "later"),
                  ("common", "rare"), ("commonly", "rarely"), ("present", "absent"), ("presence", "absence"),
                  ("children", "adults"), ("men", "women"), ("younger", "older"), ("acute", "chronic"),
                  ("benefit", "harm"), ("benefits", "harms"), ("protective", "harmful"), ("sensitive", "insensitive"),
                  ("likely", "unlikely"), ("able", "unable"), ("consistent", "inconsistent"), ("minor", "major"),
                  ("mild", "severe"), ("short", "long"), ("shorter", "longer"), ("strong", "weak"),
                  ("stronger", "weaker"), ("positive", "negative"), ("inside", "outside"), ("above", "below"))
# verbs of one direction, replaceable by each other (inflections kept)
SAME_DIRECTION = (("increase", "raise", "elevate", "boost"), ("decrease", "reduce", "lower", "diminish", "lessen"))
HEDGES = ("may", "might", "could")


@dataclass(frozen=True)
class Pair:
    premise: str
    hypothesis: str
    label: str  # entailment, neutral, contradiction (or not_entailment: one of the other two)
    origin: str  # where it comes from (a data set, or "generated:<corpus>")
    kind: str  # the edit that made it, or the data set's own split
    group: str = ""  # pairs of one group (a document, an abstract) are never split between training and held-out


@dataclass(frozen=True)
class Document:
    name: str  # unique in its corpus: pairs are grouped by it
    corpus: str
    text: str


def document_sentences(document: Document) -> list[str]:
    """The sentences of a document worth editing: 8 to 45 words, ending like a sentence, no line breaks."""
    out = []
    for a, b in split_sentences(document.text):
        sentence = " ".join(document.text[a:b].split())
        words = WORD.findall(sentence)
        if MIN_WORDS <= len(words) <= MAX_WORDS and sentence[-1:] in ".!?" and sentence[:1].isupper():
            out.append(sentence)
    return out


def _match_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _inflections(base: str) -> dict[str, str]:
    """Regular inflections of a verb: base, -s, -ed, -ing (e/y endings handled)."""
    stem = base[:-1] if base.endswith("e") else base
    forms = {"": base, "s": base + "s", "ed": stem + "ed", "ing": stem + "ing"}
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        forms.update(s=base[:-1] + "ies", ed=base[:-1] + "ied")
    if base in ("rise", "fall"):
        forms.update(ed={"rise": "rose", "fall": "fell"}[base])
    return forms


def opposite_table() -> dict[str, str]:
    """Lower-case word -> its opposite: the verb pairs in every inflection, the word pairs both ways."""
    table: dict[str, str] = {}
    for a, b in OPPOSITE_VERBS:
        fa, fb = _inflections(a), _inflections(b)
        for ending in fa:
            table.setdefault(fa[ending], fb[ending])
            table.setdefault(fb[ending], fa[ending])
    for a, b in OPPOSITE_WORDS:
        table.setdefault(a, b)
        if " " not in b:
            table.setdefault(b, a)
    return table


def synonym_table() -> dict[str, list[str]]:
    """Lower-case word -> the words of the same direction, in the same inflection."""
    table: dict[str, list[str]] = {}
    for group in SAME_DIRECTION:
        forms = [_inflections(verb) for verb in group]
        for ending in forms[0]:
            for f in forms:
                table[f[ending]] = [g[ending] for g in forms if g is not f]
    return table


class Editor:
    """Makes the pairs of a collection of documents (see the module's docstring)."""

    def __init__(self, opposites: dict[str, str], synonyms: dict[str, list[str]],
                 drug_mentions: Callable[[str], list[tuple[int, int]]], drug_pool: Sequence[str],
                 rng: random.Random) -> None:
        self.opposites = opposites
        self.synonyms = synonyms
        self.drug_mentions = drug_mentions  # character spans of drug and class names in a sentence
        self.drug_pool = list(drug_pool)
        self.rng = rng

    # -- single-sentence edits: each returns the edited sentence or None when it does not apply -------------
    def negate(self, s: str) -> str | None:
        m = re.search(r"\b(not|no)\s", s)
        if m and self.rng.random() < 0.5:
            if m.group(1) == "no":
                return None  # "no X" without "no" is seldom a sentence
            return s[: m.start()] + s[m.end():]
        for m in re.finditer(r"\b(" + "|".join(AUXILIARIES) + r")\b(\s+)(?!not\b|n't)(\w+)", s):
            if m.start() == 0:
                continue  # a question-like opening ("Is it …")
            word = m.group(1)
            if word in NEGATED:
                return s[: m.start()] + NEGATED[word] + m.group(2) + s[m.end(2):]
            return s[: m.end(1)] + " not" + s[m.end(1):]
        return None

    def antonym(self, s: str) -> str | None:
        spots = [m for m in WORD.finditer(s) if m.group(0).lower() in self.opposites]
        if not spots:
            return None
        m = self.rng.choice(spots)
        return s[: m.start()] + _match_case(self.opposites[m.group(0).lower()], m.group(0)) + s[m.end():]

    def number(self, s: str) -> str | None:
        spots = [m for m in NUMBER.finditer(s) if not _part_of_name(s, m.start(), m.end())]
        words = [m for m in WORD.finditer(s) if m.group(0).lower() in NUMBER_WORDS]
        if not spots and not words:
            return None
        if spots and (not words or self.rng.random() < 0.75):
            m = self.rng.choice(spots)
            return s[: m.start()] + self._other_number(m.group(1)) + s[m.end():]
        m = self.rng.choice(words)
        other = self.rng.choice([w for w in NUMBER_WORDS if w != m.group(0).lower()])
        return s[: m.start()] + _match_case(other, m.group(0)) + s[m.end():]

    def _other_number(self, text: str) -> str:
        clean = text.replace(",", "").replace("·", ".")
        decimals = len(clean.split(".")[1]) if "." in clean else 0
        value = float(clean)
        if decimals == 0 and 1900 <= value <= 2100:
            changed = value + self.rng.choice([-7, -3, -2, -1, 1, 2, 4, 9])
        else:
            factor = self.rng.choice([0.25, 0.5, 2.0, 3.0, 5.0, 10.0])
            changed = value * factor if value else self.rng.choice([3, 10, 25])
            if round(changed, decimals) == value:
                changed = value + 1
        return f"{changed:.{decimals}f}"

    def drug(self, s: str) -> str | None:
        mentions = self.drug_mentions(s)
        if not mentions or len(self.drug_pool) < 2:
            return None
        a, b = self.rng.choice(mentions)
        here = fold(s[a:b])
        choices = [d for d in self.drug_pool if d != here and d not in fold(s)]
        if not choices:
            return None
        other = self.rng.choice(choices)
        return s[:a] + _match_case(other, s[a:b]) + s[b:]

    def drop_parenthesis(self, s: str) -> str | None:
        m = PARENTHESIS.search(s)
        if not m:
            return None
        out = s[: m.start()] + s[m.end():]
        return out if len(WORD.findall(out)) >= 5 and out != s else None

    def drop_clause(self, s: str) -> str | None:
        if fold(s).startswith(SUBORDINATE_OPENERS) or re.search(r"\b(not|no|never|only)\b", fold(s)):
            return None
        m = CLAUSE_CUTS.search(s)
        if not m or len(WORD.findall(s[: m.start()])) < 6:
            return None
        return s[: m.start()].rstrip(" ,;") + "."

    def synonym(self, s: str) -> str | None:
        spots = [m for m in WORD.finditer(s) if m.group(0).lower() in self.synonyms]
        if not spots:
            return None
        m = self.rng.choice(spots)
        other = self.rng.choice(self.synonyms[m.group(0).lower()])
        return s[: m.start()] + _match_case(other, m.group(0)) + s[m.end():]

    def hedge_weaken(self, s: str) -> str | None:
        m = re.search(r"\b(can|will)\s+(?!not\b)(?=\w)", s)
        return s[: m.start()] + "may " + s[m.end():] if m and m.start() > 0 else None

    def strengthen(self, s: str) -> str | None:
        m = re.search(r"\b(" + "|".join(HEDGES) + r")\s+(?!not\b)(?=\w)", s)
        return s[: m.start()] + "will " + s[m.end():] if m and m.start() > 0 else None

    # -- pairs ------------------------------------------------------------------------------------------
    SINGLE = (("negate", CONTRADICTION), ("antonym", CONTRADICTION), ("number", CONTRADICTION),
              ("drug", CONTRADICTION), ("drop_parenthesis", ENTAILMENT), ("drop_clause", ENTAILMENT),
              ("synonym", ENTAILMENT), ("hedge_weaken", ENTAILMENT), ("strengthen", NEUTRAL))

    def pairs(self, documents: Iterable[Document], per_document: int, near: Callable[[str, str], str | None],
              weights: dict[str, float] | None = None) -> list[Pair]:
        """Up to `per_document` pairs of each document, one per sentence; `near(sentence, document name)` gives
        the sentence of another document nearest in rare words (or None)."""
        weights = weights or {}
        out: list[Pair] = []
        for doc in documents:
            sentences = document_sentences(doc)
            order = list(range(len(sentences)))
            self.rng.shuffle(order)
            made = 0
            for i in order:
                if made >= per_document:
                    break
                pair = self._one(doc, sentences, i, near, weights)
                if pair is not None:
                    out.append(pair)
                    made += 1
        return out

    def _one(self, doc: Document, sentences: list[str], i: int, near, weights) -> Pair | None:
        s = sentences[i]
        options: list[tuple[str, str, str, str]] = []  # (kind, label, premise, hypothesis)
        for kind, label in self.SINGLE:
            edited = getattr(self, kind)(s)
            if edited and edited != s:
                options.append((kind.replace("_", "-"), label, s, edited))
        if i + 1 < len(sentences):
            options.append(("part-of-run", ENTAILMENT, f"{s} {sentences[i + 1]}", s))
            options.append(("says-more", NEUTRAL, s, f"{s} {sentences[i + 1]}"))
        far = [j for j in range(len(sentences)) if abs(j - i) > 1]
        if far:
            options.append(("other-sentence", NEUTRAL, s, sentences[self.rng.choice(far)]))
        other = near(s, doc.name)
        if other:
            options.append(("near-topic", NEUTRAL, other, s))
        if not options:
            return None
        # first the label (so that no label dominates because more edits apply to it), then an edit of it
        labels = sorted({o[1] for o in options})
        label = self.rng.choice(labels)
        chosen = [o for o in options if o[1] == label]
        w = [weights.get(o[0], 1.0) for o in chosen]
        kind, label, premise, hypothesis = self.rng.choices(chosen, weights=w)[0]
        return Pair(premise, hypothesis, label, f"generated:{doc.corpus}", kind, f"{doc.corpus}:{doc.name}")


def _part_of_name(s: str, a: int, b: int) -> bool:
    """Digits glued to letters or a hyphen ("COVID-19", "IL-6", "H1N1"): part of a name, not a quantity."""
    return (a > 0 and (s[a - 1].isalpha() or s[a - 1] == "-")) or (b < len(s) and s[b].isalpha())


def content_words(s: str) -> set[str]:
    """The distinct folded words of a sentence, stopwords and bare numbers left out."""
    return {w for w in (fold(x) for x in WORD.findall(s)) if w not in STOPWORDS and not w.isdigit()}


class NearestSentence:
    """For a sentence, the sentence of another document sharing the most rare words (idf-weighted), from a
    sample of sentences."""

    def __init__(self, sentences: list[tuple[str, str]], min_shared: float = 6.0) -> None:
        self.sentences = sentences  # (document name, sentence)
        self.bags = [content_words(s) for _, s in sentences]
        df = Counter(w for bag in self.bags for w in bag)
        import math

        self.idf = {w: math.log(len(self.bags) / n) for w, n in df.items()}
        self.postings: dict[str, list[int]] = {}
        for k, bag in enumerate(self.bags):
            for w in bag:
                self.postings.setdefault(w, []).append(k)
        self.min_shared = min_shared


    def __call__(self, sentence: str, document: str) -> str | None:
        scores: Counter = Counter()
        for w in content_words(sentence):
            postings = self.postings.get(w, ())
            if len(postings) > 200:
                continue  # too common to tell
            for k in postings:
                scores[k] += self.idf[w]
        for k, score in scores.most_common(20):
            name, other = self.sentences[k]
            if name != document and score >= self.min_shared and other != sentence:
                return other
        return None
