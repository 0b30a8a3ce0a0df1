"""Fit the support model of Check wording (indexer/check/data/support_model.json) on the Check-COVID training claims.

Every claim is compared with its candidate spans exactly as `indexer.check.verdicts.check` does
(`Evidence.candidates` and `Evidence.assess`). Two logistic regressions (NumPy, L2-regularized, Newton steps) are
fitted, as `indexer.check.support` uses them:

    relevance  over every claim-span pair: positive when the span overlaps one of the claim's evidence sentences
               (whatever the claim's label): is this the span the claim speaks of?
    decision   over one pair per claim, the eligible span (`_Judge.eligible`) of highest out-of-fold relevance,
               with what the other spans say of it (`support.context_values`): positive when the claim is labelled
               SUPPORT and the span is in its own abstract.

Out-of-fold means 5 folds over abstracts, so no abstract is in both a fit and its test; the decision model is fitted
on the out-of-fold relevance, as it will meet unseen claims. The decision threshold is the lowest whose out-of-fold
share of refuted claims presented as supported stays within `--max-refuted`, which finds the most supported claims
in their own abstract. The claim-level figures follow the check's own rule: a supporting span loses to a
conflicting span at least as related to the claim, and a span closer than `paraphrase_close` (not a title)
supports whatever the model says.

    python -m bench.fit_conflicts [../shared/ext/claims/check_covid_train.jsonl] [--max-refuted 0.10] [--dry-run]

The last line is `name=value` pairs (the cross-validated figures).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.claims_dev import DEFAULT_CLAIMS, load_claims, open_engine
from bench.common import REPO, last_line

OUT = REPO / "indexer" / "check" / "data" / "support_model.json"
FOLDS = 5


@dataclass(frozen=True)
class Pairs:
    x: np.ndarray  # (pairs, FEATURES)
    evidence: np.ndarray  # the span overlaps one of the claim's evidence sentences (whatever its label)
    claim: np.ndarray  # claim number of each pair
    own: np.ndarray  # the span is in the claim's own abstract
    source: np.ndarray  # the span's source id
    eligible: np.ndarray  # `_Judge.eligible`: the span may support the claim at all
    close: np.ndarray  # nearer than `paraphrase_close` and not a title: supports whatever the model says
    conflicted: np.ndarray  # something in the span conflicts with the claim
    related: np.ndarray  # `_Judge.related`
    labels: list[str]  # per claim: SUPPORT or REFUTE
    groups: list[str]  # per claim: its abstract
    # per claim: how related the span the check would report as conflicting is, -inf when none (a supporting span
    # must be more related to win over it)
    conflicting: np.ndarray


def collect(engine, claims: list[dict]) -> Pairs:
    """The candidate pairs of every claim, with the features the model sees."""
    from indexer.check.antonyms import load_lexicon
    from indexer.check.diff import tokenize
    from indexer.check.evidence import Evidence
    from indexer.check.spans import span_index
    from indexer.check.support import FEATURES, feature_values
    from indexer.check.verdicts import Thresholds, _is_title, _Judge
    from indexer.text.tokens import terms

    index = span_index(engine)
    evidence = Evidence(index, load_lexicon())
    t = Thresholds()
    judge = _Judge(evidence, None, t)  # only its rules are used: no model needed
    columns: dict[str, list] = {k: [] for k in ("x", "evidence", "claim", "own", "source", "eligible", "close",
                                                "conflicted", "related")}
    conflicting = []
    texts = [" ".join(r["claim"].split()) for r in claims]
    vectors = engine.embedder.encode_queries(texts)
    for number, (row, text, vector) in enumerate(zip(claims, texts, vectors, strict=True)):
        cosines = index.vectors @ vector
        tokens = tokenize(text)
        words = set(terms(text))
        offset = len(row["title"].strip()) + 2  # the corpus file is title, blank line, abstract
        spans = [(e["start"] + offset, e["end"] + offset) for e in row["evidence_sentences"]]
        assessments = []
        gaps = evidence.source_gaps(cosines)
        for n in evidence.candidates(words, cosines):
            span = index.spans[n]
            assessed = evidence.assess(text, tokens, words, n, float(cosines[n]), gaps)
            assessments.append(assessed)
            values = feature_values(assessed, span.sentences)
            in_own = span.source_id == row["cord_id"]
            for key, value in (("x", [values[f] for f in FEATURES]), ("claim", number), ("own", in_own),
                               ("evidence", in_own and any(span.start < b and span.end > a for a, b in spans)),
                               ("source", span.source_id), ("eligible", judge.eligible(assessed)),
                               ("close", assessed.cosine >= t.paraphrase_close and not _is_title(span)),
                               ("conflicted", bool(assessed.conflicts)), ("related", judge.related(assessed))):
                columns[key].append(value)
        against = judge.conflicting(assessments, index)
        conflicting.append(-np.inf if against is None else judge.related(against))
    arrays = {k: np.array(v, dtype=np.float64 if k in ("x", "related") else None) for k, v in columns.items()}
    return Pairs(**arrays, labels=[r["label"] for r in claims], groups=[r["cord_id"] for r in claims],
                 conflicting=np.array(conflicting))


def save_pairs(pairs: Pairs, path: Path) -> None:
    np.savez(path, **{k: v for k, v in vars(pairs).items() if k not in ("labels", "groups")},
             labels=np.array(pairs.labels), groups=np.array(pairs.groups))


def load_pairs(path: Path) -> Pairs:
    with np.load(path, allow_pickle=False) as data:
        fields = {k: data[k] for k in data.files}
    return Pairs(**fields | {"labels": [str(v) for v in fields["labels"]],
                             "groups": [str(v) for v in fields["groups"]]})


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> tuple[np.ndarray, float]:
    """Weights and bias of an L2-regularized logistic regression (Newton's method; the bias is not penalized)."""
    design = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ w, -30, 30)))
        gradient = design.T @ (p - y) + penalty * w
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def standardize(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    return mean, np.where(scale > 1e-9, scale, 1.0)


def predict(x: np.ndarray, weights: np.ndarray, bias: float, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(((x - mean) / scale) @ weights + bias, -30, 30)))


