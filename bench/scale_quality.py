"""MedicationQA's development questions asked over 40,000+ passages: does ranking hold when the answers are a few
hundred documents among thousands?

    .venv/bin/python bench/scale_quality.py [--messages] [--ext ../shared/ext] [--beir ../shared/beir]

The index is the one `bench/speed.py --large` builds and keeps under .cache/bench/ (MedicationQA's 306 answer
documents verbatim, then NFCorpus and SciFact abstracts written as articles, until --large-passages; about an hour
the first time, vectors cached by text). Every question goes through `Engine.ask` and `Engine.to_json`, the JSON
the CLI prints, and is scored by `bench/external.py`'s rule (a result hits when at least half of it lies in the
gold span, or half of the gold span in it).

Printed: hit@1, hit@3, hit@10 and MRR@10 over the answerable questions, and the share of them flagged not covered.
Not printed: abstention on the questions about drugs MedicationQA's documents never name. Those labels do not hold
here, because the abstracts name many of those drugs.

Nothing is fitted on this set. It holds the same questions as `bench/external.py medicationqa`, and the
coverage and rerank models were fitted on those, so it is not held out either: it shows what the added passages
cost.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import DEFAULT_EXT, last_line, log_progress  # noqa: E402
from bench.external import (  # noqa: E402
    as_message,
    questions_of,
    read_jsonl,
    score_medicationqa,
)
from bench.fit_coverage import no_medicationqa  # noqa: E402
from bench.speed import DEFAULT_BEIR, LARGE_PASSAGES, MEDICATIONQA_PREFIX, large_engine  # noqa: E402

K = 10


def as_medicationqa(answer: dict) -> dict:
    """The answer with its results' source ids as MedicationQA's doc ids (other sources keep theirs)."""
    results = [r | {"source_id": r["source_id"].removeprefix(MEDICATIONQA_PREFIX)} for r in answer["results"]]
    return answer | {"results": results}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ext", type=Path, default=DEFAULT_EXT, help="the external data folder (../shared/ext)")
    p.add_argument("--beir", type=Path, default=DEFAULT_BEIR, help="the folder of nfcorpus/ and scifact/")
    p.add_argument("--large-passages", type=int, default=LARGE_PASSAGES, help="passages of the index (minimum)")
    p.add_argument("--messages", action="store_true",
                   help="ask each question inside a consumer message, as `bench/external.py --messages` does")
    args = p.parse_args(argv)
    log_progress()
    if no_medicationqa(args.ext):
        return 2
    if args.large_passages < 1:
        p.error("--large-passages must be at least 1")

    from indexer.index.embedder import load_embedder

    engine = large_engine(load_embedder(), args.beir, args.ext, args.large_passages)
    questions = questions_of(read_jsonl(args.ext / "medicationqa" / "dev.jsonl"))
    if args.messages:  # numbered over all the questions, so each gets the wrapping `external.py --messages` gives it
        questions = [replace(q, question=as_message(q.question, n)) for n, q in enumerate(questions)]
    questions = [q for q in questions if q.answerable]
    answers = [as_medicationqa(engine.to_json(engine.ask(" ".join(q.question.split()), k=K))) for q in questions]
    figures = score_medicationqa(questions, answers)
    label = "medicationqa-at-scale" + ("-messages" if args.messages else "")
    print(f"{label}: passages={len(engine.index.passages)} n={figures.answerable} hit@1={figures.hit1:.3f} "
          f"hit@3={figures.hit3:.3f} hit@10={figures.hit10:.3f} mrr@10={figures.mrr10:.3f} "
          f"false_abstain={figures.false_abstain:.3f}")
    print(last_line({"passages": len(engine.index.passages), "answerable": figures.answerable, "hit1": figures.hit1,
                     "hit3": figures.hit3, "hit10": figures.hit10, "mrr10": figures.mrr10,
                     "false_abstain": figures.false_abstain}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
