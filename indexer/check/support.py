"""Whether a source span supports a draft sentence in other words: two logistic regressions over the features of
their alignment (closeness in meaning, shared rare words, each kind of conflict found, which way each side leans),
one picking the span the sentence speaks of, the other deciding whether that span supports it, with its decision
threshold.

The weights live in data/support_model.json; `python -m bench.fit_conflicts` fits them on the Check-COVID training
claims (claims labelled SUPPORT or REFUTE against a scientific abstract) and chooses the threshold by
cross-validation over abstracts. Nothing is fitted at run time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

from indexer.check.conflict import REASONS
from indexer.check.evidence import Assessment
from indexer.check.polarity import POLARITY_FEATURES

FEATURES = ("cosine", "share", "coverage", "source_coverage", "missing", "run", "added_number", "new_drug",
            "unlinked_polar", "source_gap", *REASONS, *POLARITY_FEATURES)
MODEL_FILE = "support_model.json"


def feature_values(a: Assessment, sentences: int) -> dict[str, float]:
    """The model's inputs for one sentence–span pair; `sentences` is how many source sentences the span covers."""
    reasons = [r for c in a.conflicts for r in c.reasons]
    return {
        "cosine": a.cosine,
        "share": a.share,
        "coverage": a.coverage,
        "source_coverage": a.source_coverage,
        "missing": a.missing,
        "run": float(max(sentences - 1, 0)),
        "added_number": float(a.added_numbers > 0),
        "new_drug": float(a.new_drugs),
        "unlinked_polar": float(min(a.unlinked_polar, 3)),
        "source_gap": a.source_gap,
        **{reason: float(min(reasons.count(reason), 2)) for reason in REASONS},
        **{name: float(a.polarity.get(name, 0.0)) for name in POLARITY_FEATURES},
    }


CONTEXT_FEATURES = ("relevance", "relevance_margin", "source_conflict", "conflict_margin")
DECISION_FEATURES = (*FEATURES, *CONTEXT_FEATURES)


def context_values(pick: int, relevance: Sequence[float], sources: Sequence[str], conflicted: Sequence[bool],
                   related: Sequence[float]) -> dict[str, float]:
    """What the other assessed spans say of the chosen one (number `pick`): how likely it is the span the sentence
    speaks of, how much more than the likeliest span of another source, whether a span of its own source conflicts
    with the sentence, and how much more related to the sentence it is than the most related conflicting span."""
    others = [r for r, source in zip(relevance, sources, strict=True) if source != sources[pick]]
    against = [r for r, c in zip(related, conflicted, strict=True) if c]
    return {
        "relevance": relevance[pick],
        "relevance_margin": relevance[pick] - max(others, default=0.0),
        "source_conflict": float(any(c for c, source in zip(conflicted, sources, strict=True)
                                     if source == sources[pick])),
        "conflict_margin": related[pick] - max(against, default=0.0),
    }


@dataclass(frozen=True)
class Logistic:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]  # inputs are standardized: (x - mean) / scale
    scale: tuple[float, ...]

    def probability(self, values: Mapping[str, float]) -> float:
        z = self.bias + sum(w * (values[f] - m) / s
                            for f, w, m, s in zip(self.features, self.weights, self.mean, self.scale, strict=True))
        return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0

    def to_json(self) -> dict:
        return {"features": list(self.features), "weights": list(self.weights), "bias": self.bias,
                "mean": list(self.mean), "scale": list(self.scale)}


@dataclass(frozen=True)
class SupportModel:
    """Two logistic regressions: `relevance` (is this the span the sentence speaks of? over FEATURES) picks the
    span among those with nothing conflicting; `decision` (does that span support it? over DECISION_FEATURES)
    says whether it supports the sentence, at `threshold`."""

    relevance: Logistic
    decision: Logistic
    threshold: float

    def supports(self, values: Mapping[str, float]) -> bool:
        return self.decision.probability(values) >= self.threshold

    def to_json(self, about: str = "") -> dict:
        return {"about": about, "relevance": self.relevance.to_json(), "decision": self.decision.to_json(),
                "threshold": self.threshold}


def load_support_model(data: dict | None = None) -> SupportModel:
    """The shipped model, or one given as data; ValueError when it does not fit the features of this version."""
    if data is None:
        data = json.loads(resources.files("indexer.check").joinpath(f"data/{MODEL_FILE}").read_text(encoding="utf-8"))
    parts = [_logistic(data.get(name), name, expected)
             for name, expected in (("relevance", FEATURES), ("decision", DECISION_FEATURES))]
    return SupportModel(*parts, float(data["threshold"]))


def _logistic(data, name: str, expected: tuple[str, ...]) -> Logistic:
    if not isinstance(data, dict):
        raise ValueError(f"The support model has no {name} part. Refit it with `python -m bench.fit_conflicts`.")
    features = tuple(data.get("features", ()))
    if set(features) != set(expected) or len(features) != len(expected):
        raise ValueError(f"The support model's {name} features {sorted(features)} are not those of this version "
                         f"({sorted(expected)}). Refit it with `python -m bench.fit_conflicts`.")
    columns = [_floats(data, name, column, len(features)) for column in ("weights", "mean", "scale")]
    if any(s <= 0 for s in columns[2]):
        raise ValueError("The support model's scales must be positive. Refit it with `python -m bench.fit_conflicts`.")
    return Logistic(features, columns[0], float(data["bias"]), columns[1], columns[2])


def _floats(data: dict, part: str, name: str, count: int) -> tuple[float, ...]:
    values = data.get(name)
    if not isinstance(values, Sequence) or len(values) != count:
        raise ValueError(f"The support model's {part} {name} must be {count} numbers. Refit it with "
                         "`python -m bench.fit_conflicts`.")
    return tuple(float(v) for v in values)