def fold_of(group: str, folds: int = FOLDS) -> int:
    return int(hashlib.sha256(group.encode()).hexdigest(), 16) % folds


@dataclass(frozen=True)
class Fitted:
    """A logistic regression and the data it takes."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, l2: float) -> Fitted:
        mean, scale = standardize(x)
        weights, bias = fit_logistic((x - mean) / scale, y.astype(float), l2)
        return cls(weights, bias, mean, scale)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return predict(x, self.weights, self.bias, self.mean, self.scale)

    def logistic(self, features: tuple[str, ...]):
        from indexer.check.support import Logistic

        def rounded(values) -> tuple[float, ...]:  # the file does not change with the last digits of a refit
            return tuple(round(float(v), 6) for v in values)

        return Logistic(features, rounded(self.weights), round(self.bias, 6), rounded(self.mean), rounded(self.scale))


def out_of_fold(x: np.ndarray, y: np.ndarray, folds: np.ndarray, l2: float) -> np.ndarray:
    """Each row's probability from a model fitted without its fold."""
    out = np.zeros(len(x))
    for k in range(FOLDS):
        train, test = folds != k, folds == k
        if train.any() and test.any():
            out[test] = Fitted.fit(x[train], y[train], l2).predict(x[test])
    return out


@dataclass(frozen=True)
class Decisions:
    """One row per claim with an eligible span: the claim, its chosen pair and the decision model's inputs."""

    claim: np.ndarray
    pair: np.ndarray
    x: np.ndarray  # (claims, DECISION_FEATURES)
    positive: np.ndarray  # SUPPORT claim and the span is in its own abstract


def decisions(pairs: Pairs, relevance: np.ndarray) -> Decisions:
    """The span `_Judge.supporting` would weigh for each claim (the eligible one of highest relevance), with its
    features and context."""
    from indexer.check.support import context_values

    claims, chosen, rows = [], [], []
    for c in range(len(pairs.labels)):
        mine = np.flatnonzero(pairs.claim == c)
        ok = mine[pairs.eligible[mine]]
        if not len(ok):
            continue
        best = int(ok[np.argmax(relevance[ok])])
        k = int(np.flatnonzero(mine == best)[0])
        context = context_values(k, list(relevance[mine]), list(pairs.source[mine]), list(pairs.conflicted[mine]),
                                 list(pairs.related[mine]))
        claims.append(c)
        chosen.append(best)
        rows.append(np.concatenate([pairs.x[best], list(context.values())]))
    claims, chosen = np.array(claims, dtype=int), np.array(chosen, dtype=int)
    labels = np.array(pairs.labels)
    positive = (labels[claims] == "SUPPORT") & pairs.own[chosen] if len(claims) else np.zeros(0, dtype=bool)
    return Decisions(claims, chosen, np.array(rows).reshape(len(claims), -1), positive)


