"""Retrieval evaluation on a question file: hit@1, hit@3, MRR, abstention accuracy, citation exactness.

The file is JSON lines: {"question": str, "answerable": bool, "kind": str, "expected": [{"source_id": str,
"quote": str}]}. A hit is right when it comes from the expected source and its text contains the quote.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import SourceError


@dataclass(frozen=True)
class EvalQuestion:
    question: str
    answerable: bool
    kind: str
    expected: tuple[tuple[str, str], ...]  # (source_id, quote)


@dataclass(frozen=True)
class EvalResult:
    question: EvalQuestion
    rank: int | None  # 1-based rank of the first right passage, None if not in the results
    covered: bool
    top: str  # the first result, for reports


@dataclass(frozen=True)
class EvalReport:
    results: tuple[EvalResult, ...]
    citations_checked: int
    citations_exact: int

    def summary(self) -> dict:
        answerable = [r for r in self.results if r.question.answerable]
        unanswerable = [r for r in self.results if not r.question.answerable]

        def share(rows, test) -> float:
            return round(sum(1 for r in rows if test(r)) / len(rows), 4) if rows else 0.0

        return {
            "questions": len(self.results),
            "answerable": len(answerable),
            "unanswerable": len(unanswerable),
            "hit@1": share(answerable, lambda r: r.rank == 1),
            "hit@3": share(answerable, lambda r: r.rank is not None and r.rank <= 3),
            "mrr": round(sum(1 / r.rank for r in answerable if r.rank) / len(answerable), 4) if answerable else 0.0,
            "abstention_accuracy": share(unanswerable, lambda r: not r.covered),
            "false_abstention": share(answerable, lambda r: not r.covered),
            "citations_exact": round(self.citations_exact / self.citations_checked, 4) if self.citations_checked else 1.0,
        }


def load_questions(path: Path) -> list[EvalQuestion]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise SourceError(f"Cannot read the question file {path} ({e}).") from e
    questions = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            expected = tuple((e["source_id"], e["quote"]) for e in row.get("expected", []))
            questions.append(EvalQuestion(row["question"], bool(row["answerable"]), row.get("kind", ""), expected))
        except (ValueError, KeyError, TypeError) as e:
            raise SourceError(f"{path}, line {number}: not a question record ({e}).") from e
    if not questions:
        raise SourceError(f"{path} holds no questions.")
    return questions


def evaluate(engine, questions: list[EvalQuestion], k: int | None = None) -> EvalReport:
    k = engine.config.check_k(k if k is not None else 10)
    texts: dict[str, str] = {}
    results = []
    checked = exact = 0
    for q in questions:
        answer = engine.ask(q.question, k=k)
        rank = None
        for i, hit in enumerate(answer.hits, 1):
            p = hit.passage
            if p.source_id not in texts:
                texts[p.source_id] = engine.source_text(p.source_id)
            checked += 1
            exact += texts[p.source_id][p.start : p.end] == p.text
            if rank is None and any(p.source_id == s and quote in p.text for s, quote in q.expected):
                rank = i
        top = answer.hits[0].passage.text[:70] if answer.hits else ""
        results.append(EvalResult(q, rank, answer.covered, top))
    return EvalReport(tuple(results), checked, exact)


def format_report(report: EvalReport, verbose: bool = False) -> str:
    s = report.summary()
    lines = [
        f"questions: {s['questions']} ({s['answerable']} answerable, {s['unanswerable']} not answered by the sources)",
        f"hit@1: {s['hit@1']:.3f}",
        f"hit@3: {s['hit@3']:.3f}",
        f"MRR: {s['mrr']:.3f}",
        f"abstention accuracy: {s['abstention_accuracy']:.3f} (unanswerable questions flagged covered=false)",
        f"false abstention: {s['false_abstention']:.3f} (answerable questions flagged covered=false)",
        f"citations exact: {s['citations_exact']:.3f}",
    ]
    by_kind: dict[str, list[EvalResult]] = defaultdict(list)
    for r in report.results:
        by_kind[r.question.kind or "-"].append(r)
    lines.append("by kind: " + ", ".join(
        f"{kind} {sum(1 for r in rows if (r.rank == 1 if r.question.answerable else not r.covered))}/{len(rows)}"
        for kind, rows in sorted(by_kind.items())))
    if verbose:
        for r in report.results:
            q = r.question
            ok = (r.rank == 1 and r.covered) if q.answerable else not r.covered
            if not ok:
                lines.append(f"  MISS [{q.kind}] {q.question!r}: rank={r.rank} covered={r.covered} top={r.top!r}")
    return "\n".join(lines)
