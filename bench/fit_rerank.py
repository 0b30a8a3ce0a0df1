"""Fit the rerank model (indexer/ask/rerank_model.json) on development questions with known answer passages.

    python bench/fit_rerank.py [--ext ../shared/ext] [--work .cache/coverage] [--out indexer/ask/rerank_model.json]
                               [--check-only]

Data (nothing else is read):
- MedicationQA dev (`medicationqa/dev.jsonl` of the external data: its 179 answerable questions) over its own corpus
  (each document of `docs.jsonl` as `<doc_id>.txt`); a passage is right when at least half of it lies in the gold
  span or at least half of the gold span lies in it (the data's scoring rule);
Scored as checks, never fitted on: the seed question sets `tests/eval/questions.jsonl` and `tests/eval/holdout.jsonl`
over `corpus/` (a passage is right when it is from the expected source and holds the expected quote). Fitting on
the seed questions as well made both MedicationQA and the seed holdout worse: 48 questions over two articles
that all name ketamine teach the model little about a corpus of many drugs.

For every question the engine's first stage (`Engine.candidates` with reranking off: question reading, the fused
dense and BM25 candidates, `rerank.DEPTH` of them) gives each candidate its features (`rerank.FEATURES`). The model
is a softmax over a question's candidates, fitted by maximum likelihood of its right passages (L2 penalty
`L2`); questions with no right candidate carry no information and are left out of the fit, but not of the figures.

Cross-validation first: MedicationQA is cut in `FOLDS` parts by drug (all questions about one drug fall in the
same part, by a stable hash of its name), and each part is ranked by a model fitted on the others; hit@1, hit@3,
hit@10 and MRR@10 over all of them, beside the first stage's own order. Then the shipped model is fitted on all
of MedicationQA dev and written with the figures, and scored on the seed sets.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.fit_coverage import (  # noqa: E402
    engine_for,
    fitting_parser,
    medicationqa_corpus,
    no_medicationqa,
    write_model,
)
from indexer.ask.rerank import DEPTH, FEATURES, MODEL_FILE, RerankModel  # noqa: E402

DEFAULT_WORK = REPO / ".cache" / "coverage"
DEFAULT_OUT = REPO / "indexer" / "ask" / MODEL_FILE
L2 = 0.3  # on weights of order 1–6; 0.1 to 1.0 gave cross-validated figures within 0.01 of each other
K = 10
FOLDS = 5


@dataclass(frozen=True)
class Example:
    source: str  # "medicationqa", "seed" or "holdout"
    question: str
    group: str  # the drug it is about (MedicationQA), for the split
    features: np.ndarray  # one row per candidate, in first-stage order
    right: np.ndarray  # per candidate, True when it answers
    numbers: np.ndarray  # per candidate, its passage number (ties are broken by it, as the engine breaks them)


def examples_of(engine, questions: list[tuple[str, str, object]], source: str) -> list[Example]:
    """`questions`: (question, group, is_right(passage) -> bool)."""
    out = []
    for question, group, is_right in questions:
        found = engine.candidates(question, DEPTH)
        right = np.array([is_right(engine.index.passages[r.number]) for r in found.ranked], dtype=bool)
        numbers = np.array([r.number for r in found.ranked], dtype=np.int64)
        out.append(Example(source, question, group, found.features, right, numbers))
    return out


def span_rule(doc_id: str, start: int, end: int):
    def is_right(p) -> bool:
        if p.source_id != doc_id:
            return False
        shared = min(p.end, end) - max(p.start, start)
        return shared > 0 and (2 * shared >= p.end - p.start or 2 * shared >= end - start)
    return is_right


def quote_rule(expected):
    def is_right(p) -> bool:
        return any(p.source_id == source and quote in p.text for source, quote in expected)
    return is_right


def gather(ext: Path, work: Path) -> list[Example]:
    from indexer.evaluate.retrieval import load_questions
    from indexer.index.embedder import load_embedder

    embedder = load_embedder()
    corpus = medicationqa_corpus(ext, work / "medicationqa")
    engine = engine_for(corpus, work / "medicationqa" / "index", embedder, rerank=False)
    with open(ext / "medicationqa" / "dev.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    examples = examples_of(engine, [
        (" ".join(r["question"].split()), (r.get("focus") or "").lower().strip(),
         span_rule(r["doc_id"], int(r["start"]), int(r["end"])))
        for r in rows if r["answerable"]], "medicationqa")
    engine = engine_for(REPO / "corpus", work / "seed" / "index", embedder, rerank=False)
    for name, source in (("questions.jsonl", "seed"), ("holdout.jsonl", "holdout")):
        qs = [q for q in load_questions(REPO / "tests" / "eval" / name) if q.answerable]
        examples += examples_of(engine, [(q.question, "", quote_rule(q.expected)) for q in qs], source)
    return examples


def fit(examples: list[Example], l2: float = L2) -> RerankModel:
    from scipy.optimize import minimize

    usable = [e for e in examples if e.right.any()]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = l2 * float(w @ w), 2 * l2 * w
        for e in usable:
            s = e.features @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            right = float(p[e.right].sum())
            total -= math.log(right + 1e-12)
            grad = grad - (e.features[e.right].T @ p[e.right]) / (right + 1e-12) + e.features.T @ p
        return total, grad

    start = np.zeros(len(FEATURES))
    start[FEATURES.index("dense")], start[FEATURES.index("lexical")] = 0.8, 0.2  # the first stage's fusion
    result = minimize(loss, start, jac=True, method="L-BFGS-B")
    return RerankModel(tuple(round(float(w), 4) for w in result.x))


def fit_shipped(examples: list[Example]) -> RerankModel:
    """The model this script ships: fitted on all of the MedicationQA development questions."""
    return fit([e for e in examples if e.source == "medicationqa"])


def rank_of(example: Example, order: np.ndarray) -> int | None:
    right = example.right[order][:K]
    return int(np.argmax(right)) + 1 if right.any() else None


def figures(ranks: list[int | None]) -> dict:
    n = len(ranks)
    return {
        "questions": n,
        "hit@1": round(sum(1 for r in ranks if r == 1) / n, 3),
        "hit@3": round(sum(1 for r in ranks if r and r <= 3) / n, 3),
        "hit@10": round(sum(1 for r in ranks if r) / n, 3),
        "mrr@10": round(sum(1 / r for r in ranks if r) / n, 3),
    }


def score(model: RerankModel | None, examples: list[Example]) -> dict:
    """Figures of the model's order (None: the first stage's)."""
    return figures([rank_of(e, order_of(model, e)) for e in examples]) if examples else {}


def fold(group: str) -> int:
    """The cross-validation part of a drug: fixed by its name (a stable hash, not Python's salted one)."""
    return hashlib.sha256(group.encode("utf-8")).digest()[0] % FOLDS


def cross_validated(examples: list[Example]) -> dict:
    """Each part ranked by a model fitted on the other parts."""
    ranks = []
    for part in range(FOLDS):
        model = fit([e for e in examples if fold(e.group) != part])
        for e in examples:
            if fold(e.group) == part:
                ranks.append(rank_of(e, order_of(model, e)))
    return figures(ranks)


def order_of(model: RerankModel | None, example: Example) -> np.ndarray:
    """The candidates' order by the model, as the engine orders them (None: the first stage's order)."""
    if model is None:
        return np.arange(len(example.right))
    return model.order(example.features, example.features[:, FEATURES.index("dense")], example.numbers)


def main(argv: list[str] | None = None) -> int:
    args = fitting_parser(__doc__.splitlines()[0], DEFAULT_WORK, DEFAULT_OUT).parse_args(argv)
    if no_medicationqa(args.ext):
        return 2
    examples = gather(args.ext, args.work)
    mqa = [e for e in examples if e.source == "medicationqa"]
    seed = [e for e in examples if e.source == "seed"]
    holdout = [e for e in examples if e.source == "holdout"]
    model = fit_shipped(examples)
    report = {
        f"MedicationQA dev, {FOLDS} parts by drug, each ranked by a model fitted on the others": {
            "first stage": score(None, mqa), "reranked": cross_validated(mqa)},
        "shipped (fit on all of MedicationQA dev)": {
            "medicationqa first stage": score(None, mqa), "medicationqa reranked": score(model, mqa),
            "seed questions first stage": score(None, seed), "seed questions reranked": score(model, seed),
            "seed holdout first stage": score(None, holdout), "seed holdout reranked": score(model, holdout)},
    }
    for name, found in report.items():
        print(f"{name}: {json.dumps(found)}")
    print("weights: " + ", ".join(f"{k}={v:+.3f}" for k, v in zip(FEATURES, model.weights, strict=True)))
    if args.check_only:
        return 0
    data = {
        "fitted_on": "MedicationQA dev (../shared/ext/medicationqa/dev.jsonl, its answerable questions), "
                     "by bench/fit_rerank.py",
        **model.to_json(),
        "cross_validation": report,
    }
    write_model(args.out, data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