def claim_figures(pairs: Pairs, chosen: Decisions, probability: np.ndarray, threshold: float) -> dict[str, float]:
    """Claim-level figures when a claim is supported by a span nearer than `paraphrase_close`, else by its chosen
    span when the decision probability reaches the threshold, unless a conflicting span is at least as related to
    it (as `verdicts._Judge` decides)."""
    from indexer.check.verdicts import Thresholds

    t = Thresholds()
    supported = np.zeros(len(pairs.labels), dtype=bool)
    own = np.zeros(len(pairs.labels), dtype=bool)
    for k, (c, best) in enumerate(zip(chosen.claim, chosen.pair, strict=True)):
        mine = np.flatnonzero((pairs.claim == c) & pairs.eligible & pairs.close)
        if len(mine):  # the nearest (the check's `pick` prefers it, up to `cosine_window`)
            best = mine[np.argmax(pairs.x[mine, 0] + t.term_weight * pairs.x[mine, 1])]
            ok = True
        else:
            ok = probability[k] >= threshold
        supported[c] = ok and pairs.related[best] > pairs.conflicting[c]
        own[c] = supported[c] and bool(pairs.own[best])
    labels = np.array(pairs.labels)
    return {"refuted_as_supported": float(supported[labels == "REFUTE"].mean()),
            "supported_found": float(own[labels == "SUPPORT"].mean())}


def choose_threshold(pairs: Pairs, chosen: Decisions, probability: np.ndarray,
                     max_refuted: float) -> tuple[float, dict]:
    """The lowest threshold (most claims found) whose refuted-as-supported share stays within `max_refuted`."""
    best = (1.0, claim_figures(pairs, chosen, probability, 1.0))
    for threshold in np.round(np.arange(0.99, 0.04, -0.01), 2):
        figures = claim_figures(pairs, chosen, probability, float(threshold))
        if figures["refuted_as_supported"] <= max_refuted:
            best = (float(threshold), figures)
    return best


def main(argv: list[str] | None = None) -> int:
    from indexer.check.support import DECISION_FEATURES, FEATURES, SupportModel

    p = argparse.ArgumentParser(prog="python -m bench.fit_conflicts", description=__doc__.split("\n")[0])
    p.add_argument("file", type=Path, nargs="?", default=DEFAULT_CLAIMS)
    p.add_argument("--max-refuted", type=float, default=0.10,
                   help="the largest share of refuted claims presented as supported, out of fold")
    p.add_argument("--l2", type=float, default=1.0, help="the relevance model's L2 penalty")
    p.add_argument("--decision-l2", type=float, default=10.0, help="the decision model's L2 penalty (fewer rows)")
    p.add_argument("--fake", action="store_true", help="the tests' fake embedder (smoke tests)")
    p.add_argument("--dry-run", action="store_true", help="print the figures, do not write the model")
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--pairs", type=Path, help="an .npz file to reuse the collected pairs from (made when missing)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    claims = load_claims(args.file)
    if args.pairs and args.pairs.exists():
        pairs = load_pairs(args.pairs)
    else:
        pairs = collect(open_engine(claims, args.fake), claims)
        if args.pairs:
            save_pairs(pairs, args.pairs)
    folds = np.array([fold_of(pairs.groups[c]) for c in pairs.claim])
    relevance = out_of_fold(pairs.x, pairs.evidence, folds, args.l2)
    chosen = decisions(pairs, relevance)
    claim_folds = np.array([fold_of(pairs.groups[c]) for c in chosen.claim], dtype=int)
    probability = out_of_fold(chosen.x, chosen.positive, claim_folds, args.decision_l2)
    threshold, figures = choose_threshold(pairs, chosen, probability, args.max_refuted)
    relevance_model = Fitted.fit(pairs.x, pairs.evidence, args.l2)
    decision_model = Fitted.fit(chosen.x, chosen.positive, args.decision_l2)
    model = SupportModel(relevance_model.logistic(FEATURES), decision_model.logistic(DECISION_FEATURES), threshold)
    for name, weight in sorted(zip(DECISION_FEATURES, decision_model.weights, strict=True), key=lambda i: -abs(i[1])):
        print(f"decision {name:20s} {weight:+.3f}")
    if not args.dry_run:
        about = (f"Fitted by bench/fit_conflicts.py on {args.file.name} ({len(claims)} claims, {len(pairs.x)} "
                 f"claim-span pairs); threshold chosen out of fold for refuted-as-supported <= {args.max_refuted}.")
        tmp = args.out.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(model.to_json(about), indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, args.out)
    print(last_line({"pairs": len(pairs.x), "threshold": threshold, **{f"cv_{k}": round(v, 4)
                                                                         for k, v in figures.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
