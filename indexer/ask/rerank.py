"""The fused candidates ranked again by a linear model over four signals of each passage.

`search.hybrid_rank` adds the question's cosine with a passage to its BM25 score. Its best `DEPTH` passages are
then scored by `RerankModel` on:
- `dense`: the cosine of the question (with the names it was expanded with) and the passage;
- `lexical`: the passage's BM25 score over the best BM25 score among the candidates;
- `named`: the share of the drugs and classes the question names (of those the sources mention) that the passage
  names, by any of the names the sources use for them;
- `best_sentence`: the cosine of the question and the passage's closest sentence (`sentences.py`); a long
  passage's vector dilutes the one sentence that answers. The passage's own cosine when its sentences are not in
  the index;
- `topic`: for a question that names drugs or classes, the cosine of its topic (the question without those
  names, `Understanding.topic_text`) and the passage. With `named` it tells a passage that names the drug *and*
  speaks of what is asked ("how long does losartan take to work") from one that only names the drug. It is 0 for
  every candidate when the question names nothing (its topic is the whole question, already in `dense`), and when
  it has no topic word that narrows the corpus down (`IndexVocabulary.narrows`: in at most half of the passages):
  then what is left of the question says nothing specific ("is lithium safe with ketamine?", or "hydrocodone and
  ketamine infusion" over articles about ketamine infusions).

The weights are fitted by `python bench/fit_rerank.py` on development questions (a softmax over each question's
candidates, with the gold passage as the target) and shipped in `rerank_model.json` with the figures that script
printed. Every signal is general: none names a drug, a question type or a corpus.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from indexer.ask.model_files import model_json
from indexer.ask.reading import Understanding
from indexer.ask.vocabulary import holds
from indexer.errors import ConfigError
from indexer.text.tokens import terms
from indexer.types import Ranked

FEATURES = ("dense", "lexical", "named", "best_sentence", "topic")
DEPTH = 40  # the fused candidates that are ranked again
MODEL_FILE = "rerank_model.json"


@dataclass(frozen=True)
class RerankModel:
    """Weights of the features, in `FEATURES` order; a passage's score is their weighted sum."""

    weights: tuple[float, ...]
    depth: int = DEPTH

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ConfigError(f"A rerank model needs {len(FEATURES)} weights ({', '.join(FEATURES)}); got "
                              f"{len(self.weights)}. Refit it with `python bench/fit_rerank.py`.")
        if not 1 <= self.depth <= 1000:
            raise ConfigError(f"A rerank model's depth must be between 1 and 1000. Got {self.depth}.")

    @classmethod
    def load(cls, path: Path | None = None) -> RerankModel:
        """The model in `path`, or the one shipped with the package."""
        try:
            data = model_json(path, MODEL_FILE)
            if data.get("features") != list(FEATURES):
                raise ConfigError(f"The rerank model {path or MODEL_FILE} is for the features {data.get('features')}, "
                                  f"not {list(FEATURES)}. Refit it with `python bench/fit_rerank.py`.")
            return cls(tuple(float(w) for w in data["weights"]), int(data.get("depth", DEPTH)))
        except ConfigError:
            raise
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ConfigError(f"The rerank model {path or MODEL_FILE} cannot be read ({type(e).__name__}). Point "
                              "rerank_model at a file written by `python bench/fit_rerank.py`.") from e

    def to_json(self) -> dict:
        return {"features": list(FEATURES), "weights": list(self.weights), "depth": self.depth}

    def scores(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(features, dtype=np.float64) @ np.asarray(self.weights, dtype=np.float64)

    def order(self, features: np.ndarray, dense: np.ndarray, numbers: np.ndarray) -> np.ndarray:
        """The rows of `features` (candidates, with their cosines `dense` and passage `numbers`) best first by the
        model. Equal scores keep the closer passage first, then the lower passage number."""
        return np.lexsort((np.asarray(numbers), -np.asarray(dense), -self.scores(features)))

    def rerank(self, ranked: list[Ranked], features: np.ndarray) -> list[Ranked]:
        """`ranked` (of which `features` are the rows) best first by the model (`order`); each `score` is the
        model's."""
        scores = self.scores(features)
        order = self.order(features, np.array([r.dense_score for r in ranked]),
                           np.array([r.number for r in ranked], dtype=np.int64))
        return [replace(ranked[i], score=float(scores[i])) for i in order]


def named_share(understood: Understanding, passage_terms: list[list[str]]) -> np.ndarray:
    """Per passage, the share of the drugs and classes the question names (of those the sources mention) that the
    passage names, by any of the names the sources use for them (0 when the question names none)."""
    things: list[list[list[str]]] = []  # per thing, its names as term sequences
    for drug in understood.drugs:
        if drug.in_sources:
            things.append([terms(n.replace("/", " ")) for n in (drug.source_names or drug.class_terms)])
    for mentioned in understood.classes:
        if mentioned.in_sources:
            things.append([terms(n.replace("/", " ")) for n in mentioned.source_terms])
    things = [[parts for parts in names if parts] for names in things]
    things = [names for names in things if names]
    out = np.zeros(len(passage_terms))
    if not things:
        return out
    for i, passage in enumerate(passage_terms):
        out[i] = sum(any(holds(passage, parts) for parts in names) for names in things) / len(things)
    return out


def candidate_features(ranked: list[Ranked], named: np.ndarray, best_sentence: list[float | None],
                       topic: np.ndarray | None = None) -> np.ndarray:
    """One row per candidate, the columns in `FEATURES` order (see the module docstring); `topic` is the cosine of
    the question's topic with each candidate; None when it does not count (see the module docstring)."""
    dense = np.array([r.dense_score for r in ranked], dtype=np.float64)
    sparse = np.array([r.sparse_score for r in ranked], dtype=np.float64)
    top = sparse.max() if len(sparse) else 0.0
    lexical = sparse / top if top > 0 else np.zeros(len(ranked))
    best = np.array([d if b is None else b for b, d in zip(best_sentence, dense, strict=True)], dtype=np.float64)
    topical = np.zeros(len(ranked)) if topic is None else np.asarray(topic, dtype=np.float64)
    return np.column_stack([dense, lexical, named, best, topical]).reshape(len(ranked), len(FEATURES))
