"""Choose the wording check's verdict thresholds (`indexer.check.decide.Thresholds`) on development data only, and
write them to indexer/check/data/verdict_thresholds.json.

    python -m bench.fit_verdicts [--check-only] [--verbose]

Development data:
- part 1 of the five parts of the Check-COVID training claims (`bench.claims_dev --fold 1/5`; part 0 is held out
  for measurement and parts 2–4 trained the entailment model), checked as claims_dev checks them (every abstract
  of the file is in the corpus);
- the seed drafts tests/eval/drafts.jsonl, contradictions.jsonl and rewordings.jsonl (their *_holdout, _blind and
  _fresh siblings are left for measurement).

Each draft is checked once (`WordingChecker.gather`: the evidence and the model's readings); every setting tried
is then decided from that evidence (`decide`), so the search costs no model call. A setting is acceptable only
if, on the dev claims, at most `MAX_REFUTED` of the refuted claims are presented as supported and at most
`MAX_SUPPORTED_CONFLICTS` of the supported ones are called conflicts, and on the seed
drafts no labelled contradiction and at most one sentence that changes a fact is presented as supported, and at
least `MIN_DRAFT_ACCURACY` of the sentences get the right verdict and span. The search goes one threshold at a
time over its values in `GRID` (coordinate ascent, `ROUNDS` rounds, from the best pair of the `JOINT` thresholds
searched together from the defaults), keeping the acceptable
setting that finds the most supported dev claims and faithful rewordings (then the best draft accuracy, then the
fewest supported claims called conflicts).
`--check-only` prints the shipped thresholds' figures. Both also print `seed_pairs_auc`: how well the model alone
tells the seed files' faithful paraphrases from their reversals (`seed_pair_auc`), to compare models before a fit.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from bench.claims_dev import (
    DEFAULT_CLAIMS,
    claim_drafts,
    claim_results,
    figures,
    in_fold,
    load_claims,
    open_engine,
)
from bench.common import REPO, last_line

log = logging.getLogger("bench.fit_verdicts")

DEV_FOLD = "1/5"
DRAFT_FILES = ("drafts.jsonl", "contradictions.jsonl", "rewordings.jsonl")
ROUNDS = 3
MAX_REFUTED = 0.10  # the held-out target
MIN_DRAFT_ACCURACY = 0.85
MAX_SUPPORTED_CONFLICTS = 0.19  # supported dev claims called "conflicts": no more than the old check's share on
# public claims of another origin (14 of 74, issue 28)
GRID = {
    "entailment": (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.92, 0.95, 0.97, 0.98, 0.99),
    "paraphrase_close": (0.8, 0.85, 0.9),
    "close_contradiction": (0.3, 0.6, 0.9),
    "close_entailment": (0.0, 0.05, 0.1, 0.2, 0.3),
    "paraphrase_cosine": (0.3, 0.4, 0.5, 0.6),
    "rule_override": (0.9, 0.97, 0.99, 1.01),
    "polarity_override": (0.8, 0.9, 0.95, 0.99, 1.01),
    "contradiction": (0.4, 0.5, 0.65, 0.8, 0.9, 0.97),
    "conflict_coverage": (0.3, 0.5, 0.7, 0.85),
    "conflict_support": (0.75, 0.85, 0.95),
    "conflict_cosine": (0.45, 0.55, 0.65),
    # below 0.5 the model would overrule a conflict the words show while it reads the span as more likely not
    # entailing the sentence than entailing it: "lower serotonin" against "increase the serotonin levels" (0.43)
    "rule_conflict_entailment": (0.5, 0.6, 0.7, 0.8, 0.9),
    "soft_entailment": (0.7, 0.8, 0.9, 0.97, 1.01),
    "changed_entailment": (0.05, 0.1, 0.2, 0.35, 0.5, 0.6, 0.7),
    "single_margin": (0.0, 0.05, 0.15, 0.3),
}
# the two thresholds that set the bar for support trade off against each other (a lower bar for entailment with a
# stricter one for a sentence leaning the other way, or the reverse): one at a time, the search stalls between them
JOINT = ("entailment", "polarity_override")
OUT = REPO / "indexer" / "check" / "data" / "verdict_thresholds.json"


def gathered(checker, drafts: list[str]) -> list[list]:
    return [checker.gather(d) for d in drafts]


def decide_all(checker, texts: list[str], evidence: list[list], thresholds):
    from indexer.check.verdicts import CheckReport

    return [CheckReport(text, tuple(checker.verdict(text, e, thresholds) for e in found))
            for text, found in zip(texts, evidence, strict=True)]


def draft_figures(engine, rows: list[dict], positions: list, reports: list) -> dict:
    from indexer.evaluate.drafts import score_draft, summary

    scored = [s for row, pos, report in zip(rows, positions, reports, strict=True)
              for s in score_draft(engine, row, pos, report)]
    return summary(scored)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.fit_verdicts", description=__doc__.split("\n")[0])
    p.add_argument("--check-only", action="store_true", help="print the shipped thresholds' dev figures")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    from indexer import Config, Engine
    from indexer.check.checker import WordingChecker
    from indexer.check.decide import Thresholds
    from indexer.evaluate.drafts import draft_text, load_drafts

    started = time.time()
    claims = load_claims(DEFAULT_CLAIMS)
    claims_engine = open_engine(claims)
    claims_checker = WordingChecker.for_engine(claims_engine)
    dev = [r for r in claims if in_fold(r["cord_id"], DEV_FOLD)]
    claim_pieces = claim_drafts(dev)
    claim_texts = [d for d, _ in claim_pieces]
    claim_evidence = gathered(claims_checker, claim_texts)

    seed_engine = Engine.open(Config())
    seed_checker = WordingChecker(seed_spans(seed_engine), seed_engine.embedder, claims_checker.words,
                                  claims_checker.model)
    rows = [row for name in DRAFT_FILES for row in load_drafts(REPO / "tests" / "eval" / name)]
    texts_positions = [draft_text(row) for row in rows]
    seed_texts = [t for t, _ in texts_positions]
    positions = [pos for _, pos in texts_positions]
    seed_evidence = gathered(seed_checker, seed_texts)
    log.info("gathered %d dev claims and %d seed drafts in %.0f s", len(dev), len(rows), time.time() - started)

    def measure(t) -> dict:
        reports = decide_all(claims_checker, claim_texts, claim_evidence, t)
        results = [r for (_, piece), report in zip(claim_pieces, reports, strict=True)
                   for r in claim_results(piece, report)]
        claim = figures(results)
        drafts = draft_figures(seed_engine, rows, positions, decide_all(seed_checker, seed_texts, seed_evidence, t))
        return {"claims_refuted_as_supported": claim["refuted_as_supported"],
                "claims_supported_found": claim["supported_found"],
                "claims_supported_conflicts": claim["supported_conflicts"],
                "drafts_verdict_and_span": drafts["verdict_and_span_accuracy"],
                "drafts_contradictions_not_supported": drafts.get("contradictions_not_supported", 0),
                "drafts_contradictions": drafts.get("contradictions", 0),
                "drafts_paraphrases_supported": drafts.get("paraphrases_supported", 0),
                "changed_facts_not_supported": drafts.get("changed_facts_not_supported", 0),
                "changed_facts": drafts.get("changed_facts", 0),
                "rewordings_supported": drafts.get("rewordings_supported", 0),
                "rewordings": drafts.get("rewordings", 0)}

    # how the model alone reads the seed files' faithful paraphrases against their reversals (no threshold moves it)
    reading = {"seed_pairs_auc": seed_pair_auc(claims_checker.model, rows)}
    shipped = Thresholds.load()
    if args.check_only:
        m = measure(shipped) | reading
        print(json.dumps(m))
        print(last_line(m))
        return 0
    t, m = search(Thresholds(), measure)
    m |= reading
    data = {"about": "Chosen by `python -m bench.fit_verdicts` on development data only (Check-COVID part "
                     f"{DEV_FOLD} and tests/eval/{', '.join(DRAFT_FILES)}); see indexer/check/decide.py.",
            "thresholds": t.to_json(), "dev_figures": m, "model_sha256": model_sha256()}
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, OUT)
    print(json.dumps(m))
    print(last_line(m))
    return 0


def seed_pair_auc(model, rows: list[dict]) -> float:
    """The probability that the model reads a faithful paraphrase of the seed drafts as more entailed by its quoted
    source than a reversal by its own (labelled "paraphrase" and "conflicts" sentences; ties count half). A model
    that reads "avoid it" as "it is safe" shows here before any threshold is fitted."""
    from bench.entailment.train import auc

    labelled = [(s["verdict"], " ".join(s["quotes"]), s["text"]) for row in rows for s in row["sentences"]
                if s.get("verdict") in ("paraphrase", "conflicts") and s.get("quotes")]
    readings = model.judge([(quote, text) for _, quote, text in labelled]) if labelled else []
    entailed = {"paraphrase": [], "conflicts": []}
    for (verdict, _, _), p in zip(labelled, readings, strict=True):
        entailed[verdict].append(float(p[0]))
    return round(auc(entailed["paraphrase"], entailed["conflicts"]), 4)


def acceptable(m: dict) -> bool:
    return (m["claims_refuted_as_supported"] <= MAX_REFUTED and m["drafts_verdict_and_span"] >= MIN_DRAFT_ACCURACY
            and m["claims_supported_conflicts"] <= MAX_SUPPORTED_CONFLICTS
            and m["drafts_contradictions_not_supported"] == m["drafts_contradictions"]
            and m["changed_facts_not_supported"] >= m["changed_facts"] - 1)


def goodness(m: dict) -> tuple:
    """Acceptable settings first; then the supported dev claims and faithful rewordings found; then accuracy."""
    found = m["claims_supported_found"] + m["rewordings_supported"] / max(m["rewordings"], 1)
    if not acceptable(m):  # how far from acceptable, so the search can walk towards it
        return (0, -max(0.0, m["claims_refuted_as_supported"] - MAX_REFUTED)
                - max(0.0, m["claims_supported_conflicts"] - MAX_SUPPORTED_CONFLICTS)
                - (m["drafts_contradictions"] - m["drafts_contradictions_not_supported"]) / 10
                - max(0, m["changed_facts"] - 1 - m["changed_facts_not_supported"]) / 10, found)
    return (1, round(found, 4), m["drafts_verdict_and_span"], -m["claims_supported_conflicts"])


def search(start, measure) -> tuple:
    """The JOINT thresholds searched together over their GRID values, then coordinate ascent over GRID from the
    best of them: each threshold in turn set to its best value, ROUNDS times."""
    best_t, best_m = start, measure(start)
    best_g = goodness(best_m)

    def consider(t, why: str) -> bool:
        """Keep `t` when it is better than the best so far."""
        nonlocal best_t, best_m, best_g
        m = measure(t)
        g = goodness(m)
        if g <= best_g:
            return False
        best_t, best_m, best_g = t, m, g
        log.info("%s -> %s", why, m)
        return True

    first, second = JOINT
    for a in GRID[first]:
        for b in GRID[second]:
            consider(start.with_(**{first: a, second: b}), f"joint: {first} = {a}, {second} = {b}")
    for round_ in range(ROUNDS):
        improved = False
        for name, values in GRID.items():
            for value in values:
                improved |= consider(best_t.with_(**{name: value}), f"round {round_ + 1}: {name} = {value}")
        if not improved:
            break
    if not acceptable(best_m):
        raise SystemExit(f"No setting met the constraints (best: {best_m}); nothing was written.")
    return best_t, best_m


def seed_spans(engine):
    from indexer.check.spans import span_index

    return span_index(engine)


def model_sha256() -> str:
    from indexer.check.entailment import MODEL_FILE, data_file, file_sha256

    path = data_file(MODEL_FILE)
    return file_sha256(path) if Path(path).exists() else ""


if __name__ == "__main__":
    sys.exit(main())
