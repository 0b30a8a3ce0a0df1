"""Check my wording: each sentence of a draft against the closest source span, with a verdict.

    conflicts    a source says something incompatible, in other words: the opposite polarity or direction, a
                 different number, quantifier or hedge, another drug or class, an antonym (the conflicting words
                 of both sides are the sentence's changes)
    verbatim     the source says exactly this (case, curly vs straight quotes, dashes and spacing ignored)
    changed      nearly the source's wording, with words changed, added or dropped (a word-level diff); each change
                 that can alter the meaning is flagged, and the source supports the sentence only when none is
    paraphrase   the same claim in other words: close in meaning, and nothing in it conflicts with the span
    unsupported  no source says this

A near copy stays `changed` even when a change reverses it ("does not interact" → "does interact"): its diff
already marks the reversing words (with the reason: negation, antonym, direction...), and `changed` with a meaning
change is a warning. `conflicts` is for sentences in other words, where no word diff would show the reversal.

Sentences in other words are compared with candidate spans found by meaning and by shared rare words
(`evidence.py`), aligned word by word (`align.py`) and checked for conflicts (`conflict.py`); a span supports the
sentence when it is close enough, nothing conflicts, and the fitted model (`support.py`) finds it the span the
sentence speaks of and agrees that it supports it.

Candidate spans are every sentence of every source (headings included) and runs of two or three consecutive
sentences of one paragraph, each an exact slice of the source file. They are embedded once per engine and index
build (see `spans.py`), never once per draft.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from indexer.check.antonyms import load_lexicon
from indexer.check.diff import Change, MeaningRules, diff, normalize, tokenize
from indexer.check.evidence import Assessment, Evidence
from indexer.check.spans import Span, SpanIndex, span_index
from indexer.check.support import SupportModel, context_values, feature_values, load_support_model
from indexer.errors import DraftError
from indexer.text.sentences import skip_marker, split_sentences
from indexer.text.tokens import STOPWORDS, terms

# The verdicts before `conflicts` existed, in their order (callers that colour or filter by verdict use it);
# ALL_VERDICTS adds `conflicts`, first: what a writer must see first.
VERDICTS = ("verbatim", "changed", "paraphrase", "unsupported")
ALL_VERDICTS = ("conflicts", *VERDICTS)
SUPPORTING = ("verbatim", "changed", "paraphrase")  # `changed` only with no meaning change flagged
MAX_DRAFT_CHARS = 100_000


@dataclass(frozen=True)
class Thresholds:
    """Calibrated on tests/eval/drafts.jsonl (`python -m indexer.evaluate.drafts tests/eval/drafts.jsonl`)."""

    # "changed": the word-sequence similarity (difflib ratio over words) to the best span reaches `changed_ratio`,
    # or the span holds `changed_cover` of the draft's words in order while the draft reuses `changed_span_cover`
    # of the span (a source sentence with a clause dropped).
    changed_ratio: float = 0.7
    changed_cover: float = 0.85
    changed_span_cover: float = 0.3
    # "paraphrase": the cosine reaches `paraphrase_cosine`, nothing conflicts, no number or drug is added, and the
    # support model (`support.py`) agrees. The cosine alone does not separate a paraphrase from an unsupported
    # claim on the same topic ("Ketamine is addictive..." is close to every sentence about ketamine); the model
    # weighs the shared rare terms, the aligned words and which way each side leans. Among spans the model does
    # not judge (nearer than `paraphrase_close`), the best by cosine + term_weight × (rarity-weighted share of
    # the sentence's content terms the span holds).
    paraphrase_cosine: float = 0.6
    term_weight: float = 0.5
    cosine_window: float = 0.05  # spans this close to the nearest by cosine compete on shared terms
    run_margin: float = 0.03  # a run of sentences must beat the best single sentence by this much
    # "conflicts": a span conflicting with the sentence must be about the same thing: cosine + term_weight × (share
    # of the sentence's content words the alignment links, weighted by rarity) reaches `conflict_support` and the
    # cosine alone `conflict_cosine`. Lower than for a paraphrase: the reversing words themselves pull the
    # cosine and the shared words down.
    conflict_support: float = 0.85
    conflict_cosine: float = 0.55
    conflict_margin: float = 0.05  # ... and be (nearly) the span most about the same thing
    # A span this close by cosine, with nothing conflicting, supports the sentence whatever the model says (the
    # model is fitted on claims whose spans are rarely this close); not a title, which only names a topic.
    paraphrase_close: float = 0.85


@dataclass(frozen=True)
class SentenceCheck:
    text: str
    start: int  # offsets in the draft
    end: int
    verdict: str
    score: float  # 1.0 for verbatim, the word similarity for changed, the embedding similarity otherwise
    span: Span | None  # None exactly when the verdict is "unsupported"
    changes: tuple[Change, ...] = ()  # for "conflicts", the conflicting words of both sides
    lexical: float = 0.0
    semantic: float = 0.0

    @property
    def meaning_changes(self) -> int:
        return sum(1 for c in self.changes if c.meaning)

    @property
    def supported(self) -> bool:
        """Whether the verdict presents the sentence as said by the source."""
        return self.verdict in SUPPORTING and not (self.verdict == "changed" and self.meaning_changes)


@dataclass(frozen=True)
class CheckReport:
    draft: str
    sentences: tuple[SentenceCheck, ...]

    def summary(self) -> dict:
        counts = Counter(s.verdict for s in self.sentences)
        return {
            "conflicts": counts.get("conflicts", 0),
            "sentences": len(self.sentences),
            **{verdict: counts.get(verdict, 0) for verdict in VERDICTS},
            "meaning_changes": sum(s.meaning_changes for s in self.sentences),
            "sentences_with_meaning_changes": sum(1 for s in self.sentences if s.meaning_changes),
        }


def check_draft_text(draft: str | None, max_chars: int = MAX_DRAFT_CHARS) -> str:
    """The draft if it can be checked; DraftError (one line, says what to do) if not."""
    if draft is None or not draft.strip():
        raise DraftError("The draft is empty. Paste some text or give a .txt or .md file.")
    if len(draft) > max_chars:
        raise DraftError(f"The draft is {len(draft):,} characters long; the limit is {max_chars:,} characters. "
                         "Check it in parts.")
    if "\x00" in draft:
        raise DraftError("The draft contains NUL bytes: it is not a text file. Give a .txt or .md file.")
    return draft


def validate_draft(draft: str | None, max_chars: int = MAX_DRAFT_CHARS) -> list[tuple[int, int]]:
    """The sentence spans of a draft that can be checked; DraftError if it cannot be."""
    draft = check_draft_text(draft, max_chars)
    spans = draft_sentences(draft)
    if not spans:
        raise DraftError("The draft has no sentence to check (no words in it). Paste the text of your draft.")
    return spans


def read_draft(data: bytes, name: str, max_chars: int = MAX_DRAFT_CHARS) -> str:
    """A draft file's bytes as text: UTF-8 (a byte-order mark is dropped), else DraftError."""
    if len(data) > 4 * max_chars:
        raise DraftError(f"{name} is {len(data):,} bytes long; drafts are limited to {max_chars:,} characters. "
                         "Check it in parts.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DraftError(f"{name} is not UTF-8 text (byte {e.start} cannot be read). Save it as UTF-8 .txt or .md "
                         "and try again.") from e
    return check_draft_text(text, max_chars)


