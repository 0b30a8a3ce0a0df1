"""Retrieval quality on the project's question sets, with the real model (the figures the README reports)."""

from __future__ import annotations

import pytest

from indexer.evaluate.retrieval import evaluate, format_report, load_questions
from tests.conftest import REPO

EVAL = REPO / "tests" / "eval"


def test_question_set_covers_every_kind_of_question():
    questions = load_questions(EVAL / "questions.jsonl")
    kinds = {q.kind for q in questions}
    assert {"brand", "generic", "class", "typo", "paraphrase", "fact", "unanswerable"} <= kinds
    assert len(questions) >= 40
    assert sum(1 for q in questions if not q.answerable) >= 10
    assert all(q.expected for q in questions if q.answerable)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["questions.jsonl", "holdout.jsonl"])
def test_retrieval_and_coverage_meet_the_targets(real_engine, name):
    report = evaluate(real_engine, load_questions(EVAL / name))
    s = report.summary()
    detail = format_report(report, verbose=True)
    assert s["citations_exact"] == 1.0, detail
    assert s["hit@1"] >= 0.85, detail
    assert s["hit@3"] >= 0.95, detail
    assert s["abstention_accuracy"] >= 0.75, detail
    assert s["false_abstention"] <= 0.05, detail


def test_eval_command_prints_the_figures(fake_engine, capsys, monkeypatch):
    from indexer import cli

    monkeypatch.setattr(cli, "_open_engine", lambda config: fake_engine)
    assert cli.main(["eval", str(EVAL / "questions.jsonl")]) == 0
    out = capsys.readouterr().out
    for label in ("hit@1:", "hit@3:", "MRR:", "abstention accuracy:", "citations exact: 1.000"):
        assert label in out
