"""Fit the coverage model (indexer/ask/coverage_model.json) on development questions with real unanswerable ones.

    python bench/fit_coverage.py [--ext ../shared/ext] [--work .cache/coverage] [--out indexer/ask/coverage_model.json]
                                 [--check-only]

Data (nothing else is read):
- MedicationQA dev (`medicationqa/dev.jsonl` of the external data: 179 answerable questions, 76 about drugs no
  document names) over its own corpus (each document of `docs.jsonl` as `<doc_id>.txt`);
- the seed question set `tests/eval/questions.jsonl` over `corpus/`.
Scored as checks, never fitted on: `tests/eval/holdout.jsonl`, and `tests/eval/drug_topics.jsonl` over the
MedicationQA corpus: 40 questions that name a drug the documents name but ask about something none of the
documents naming it speak of ("How much does sertraline cost?"; checked by keyword against every such document),
and 11 that do. Fitting on those as well catches more of them (0.69 instead of 0.03, cross-validated) but
doubles the false abstentions on MedicationQA's held-out half (0.20 instead of 0.07): MedicationQA's answers are
often excerpts that share no topic word with the question ("what color is phenytoin" → "WHITE"), and nothing in
the evidence tells those from a topic the sources never address for that drug.

For every question the engine's coverage evidence (`indexer.ask.coverage.Evidence`) is gathered with the real
model, and a logistic regression (scikit-learn, balanced class weights) learns P(covered); a question is
covered at P >= 0.5 (`THRESHOLD`). Questions naming drugs of which the sources mention only some are judged by
rule (never covered) and are not fitted on.

Cross-validation first: MedicationQA is cut in two halves by drug (all questions about one drug fall in the
same half, so no drug is seen in both), and a model fitted on one half (plus the seed set) is scored on the
other. The figures of both directions are printed. Then the shipped model is fitted on everything and written
with the figures; the weights and the threshold are printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import DEFAULT_EXT  # noqa: E402
from indexer.ask.coverage import MODEL_FILE, CoverageModel, Evidence  # noqa: E402

DEFAULT_WORK = REPO / ".cache" / "coverage"
DEFAULT_OUT = REPO / "indexer" / "ask" / MODEL_FILE
# With balanced class weights, 0.5 is where a wrong "covered" and a wrong "not covered" cost the same, however
# many questions of each kind the fitting data holds. (Tuning the cut on the fitting data as well, to maximise
# Youden's J, moved it between 0.33 and 0.52 from one half of MedicationQA to the other: it did not carry.)
THRESHOLD = 0.5


@dataclass(frozen=True)
class Example:
    source: str  # "medicationqa" or "seed" or "holdout"
    question: str
    covered: bool  # the label: the sources answer it
    group: str  # the drug it is about (MedicationQA), for the split
    features: tuple[float, ...]
    partly_specific: bool = False  # of the drugs and classes it names, a specific one is in the sources


def medicationqa_corpus(ext: Path, folder: Path) -> Path:
    corpus = folder / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    with open(ext / "medicationqa" / "docs.jsonl", encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            path = corpus / f"{doc['doc_id']}.txt"
            data = doc["text"].encode("utf-8")
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)
    return corpus


def engine_for(corpus: Path, index: Path, embedder, **settings):
    """An engine over the corpus (with `settings` of `Config`); its index is (re)built when missing, stale or of
    another format."""
    from indexer import Config, Engine
    from indexer.index.build import build_index, index_status

    config = Config(corpus_dir=corpus, index_dir=index, **settings)
    if index_status(config).state != "current":
        build_index(config, embedder, force=True)
    return Engine.open(config, embedder=embedder)


def evidence_of(engine, questions: list[tuple[str, bool, str]], source: str) -> list[Example]:
    out = []
    for question, covered, group in questions:
        understood, _, evidence = engine.examine(question, k=10)
        specific = any(d.specific for d in understood.drugs) or any(c.specific for c in understood.classes)
        out.append(Example(source, question, covered, group, tuple(evidence.vector()), specific))
    return out


def gather(ext: Path, work: Path) -> list[Example]:
    from indexer.evaluate.retrieval import load_questions
    from indexer.index.embedder import load_embedder

    embedder = load_embedder()
    examples: list[Example] = []
    corpus = medicationqa_corpus(ext, work / "medicationqa")
    engine = engine_for(corpus, work / "medicationqa" / "index", embedder)
    with open(ext / "medicationqa" / "dev.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    questions = [(" ".join(r["question"].split()), bool(r["answerable"]), (r.get("focus") or "").lower().strip())
                 for r in rows]
    examples += evidence_of(engine, questions, "medicationqa")
    with open(REPO / "tests" / "eval" / "drug_topics.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    examples += evidence_of(engine, [(r["question"], bool(r["answerable"]), r["drug"]) for r in rows], "topics")
    engine = engine_for(REPO / "corpus", work / "seed" / "index", embedder)
    for name, source in (("questions.jsonl", "seed"), ("holdout.jsonl", "holdout")):
        qs = load_questions(REPO / "tests" / "eval" / name)
        examples += evidence_of(engine, [(q.question, q.answerable, "") for q in qs], source)
    return examples


def half(group: str) -> int:
    """0 or 1, fixed by the drug's name (a stable hash, not Python's salted one)."""
    return hashlib.sha256(group.encode("utf-8")).digest()[0] % 2


def mixed(example: Example) -> bool:
    """The question names drugs or classes the sources mention and others they never do: judged by rule
    (partly covered at best, see `coverage.judge`), so not fitted on."""
    return 0.0 < dict(zip(Evidence.FEATURES, example.features, strict=True))["asked_absent"] < 1.0


def judged_covered(model: CoverageModel, example: Example) -> bool:
    """As `coverage.judge` decides `covered` (a partly covered question counts as covered)."""
    evidence = Evidence(*example.features)
    if mixed(example):
        return example.partly_specific and model.probability(evidence.without_missing()) >= model.threshold
    return model.probability(evidence) >= model.threshold


def fit(examples: list[Example]) -> CoverageModel:
    from sklearn.linear_model import LogisticRegression

    examples = [e for e in examples if not mixed(e)]
    x = np.array([e.features for e in examples])
    y = np.array([e.covered for e in examples], dtype=int)
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit(x, y)
    weights = {name: round(float(w), 4) for name, w in zip(Evidence.FEATURES, model.coef_[0], strict=True)}
    return CoverageModel(weights, round(float(model.intercept_[0]), 4), THRESHOLD)


def fit_shipped(examples: list[Example]) -> CoverageModel:
    """The model this script ships: fitted on all of MedicationQA dev and the seed question set."""
    return fit([e for e in examples if e.source in ("medicationqa", "seed")])


def score(model: CoverageModel, examples: list[Example]) -> dict:
    judged = [judged_covered(model, e) for e in examples]
    answerable = [j for j, e in zip(judged, examples, strict=True) if e.covered]
    unanswerable = [j for j, e in zip(judged, examples, strict=True) if not e.covered]
    return {
        "questions": len(examples),
        "abstain": round(sum(1 for j in unanswerable if not j) / len(unanswerable), 3) if unanswerable else None,
        "false_abstain": round(sum(1 for j in answerable if not j) / len(answerable), 3) if answerable else None,
    }


def fitting_parser(description: str, work: Path, out: Path) -> argparse.ArgumentParser:
    """The options both fitting scripts take: the data, the work folder, the model file, --check-only."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--ext", type=Path, default=DEFAULT_EXT)
    parser.add_argument("--work", type=Path, default=work)
    parser.add_argument("--out", type=Path, default=out)
    parser.add_argument("--check-only", action="store_true", help="cross-validate; do not write the model")
    return parser


