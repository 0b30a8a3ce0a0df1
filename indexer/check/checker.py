"""The wording check, built once per index and model: a draft in, a verdict for each sentence out.

    checker = WordingChecker.for_engine(engine)       # spans, word tables and both models, loaded once
    report = checker.check("Benzodiazepines are safe at any dose.")

For each sentence of the draft (`drafts.py` splits it):
1. an exact copy of a source sentence (case, quotes, dashes and spacing aside) is `verbatim`;
2. otherwise its evidence is gathered (`evidence.py`): the source span most like it word for word (a near copy
   makes it a candidate for `changed`), and the candidate spans nearest by meaning and by shared rare words, each
   aligned word by word and checked for conflicts (`conflict.py`);
3. the entailment model (`entailment.py`) reads the few best candidates together with the sentence;
4. `decide.py` gives the verdict from all of it, with the thresholds of `Thresholds`.
The model reads the pairs of the whole draft in a few batches, so a check costs a few model calls, not one per
candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from indexer.check.decide import Thresholds, decide
from indexer.check.diff import MeaningRules, diff, normalize, tokenize
from indexer.check.entailment import EntailmentModel
from indexer.check.evidence import Assessment, EvidenceFinder
from indexer.check.spans import SpanIndex, span_index
from indexer.check.verdicts import (
    MAX_DRAFT_CHARS,
    CheckReport,
    SentenceCheck,
    closest_wording,
    validate_draft,
)
from indexer.lexicon.words import WordTables, load_word_tables
from indexer.text.tokens import STOPWORDS, WORD, fold, terms

JUDGED_SINGLE = 3  # candidate sentences the model reads per draft sentence ...
JUDGED_RUNS = 2  # ... and runs of two or three sentences (besides a near copy's span)


@dataclass
class SentenceEvidence:
    """What the check found for one draft sentence, before the verdict is decided."""

    text: str
    start: int
    end: int
    exact: int | None = None  # the span it copies exactly
    closest: int = -1  # the span most like it word for word
    ratio: float = 0.0  # their word similarity
    near_copy: bool = False  # close enough word for word to be "changed"
    changes: tuple = ()  # the near copy's word changes (diff.py)
    closest_cosine: float = 0.0
    context: int = -1  # the run of the near copy's span with the sentence before it (its pronouns' referents)
    alike: frozenset[int] = frozenset()  # the near copy's changes that put a word for one of the same strength
    assessed: list[Assessment] = field(default_factory=list)  # candidates, best first
    judged: dict[int, tuple[float, float]] = field(default_factory=dict)  # span -> (entailment, contradiction)

    def pairs(self, single: list[bool], sentences: int = JUDGED_SINGLE, runs: int = JUDGED_RUNS,
              min_cosine: float = 0.0) -> list[int]:
        """The spans the model should read for this sentence. A near copy's verdict reads only its span (and the
        span with the sentence before it); otherwise the best candidate single sentences and runs (a claim is often
        one sentence of a source; sometimes it needs two or three), leaving out those too far in meaning
        (`min_cosine`) for any verdict to use their reading."""
        if self.near_copy:
            return [n for n in (self.closest, self.context) if n >= 0]
        near = [a for a in self.assessed if a.cosine >= min_cosine]
        return ([a.span for a in near if single[a.span]][:sentences]
                + [a.span for a in near if not single[a.span]][:runs])


class WordingChecker:
    """Everything a wording check needs, made once: the candidate spans of the index's sources with their vectors,
    the word tables, the meaning rules and the entailment model. Read-only after it is made; safe to share."""

    def __init__(self, spans: SpanIndex, embedder, words: WordTables, model: EntailmentModel,
                 thresholds: Thresholds | None = None, judged: tuple[int, int] = (JUDGED_SINGLE, JUDGED_RUNS)) -> None:
        self.spans = spans
        self.embedder = embedder
        self.words = words
        self.model = model
        self.thresholds = thresholds or Thresholds.load()
        self.judged = judged  # candidate sentences and runs the model reads per draft sentence
        self.rules = MeaningRules(spans.drug_spans, words.opposition)
        self.evidence = EvidenceFinder(spans, words)
        # a sentence -> the run of it with the sentence before it (two sentences of one paragraph ending there)
        self.with_previous = {(s.source_id, s.end): n for n, s in enumerate(spans.spans) if s.sentences == 2}

    @classmethod
    def for_engine(cls, engine, thresholds: Thresholds | None = None,
                   model: EntailmentModel | None = None) -> WordingChecker:
        """The checker of an engine's index and model (the model file shipped in the package unless given)."""
        return cls(span_index(engine), engine.embedder, load_word_tables(), model or EntailmentModel.load(),
                   thresholds)

    # -- checking ------------------------------------------------------------------------------------------

    def check(self, draft: str, max_chars: int = MAX_DRAFT_CHARS) -> CheckReport:
        """Compare every sentence of `draft` with the sources."""
        found = self.gather(draft, max_chars)
        return CheckReport(draft, tuple(self.verdict(draft, e) for e in found))

    def gather(self, draft: str, max_chars: int = MAX_DRAFT_CHARS) -> list[SentenceEvidence]:
        """Each sentence's evidence, with the model's reading of its best candidates (`decide` needs nothing
        else: the development scripts gather once and decide with many thresholds)."""
        sentences = validate_draft(draft, max_chars)
        found = [SentenceEvidence(draft[a:b], a, b, self.spans.exact.get(normalize(draft[a:b])))
                 for a, b in sentences]
        rest = [e for e in found if e.exact is None]
        if rest:
            vectors = self.embedder.encode_queries([e.text for e in rest])
            for e, vector in zip(rest, vectors, strict=True):
                self._assess(draft, e, vector)
            self._judge(rest)
        return found

    def verdict(self, draft: str, e: SentenceEvidence, thresholds: Thresholds | None = None) -> SentenceCheck:
        return decide(e, self.spans, thresholds or self.thresholds, draft)

    def _assess(self, draft: str, e: SentenceEvidence, vector: np.ndarray) -> None:
        index = self.spans
        tokens = tokenize(draft, e.start, e.end)
        words = [tok.key for tok in tokens if tok.is_word]
        cosines = index.vectors @ vector
        e.closest, e.ratio, e.near_copy = closest_wording(words, index)
        if e.closest >= 0:
            e.closest_cosine = float(cosines[e.closest])
        if e.near_copy:
            span = index.spans[e.closest]
            e.changes = tuple(diff(draft, tokens, index.texts[span.source_id], index.tokens[e.closest], self.rules))
            if span.sentences == 1:
                e.context = self.with_previous.get((span.source_id, span.end), -1)
            e.alike = frozenset(k for k, c in enumerate(e.changes) if like_for_like(c, self.words))
        own = set(terms(e.text))
        e.assessed = [self.evidence.assess(draft, tokens, own, n, float(cosines[n]))
                      for n in self.evidence.candidates(own, cosines)]

    def _judge(self, found: Sequence[SentenceEvidence]) -> None:
        t = self.thresholds
        floor = min(t.paraphrase_cosine, t.conflict_cosine)  # below both, no verdict reads the model
        wanted = [(e, n) for e in found for n in e.pairs(self.spans.single, *self.judged, min_cosine=floor)]
        probs = self.model.judge([(self.spans.spans[n].text, e.text) for e, n in wanted])
        for (e, n), p in zip(wanted, probs, strict=True):
            e.judged[n] = (float(p[0]), float(p[2]))


def like_for_like(change, words: WordTables) -> bool:
    """Whether a change puts one word for another of the same strength: both in one word class of
    `WordTables` ("suggests" → "indicates", both hedges; "generally" → "usually", both partial) or synonyms, so a
    reader could lift its flag when the source entails the sentence. "usually" → "always" (partial → universal) and
    "extreme" → "mild" are not."""
    draft = [w for w in WORD.findall(fold(change.draft)) if w not in STOPWORDS]
    source = [w for w in WORD.findall(fold(change.source)) if w not in STOPWORDS]
    if len(draft) != 1 or len(source) != 1:
        return False
    a, b = draft[0], source[0]
    return bool(words.word_classes(a) & words.word_classes(b) or words.senses(a) & words.senses(b)
                or words.lemmas(a) & words.lemmas(b)) and not words.opposite(a, b)


def check(engine, draft: str, thresholds: Thresholds | None = None, max_chars: int = MAX_DRAFT_CHARS) -> CheckReport:
    """One check with a checker made for it (to check many drafts, make a `WordingChecker` once)."""
    return WordingChecker.for_engine(engine, thresholds).check(draft, max_chars)
