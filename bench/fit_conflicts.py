"""Fit the support model of Check wording (indexer/check/data/support_model.json) on the Check-COVID training claims.

Every claim is compared with its candidate spans exactly as `indexer.check.verdicts.check` does
(`Evidence.candidates` and `Evidence.assess`); a pair is positive when the claim is labelled SUPPORT and the span overlaps one of the
claim's evidence sentences. A logistic regression (NumPy, L2-regularized, Newton steps) is fitted on those pairs.
The decision threshold is chosen on out-of-fold predictions (5 folds over abstracts, so no abstract is in both a
fit and its test): the lowest threshold whose share of refuted claims presented as supported stays within
`--max-refuted`, which finds the most supported claims in their own abstract. The claim-level figures follow the
check's own rule: a supporting span loses to a conflicting span at least as related to the claim, and a span
closer than `paraphrase_close` (not a title) supports whatever the model says.

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
    x: np.ndarray  # (pairs, features)
    positive: np.ndarray  # SUPPORT claim and the span overlaps its evidence
    claim: np.ndarray  # claim number of each pair
    own: np.ndarray  # the span is in the claim's own abstract
    labels: list[str]  # per claim: SUPPORT or REFUTE
    groups: list[str]  # per claim: its abstract
    title: np.ndarray | None = None  # per pair: the span is its source's title
    # per claim: how related (cosine + term_weight × coverage) the span the check would report as conflicting is,
    # -inf when none (a supporting span must be more related to win over it); None: no claim has one
    conflicting: np.ndarray | None = None


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
    judge = _Judge(evidence, None, Thresholds())  # only its conflict rule is used: no model needed
    conflicting = []
    texts = [" ".join(r["claim"].split()) for r in claims]
    vectors = engine.embedder.encode_queries(texts)
    rows, positive, claim_of, own, title = [], [], [], [], []
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
            rows.append([values[f] for f in FEATURES])
            in_own = span.source_id == row["cord_id"]
            overlaps = in_own and any(span.start < b and span.end > a for a, b in spans)
            positive.append(row["label"] == "SUPPORT" and overlaps)
            claim_of.append(number)
            own.append(in_own)
            title.append(_is_title(span))
        against = judge.conflicting(assessments, index)
        conflicting.append(-np.inf if against is None else judge.related(against))
    return Pairs(np.array(rows, dtype=np.float64), np.array(positive), np.array(claim_of), np.array(own),
                 [r["label"] for r in claims], [r["cord_id"] for r in claims], np.array(title),
                 np.array(conflicting))


def save_pairs(pairs: Pairs, path: Path) -> None:
    np.savez(path, x=pairs.x, positive=pairs.positive, claim=pairs.claim, own=pairs.own,
             labels=np.array(pairs.labels), groups=np.array(pairs.groups),
             title=_titles(pairs), conflicting=_conflicting(pairs))


def load_pairs(path: Path) -> Pairs:
    with np.load(path, allow_pickle=False) as data:
        return Pairs(data["x"], data["positive"], data["claim"], data["own"], [str(v) for v in data["labels"]],
                     [str(v) for v in data["groups"]], data["title"], data["conflicting"])


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


def out_of_fold(pairs: Pairs, l2: float) -> np.ndarray:
    """Each pair's probability from a model fitted without its abstract's fold."""
    fold = np.array([fold_of(pairs.groups[c]) for c in pairs.claim])
    used = eligible(pairs)
    out = np.zeros(len(pairs.x))
    for k in range(FOLDS):
        train, test = (fold != k) & used, fold == k
        mean, scale = standardize(pairs.x[train])
        weights, bias = fit_logistic((pairs.x[train] - mean) / scale, pairs.positive[train].astype(float), l2)
        out[test] = predict(pairs.x[test], weights, bias, mean, scale)
    return out


def eligible(pairs: Pairs) -> np.ndarray:
    """The pairs `indexer.check.verdicts` lets the model judge: close enough (the paraphrase thresholds), no number or
    drug added, nothing conflicting."""
    from indexer.check.conflict import REASONS
    from indexer.check.support import FEATURES
    from indexer.check.verdicts import Thresholds

    t = Thresholds()
    column = {f: pairs.x[:, k] for k, f in enumerate(FEATURES)}
    close = (column["cosine"] >= t.paraphrase_cosine) & (
        column["cosine"] + t.term_weight * column["share"] >= t.paraphrase_support)
    clean = (column["added_number"] == 0) & (column["new_drug"] == 0) & (sum(column[r] for r in REASONS) == 0)
    return close & clean


def claim_figures(pairs: Pairs, probability: np.ndarray, threshold: float) -> dict[str, float]:
    """Claim-level figures when a claim is supported by its most probable eligible span at or above the
    threshold, unless a conflicting span is at least as related to it (as `verdicts._Judge` decides)."""
    from indexer.check.support import FEATURES
    from indexer.check.verdicts import Thresholds

    t = Thresholds()
    cosine = pairs.x[:, FEATURES.index("cosine")]
    related = cosine + t.term_weight * pairs.x[:, FEATURES.index("coverage")]
    close = (cosine >= t.paraphrase_close) & ~_titles(pairs)  # supported whatever the model (not a title)
    probability = np.where(eligible(pairs), np.where(close, 1.0, probability), -1.0)
    conflicting = _conflicting(pairs)
    refuted = supported = refuted_as_supported = found = 0
    for c, label in enumerate(pairs.labels):
        mine = np.flatnonzero(pairs.claim == c)
        best = mine[np.argmax(probability[mine])] if len(mine) else None
        ok = best is not None and probability[best] >= threshold and related[best] > conflicting[c]
        if label == "REFUTE":
            refuted += 1
            refuted_as_supported += ok
        else:
            supported += 1
            found += ok and bool(pairs.own[best])
    return {"refuted_as_supported": refuted_as_supported / max(refuted, 1), "supported_found": found / max(supported, 1)}


def _titles(pairs: Pairs) -> np.ndarray:
    return pairs.title if pairs.title is not None else np.zeros(len(pairs.x), dtype=bool)


def _conflicting(pairs: Pairs) -> np.ndarray:
    return pairs.conflicting if pairs.conflicting is not None else np.full(len(pairs.labels), -np.inf)


def choose_threshold(pairs: Pairs, probability: np.ndarray, max_refuted: float) -> tuple[float, dict]:
    """The lowest threshold (most claims found) whose refuted-as-supported share stays within `max_refuted`."""
    best = (1.0, claim_figures(pairs, probability, 1.0))
    for threshold in np.round(np.arange(0.99, 0.04, -0.01), 2):
        figures = claim_figures(pairs, probability, float(threshold))
        if figures["refuted_as_supported"] <= max_refuted:
            best = (float(threshold), figures)
    return best


def main(argv: list[str] | None = None) -> int:
    from indexer.check.support import FEATURES, SupportModel

    p = argparse.ArgumentParser(prog="python -m bench.fit_conflicts", description=__doc__.split("\n")[0])
    p.add_argument("file", type=Path, nargs="?", default=DEFAULT_CLAIMS)
    p.add_argument("--max-refuted", type=float, default=0.10,
                   help="the largest share of refuted claims presented as supported, out of fold")
    p.add_argument("--l2", type=float, default=1.0)
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
    probability = out_of_fold(pairs, args.l2)
    threshold, figures = choose_threshold(pairs, probability, args.max_refuted)
    used = eligible(pairs)
    mean, scale = standardize(pairs.x[used])
    weights, bias = fit_logistic((pairs.x[used] - mean) / scale, pairs.positive[used].astype(float), args.l2)
    def rounded(values) -> tuple[float, ...]:  # the file does not change with the last digits of a refit
        return tuple(round(float(v), 6) for v in values)

    model = SupportModel(FEATURES, rounded(weights), round(bias, 6), rounded(mean), rounded(scale), threshold)
    for name, weight in sorted(zip(FEATURES, weights, strict=True), key=lambda item: -abs(item[1])):
        print(f"{name:16s} {weight:+.3f}")
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
