"""Every answer and every wording check the command line gives on the development sets, as JSON lines: run it
before and after a change that must not change behaviour (a refactoring) and compare the two files byte for byte.

    python -m bench.snapshot > before.jsonl     # ... change the code ...
    python -m bench.snapshot > after.jsonl && cmp before.jsonl after.jsonl

Seeds: the questions of tests/eval/questions.jsonl and holdout.jsonl asked with `ask - --json --k 10` over
corpus/, and every draft of tests/eval/drafts*.jsonl and contradictions*.jsonl checked with `check - --json`.
MedicationQA (when ../shared/ext is there): every dev question over its corpus (`bench/external.py`'s workspace,
rebuilt when the code changed). Each line is {"set", "input", "output"}.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from bench.common import DEFAULT_EXT, REPO
from bench.external import (
    DEFAULT_WORK,
    Workspace,
    ask_all,
    cli,
    collapse,
    failed,
    medicationqa_files,
    prepare,
    questions_of,
    read_jsonl,
)

EVAL = REPO / "tests" / "eval"


def drafts() -> list[str]:
    out = []
    for path in sorted(EVAL.glob("drafts*.jsonl")) + sorted(EVAL.glob("contradictions*.jsonl")):
        for row in read_jsonl(path):
            out.append(row.get("draft") or row.get("join", " ").join(s["text"] for s in row["sentences"]))
    return out


def seed_lines(folder: Path) -> list[dict]:
    workspace = Workspace(REPO / "corpus", folder / "index")
    questions = [q for name in ("questions.jsonl", "holdout.jsonl")
                 for q in questions_of(read_jsonl(EVAL / name))]
    lines = [{"set": "seed-ask", "input": collapse(q.question), "output": a}
             for q, a in zip(questions, ask_all(questions, workspace), strict=True)]
    for draft in drafts():
        args = ["check", "-", "--json", "--corpus", str(workspace.corpus), "--index", str(workspace.index)]
        result = cli(args, stdin=draft)
        if result.returncode != 0:
            raise failed("python -m indexer " + " ".join(args), result)
        lines.append({"set": "seed-check", "input": draft, "output": json.loads(result.stdout)})
    return lines


def medicationqa_lines() -> list[dict]:
    docs = DEFAULT_EXT / "medicationqa" / "docs.jsonl"
    if not docs.exists():
        return []
    questions = questions_of(read_jsonl(DEFAULT_EXT / "medicationqa" / "dev.jsonl"))
    workspace = prepare(DEFAULT_WORK / "medicationqa", medicationqa_files(read_jsonl(docs)))
    return [{"set": "medicationqa-ask", "input": collapse(q.question), "output": a}
            for q, a in zip(questions, ask_all(questions, workspace), strict=True)]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        lines = seed_lines(Path(folder)) + medicationqa_lines()
    for line in lines:
        sys.stdout.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
