"""Whether the sources address a question: covered, partly covered, or not covered.

The evidence (`Evidence`) is local to the question and its best passages, so it holds in a corpus of any size
(in a large corpus almost every word occurs somewhere; what matters is whether the passages found speak of it):
- how close in meaning the best passage is (dense similarity), and how much closer than the passages ranked
  below it (in a corpus about ketamine every passage is close to a question about ketamine: only a passage that
  stands out answers it);
- how much of the question's topic (its words that name neither a drug nor a class, weighted by how rare they
  are in the index) the best passages that name what the question names hold, how close in meaning the
  question without those names is to them, and how much of the topic no passage holds at all;
- for each drug and class the question names: whether the sources name it (by any of its names), speak of it
  only through its class, or never mention it; whether the best passages name it, or have it in their section
  heading; and how specific it is to some passages (in a corpus about ketamine, "ketamine" narrows nothing
  down, and a question about ketamine and an absent topic is not covered; in a corpus of drug labels, a drug
  named in few passages is what the question is about, even when the label does not use the question's
  other words).
A logistic model turns the evidence into a probability (`CoverageModel`, weights in `coverage_model.json`,
fitted by `bench/fit_coverage.py` on development questions with real unanswerable ones; the script prints the
weights and the threshold).

A question that names several drugs or classes of which the sources mention only some is *partly covered*
when the rest of it is covered and includes something specific: `state` is "partly", `covered` is True (the
passages returned answer that part) and `missing` names what the sources never mention. When all the sources
mention of it is their own subject ("Adderall with ketamine" over articles about ketamine), nothing specific is
answered: not covered. See `judge`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

from indexer.ask.model_files import model_json
from indexer.ask.reading import Understanding
from indexer.ask.vocabulary import IndexVocabulary
from indexer.errors import ConfigError
from indexer.text.tokens import terms
from indexer.types import Hit

TOP = 5  # the passages whose contents count as evidence (whatever number of results was asked for)
DEPTH = 10  # the passages ranked for evidence: the ones below TOP show how close the corpus is as a whole
SHARE_TOP = 3  # ... of which the best single passage must hold the question's topic
MODEL_FILE = "coverage_model.json"
COVERED, PARTLY, NOT_COVERED = "covered", "partly", "not covered"


def key_terms(understood: Understanding, question_terms: frozenset[str]) -> set[str]:
    """The stemmed terms of the question that carry its topic (expansions included); `question_terms` are the
    stemmed words that ask rather than name a topic (`Lexicon.question_terms`)."""
    return {t for t in understood.key_terms if t not in question_terms and not t.isdigit()}


@dataclass(frozen=True)
class Evidence:
    """What coverage is judged on (see the module docstring). Shares are between 0 and 1."""

    best_dense: float  # the highest dense similarity among the top passages
    dense_margin: float  # ... minus the mean of the passages ranked TOP+1 to DEPTH (how much the best stand out)
    topic_dense: float  # how close in meaning the question without its drug names is to the best passage that
    #                     names them ("How much does ... cost?" against a passage about sertraline's doses)
    topic_share: float  # the rarity-weighted share of the topic words held by the best top passage that names
    #                     what the question names (any top passage when it names nothing)
    topic_absent: float  # ... held by no passage at all
    has_topic: float  # 1 when the question has topic words
    asked_absent: float  # the share of the named drugs and classes the sources never mention
    class_only: float  # the share of the drugs the sources speak of that they speak of only through a class
    asked_in_top: float  # the share of the named things the sources mention that a top passage names
    asked_in_heading: float  # ... that the section heading of a top passage names
    class_in_heading: float  # the share of the drugs spoken of only through a class whose class a top heading names
    has_asked: float  # 1 when the question names a drug or class
    anchor: float  # how specific the most specific named thing is: 1 - (passages naming it / all passages)
    absent_topic_anchored: float  # topic_absent * anchor

    FEATURES = ("best_dense", "dense_margin", "topic_dense", "topic_share", "topic_absent", "has_topic", "asked_absent", "class_only",
                "asked_in_top", "asked_in_heading", "class_in_heading", "has_asked", "anchor", "absent_topic_anchored")

    def vector(self) -> list[float]:
        return [float(getattr(self, name)) for name in self.FEATURES]

    def without_missing(self) -> Evidence:
        """The evidence for the part of the question the sources do mention."""
        return replace(self, asked_absent=0.0)


@dataclass(frozen=True)
class CoverageModel:
    """A logistic model: P(covered) = sigmoid(bias + weights · evidence); covered when P >= threshold."""

    weights: dict[str, float]
    bias: float
    threshold: float
    fitted_on: str = ""

    @classmethod
    def load(cls, path: Path | None = None) -> CoverageModel:
        try:
            data = model_json(path, MODEL_FILE)
            weights = {name: float(data["weights"][name]) for name in Evidence.FEATURES}
            return cls(weights, float(data["bias"]), float(data["threshold"]), str(data.get("fitted_on", "")))
        except (OSError, ValueError, KeyError, TypeError) as e:
            where = path or f"indexer/ask/{MODEL_FILE}"
            raise ConfigError(f"The coverage model {where} cannot be read ({e}). Re-create it with "
                              "`python bench/fit_coverage.py`.") from e

    def probability(self, evidence: Evidence) -> float:
        z = self.bias + sum(self.weights[name] * value for name, value in zip(Evidence.FEATURES, evidence.vector(),
                                                                              strict=True))
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Coverage:
    covered: bool
    reason: str
    best_dense: float
    term_share: float
    state: str = COVERED  # "covered", "partly" or "not covered"
    missing: tuple[str, ...] = ()  # drugs, classes and words of the question no source mentions
    score: float = 0.0  # the model's probability that the sources cover the question


def gather(understood: Understanding, hits: list[Hit], hit_terms: list[list[str]], topic_scores: list[float],
           vocabulary: IndexVocabulary) -> Evidence:
    """The evidence for a question from its best passages; `hit_terms[i]` are hit i's stemmed ranking terms and
    `topic_scores[i]` the dense similarity of `understood.topic_text` and hit i."""
    top_terms = [set(t) for t in hit_terms[:TOP]]
    headings = [set(terms(" ".join(h.passage.heading))) for h in hits[:SHARE_TOP]]
    best_dense = max((h.dense_score for h in hits[:TOP]), default=0.0)
    rest = [h.dense_score for h in hits[TOP:DEPTH]]
    dense_margin = best_dense - sum(rest) / len(rest) if rest else 0.0
    asked = len(understood.drugs) + len(understood.classes)
    absent = sum(1 for d in understood.drugs if not d.in_sources) + sum(1 for c in understood.classes
                                                                        if not c.in_sources)
    present_drugs = sum(1 for d in understood.drugs if d.in_sources)
    class_only = sum(1 for d in understood.drugs if d.in_sources and not d.named)
    present = [(d.source_names if d.named else d.class_terms, d.passages) for d in understood.drugs if d.in_sources]
    present += [(c.source_terms, c.passages) for c in understood.classes if c.in_sources]
    # The topic counts where a best passage also speaks of what the question names ("cost" in a passage about
    # insulin does not answer "How much does sertraline cost?").
    about = [i for i, held in enumerate(top_terms[:SHARE_TOP])
             if not present or any(_named_in(name, [held]) for names, _ in present for name in names)]
    topic_dense = max((topic_scores[i] for i in about if i < len(topic_scores)), default=0.0)
    topic = list(understood.topic_terms)
    weights = {t: vocabulary.idf(t) for t in topic}
    total = sum(weights.values())
    if topic and total > 0:
        topic_share = max((sum(weights[t] for t in topic if t in top_terms[i]) / total for i in about), default=0.0)
        topic_absent = sum(weights[t] for t in topic if t not in vocabulary.terms) / total
    else:
        topic_share, topic_absent = 1.0, 0.0
    in_top = sum(1 for names, _ in present if any(_named_in(name, top_terms) for name in names))
    in_heading = sum(1 for names, _ in present if any(_named_in(name, headings) for name in names))
    class_heading = sum(1 for d in understood.drugs if d.in_sources and not d.named
                        and any(_named_in(t, headings) for t in d.class_terms))
    anchor = max((1.0 - min(count, vocabulary.size) / vocabulary.size for _, count in present),
                 default=0.0) if vocabulary.size else 0.0
    return Evidence(
        best_dense=best_dense,
        dense_margin=dense_margin,
        topic_dense=topic_dense,
        topic_share=topic_share,
        topic_absent=topic_absent,
        has_topic=1.0 if topic else 0.0,
        asked_absent=absent / asked if asked else 0.0,
        class_only=class_only / present_drugs if present_drugs else 0.0,
        asked_in_top=in_top / len(present) if present else 0.0,
        asked_in_heading=in_heading / len(present) if present else 0.0,
        class_in_heading=class_heading / class_only if class_only else 0.0,
        has_asked=1.0 if asked else 0.0,
        anchor=anchor,
        absent_topic_anchored=topic_absent * anchor,
    )


def _named_in(name: str, passages: list[set[str]]) -> bool:
    parts = terms(name.replace("/", " "))
    return bool(parts) and any(all(p in held for p in parts) for held in passages)


def judge(understood: Understanding, evidence: Evidence, model: CoverageModel) -> Coverage:
    """Covered, partly covered or not covered, with the reason a user reads.

    A question naming drugs or classes of which the sources mention some but not all is never fully covered. It
    is *partly* covered when what they do mention includes something specific (named in at most half of the
    passages: not the subject of the whole corpus) and the model judges that part covered; its `covered` is
    True and `missing` names the rest. When the only things mentioned are the corpus's subject ("Adderall with
    ketamine" in a corpus about ketamine), nothing specific is answered: not covered."""
    missing = tuple(understood.unmatched)
    absent_names = understood.unknown_drugs
    specific = [d.mention for d in understood.drugs if d.specific]
    specific += [c.ref.name for c in understood.classes if c.specific]

    def result(state: str, reason: str, p: float) -> Coverage:
        return Coverage(state != NOT_COVERED, reason, evidence.best_dense, evidence.topic_share, state, missing,
                        round(p, 4))

    if absent_names and (understood.drugs or understood.classes) and len(absent_names) < _asked(understood):
        score = model.probability(evidence.without_missing())
        if specific and score >= model.threshold:
            return result(PARTLY, f"Only partly covered: the sources speak of {_join(specific)} but never "
                          f"mention {_join(absent_names)}.", score)
        return result(NOT_COVERED, f"The sources never mention {_join(absent_names)}; they cover no other part "
                      "of the question on its own.", score)
    score = model.probability(evidence)
    if score >= model.threshold:
        return result(COVERED, _covered_reason(understood, evidence), score)
    if absent_names:
        reason = f"The sources never mention {_join(absent_names)} or its drug class."
    elif understood.unmatched:
        reason = "The sources never mention " + _join([repr(w) for w in understood.unmatched]) + "."
    else:
        reason = "No passage is close enough to the question."
    return result(NOT_COVERED, reason, score)


def _asked(understood: Understanding) -> int:
    return len(understood.drugs) + len(understood.classes)


def _covered_reason(understood: Understanding, evidence: Evidence) -> str:
    if understood.unmatched:
        return ("A passage is close in meaning, though the sources never use the words "
                + ", ".join(repr(w) for w in understood.unmatched) + ".")
    if evidence.topic_share >= 1.0 and evidence.has_topic:
        return "A passage holds the question's key terms."
    return "A passage is close in meaning to the question."


def _join(names: list[str] | tuple[str, ...]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