def draft_sentences(draft: str) -> list[tuple[int, int]]:
    """Sentence spans of a draft, without list markers or heading marks, and only those with a word in them."""
    out = []
    for a, b in split_sentences(draft):
        a = skip_marker(draft, a, b)
        if a < b and re.search(r"[^\W_]", draft[a:b]):
            out.append((a, b))
    return out


def check(engine, draft: str, thresholds: Thresholds | None = None,
          max_chars: int = MAX_DRAFT_CHARS) -> CheckReport:
    """Compare every sentence of `draft` with the sources of `engine`'s index."""
    spans = validate_draft(draft, max_chars)
    index = span_index(engine)
    lexicon = load_lexicon()
    rules = MeaningRules(index.drug_spans, lexicon.opposition)
    t = thresholds or Thresholds()
    judge = _Judge(Evidence(index, lexicon), load_support_model(), t)
    results: list[SentenceCheck | None] = []
    for a, b in spans:  # exact copies first: they need no embedding
        exact = index.exact.get(normalize(draft[a:b]))
        results.append(None if exact is None else
                       SentenceCheck(draft[a:b], a, b, "verbatim", 1.0, index.spans[exact], (), 1.0, 1.0))
    rest = [i for i, r in enumerate(results) if r is None]
    if rest:
        vectors = engine.embedder.encode_queries([draft[spans[i][0] : spans[i][1]] for i in rest])
        for i, vector in zip(rest, vectors, strict=True):
            results[i] = _check_sentence(draft, *spans[i], vector, index, rules, t, judge)
    return CheckReport(draft, tuple(results))


