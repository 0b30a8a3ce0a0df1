"""The verdict of one draft sentence, from its evidence (`checker.SentenceEvidence`) and the entailment model's
reading of its best candidate spans.

    verbatim     an exact copy of a source span
    changed      a near copy (word for word, `verdicts.closest_wording`): its word changes are listed, and each that
                 can alter the meaning is flagged. The hard checks — a number, unit or dose, a negation, a drug or
                 class — are always flagged. A softer flag (a hedge, quantifier, antonym or direction word) stands
                 unless the model reads the sentence as entailed by the span (`soft_entailment`); and when the model
                 does not read it as entailed (`changed_entailment`), the changed words are flagged as well
                 ("entailment": the source does not say this), so a near copy that changes a place, a condition or
                 a year is not presented as supported.
    paraphrase   in other words: the span the model finds most entailing (`entailment`), or a span nearly identical
                 in meaning (`paraphrase_close` by cosine) that the model does not read as contradicting it
                 (`close_contradiction`) nor as far from entailing it (`close_entailment`) — with no hard
                 conflict (no number it does not state, no drug it does not name, no negation, number or drug
                 against it), no conflict the word rules find and no opposite
                 lean (`polarity.py`) unless the model is all but certain (`rule_override`, `polarity_override`).
                 A run of sentences is cited as the one sentence of it the draft sentence restates, when there is
                 one.
    conflicts    the word rules find a conflict with the span the sentence is most about, which the model does not
                 read as entailing it (`rule_conflict_entailment`) and which is at least as related to it as any
                 supporting span; or a hard conflict stands against the span that supports it best (the span
                 cited is then the one in conflict the sentence is most about); or, with no
                 support, a span the sentence is about (`conflict_cosine`; its words link `conflict_coverage` of the
                 sentence's) is read by the model as contradicting it (`contradiction`) and the words bear that out
                 (a conflict the rules find, or the two leaning opposite ways, `polarity.py`): the model alone,
                 against a span that is only on the same topic, makes no conflict.
    unsupported  none of the above: no span is cited.

The thresholds are chosen on development data only (`python -m bench.fit_verdicts`, which writes
data/verdict_thresholds.json): part 1 of the five parts of the Check-COVID training claims and the seed drafts
of tests/eval/drafts.jsonl and contradictions.jsonl.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from importlib import resources

from indexer.check.diff import Change
from indexer.check.evidence import Assessment
from indexer.check.spans import Span, SpanIndex
from indexer.check.verdicts import SentenceCheck
from indexer.text.tokens import STOPWORDS, WORD, fold

THRESHOLDS_FILE = "verdict_thresholds.json"
CONTEXT_CHARS = 400  # how far before a span a name it refers to by a pronoun is looked for
HARD_REASONS = frozenset(["number", "negation", "drug", "name"])  # never overruled by the model
MODEL_REASON = "entailment"
UNREAD = (0.0, 0.0)  # a candidate the model did not read: neither entailed nor contradicted  # a change flagged because the model does not read the sentence as said by the span


@dataclass(frozen=True)
class Thresholds:
    entailment: float = 0.8  # a span entails the sentence in other words
    paraphrase_close: float = 0.85  # a span this close by cosine, with nothing against it, supports the sentence...
    close_contradiction: float = 0.6  # ... unless the model reads it as contradicting it this much
    close_entailment: float = 0.0  # ... or reads it as entailing it less than this
    paraphrase_cosine: float = 0.45  # spans farther than this by cosine never support a sentence in other words
    rule_override: float = 0.99  # a span the word rules find in conflict supports the sentence only above this
    polarity_override: float = 0.95  # ... and one that leans the other way (`Assessment.leans_otherwise`)
    contradiction: float = 0.6  # a span contradicts the sentence
    conflict_cosine: float = 0.55  # ... and is about the same thing
    conflict_coverage: float = 0.5  # ... it links this (rarity-weighted) share of the sentence's content words
    conflict_support: float = 0.85  # a rule conflict needs cosine + term_weight × coverage this high
    rule_conflict_entailment: float = 0.5  # a rule conflict stands when the model's entailment is below this
    soft_entailment: float = 0.9  # a soft flag of a near copy is lifted when the model's entailment reaches this
    changed_entailment: float = 0.2  # a near copy the model's entailment is below this is not presented as said
    term_weight: float = 0.5
    conflict_margin: float = 0.05  # a rule conflict must be with (nearly) the span the sentence is most about
    single_margin: float = 0.05  # a single sentence within this of the best entailment is cited before a run

    @classmethod
    def load(cls, data: dict | None = None) -> Thresholds:
        """The fitted thresholds shipped in data/ (or those given); defaults for any the file lacks."""
        if data is None:
            path = resources.files("indexer.check").joinpath(f"data/{THRESHOLDS_FILE}")
            data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        known = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in data.get("thresholds", data).items() if k in known})

    def with_(self, **changes: float) -> Thresholds:
        return replace(self, **changes)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Judged:
    """A candidate span with the model's reading of it."""

    a: Assessment
    entailment: float
    contradiction: float


