"""External evaluation: the development data of ../shared/ext run through the same CLI a user runs.

    python bench/external.py medicationqa [--ext DIR] [--work DIR] [--json] [--verbose] [--details FILE]
    python bench/external.py claims [--ext DIR] [--work DIR] [--limit N] [--json] [--verbose] [--details FILE]

medicationqa  every document of medicationqa/docs.jsonl becomes `<doc_id>.txt` (its text verbatim) in a corpus
              folder; `python -m indexer build` indexes it and one `python -m indexer ask - --json --k 10` process
              answers every dev question (one per line of standard input, white space collapsed). A result hits
              when at least half of the passage lies inside the gold span, or at least half of the gold span
              lies inside the passage (same document). Figures: hit@1, hit@3, hit@10 and MRR@10 over the
              answerable questions; the share of `covered: false` over the unanswerable ones (abstain) and over
              the answerable ones (false_abstain).
claims        Check-COVID: one file per abstract (`<cord_id>.txt`: title, blank line, abstract), every claim a
              paragraph of one draft checked with `python -m indexer check FILE --json` (in several calls of
              whole paragraphs when the draft is over the CLI's 100,000-character limit). A claim split into
              several sentences is *supported* only when every one of its sentences is (verbatim, paraphrase,
              or changed with no change flagged as altering the meaning). A SUPPORT claim is found when it is
              supported and every sentence of it cites its own abstract's file; a REFUTE claim is handled right
              when it is not supported. Figures: refuted_as_supported (REFUTE claims presented as supported: the
              dangerous error) and supported_found (share of SUPPORT claims found), with the claims counted by
              their weakest sentence verdict.

The corpus and the index are kept under --work (default .cache/external/) with a stamp of the data and of the
indexer's code: a re-run with the same data and code reuses both; a change of data rewrites the corpus, a change
of code rebuilds the index; --rebuild forces both. The last line of standard output holds the figures.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.common import DEFAULT_EXT  # noqa: E402

DEFAULT_WORK = REPO / ".cache" / "external"
STAMP = "stamp.json"
K = 10
DRAFT_LIMIT = 100_000  # characters per `check` call (the CLI's draft limit)
SUPPORTING = ("verbatim", "paraphrase")
# A claim is counted under the weakest verdict of its sentences, weakest first ("changed_meaning": changed, with a
# change flagged as altering the meaning; "missing": the checker returned no sentence for the claim).
CLAIM_VERDICTS = ("missing", "conflicts", "unsupported", "changed_meaning", "paraphrase", "changed", "verbatim")


class ExternalError(Exception):
    """Something the user can fix (missing data, a failing CLI call): one line, no traceback."""


# -- running the CLI ----------------------------------------------------------------------------------------------


def cli(args: Sequence[str], stdin: str | None = None) -> subprocess.CompletedProcess:
    """`python -m indexer ARGS`, from the repository (so its `indexer` is the one imported), offline."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    return subprocess.run([sys.executable, "-m", "indexer", *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", cwd=REPO, env=env)


def failed(what: str, result: subprocess.CompletedProcess) -> ExternalError:
    tail = " | ".join(line for line in result.stderr.strip().splitlines()[-3:])
    return ExternalError(f"`{what}` failed with status {result.returncode}: {tail or 'no message'}")


