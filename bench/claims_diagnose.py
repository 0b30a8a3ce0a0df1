"""Where Check wording loses the supported claims of the Check-COVID training set (and what stops the refuted ones).

For every claim: is a span of its own abstract among the spans the check retrieves (the dense + lexical pool), among
the spans it assesses (the best KEEP of the pool), and first? And for the best span of its own abstract that was
assessed, which test of `verdicts._Judge.supporting` stops it, in the order the check applies them: too far by
cosine, a conflict (by reason), a number or drug added, another span chosen by the relevance model, the decision
model below its threshold.

    python -m bench.claims_diagnose [../shared/ext/claims/check_covid_train.jsonl] [--fold K/N]

Prints one table per label; the last line is `name=value` pairs for the SUPPORT claims.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from pathlib import Path

from bench.claims_dev import DEFAULT_CLAIMS, in_fold, load_claims, open_engine
from bench.common import last_line

GATES = ("not_retrieved", "not_assessed", "cosine", "conflict", "added_number", "new_drug", "not_chosen", "model",
         "passes")


def gate(judge, a, assessed, index) -> str:
    """The first test of `_Judge.supporting` that assessment `a` (one of `assessed`) fails ("passes" when none)."""
    if a.cosine < judge.t.paraphrase_cosine:
        return "cosine"
    if a.conflicts:
        return "conflict"
    if a.added_numbers:
        return "added_number"
    if a.new_drugs:
        return "new_drug"
    if judge.supporting(assessed, index) is a:
        return "passes"
    others = [x for x in assessed if x is a or not judge.eligible(x)]
    return "model" if judge.supporting(others, index) is a else "not_chosen"


def diagnose(engine, claims: list[dict]) -> list[dict]:
    import numpy as np

    from indexer.check.antonyms import load_lexicon
    from indexer.check.diff import tokenize
    from indexer.check.evidence import Evidence
    from indexer.check.spans import span_index
    from indexer.check.support import load_support_model
    from indexer.check.verdicts import Thresholds, _Judge
    from indexer.text.tokens import terms

    index = span_index(engine)
    evidence = Evidence(index, load_lexicon())
    judge = _Judge(evidence, load_support_model(), Thresholds())
    texts = [" ".join(r["claim"].split()) for r in claims]
    vectors = engine.embedder.encode_queries(texts)
    out = []
    for row, text, vector in zip(claims, texts, vectors, strict=True):
        cosines = index.vectors @ vector
        own_terms = set(terms(text))
        pool = evidence.candidates(own_terms, cosines, keep=10_000)
        kept = pool[: len(evidence.candidates(own_terms, cosines))]
        mine = [n for n in pool if index.spans[n].source_id == row["cord_id"]]
        gaps = evidence.source_gaps(cosines)
        assessed = [evidence.assess(text, tokenize(text), own_terms, n, float(cosines[n]), gaps) for n in kept]
        own_assessed = [a for a in assessed if index.spans[a.span].source_id == row["cord_id"]]
        if not mine:
            where = "not_retrieved"
        elif not own_assessed:
            where = "not_assessed"
        else:
            gates = [gate(judge, a, assessed, index) for a in own_assessed]
            where = max(gates, key=GATES.index)  # the span that got furthest
        reasons = sorted({r for a in own_assessed for r in a.reasons()})
        top = index.spans[kept[0]].source_id == row["cord_id"] if kept else False
        best_own = max((float(cosines[n]) for n in pool if index.spans[n].source_id == row["cord_id"]), default=0.0)
        own_rank = next((k for k, n in enumerate(np.argsort(-cosines)) if index.spans[n].source_id == row["cord_id"]),
                        -1)
        offset = len(row["title"].strip()) + 2  # the corpus file is title, blank line, abstract
        gold = [(e["start"] + offset, e["end"] + offset) for e in row["evidence_sentences"]]
        on_evidence = [n for n in range(len(index.spans)) if index.spans[n].source_id == row["cord_id"]
                       and index.claims[n] and any(index.spans[n].start < b and index.spans[n].end > a for a, b in gold)]
        ev = (evidence.assess(text, tokenize(text), own_terms, max(on_evidence, key=lambda n: cosines[n]),
                              float(cosines[max(on_evidence, key=lambda n: cosines[n])]), gaps)
              if on_evidence else None)
        out.append({"label": row["label"], "type": row["claim_type"], "gate": where, "top": top,
                    "evidence_gate": gate(judge, ev, [ev, *(a for a in assessed if a.span != ev.span)], index)
                    if ev else "none",
                    "evidence_reasons": sorted(ev.reasons()) if ev else [],
                    "evidence_text": index.spans[ev.span].text if ev else "",
                    "retrieved": bool(mine), "assessed": bool(own_assessed), "reasons": reasons,
                    "best_own_cosine": best_own, "own_dense_rank": own_rank, "claim": text})
    return out


def table(rows: list[dict], label: str) -> str:
    mine = [r for r in rows if r["label"] == label]
    counts = Counter(r["gate"] for r in mine)
    lines = [f"{label} ({len(mine)} claims): own abstract first among assessed {sum(r['top'] for r in mine)}, "
             f"retrieved {sum(r['retrieved'] for r in mine)}, assessed {sum(r['assessed'] for r in mine)}",
             "  best own span stopped at | claims | share"]
    for g in GATES:
        lines.append(f"  {g:24s} | {counts.get(g, 0):6d} | {counts.get(g, 0) / max(len(mine), 1):.3f}")
    reasons = Counter(r for row in mine if row["gate"] == "conflict" for r in row["reasons"])
    lines.append("  conflict reasons (own spans stopped by a conflict): "
                 + ", ".join(f"{k}={v}" for k, v in reasons.most_common()))
    ev = Counter(r["evidence_gate"] for r in mine)
    lines.append("  against its best evidence span (own abstract, overlapping an evidence sentence): "
                 + ", ".join(f"{g}={ev.get(g, 0)}" for g in (*GATES[2:], "none")))
    lines.append(f"  conflict found against the evidence span: {sum(bool(r['evidence_reasons']) for r in mine)}; "
                 "by reason: " + ", ".join(f"{k}={v}" for k, v in Counter(
                     x for r in mine for x in r["evidence_reasons"]).most_common()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.claims_diagnose", description=__doc__.split("\n")[0])
    p.add_argument("file", type=Path, nargs="?", default=DEFAULT_CLAIMS)
    p.add_argument("--fold", help="K/N: only the claims of part K of N of the abstracts")
    p.add_argument("--fake", action="store_true", help="the tests' fake embedder (smoke tests)")
    p.add_argument("--show", help="print the claims stopped at this gate (label:gate, e.g. SUPPORT:model)")
    p.add_argument("--evidence", action="store_true", help="with --show: the evidence span of each claim too")
    p.add_argument("--by-evidence", action="store_true", help="--show selects by the gate of the evidence span")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    claims = load_claims(args.file)
    engine = open_engine(claims, args.fake)
    rows = diagnose(engine, [r for r in claims if in_fold(r["cord_id"], args.fold)])
    print(table(rows, "SUPPORT"))
    print(table(rows, "REFUTE"))
    if args.show:
        label, which = args.show.split(":")
        for r in rows:
            if r["label"] == label and r["evidence_gate" if args.by_evidence else "gate"] == which:
                print(f"  [{r['type']} cos={r['best_own_cosine']:.2f} rank={r['own_dense_rank']} "
                      f"{'/'.join(r['reasons'])}] {r['claim'][:160]}")
                if args.evidence:
                    print(f"      ev[{r['evidence_gate']} {'/'.join(r['evidence_reasons'])}] {r['evidence_text'][:300]}")
    support = [r for r in rows if r["label"] == "SUPPORT"]
    counts = Counter(r["gate"] for r in support)
    print(last_line({"support_claims": len(support), **{g: counts.get(g, 0) for g in GATES}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