def hard(a: Assessment) -> bool:
    """Whether the span conflicts with the sentence in a way nothing overrules: a number the sentence states that
    the span does not, a drug it names that the span does not, or a number, negation or drug against the span."""
    return bool(a.added_numbers or a.new_drugs or any(set(c.reasons) & HARD_REASONS for c in a.conflicts))


def hard_changes(a: Assessment) -> tuple[Change, ...]:
    return tuple(c for c in a.conflicts if set(c.reasons) & HARD_REASONS)


def is_title(span: Span) -> bool:
    """A span that is its source's title states a topic, not a claim."""
    from indexer.check.diff import normalize

    return normalize(span.text) == normalize(span.title)


def decide(e, index: SpanIndex, t: Thresholds, draft: str) -> SentenceCheck:
    """The verdict of the sentence whose evidence is `e` (a `checker.SentenceEvidence`)."""
    if e.exact is not None:
        return SentenceCheck(e.text, e.start, e.end, "verbatim", 1.0, index.spans[e.exact], (), 1.0, 1.0, 1.0, 0.0)
    if e.near_copy:
        return _changed(e, index, t)
    judged = [Judged(a, *e.judged.get(a.span, UNREAD)) for a in e.assessed]
    claims = [j for j in judged if not is_title(index.spans[j.a.span])]
    related = {a.span: a.cosine + t.term_weight * a.coverage for a in e.assessed}
    support = _supporting(claims, index, t)
    ruled = _rule_conflict(e.assessed, claims, related, t)
    if ruled is not None and (support is None or related[ruled.a.span] >= related[support.a.span]):
        return _check(e, "conflicts", ruled, index, ruled.a.conflicts)
    if support is not None:
        if not hard(support.a):
            return _check(e, "paraphrase", _smallest(support, e, index, t), index)
        changes = hard_changes(support.a)  # read as said, but a number, negation or drug stands against it
        if changes:
            about = _most_related_conflict(claims, related, t)  # a conflict anyway: cite what it is most about
            if about is not None and related[about.a.span] > related[support.a.span]:
                return _check(e, "conflicts", about, index, about.a.conflicts)
            return _check(e, "conflicts", support, index, changes)
    against = _contradicting(claims, index, t)
    if against is not None:
        return _check(e, "conflicts", against, index, against.a.conflicts)
    best_e = max((j.entailment for j in judged), default=0.0)
    best_c = max((j.contradiction for j in judged), default=0.0)
    cosine = max((a.cosine for a in e.assessed), default=0.0)
    return SentenceCheck(e.text, e.start, e.end, "unsupported", round(cosine, 4), None, (), e.ratio, cosine,
                         best_e, best_c)


def _check(e, verdict: str, j: Judged, index: SpanIndex, changes=()) -> SentenceCheck:
    return SentenceCheck(e.text, e.start, e.end, verdict, round(j.a.cosine, 4), index.spans[j.a.span],
                         tuple(changes), e.ratio, j.a.cosine, j.entailment, j.contradiction)


def _close(j: Judged, t: Thresholds) -> bool:
    """Nearly the same meaning by cosine, with nothing against it, and not read as contradicting it."""
    return (j.a.cosine >= t.paraphrase_close and not j.a.conflicts and not j.a.leans_otherwise()
            and j.contradiction < t.close_contradiction and j.entailment >= t.close_entailment)


def _may_support(j: Judged, t: Thresholds) -> bool:
    """Whether the span may support the sentence: the model reads it as entailed (or it is close), and neither the
    word rules nor the way the two lean stand against it unless the model is all but certain."""
    if j.a.cosine < t.paraphrase_cosine:
        return False
    if j.a.conflicts and j.entailment < t.rule_override:
        return False
    if j.a.leans_otherwise() and j.entailment < t.polarity_override and not _close(j, t):
        return False
    return j.entailment >= t.entailment or _close(j, t)


def _supporting(judged: list[Judged], index: SpanIndex, t: Thresholds) -> Judged | None:
    """The span that best supports the sentence (a single sentence before a run that entails it nearly as well; a
    close span counts as entailing it), or None."""
    ok = [j for j in judged if _may_support(j, t)]
    if not ok:
        return None

    def strength(j: Judged) -> float:
        return max(j.entailment, t.entailment if _close(j, t) else 0.0)

    best = max(strength(j) for j in ok)
    near = [j for j in ok if strength(j) >= best - t.single_margin]
    return max(near, key=lambda j: (index.single[j.a.span], strength(j), j.a.cosine))