def no_medicationqa(ext: Path) -> bool:
    """True (and says what to do) when `ext` holds no MedicationQA development data."""
    if (ext / "medicationqa" / "dev.jsonl").is_file():
        return False
    print(f"No MedicationQA data under {ext}. Pass --ext with the folder that holds medicationqa/.", file=sys.stderr)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = fitting_parser(__doc__.splitlines()[0], DEFAULT_WORK, DEFAULT_OUT)
    parser.add_argument("--features", type=Path, default=None, help="also write each question's evidence here")
    parser.add_argument("--from-features", type=Path, default=None,
                        help="fit on the evidence a previous run wrote with --features (same code)")
    args = parser.parse_args(argv)
    if args.from_features:
        with open(args.from_features, encoding="utf-8") as f:
            examples = [Example(**{**json.loads(line), "features": tuple(json.loads(line)["features"])})
                        for line in f if line.strip()]
    elif no_medicationqa(args.ext):
        return 2
    else:
        examples = gather(args.ext, args.work)
    if args.features and not args.from_features:
        with open(args.features, "w", encoding="utf-8") as f:
            for e in examples:
                f.write(json.dumps(e.__dict__) + "\n")
    mqa = [e for e in examples if e.source == "medicationqa"]
    topics = [e for e in examples if e.source == "topics"]
    seed = [e for e in examples if e.source == "seed"]
    holdout = [e for e in examples if e.source == "holdout"]
    report = {}
    for held in (0, 1):
        fitting = [e for e in mqa if half(e.group) != held] + seed
        model = fit(fitting)
        report[f"fit on half {1 - held} + seed, check on half {held}"] = {
            "fitting": score(model, fitting),
            "medicationqa half": score(model, [e for e in mqa if half(e.group) == held]),
            "drug topics half": score(model, [e for e in topics if half(e.group) == held]),
            "seed holdout": score(model, holdout), "threshold": model.threshold,
        }
    model = fit_shipped(examples)
    report["shipped (fit on all of MedicationQA dev and the seed questions)"] = {
        "fitting": score(model, mqa + seed), "drug topics": score(model, topics), "seed holdout": score(model, holdout)}
    for name, figures in report.items():
        print(f"{name}: {json.dumps(figures)}")
    print("weights: " + ", ".join(f"{k}={v:+.3f}" for k, v in model.weights.items())
          + f"; bias={model.bias:+.3f}; threshold={model.threshold:.3f}")
    if args.check_only:
        return 0
    data = {
        "fitted_on": "MedicationQA dev (../shared/ext/medicationqa/dev.jsonl, 255 questions) and "
                     "tests/eval/questions.jsonl, by bench/fit_coverage.py",
        "features": list(Evidence.FEATURES),
        "weights": model.weights,
        "bias": model.bias,
        "threshold": model.threshold,
        "cross_validation": report,
    }
    write_model(args.out, data)
    return 0


def write_model(path: Path, data: dict) -> None:
    """Write a fitted model's JSON to `path` whole (a temporary file, then a rename) and say so."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    print(f"wrote {path}")


if __name__ == "__main__":
    raise SystemExit(main())