def _check_sentence(draft: str, start: int, end: int, vector: np.ndarray, index: SpanIndex, rules: MeaningRules,
                    t: Thresholds, judge: _Judge) -> SentenceCheck:
    text = draft[start:end]
    tokens = tokenize(draft, start, end)
    words = [tok.key for tok in tokens if tok.is_word]
    cosines = index.vectors @ vector
    best, ratio, changed = _closest_wording(words, index, t)
    if changed:
        span = index.spans[best]
        changes = diff(draft, tokens, index.texts[span.source_id], index.tokens[best], rules)
        return SentenceCheck(text, start, end, "changed", round(ratio, 4), span, tuple(changes), ratio,
                             float(cosines[best]))

    own = set(terms(text))
    gaps = judge.evidence.source_gaps(cosines)
    assessed = [judge.evidence.assess(draft, tokens, own, n, float(cosines[n]), gaps)
                for n in judge.evidence.candidates(own, cosines)]
    supporting = judge.supporting(assessed, index)
    conflicting = judge.conflicting(assessed, index)
    if supporting is not None and (conflicting is None or judge.related(conflicting) < judge.related(supporting)):
        return SentenceCheck(text, start, end, "paraphrase", round(supporting.cosine, 4),
                             index.spans[supporting.span], (), ratio, supporting.cosine)
    if conflicting is not None:
        return SentenceCheck(text, start, end, "conflicts", round(conflicting.cosine, 4),
                             index.spans[conflicting.span], conflicting.conflicts, ratio, conflicting.cosine)
    cosine = max((a.cosine for a in assessed), default=0.0)
    return SentenceCheck(text, start, end, "unsupported", round(cosine, 4), None, (), ratio, cosine)


def _is_title(span: Span) -> bool:
    """A span that is its source's title states a topic, not a claim: it conflicts with nothing."""
    return normalize(span.text) == normalize(span.title)


