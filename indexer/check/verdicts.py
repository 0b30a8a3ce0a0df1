"""Check my wording: each sentence of a draft against the closest source span, with a verdict.

    verbatim     the source says exactly this (case, curly vs straight quotes, dashes and spacing ignored)
    changed      nearly the source's wording, with words changed, added or dropped (a word-level diff)
    paraphrase   the same claim in other words (close in meaning by the embedding model)
    unsupported  no source says this

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

from indexer.check.diff import NUMBER_WORDS, Change, MeaningRules, diff, normalize, tokenize
from indexer.check.spans import Span, SpanIndex, span_index
from indexer.errors import DraftError
from indexer.text.sentences import skip_marker, split_sentences
from indexer.text.tokens import STOPWORDS, terms

VERDICTS = ("verbatim", "changed", "paraphrase", "unsupported")
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
    # "paraphrase": cosine + term_weight × (share of the sentence's content terms the span holds, weighted by
    # rarity) reaches `paraphrase_support`, and the cosine alone reaches `paraphrase_cosine`. The cosine alone
    # does not separate a paraphrase from an unsupported claim on the same topic ("Ketamine is addictive..." is
    # close to every sentence about ketamine); the shared rare terms do. A sentence that adds a number or names a
    # drug the span does not is never a paraphrase of it.
    paraphrase_support: float = 0.9
    paraphrase_cosine: float = 0.6
    term_weight: float = 0.5
    cosine_window: float = 0.05  # spans this close to the nearest by cosine compete on shared terms
    run_margin: float = 0.03  # a run of sentences must beat the best single sentence by this much


@dataclass(frozen=True)
class SentenceCheck:
    text: str
    start: int  # offsets in the draft
    end: int
    verdict: str
    score: float  # 1.0 for verbatim, the word similarity for changed, the embedding similarity otherwise
    span: Span | None  # None exactly when the verdict is "unsupported"
    changes: tuple[Change, ...] = ()
    lexical: float = 0.0
    semantic: float = 0.0

    @property
    def meaning_changes(self) -> int:
        return sum(1 for c in self.changes if c.meaning)


@dataclass(frozen=True)
class CheckReport:
    draft: str
    sentences: tuple[SentenceCheck, ...]

    def summary(self) -> dict:
        counts = Counter(s.verdict for s in self.sentences)
        return {
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
    rules = MeaningRules(index.drug_spans)
    t = thresholds or Thresholds()
    results: list[SentenceCheck | None] = []
    for a, b in spans:  # exact copies first: they need no embedding
        exact = index.exact.get(normalize(draft[a:b]))
        results.append(None if exact is None else
                       SentenceCheck(draft[a:b], a, b, "verbatim", 1.0, index.spans[exact], (), 1.0, 1.0))
    rest = [i for i, r in enumerate(results) if r is None]
    if rest:
        vectors = engine.embedder.encode_queries([draft[spans[i][0] : spans[i][1]] for i in rest])
        for i, vector in zip(rest, vectors, strict=True):
            results[i] = _check_sentence(draft, *spans[i], vector, index, rules, t)
    return CheckReport(draft, tuple(results))


def _check_sentence(draft: str, start: int, end: int, vector: np.ndarray, index: SpanIndex, rules: MeaningRules,
                    t: Thresholds) -> SentenceCheck:
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

    chosen, share = _closest_meaning(text, cosines, index, t)
    cosine = float(cosines[chosen]) if chosen >= 0 else 0.0
    if chosen >= 0 and _restates(text, index.spans[chosen], cosine, share, index, t):
        return SentenceCheck(text, start, end, "paraphrase", round(cosine, 4), index.spans[chosen], (), ratio, cosine)
    return SentenceCheck(text, start, end, "unsupported", round(cosine, 4), None, (), ratio, cosine)


def _restates(text: str, span: Span, cosine: float, share: float, index: SpanIndex, t: Thresholds) -> bool:
    """Whether a sentence is a paraphrase of a span: close in meaning, sharing rare terms, adding no number and
    naming no drug the span does not."""
    if cosine < t.paraphrase_cosine or cosine + t.term_weight * share < t.paraphrase_support:
        return False
    return not new_numbers(text, span.text) and not index.drug_spans.unsupported_names(text, span.text, span.title)


def new_numbers(sentence: str, span_text: str) -> set[str]:
    """Numbers the sentence states that the span does not ("about 40 minutes", "one in three"): a paraphrase
    restates a claim, it does not add figures to it."""
    def numbers(text: str) -> set[str]:
        keys = [t.key for t in tokenize(text)]
        found = {k.rstrip("%") for k in keys if k[0].isdigit()}
        found |= {k for k in keys if k in NUMBER_WORDS}
        return found

    own = numbers(sentence)
    if "one" in own and "one" not in numbers(span_text):
        own.discard("one")  # "one" is as often a pronoun ("one common concern")
    return own - numbers(span_text)


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


def _shared_weight(own: set[str], span_terms: frozenset[str], index: SpanIndex) -> float:
    """The share of the sentence's content terms that the span contains, each weighted by its rarity in the
    sources ("ketamine" is in nearly every sentence and says little; a term no source has weighs most)."""
    if not own:
        return 0.0
    weight = {t: index.idf.get(t, index.max_idf) for t in own}
    return sum(weight[t] for t in own & span_terms) / sum(weight.values())


def _closest_meaning(text: str, cosines: np.ndarray, index: SpanIndex, t: Thresholds,
                     depth: int = 20) -> tuple[int, float]:
    """The span closest in meaning, and the (rarity-weighted) share of the sentence's terms it holds.

    Among the spans nearly as near by cosine as the nearest (within `cosine_window`), the one with the highest
    cosine + term_weight × share wins. A run of sentences is chosen over the best single sentence only when it is
    nearer by `run_margin` in cosine as well (a run holds more terms, so shared terms alone favour it). Headings
    are titles, not claims, and are never chosen."""
    own = set(terms(text))
    claims = np.where(index.claims, cosines, -np.inf)
    if not index.claims.any():
        return -1, 0.0
    order = np.argsort(-claims)[: min(depth, int(index.claims.sum()))]
    nearest = [int(n) for n in order if cosines[n] >= cosines[order[0]] - t.cosine_window]
    share = {n: _shared_weight(own, index.terms[n], index) for n in nearest}

    def support(n: int) -> float:
        return float(cosines[n]) + t.term_weight * share[n]

    single = max((n for n in nearest if index.single[n]), key=support, default=None)
    run = max((n for n in nearest if not index.single[n]), key=support, default=None)
    if single is None or (run is not None and cosines[run] >= cosines[single] + t.run_margin
                          and support(run) > support(single)):
        return run, share[run]
    return single, share[single]
