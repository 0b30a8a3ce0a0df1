"""Accuracy of wording checks on labelled drafts: the right verdict and the right source span per sentence.

The file is JSON lines, one draft each: {"id": str, "join": str, "sentences": [{"text": str, "verdict": str |
null, "source_id": str, "quotes": [str, ...], "also": [[str, ...], ...], "meaning": str}]}. A draft is its
sentences joined by `join`. The expected span runs from the first quote's start to the last quote's end in the
source (`also` lists other acceptable spans); `meaning` names the reason one change must be flagged with
("number", "negation", "hedge", "drug"). A sentence may instead (or also) be labelled "supported": false (it
changes one fact of its span: it must not be presented as supported) or true (a faithful rewording: it must be
presented as supported, with the right span). Sentences with neither label are not scored.

A sentence labelled "conflicts" says the opposite of its span (tests/eval/contradictions*.jsonl). When a file has
such sentences the summary also gives the share of them *not presented as supported* (any verdict but verbatim,
paraphrase, or changed with no meaning change flagged), the share reported as `conflicts` with the right span, and
the share of labelled paraphrases found as supported (a supporting verdict and the right span).

    python -m indexer.evaluate.drafts tests/eval/drafts.jsonl [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import SourceError


@dataclass(frozen=True)
class Scored:
    draft: str
    text: str
    expected: str
    got: str
    verdict_ok: bool
    span_ok: bool
    meaning_ok: bool
    got_span: str
    supported: bool = False  # the verdict presents the sentence as supported by its span
    must_support: bool | None = None  # labelled "supported": whether it must (not) be presented as supported


def load_drafts(path: Path) -> list[dict]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError) as e:
        raise SourceError(f"Cannot read the labelled drafts {path} ({e}).") from e


def draft_text(draft: dict) -> tuple[str, list[tuple[int, int]]]:
    """A labelled draft as a writer would paste it, and each labelled sentence's offsets in it."""
    pieces, positions, pos = [], [], 0
    for sentence in draft["sentences"]:
        if pieces:
            pos += len(draft["join"])
        pieces.append(sentence["text"])
        positions.append((pos, pos + len(sentence["text"])))
        pos += len(sentence["text"])
    return draft["join"].join(pieces), positions


def score_draft(engine, draft: dict, positions: list[tuple[int, int]], report) -> list[Scored]:
    """Each labelled sentence of `draft` scored against the check's report of it."""
    out = []
    for sentence, (a, b) in zip(draft["sentences"], positions, strict=True):
        if sentence.get("verdict") is None and sentence.get("supported") is None:
            continue
        overlapping = [s for s in report.sentences if s.start < b and s.end > a]
        got = max(overlapping, key=lambda s: min(s.end, b) - max(s.start, a)) if overlapping else None
        out.append(_score(engine, draft["id"], sentence, got))
    return out


def evaluate_drafts(engine, drafts: list[dict], checker=None) -> list[Scored]:
    """Every labelled draft checked (with `checker`, or one made for the engine) and scored."""
    from indexer.check.checker import WordingChecker

    checker = checker or WordingChecker.for_engine(engine)
    out = []
    for draft in drafts:
        text, positions = draft_text(draft)
        out.extend(score_draft(engine, draft, positions, checker.check(text)))
    return out


def _score(engine, draft_id: str, sentence: dict, got) -> Scored:
    expected = sentence["verdict"]
    verdict = got.verdict if got else "missing"
    spans = []
    if expected != "unsupported" and sentence.get("quotes"):
        for quotes in [sentence["quotes"], *sentence.get("also", [])]:
            text = engine.source_text(sentence["source_id"])
            start = text.index(quotes[0])
            end = text.index(quotes[-1], start) + len(quotes[-1])
            spans.append((sentence["source_id"], start, end))
    got_span = (got.span.source_id, got.span.start, got.span.end) if got and got.span else None
    span_ok = got_span is None if expected == "unsupported" else got_span in spans
    meaning_ok = True
    if got and sentence.get("meaning"):
        meaning_ok = any(sentence["meaning"] in c.reasons for c in got.changes)
    supported = got is not None and (verdict in ("verbatim", "paraphrase")
                                     or (verdict == "changed" and not got.meaning_changes))
    return Scored(draft_id, sentence["text"], expected, verdict, expected is None or verdict == expected, span_ok,
                  meaning_ok, got.span.text if got and got.span else "", supported, sentence.get("supported"))


def summary(scored: list[Scored]) -> dict:
    with_verdict = [s for s in scored if s.expected is not None]
    n = len(with_verdict) or 1
    confusion = Counter(f"{s.expected}->{s.got}" for s in with_verdict if not s.verdict_ok)
    return {
        "sentences": len(with_verdict),
        "verdict_accuracy": round(sum(s.verdict_ok for s in with_verdict) / n, 4),
        "verdict_and_span_accuracy": round(sum(s.verdict_ok and s.span_ok for s in with_verdict) / n, 4),
        "meaning_flags_found": round(sum(s.meaning_ok for s in with_verdict) / n, 4),
        "confusions": dict(confusion.most_common()),
    } | contradiction_summary(with_verdict) | support_summary(scored)


def support_summary(scored: list[Scored]) -> dict:
    """For sentences labelled "supported": false (one fact changed) or true (a faithful rewording): how many were
    not presented as supported, and how many were presented as supported with the right span."""
    wrong = [s for s in scored if s.must_support is False]
    right = [s for s in scored if s.must_support is True]
    if not wrong and not right:
        return {}
    return {"changed_facts": len(wrong), "changed_facts_not_supported": sum(not s.supported for s in wrong),
            "rewordings": len(right), "rewordings_supported": sum(s.supported and s.span_ok for s in right)}


def contradiction_summary(scored: list[Scored]) -> dict:
    """For files with sentences labelled "conflicts": how many were not presented as supported, how many were
    reported as conflicts with the right span, and how many labelled paraphrases were found as supported."""
    conflicts = [s for s in scored if s.expected == "conflicts"]
    if not conflicts:
        return {}
    paraphrases = [s for s in scored if s.expected == "paraphrase"]
    return {
        "contradictions": len(conflicts),
        "contradictions_not_supported": sum(not s.supported for s in conflicts),
        "contradictions_as_conflicts": sum(s.verdict_ok and s.span_ok for s in conflicts),
        "paraphrases": len(paraphrases),
        "paraphrases_supported": sum(s.supported and s.span_ok for s in paraphrases),
    }


def main(argv: list[str] | None = None) -> int:
    from indexer import Config, Engine

    p = argparse.ArgumentParser(prog="python -m indexer.evaluate.drafts", description=__doc__.split("\n")[0])
    p.add_argument("file", type=Path)
    p.add_argument("--corpus", type=Path, default=Config.corpus_dir)
    p.add_argument("--index", type=Path, default=Config.index_dir)
    p.add_argument("--verbose", action="store_true", help="list every sentence that missed")
    args = p.parse_args(argv)
    engine = Engine.open(Config(corpus_dir=args.corpus, index_dir=args.index))
    scored = evaluate_drafts(engine, load_drafts(args.file))
    if args.verbose:
        for s in scored:
            if not (s.verdict_ok and s.span_ok and s.meaning_ok):
                print(f"[{s.draft}] expected {s.expected}, got {s.got} (span ok: {s.span_ok}, meaning ok: "
                      f"{s.meaning_ok}): {s.text[:80]!r}\n    span: {s.got_span[:100]!r}", file=sys.stderr)
    print(json.dumps(summary(scored), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