def code_digest() -> str:
    """A digest of the indexer package (code and data files): a change may change the index."""
    h = hashlib.sha256()
    package = REPO / "indexer"
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(path.relative_to(package)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def files_digest(files: dict[str, str]) -> str:
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\x00" + files[name].encode("utf-8") + b"\x01")
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Workspace:
    corpus: Path
    index: Path


def prepare(folder: Path, files: dict[str, str], rebuild: bool = False) -> Workspace:
    """The corpus folder (written only when the data changed) and an up-to-date index built by the CLI."""
    folder = Path(folder)
    stamp_path = folder / STAMP
    wanted = {"data": files_digest(files), "code": code_digest()}
    try:
        stamp = json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        stamp = {}
    workspace = Workspace(folder / "corpus", folder / "index")
    if rebuild or stamp.get("data") != wanted["data"] or not workspace.corpus.is_dir():
        shutil.rmtree(folder, ignore_errors=True)
        tmp = folder.with_name(folder.name + ".corpus-tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for name, text in files.items():
            (tmp / name).write_bytes(text.encode("utf-8"))  # verbatim: no newline translation
        folder.mkdir(parents=True)
        tmp.rename(workspace.corpus)
    force = rebuild or stamp.get("code") != wanted["code"] or stamp.get("data") != wanted["data"]
    args = ["build", "--corpus", str(workspace.corpus), "--index", str(workspace.index)] + (["--force"] * force)
    result = cli(args)
    if result.returncode != 0:
        raise failed("python -m indexer " + " ".join(args), result)
    tmp_stamp = stamp_path.with_suffix(".tmp")
    tmp_stamp.write_text(json.dumps(wanted))
    tmp_stamp.replace(stamp_path)
    return workspace


def read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        raise ExternalError(f"{path} is missing. Pass --ext with the folder that holds medicationqa/ and claims/.")
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def collapse(text: str) -> str:
    """White space runs as one space: a question with a line break in it stays one line of standard input."""
    return " ".join(text.split())


# -- MedicationQA -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    question: str
    answerable: bool
    doc_id: str = ""
    start: int = 0
    end: int = 0
    qtype: str = ""
    focus: str = ""


@dataclass(frozen=True)
class Result:
    source_id: str
    start: int
    end: int
    text: str = ""


# Openings and closings of a message to a help desk, written for this benchmark without looking at any question:
# `--messages` wraps every question in one pair (by its position), the way consumers write to the NLM, to measure
# how much ranking and coverage lose when the question is not the whole text.
OPENINGS = (
    "Hello, I hope someone can help me.",
    "Hi. My husband is 67 and has been having trouble sleeping for a few months, and his doctor started him on "
    "something new last week.",
    "Dear sir or madam, I am writing on behalf of my elderly mother who lives alone and does not use the internet. "
    "She has had arthritis and high cholesterol for years.",
    "I have a question and could not find a clear answer anywhere online; my pharmacist was busy and the doctor's "
    "office is closed until Monday.",
    "",
)
CLOSINGS = ("", "Thank you very much for your time.", "Any information would be greatly appreciated, thanks in advance!",
            "I am really worried and would like an answer as soon as possible. Thanks.")


def as_message(question: str, n: int) -> str:
    """Question `n` as a consumer writes it in a message: an opening, the question as a sentence, a closing."""
    text = question.strip()
    text = text[0].upper() + text[1:] + ("" if text.endswith(("?", ".", "!")) else "?")
    return " ".join(part for part in (OPENINGS[n % len(OPENINGS)], text, CLOSINGS[n % len(CLOSINGS)]) if part)


def questions_of(rows: Iterable[dict]) -> list[Question]:
    return [Question(r["question"], bool(r["answerable"]), r.get("doc_id") or "", int(r.get("start") or 0),
                     int(r.get("end") or 0), r.get("qtype") or "", r.get("focus") or "") for r in rows]


def overlaps(result: Result, gold: Question) -> bool:
    """At least half of the passage inside the gold span, or at least half of the gold span inside the passage."""
    if result.source_id != gold.doc_id:
        return False
    shared = min(result.end, gold.end) - max(result.start, gold.start)
    if shared <= 0:
        return False
    return 2 * shared >= result.end - result.start or 2 * shared >= gold.end - gold.start


def gold_rank(results: Sequence[Result], gold: Question, k: int = K) -> int | None:
    """The 1-based rank of the first result that hits the gold span, None when none of the first k does."""
    return next((rank for rank, r in enumerate(results[:k], 1) if overlaps(r, gold)), None)


def results_of(answer: dict | None) -> list[Result]:
    if answer is None:
        return []
    return [Result(r["source_id"], int(r["start"]), int(r["end"]), r.get("text", "")) for r in answer["results"]]


@dataclass(frozen=True)
class QAFigures:
    answerable: int
    unanswerable: int
    hit1: float
    hit3: float
    hit10: float
    mrr10: float
    abstain: float
    false_abstain: float
    errors: int = 0  # questions the CLI answered with an error instead of a JSON line

    label: str = "medicationqa"

    def line(self) -> str:
        text = (f"{self.label}: n={self.answerable}/{self.unanswerable} hit@1={self.hit1:.3f} hit@3={self.hit3:.3f} "
                f"hit@10={self.hit10:.3f} mrr@10={self.mrr10:.3f} abstain={self.abstain:.3f} "
                f"false_abstain={self.false_abstain:.3f}")
        return text + (f" errors={self.errors}" if self.errors else "")

    def to_json(self) -> dict:
        return {"answerable": self.answerable, "unanswerable": self.unanswerable, "hit@1": self.hit1,
                "hit@3": self.hit3, "hit@10": self.hit10, "mrr@10": self.mrr10, "abstain": self.abstain,
                "false_abstain": self.false_abstain, "errors": self.errors}


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def score_medicationqa(questions: Sequence[Question], answers: Sequence[dict | None]) -> QAFigures:
    """The figures of the README. A question the CLI could not answer (None) misses and counts as not covered."""
    if len(questions) != len(answers):
        raise ValueError(f"{len(questions)} questions but {len(answers)} answers.")
    ranks, abstained, false_abstained = [], 0, 0
    for q, a in zip(questions, answers, strict=True):
        covered = bool(a and a["covered"])
        if q.answerable:
            ranks.append(gold_rank(results_of(a), q))
            false_abstained += not covered
        else:
            abstained += not covered
    n, m = len(ranks), len(questions) - len(ranks)
    return QAFigures(
        answerable=n, unanswerable=m,
        hit1=_share(sum(1 for r in ranks if r is not None and r <= 1), n),
        hit3=_share(sum(1 for r in ranks if r is not None and r <= 3), n),
        hit10=_share(sum(1 for r in ranks if r is not None and r <= 10), n),
        mrr10=sum(1 / r for r in ranks if r is not None) / n if n else 0.0,
        abstain=_share(abstained, m), false_abstain=_share(false_abstained, n),
        errors=sum(1 for a in answers if a is None),
    )


def align(sent: Sequence[str], outputs: Sequence[dict]) -> list[dict | None]:
    """The answer to each sent question, None where the CLI printed an error instead of a line.

    Answers come in order, each naming its question; a question the CLI rejected (one line on standard error, no
    output) is skipped by matching the next answer's question text."""
    out: list[dict | None] = []
    i = 0
    for answer in outputs:
        while i < len(sent) and sent[i] != answer.get("question"):
            out.append(None)
            i += 1
        if i == len(sent):
            raise ExternalError(f"The CLI answered a question that was not asked: {answer.get('question')!r}.")
        out.append(answer)
        i += 1
    out.extend([None] * (len(sent) - i))
    return out


def ask_all(questions: Sequence[Question], workspace: Workspace, k: int = K) -> list[dict | None]:
    """One `ask - --json` process for all the questions; its answers aligned with them."""
    sent = [collapse(q.question) for q in questions]
    if any(not s for s in sent):
        raise ExternalError("A question is empty; the CLI skips blank lines, so the answers would not line up.")
    args = ["ask", "-", "--json", "--k", str(k), "--corpus", str(workspace.corpus), "--index", str(workspace.index)]
    result = cli(args, stdin="".join(s + "\n" for s in sent))
    outputs = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    if result.returncode not in (0, 2) or not outputs:
        raise failed("python -m indexer " + " ".join(args), result)
    return align(sent, outputs)


def medicationqa_details(questions: Sequence[Question], answers: Sequence[dict | None]) -> list[dict]:
    """One record per question: what was asked, what the gold is, how the tool read and answered it."""
    records = []
    for q, a in zip(questions, answers, strict=True):
        results = results_of(a)
        understood = (a or {}).get("understood", {})
        records.append({
            "question": q.question, "answerable": q.answerable, "qtype": q.qtype, "focus": q.focus,
            "doc_id": q.doc_id, "gold": [q.start, q.end] if q.answerable else None,
            "rank": gold_rank(results, q) if q.answerable else None,
            "covered": bool(a and a["covered"]), "error": a is None,
            "coverage": understood.get("coverage", ""), "corrections": understood.get("corrections", []),
            "drugs": understood.get("drugs", []), "unmatched": understood.get("unmatched", []),
            "search_text": understood.get("search_text", ""),
            "results": [{"source_id": r.source_id, "start": r.start, "end": r.end, "text": r.text[:300]}
                        for r in results],
        })
    return records


def medicationqa_listing(records: Sequence[dict]) -> str:
    """Misses (gold not first), false abstentions and unanswerable questions that were covered, one per line."""
    out = ["# answerable, gold not first: rank | question | top hit (source: text start)"]
    for r in records:
        if r["answerable"] and r["rank"] != 1:
            top = r["results"][0] if r["results"] else None
            shown = f"{top['source_id']}: {collapse(top['text'])[:90]}" if top else "(no result)"
            out.append(f"{r['rank'] or '-':>2} | {r['question']} | {shown}")
    out.append("# answerable, not covered (false abstention): question | coverage reason")
    out.extend(f"{r['question']} | {r['coverage']}" for r in records if r["answerable"] and not r["covered"])
    out.append("# unanswerable, covered: question | top hit")
    for r in records:
        if not r["answerable"] and r["covered"]:
            top = r["results"][0] if r["results"] else None
            out.append(f"{r['question']} | {top['source_id'] + ': ' + collapse(top['text'])[:90] if top else ''}")
    return "\n".join(out)


def medicationqa_files(docs: Iterable[dict]) -> dict[str, str]:
    files = {}
    for d in docs:
        name = f"{d['doc_id']}.txt"
        if name in files:
            raise ExternalError(f"Two documents have the id {d['doc_id']!r} in docs.jsonl.")
        files[name] = d["text"]
    return files


def run_medicationqa(ext: Path, work: Path, rebuild: bool = False,
                     messages: bool = False) -> tuple[QAFigures, list[dict]]:
    docs = read_jsonl(ext / "medicationqa" / "docs.jsonl")
    questions = questions_of(read_jsonl(ext / "medicationqa" / "dev.jsonl"))
    if messages:
        questions = [replace(q, question=as_message(q.question, n)) for n, q in enumerate(questions)]
    workspace = prepare(work / "medicationqa", medicationqa_files(docs), rebuild)
    answers = ask_all(questions, workspace)
    figures = score_medicationqa(questions, answers)
    if messages:
        figures = replace(figures, label="medicationqa-messages")
    return figures, medicationqa_details(questions, answers)


# -- Check-COVID claims -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    claim: str
    label: str  # SUPPORT or REFUTE
    cord_id: str
    claim_type: str = ""


def claims_of(rows: Iterable[dict]) -> list[Claim]:
    return [Claim(r["claim"], r["label"], r["cord_id"], r.get("claim_type", "")) for r in rows]


def claims_files(rows: Iterable[dict]) -> dict[str, str]:
    """One file per abstract: title, blank line, abstract (a cord_id seen again is the same abstract)."""
    files: dict[str, str] = {}
    for r in rows:
        files.setdefault(f"{r['cord_id']}.txt", f"{r['title']}\n\n{r['abstract']}\n")
    return files


@dataclass(frozen=True)
class Chunk:
    """A draft of whole paragraphs, one claim each: `spans[i]` is where claim `first + i` lies in `text`."""

    text: str
    first: int
    spans: tuple[tuple[int, int], ...]


def draft_chunks(paragraphs: Sequence[str], limit: int = DRAFT_LIMIT) -> list[Chunk]:
    """Paragraphs joined by blank lines into drafts of at most `limit` characters (whole paragraphs only)."""
    chunks: list[Chunk] = []
    text, spans, first = "", [], 0
    for i, paragraph in enumerate(paragraphs):
        if len(paragraph) > limit:
            raise ExternalError(f"Claim {i + 1} is {len(paragraph):,} characters long, over the {limit:,} limit.")
        sep = "\n\n" if spans else ""
        if spans and len(text) + len(sep) + len(paragraph) > limit:
            chunks.append(Chunk(text, first, tuple(spans)))
            text, spans, first, sep = "", [], i, ""
        start = len(text) + len(sep)
        text += sep + paragraph
        spans.append((start, start + len(paragraph)))
    if spans:
        chunks.append(Chunk(text, first, tuple(spans)))
    return chunks


def sentences_by_paragraph(chunk: Chunk, sentences: Sequence[dict]) -> list[list[dict]]:
    """Each reported sentence given to every paragraph of the chunk that it overlaps (by draft offsets)."""
    out: list[list[dict]] = [[] for _ in chunk.spans]
    starts = [a for a, _ in chunk.spans]
    for s in sentences:
        i = max(0, bisect.bisect_right(starts, s["start"]) - 1)
        while i < len(chunk.spans) and chunk.spans[i][0] < s["end"]:
            if chunk.spans[i][1] > s["start"]:
                out[i].append(s)
            i += 1
    return out


def sentence_verdict(s: dict) -> str:
    if s["verdict"] == "changed":
        return "changed_meaning" if s.get("meaning_changes", 0) else "changed"
    return s["verdict"]


def supports(s: dict) -> bool:
    """A verdict supports its sentence: verbatim, paraphrase, or changed with no meaning change flagged."""
    return s["verdict"] in SUPPORTING or (s["verdict"] == "changed" and not s.get("meaning_changes", 0))


@dataclass(frozen=True)
class ClaimOutcome:
    claim: Claim
    verdict: str  # the weakest verdict of its sentences (CLAIM_VERDICTS)
    supported: bool
    own_source: bool  # every sentence cites the claim's own abstract
    sentences: tuple[dict, ...] = field(default=())

    @property
    def right(self) -> bool:
        if self.claim.label == "SUPPORT":
            return self.supported and self.own_source
        return not self.supported


def claim_outcome(claim: Claim, sentences: Sequence[dict]) -> ClaimOutcome:
    if not sentences:
        return ClaimOutcome(claim, "missing", False, False, ())
    verdict = min((sentence_verdict(s) for s in sentences), key=CLAIM_VERDICTS.index)
    own = all((s.get("source") or {}).get("source_id") == claim.cord_id for s in sentences)
    return ClaimOutcome(claim, verdict, all(supports(s) for s in sentences), own, tuple(sentences))


@dataclass(frozen=True)
class ClaimFigures:
    n: int
    refuted_as_supported: float
    supported_found: float
    wrong_source: int  # SUPPORT claims supported, but citing another abstract
    split: int  # claims the checker read as more than one sentence
    counts: dict[str, Counter]  # label -> claim verdict -> claims

    def line(self) -> str:
        parts = [f"claims: n={self.n} refuted_as_supported={self.refuted_as_supported:.3f} "
                 f"supported_found={self.supported_found:.3f} support_wrong_source={self.wrong_source} "
                 f"split={self.split}"]
        for label in ("SUPPORT", "REFUTE"):
            counts = self.counts.get(label, Counter())
            parts.extend(f"{label.lower()}_{v}={counts.get(v, 0)}" for v in CLAIM_VERDICTS)
        return " ".join(parts)

    def to_json(self) -> dict:
        return {"n": self.n, "refuted_as_supported": self.refuted_as_supported,
                "supported_found": self.supported_found, "support_wrong_source": self.wrong_source,
                "split": self.split, "counts": {k: dict(v) for k, v in self.counts.items()}}


def score_claims(outcomes: Sequence[ClaimOutcome]) -> ClaimFigures:
    refute = [o for o in outcomes if o.claim.label == "REFUTE"]
    support = [o for o in outcomes if o.claim.label == "SUPPORT"]
    counts: dict[str, Counter] = {}
    for o in outcomes:
        counts.setdefault(o.claim.label, Counter())[o.verdict] += 1
    return ClaimFigures(
        n=len(outcomes),
        refuted_as_supported=_share(sum(o.supported for o in refute), len(refute)),
        supported_found=_share(sum(o.right for o in support), len(support)),
        wrong_source=sum(1 for o in support if o.supported and not o.own_source),
        split=sum(1 for o in outcomes if len(o.sentences) > 1),
        counts=counts,
    )


def check_claims(claims: Sequence[Claim], workspace: Workspace, folder: Path) -> list[ClaimOutcome]:
    """Every claim a paragraph of one draft (or of several, under the CLI's limit), checked by the CLI."""
    outcomes: list[ClaimOutcome] = []
    for number, chunk in enumerate(draft_chunks([collapse(c.claim) for c in claims]), 1):
        draft = folder / f"draft-{number}.txt"
        draft.write_bytes(chunk.text.encode("utf-8"))
        args = ["check", str(draft), "--json", "--corpus", str(workspace.corpus), "--index", str(workspace.index)]
        result = cli(args)
        if result.returncode != 0:
            raise failed("python -m indexer " + " ".join(args), result)
        report = json.loads(result.stdout)
        for i, sentences in enumerate(sentences_by_paragraph(chunk, report["sentences"])):
            outcomes.append(claim_outcome(claims[chunk.first + i], sentences))
    return outcomes


def claims_details(outcomes: Sequence[ClaimOutcome]) -> list[dict]:
    return [{"claim": o.claim.claim, "label": o.claim.label, "claim_type": o.claim.claim_type,
             "cord_id": o.claim.cord_id, "verdict": o.verdict, "supported": o.supported, "own_source": o.own_source,
             "right": o.right,
             "sentences": [{"text": s["text"], "verdict": s["verdict"], "meaning_changes": s.get("meaning_changes", 0),
                            "score": s.get("score"), "source": (s.get("source") or {}).get("source_id"),
                            "span": (s.get("source") or {}).get("text", "")[:300],
                            "changes": s.get("changes", [])} for s in o.sentences]}
            for o in outcomes]


def claims_listing(outcomes: Sequence[ClaimOutcome]) -> str:
    out = ["# REFUTE claims presented as supported: verdict | claim | cited span"]
    for o in outcomes:
        if o.claim.label == "REFUTE" and o.supported:
            span = (o.sentences[0].get("source") or {}).get("text", "")
            out.append(f"{o.verdict} | {o.claim.claim} | {collapse(span)[:120]}")
    out.append("# SUPPORT claims not found: verdict | own source | claim")
    out.extend(f"{o.verdict} | {o.own_source} | {o.claim.claim}" for o in outcomes
               if o.claim.label == "SUPPORT" and not o.right)
    return "\n".join(out)


def run_claims(ext: Path, work: Path, limit: int | None = None,
               rebuild: bool = False) -> tuple[ClaimFigures, list[ClaimOutcome]]:
    rows = read_jsonl(ext / "claims" / "check_covid_train.jsonl")
    if limit is not None:
        rows = rows[:limit]
    folder = work / ("claims" if limit is None else f"claims-first-{limit}")
    workspace = prepare(folder, claims_files(rows), rebuild)
    outcomes = check_claims(claims_of(rows), workspace, folder)
    return score_claims(outcomes), outcomes


# -- main ---------------------------------------------------------------------------------------------------------


def write_lines(path: Path, records: Iterable[dict]) -> None:
    tmp = Path(path).with_name(Path(path).name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="mode", required=True)
    for name, text in (("medicationqa", "consumer medication questions against their answer documents"),
                       ("claims", "Check-COVID claims against their abstracts with `check`")):
        m = sub.add_parser(name, help=text)
        m.add_argument("--ext", type=Path, default=DEFAULT_EXT, help="the external data folder (../shared/ext)")
        m.add_argument("--work", type=Path, default=DEFAULT_WORK, help="where the corpus and index are kept")
        m.add_argument("--rebuild", action="store_true", help="rewrite the corpus and rebuild the index")
        m.add_argument("--json", action="store_true", help="print the figures as one JSON object")
        m.add_argument("--verbose", action="store_true", help="list the failures on standard error")
        m.add_argument("--details", type=Path, default=None, help="write one JSON line per question or claim")
        if name == "medicationqa":
            m.add_argument("--messages", action="store_true",
                           help="ask each question inside a consumer message (an opening and a closing around it)")
        if name == "claims":
            m.add_argument("--limit", type=int, default=None, help="only the first N claims (and their abstracts)")
    args = p.parse_args(argv)
    if getattr(args, "limit", None) is not None and args.limit < 1:
        p.error(f"--limit must be at least 1. Got {args.limit}.")
    try:
        if args.mode == "medicationqa":
            figures, records = run_medicationqa(args.ext, args.work, args.rebuild, args.messages)
            listing = medicationqa_listing(records)
        else:
            figures, outcomes = run_claims(args.ext, args.work, args.limit, args.rebuild)
            records = claims_details(outcomes)
            listing = claims_listing(outcomes)
    except ExternalError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.details:
        write_lines(args.details, records)
    if args.verbose:
        print(listing, file=sys.stderr)
    print(json.dumps(figures.to_json()) if args.json else figures.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