def _smallest(j: Judged, e, index: SpanIndex, t: Thresholds) -> Judged:
    """For a run of sentences, the one sentence of it the draft sentence restates, when there is one: a candidate
    sentence inside the run that is close to it in meaning with nothing against it."""
    if index.single[j.a.span]:
        return j
    run = index.spans[j.a.span]
    inside = [a for a in e.assessed if index.single[a.span] and index.spans[a.span].source_id == run.source_id
              and run.start <= index.spans[a.span].start and index.spans[a.span].end <= run.end
              and a.cosine >= t.paraphrase_close and not a.conflicts and not a.leans_otherwise()]
    if not inside:
        return j
    best = max(inside, key=lambda a: a.cosine)
    return Judged(best, *e.judged.get(best.span, (j.entailment, j.contradiction)))


def _contradicting(judged: list[Judged], index: SpanIndex, t: Thresholds) -> Judged | None:
    """The span that most contradicts the sentence (a single sentence before a run when it contradicts it nearly
    as much), or None."""
    ok = [j for j in judged if j.contradiction >= t.contradiction and j.a.cosine >= t.conflict_cosine
          and j.a.coverage >= t.conflict_coverage and j.contradiction > j.entailment
          and (j.a.conflicts or j.a.leans_otherwise())]  # the words bear the model out
    if not ok:
        return None
    best = max(j.contradiction for j in ok)
    near = [j for j in ok if j.contradiction >= best - t.single_margin]
    return max(near, key=lambda j: (index.single[j.a.span], j.contradiction))


def _rule_conflict(assessed: list[Assessment], judged: list[Judged], related: dict[int, float],
                   t: Thresholds) -> Judged | None:
    """A span the word rules find in conflict with the sentence (`conflict.py`), when it is the span the
    sentence is most about and the model does not read it as entailing the sentence (a number, negation or drug
    against it stands whatever the model reads)."""
    if not assessed:
        return None
    best = max(related.values())
    ok = [j for j in judged if j.a.conflicts and related[j.a.span] >= best - t.conflict_margin
          and j.a.cosine >= t.conflict_cosine and related[j.a.span] >= t.conflict_support
          and (j.entailment < t.rule_conflict_entailment or hard_changes(j.a))  # a hard conflict always stands
          and (not j.a.new_drugs or "drug" in j.a.reasons())]
    return max(ok, key=lambda j: (related[j.a.span], -j.entailment), default=None)


def _most_related_conflict(judged: list[Judged], related: dict[int, float], t: Thresholds) -> Judged | None:
    """Of the spans the word rules find in conflict with the sentence and that are about it (`conflict_cosine`),
    the one it is most about."""
    ok = [j for j in judged if j.a.conflicts and j.a.cosine >= t.conflict_cosine]
    return max(ok, key=lambda j: related[j.a.span], default=None)


def _changed(e, index: SpanIndex, t: Thresholds) -> SentenceCheck:
    """A near copy: its changes, flagged by the rules and re-read with the model's reading of the span."""
    # the span read alone, or with the sentence before it when that reads it as more entailed ("It is often
    # prescribed ..." says of SNRIs what the sentence before it names)
    readings = [e.judged.get(e.closest, UNREAD)] + ([e.judged[e.context]] if e.context in e.judged else [])
    entailment, contradiction = max(readings)
    span = index.spans[e.closest]
    context = index.texts[span.source_id][max(0, span.start - CONTEXT_CHARS) : span.end].lower()
    changes = []
    for k, c in enumerate(e.changes):
        hard_reasons = set(c.reasons) & HARD_REASONS
        referent = hard_reasons == {"drug"} and _names_a_referent(c, context)
        # "It" → "Sertraline" where the source has just named sertraline is not a swap; "suggests" → "indicates"
        # puts a word for one of the same strength: both may be lifted when the model reads the span as entailing
        soft = c.meaning and (referent or (not hard_reasons and k in e.alike))
        if soft and entailment >= t.soft_entailment:
            c = replace(c, meaning=False, reasons=())
        elif not c.meaning and entailment < t.changed_entailment and _says_something(c):
            c = replace(c, meaning=True, reasons=(MODEL_REASON,))
        changes.append(c)
    return SentenceCheck(e.text, e.start, e.end, "changed", round(e.ratio, 4), span, tuple(changes), e.ratio,
                         e.closest_cosine, entailment, contradiction)


def _names_a_referent(c: Change, context: str) -> bool:
    """Whether a drug change only names what the source refers to: the source side is a pronoun or determiner
    ("It", "They", "this medicine"'s "this"), and the drug the draft names is named just before, in the source."""
    source_words = WORD.findall(c.source)
    return (bool(source_words) and all(fold(w) in STOPWORDS for w in source_words)
            and bool(c.draft.strip()) and c.draft.lower() in context)


def _says_something(c: Change) -> bool:
    """Whether a change touches a word (not only punctuation or spacing)."""
    return any(ch.isalnum() for ch in c.draft + c.source)
