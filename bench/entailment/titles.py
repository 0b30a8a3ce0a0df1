"""Sentence pairs from the titles of scientific abstracts, made by rule.

A title that states a finding ("Soluble MD-2 is an acute-phase protein", "Genetic variants at newly identified lipid
loci are associated with coronary heart disease") says, shorter and looser, what the abstract concludes: the way a
news claim restates the abstract it reports on, which is what the wording check most often reads. The general
and generated pairs teach close restatements; these teach loose ones, with a minimal pair beside each.

    entailment     premise: the sentence of the abstract's second half (where findings are reported) that shares
                   the most rare words with the title; hypothesis: the title
    contradiction  the same premise; hypothesis: the title with one edit that flips its meaning (`Editor`: a
                   negation, an antonym, a number, a drug)
    neutral        premise: the sentence of another abstract nearest to the title by rare words; hypothesis: the
                   title

A title states a finding when it has a finite verb: an auxiliary or copula ("is", "are", "can", "does", …) or a
general verb of findings in its third-person form ("reduces", "promotes", "predicts", …; `FINDING_VERBS`), and is
not a question. A title with a subtitle ("X reduces Y: a randomised trial") keeps the part with the verb. The
premise must hold at least `MIN_SHARED` of the title's rare-word weight, or the title gives no pair (its finding
may be in no one sentence). Nothing here depends on a corpus.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.entailment.minimal_pairs import (
    CONTRADICTION,
    ENTAILMENT,
    NEUTRAL,
    Document,
    Editor,
    Pair,
    content_words,
    document_sentences,
)
from indexer.text.tokens import WORD, fold

FINITE = frozenset((
    "is", "are", "was", "were", "has", "have", "can", "may", "might", "could", "does", "do", "will", "would",
    "should",
))
# general verbs that state a finding, in their base form; "-s" / "-es" forms are matched (base forms are often nouns)
FINDING_VERBS = frozenset((
    "increase", "reduce", "decrease", "improve", "inhibit", "promote", "induce", "regulate", "cause", "prevent",
    "predict", "enhance", "impair", "protect", "mediate", "require", "suppress", "activate", "determine", "modulate",
    "affect", "lower", "raise", "contribute", "confer", "alter", "restore", "attenuate", "accelerate", "facilitate",
    "stimulate", "correlate", "depend", "underlie", "encode", "bind", "couple", "reveal", "show", "identify",
    "exacerbate", "ameliorate", "worsen", "elevate", "diminish", "impede", "augment", "potentiate", "counteract",
    "abolish", "disrupt",
))
MIN_WORDS, MAX_WORDS = 5, 30
MIN_SHARED = 0.5  # share of the title's rare-word weight the premise must hold


def finding(title: str) -> str | None:
    """The part of a title that states a finding (see the module's docstring), or None."""
    title = " ".join(title.split()).rstrip(".")
    if not title or "?" in title:
        return None
    for part in title.split(":"):
        part = part.strip()
        words = [fold(w) for w in WORD.findall(part)]
        if MIN_WORDS <= len(words) <= MAX_WORDS and any(_finite(w) for w in words[1:]):
            return part[0].upper() + part[1:] + "."
    return None


def _finite(word: str) -> bool:
    if word in FINITE:
        return True
    if word.endswith("ies"):
        return word[:-3] + "y" in FINDING_VERBS
    return word.endswith("s") and (word[:-1] in FINDING_VERBS or (word.endswith("es") and word[:-2] in FINDING_VERBS))


@dataclass(frozen=True)
class TitledDocument:
    document: Document
    title: str


class TitlePairs:
    """Makes the pairs of a collection of titled abstracts, with one `Editor` for the contradictions and a
    `near(sentence, document name)` for the neutral pairs (`minimal_pairs.NearestSentence`)."""

    def __init__(self, documents: Sequence[TitledDocument], editor: Editor,
                 near: Callable[[str, str], str | None]) -> None:
        self.documents = documents
        self.editor = editor
        self.near = near
        bags = [content_words(s) for d in documents for s in document_sentences(d.document)]
        df = Counter(w for bag in bags for w in bag)
        self.idf = {w: math.log((1 + len(bags)) / (1 + n)) + 1.0 for w, n in df.items()}
        self.max_idf = math.log(1 + len(bags)) + 1.0

    def premise(self, doc: TitledDocument, claim: str) -> str | None:
        """The sentence of the abstract's second half that shares the most rare words with the claim, when it
        holds at least MIN_SHARED of their weight."""
        sentences = document_sentences(doc.document)
        later = sentences[len(sentences) // 2:]
        own = content_words(claim)
        if not later or not own:
            return None
        weight = {w: self.idf.get(w, self.max_idf) for w in own}
        total = sum(weight.values())
        best = max(later, key=lambda s: sum(weight[w] for w in own & content_words(s)))
        shared = sum(weight[w] for w in own & content_words(best)) / total
        return best if shared >= MIN_SHARED else None

    def pairs(self) -> list[Pair]:
        out: list[Pair] = []
        for doc in self.documents:
            claim = finding(doc.title)
            if claim is None:
                continue
            premise = self.premise(doc, claim)
            if premise is None:
                continue
            corpus, name = doc.document.corpus, doc.document.name
            group = f"{corpus}:{name}"
            origin = f"titles:{corpus}"
            out.append(Pair(premise, claim, ENTAILMENT, origin, "title", group))
            edits = [(kind, getattr(self.editor, kind)(claim)) for kind in ("negate", "antonym", "number", "drug")]
            edits = [(kind, edited) for kind, edited in edits if edited and edited != claim]
            if edits:
                kind, edited = self.editor.rng.choice(edits)
                out.append(Pair(premise, edited, CONTRADICTION, origin, f"title-{kind}", group))
            other = self.near(claim, name)
            if other:
                out.append(Pair(other, claim, NEUTRAL, origin, "title-near-topic", group))
        return out
