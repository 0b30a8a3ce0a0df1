"""Whether a source span supports a draft sentence in other words: a logistic regression over the features of
their alignment (closeness in meaning, shared rare words, and each kind of conflict found), with its decision
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


@dataclass(frozen=True)
class SupportModel:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]  # inputs are standardized: (x - mean) / scale
    scale: tuple[float, ...]
    threshold: float  # a span supports the sentence when the probability reaches this

    def probability(self, values: Mapping[str, float]) -> float:
        z = self.bias + sum(w * (values[f] - m) / s
                            for f, w, m, s in zip(self.features, self.weights, self.mean, self.scale, strict=True))
        return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0

    def supports(self, values: Mapping[str, float]) -> bool:
        return self.probability(values) >= self.threshold

    def to_json(self, about: str = "") -> dict:
        return {"about": about, "features": list(self.features), "weights": list(self.weights), "bias": self.bias,
                "mean": list(self.mean), "scale": list(self.scale), "threshold": self.threshold}


def load_support_model(data: dict | None = None) -> SupportModel:
    """The shipped model, or one given as data; ValueError when it does not fit the features of this version."""
    if data is None:
        data = json.loads(resources.files("indexer.check").joinpath(f"data/{MODEL_FILE}").read_text(encoding="utf-8"))
    features = tuple(data.get("features", ()))
    if set(features) != set(FEATURES):
        raise ValueError(f"The support model's features {sorted(features)} are not those of this version "
                         f"({sorted(FEATURES)}). Refit it with `python -m bench.fit_conflicts`.")
    columns = [_floats(data, name, len(features)) for name in ("weights", "mean", "scale")]
    if any(s <= 0 for s in columns[2]):
        raise ValueError("The support model's scales must be positive. Refit it with `python -m bench.fit_conflicts`.")
    return SupportModel(features, *columns[:1], float(data["bias"]), *columns[1:], float(data["threshold"]))


def _floats(data: dict, name: str, count: int) -> tuple[float, ...]:
    values = data.get(name)
    if not isinstance(values, Sequence) or len(values) != count:
        raise ValueError(f"The support model's {name} must be {count} numbers. Refit it with "
                         "`python -m bench.fit_conflicts`.")
    return tuple(float(v) for v in values)