class _Judge:
    """Decides, among a sentence's assessed candidate spans, which one supports it or conflicts with it."""

    def __init__(self, evidence: Evidence, model: SupportModel, t: Thresholds) -> None:
        self.evidence = evidence
        self.model = model
        self.t = t

    def support(self, a: Assessment) -> float:
        return a.cosine + self.t.term_weight * a.share

    def related(self, a: Assessment) -> float:
        """How much the sentence is about the span, whatever it says of it: cosine + term_weight × the rarity-
        weighted share of the sentence's content words the alignment links."""
        return a.cosine + self.t.term_weight * a.coverage

    def eligible(self, a: Assessment) -> bool:
        """Whether the span may support the sentence at all: close enough in meaning, adding no number or drug,
        nothing conflicting."""
        return (a.cosine >= self.t.paraphrase_cosine and not a.conflicts and not a.added_numbers
                and not a.new_drugs)

    def supporting(self, assessed: list[Assessment], index: SpanIndex) -> Assessment | None:
        """The supporting span. A span nearer than `paraphrase_close` (not a title, which only names a topic)
        supports the sentence whatever the model says: among those, the nearest (see `pick`). Otherwise the span
        the model's relevance part finds likeliest to be the one the sentence speaks of, among the eligible ones,
        when its decision part says it supports the sentence; the span cited is then the nearest eligible span of
        that span's source."""
        ok = [k for k, a in enumerate(assessed) if self.eligible(a)]
        if not ok:
            return None
        close = [assessed[k] for k in ok if assessed[k].cosine >= self.t.paraphrase_close
                 and not _is_title(index.spans[assessed[k].span])]
        if close:
            return self.pick(close, index, self.support)
        values = [feature_values(a, index.spans[a.span].sentences) for a in assessed]
        relevance = [self.model.relevance.probability(v) for v in values]
        best = max(ok, key=lambda k: relevance[k])
        context = context_values(best, relevance, [index.spans[a.span].source_id for a in assessed],
                                 [bool(a.conflicts) for a in assessed], [self.related(a) for a in assessed])
        if not self.model.supports(values[best] | context):
            return None
        # the source is the model's; the span cited, the nearest of that source's eligible spans (see `pick`)
        source = index.spans[assessed[best].span].source_id
        return self.pick([assessed[k] for k in ok if index.spans[assessed[k].span].source_id == source], index,
                         self.support)

    def pick(self, ok: list[Assessment], index: SpanIndex, score) -> Assessment | None:
        """Among spans nearly as near by cosine as the nearest, the best by `score`; a run of sentences only when
        it is nearer by `run_margin` than the best single sentence as well."""
        if not ok:
            return None
        nearest = max(a.cosine for a in ok)
        ok = [a for a in ok if a.cosine >= nearest - self.t.cosine_window]
        single = max((a for a in ok if index.single[a.span]), key=score, default=None)
        run = max((a for a in ok if not index.single[a.span]), key=score, default=None)
        if single is None or (run is not None and run.cosine >= single.cosine + self.t.run_margin
                              and score(run) > score(single)):
            return run
        return single

    def conflicting(self, assessed: list[Assessment], index: SpanIndex) -> Assessment | None:
        """The span the sentence is most about, when words of it conflict with the sentence and it is close
        enough. A sentence naming a drug the span does not speak of conflicts with it only by that drug (a swap);
        otherwise the span is silent on that drug, not contrary."""
        t = self.t
        if not assessed:
            return None
        best = max(self.related(a) for a in assessed)
        ok = [a for a in assessed if a.conflicts and self.related(a) >= best - t.conflict_margin
              and a.cosine >= t.conflict_cosine and self.related(a) >= t.conflict_support
              and (not a.new_drugs or "drug" in a.reasons()) and not _is_title(index.spans[a.span])]
        return self.pick(ok, index, self.related)


def _closest_wording(words: list[str], index: SpanIndex, t: Thresholds,
                     depth: int = 40) -> tuple[int, float, bool]:
    """The span whose words are most like the sentence's, its word similarity, and whether that makes the sentence
    "changed". Only the `depth` spans sharing the most (rarity-weighted) content words with it are compared.

    The most similar span wins; when it is not similar enough, a span that holds nearly all of the sentence's
    words in order can still make it "changed" (a source sentence with a clause dropped)."""
    shared: Counter = Counter()
    for w in {w for w in words if w not in STOPWORDS}:
        for n in index.by_word.get(w, ()):
            shared[n] += index.word_idf.get(w, 1.0)
    if not words or not shared:
        return -1, 0.0, False
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(words)  # the sentence is compared with every candidate: analysed once
    scored = []
    for n, _ in shared.most_common(depth):
        span_words = index.words[n]
        matcher.set_seq1(span_words)
        ratio = matcher.ratio()
        matched = ratio * (len(words) + len(span_words)) / 2
        scored.append((ratio, matched / len(words), matched / len(span_words), -index.spans[n].sentences, n))
    ratio, cover, span_cover, _, best = max(scored)
    if ratio >= t.changed_ratio:
        return best, ratio, True
    if len(words) >= 4:
        kept = [row for row in scored if row[1] >= t.changed_cover and row[2] >= t.changed_span_cover]
        if kept:
            ratio, _, _, _, best = max(kept, key=lambda row: (row[1], row[0]))
            return best, ratio, True
    return best, ratio, False
