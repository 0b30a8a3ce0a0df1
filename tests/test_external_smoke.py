"""The external evaluation (bench/external.py): its scoring rules on hand-made answers, and a run end to end on a
few real documents of ../shared/ext (skipped when that folder is absent)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench.common import DEFAULT_EXT
from bench.external import (
    Claim,
    Question,
    Result,
    align,
    as_message,
    claim_outcome,
    claims_files,
    draft_chunks,
    gold_rank,
    overlaps,
    score_claims,
    score_medicationqa,
    sentences_by_paragraph,
)

REPO = Path(__file__).resolve().parents[1]
EXT = DEFAULT_EXT  # ../shared/ext, or $BENCH_EXT_DIR
def test_a_question_asked_inside_a_message_keeps_its_words_and_ends_as_a_question():
    wrapped = [as_message("how many tums aday", n) for n in range(5)]
    assert all("How many tums aday?" in w for w in wrapped)
    assert len(set(wrapped)) == 5 and wrapped == [as_message("how many tums aday", n) for n in range(5)]
    assert as_message("is it safe?", 4) == "Is it safe?"  # no opening, no closing: the question alone


needs_ext = pytest.mark.skipif(not (EXT / "medicationqa" / "docs.jsonl").is_file(),
                               reason="the external development data (../shared/ext) is not here")

GOLD = Question("how much tylenol can i take", True, "doc", 100, 300)


@pytest.mark.parametrize(("start", "end", "hit"), [
    (150, 250, True),  # the passage lies inside the gold span
    (0, 500, True),  # the gold span lies inside the passage
    (200, 450, True),  # exactly half of the gold span (100 of 200) is in the passage
    (0, 150, False),  # a third of the passage, a quarter of the gold span
    (250, 1000, False),  # a small tail of the gold span at the head of a long passage
    (300, 400, False),  # touches the gold span without sharing a character
])
def test_a_result_hits_when_half_of_it_or_half_of_the_gold_is_shared(start, end, hit):
    assert overlaps(Result("doc", start, end), GOLD) is hit


def test_a_result_in_another_document_never_hits():
    assert not overlaps(Result("other", 100, 300), GOLD)
    assert gold_rank([Result("other", 100, 300), Result("doc", 0, 50), Result("doc", 120, 280)], GOLD) == 3
    assert gold_rank([Result("doc", 120, 280)] * 11, Question("q", True, "elsewhere", 0, 10)) is None


def answer(question: str, covered: bool, *results: tuple[str, int, int]) -> dict:
    return {"question": question, "covered": covered,
            "results": [{"source_id": s, "start": a, "end": b, "text": "..."} for s, a, b in results]}


def test_the_figures_count_ranks_and_abstentions_as_the_readme_says():
    questions = [
        Question("first", True, "a", 0, 100),
        Question("second", True, "b", 0, 100),
        Question("third", True, "c", 0, 100),
        Question("fourth", True, "d", 0, 100),
        Question("unknown drug one", False),
        Question("unknown drug two", False),
    ]
    answers = [
        answer("first", True, ("x", 0, 100), ("a", 10, 90)),  # gold at rank 2
        answer("second", False, ("b", 0, 80)),  # gold first, but not covered: a false abstention
        answer("third", True, *[("x", 0, 100)] * 10),  # gold not in the ten
        None,  # the CLI printed an error for this one: a miss, and not covered
        answer("unknown drug one", False, ("x", 0, 10)),  # abstained
        answer("unknown drug two", True, ("x", 0, 10)),  # answered a question the sources do not cover
    ]
    figures = score_medicationqa(questions, answers)
    assert (figures.answerable, figures.unanswerable, figures.errors) == (4, 2, 1)
    assert (figures.hit1, figures.hit3, figures.hit10) == (0.25, 0.5, 0.5)
    assert figures.mrr10 == pytest.approx((1 / 2 + 1) / 4)
    assert figures.abstain == 0.5
    assert figures.false_abstain == 0.5
    assert figures.line().startswith("medicationqa: n=4/2 hit@1=0.250 hit@3=0.500 hit@10=0.500 mrr@10=0.375 "
                                     "abstain=0.500 false_abstain=0.500")


def test_answers_stay_aligned_when_the_cli_rejects_a_question():
    sent = ["one", "two", "three", "four"]
    outputs = [{"question": "one"}, {"question": "three"}]  # "two" and "four" were rejected (errors on stderr)
    assert align(sent, outputs) == [{"question": "one"}, None, {"question": "three"}, None]


def test_drafts_are_cut_between_whole_paragraphs_under_the_limit():
    paragraphs = [f"Claim number {i} says something about a virus." * (1 + i % 3) for i in range(40)]
    chunks = draft_chunks(paragraphs, limit=400)
    assert len(chunks) > 1
    assert all(len(c.text) <= 400 for c in chunks)
    rebuilt = [c.text[a:b] for c in chunks for a, b in c.spans]
    assert rebuilt == paragraphs
    assert [c.first for c in chunks] == [0, *(sum(len(c.spans) for c in chunks[:i]) for i in range(1, len(chunks)))]


def sentence(start: int, end: int, verdict: str, source: str | None, meaning: int = 0) -> dict:
    return {"start": start, "end": end, "text": "s", "verdict": verdict, "meaning_changes": meaning,
            "source": {"source_id": source} if source else None}


def test_each_sentence_goes_to_the_claim_whose_paragraph_holds_it():
    chunk = draft_chunks(["One. Two.", "Three."])[0]  # "One. Two.\n\nThree."
    found = sentences_by_paragraph(chunk, [sentence(0, 4, "verbatim", "a"), sentence(5, 9, "paraphrase", "a"),
                                           sentence(11, 17, "unsupported", None)])
    assert [[s["verdict"] for s in group] for group in found] == [["verbatim", "paraphrase"], ["unsupported"]]


def test_a_claim_is_supported_only_when_every_sentence_of_it_is():
    support = Claim("Masks reduce spread. They do so by half.", "SUPPORT", "own")
    refute = Claim("Masks double the spread.", "REFUTE", "own")
    whole = claim_outcome(support, [sentence(0, 20, "verbatim", "own"), sentence(21, 40, "changed", "own")])
    half = claim_outcome(support, [sentence(0, 20, "verbatim", "own"), sentence(21, 40, "unsupported", None)])
    elsewhere = claim_outcome(support, [sentence(0, 40, "paraphrase", "other")])
    flagged = claim_outcome(refute, [sentence(0, 24, "changed", "own", meaning=1)])
    dangerous = claim_outcome(refute, [sentence(0, 24, "changed", "own")])
    missing = claim_outcome(refute, [])
    assert (whole.supported, whole.verdict, whole.right) == (True, "changed", True)
    assert (half.supported, half.verdict, half.right) == (False, "unsupported", False)
    assert (elsewhere.supported, elsewhere.right) == (True, False)  # supported, but by another abstract
    assert (flagged.supported, flagged.verdict, flagged.right) == (False, "changed_meaning", True)
    assert (dangerous.supported, dangerous.right) == (True, False)
    assert (missing.verdict, missing.right) == ("missing", True)
    figures = score_claims([whole, half, elsewhere, flagged, dangerous, missing])
    assert figures.refuted_as_supported == pytest.approx(1 / 3)
    assert figures.supported_found == pytest.approx(1 / 3)
    assert (figures.wrong_source, figures.split) == (1, 2)
    assert figures.counts["REFUTE"] == Counter({"changed_meaning": 1, "changed": 1, "missing": 1})
    assert "refuted_as_supported=0.333 supported_found=0.333" in figures.line()


def test_each_abstract_is_one_file_of_title_blank_line_abstract():
    rows = [{"cord_id": "x1", "title": "Masks", "abstract": "They work."},
            {"cord_id": "x1", "title": "Masks", "abstract": "They work."},
            {"cord_id": "y2", "title": "Vaccines", "abstract": "They help."}]
    assert claims_files(rows) == {"x1.txt": "Masks\n\nThey work.\n", "y2.txt": "Vaccines\n\nThey help.\n"}


@needs_ext
def test_every_gold_span_of_the_real_questions_hits_itself_and_nothing_in_another_document():
    docs = {}
    with open(EXT / "medicationqa" / "docs.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs[d["doc_id"]] = d["text"]
    with open(EXT / "medicationqa" / "dev.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    answerable = [r for r in rows if r["answerable"]]
    assert answerable and len(answerable) < len(rows)
    for r in answerable:
        q = Question(r["question"], True, r["doc_id"], r["start"], r["end"])
        assert 0 <= q.start < q.end <= len(docs[q.doc_id])
        assert gold_rank([Result("elsewhere", q.start, q.end), Result(q.doc_id, q.start, q.end)], q) == 2


def run_external(args: list[str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return subprocess.run([sys.executable, "bench/external.py", *args], cwd=REPO, env=env, capture_output=True,
                          text=True)


@pytest.mark.slow
@needs_ext
def test_medicationqa_runs_through_the_cli_on_five_documents(tmp_path):
    with open(EXT / "medicationqa" / "docs.jsonl", encoding="utf-8") as f:
        docs = [json.loads(line) for line in f][:5]
    with open(EXT / "medicationqa" / "dev.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    kept = {d["doc_id"] for d in docs}
    questions = [r for r in rows if r["answerable"] and r["doc_id"] in kept]
    questions += [r for r in rows if not r["answerable"]][:2]
    questions.append({**questions[0], "question": "what  is\nthis drug\tfor"})  # white space collapsed on the way
    ext = tmp_path / "ext" / "medicationqa"
    ext.mkdir(parents=True)
    (ext / "docs.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    (ext / "dev.jsonl").write_text("".join(json.dumps(r) + "\n" for r in questions), encoding="utf-8")
    args = ["medicationqa", "--ext", str(tmp_path / "ext"), "--work", str(tmp_path / "work"), "--json",
            "--details", str(tmp_path / "details.jsonl")]
    result = run_external(args)
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    answerable = sum(r["answerable"] for r in questions)
    assert (figures["answerable"], figures["unanswerable"], figures["errors"]) == (answerable, 2, 0)
    assert figures["hit@10"] >= 0.5  # five documents: the ten results hold most of the corpus
    corpus = tmp_path / "work" / "medicationqa" / "corpus"
    assert (corpus / f"{docs[0]['doc_id']}.txt").read_bytes() == docs[0]["text"].encode("utf-8")
    details = [json.loads(line) for line in (tmp_path / "details.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["question"] for d in details] == [r["question"] for r in questions]
    manifest = next((tmp_path / "work" / "medicationqa" / "index").glob("manifest.json"))
    built = manifest.stat().st_mtime_ns
    again = run_external(args)  # same data, same code: the corpus and index are reused
    assert again.returncode == 0, again.stderr[-2000:]
    assert json.loads(again.stdout.strip().splitlines()[-1]) == figures
    assert manifest.stat().st_mtime_ns == built


@pytest.mark.slow
@needs_ext
def test_claims_run_through_check_on_the_first_claims(tmp_path):
    result = run_external(["claims", "--limit", "6", "--work", str(tmp_path / "work"), "--json"])
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["n"] == 6
    assert sum(sum(c.values()) for c in figures["counts"].values()) == 6
    assert 0.0 <= figures["refuted_as_supported"] <= 1.0 and 0.0 <= figures["supported_found"] <= 1.0
