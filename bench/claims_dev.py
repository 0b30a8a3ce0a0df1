"""Check wording on labelled claims (Check-COVID layout): is a refuted claim ever presented as supported, and is a
supported claim found in its own abstract?

The abstracts are the corpus (one file per `cord_id`: title, blank line, abstract); all claims are checked as one
draft, one claim per paragraph, in pieces under the draft limit. A verdict *supports* a claim when it is verbatim,
paraphrase, or changed with no meaning change flagged; anything else warns. A SUPPORT claim is right when every
sentence of it is supported and cited to its own abstract; a REFUTE claim is right when a sentence of it warns.

    python -m bench.claims_dev [../shared/ext/claims/check_covid_train.jsonl] [--fold K/N] [--own-corpus] [--verbose]

Every abstract of the file is in the corpus, so a claim competes with the abstracts of all parts (247 for the
training claims); with `--own-corpus` only the chosen claims' abstracts are, as when a held-out set is checked
against its own abstracts.

The engine is opened once per process, so the spans are embedded once (and cached on disk by the benchmark
embedding cache). The last line is `name=value` pairs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.common import CACHE_DIR, REPO, CachedEmbedder, digest, last_line, load_embedder

# ../shared/ext beside the repository (a worktree sits one level deeper)
DEFAULT_CLAIMS = next((p for p in (REPO.parent / "shared", REPO.parent.parent / "shared")
                       if (p / "ext").is_dir()), REPO.parent / "shared") / "ext" / "claims" / "check_covid_train.jsonl"
SUPPORTING = ("verbatim", "paraphrase")
PIECE_CHARS = 90_000


@dataclass(frozen=True)
class ClaimResult:
    claim: str
    label: str
    cord_id: str
    verdicts: tuple[str, ...]
    cited: tuple[str, ...]  # the source id of each sentence's span ("" when none)
    supported: bool
    own: bool  # supported with every span in its own abstract


def load_claims(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def in_fold(cord_id: str, fold: str | None) -> bool:
    """`fold` "K/N": the abstracts whose hash falls in part K of N (claims of one abstract stay together)."""
    if not fold:
        return True
    k, n = (int(x) for x in fold.split("/"))
    return int(hashlib.sha256(cord_id.encode()).hexdigest(), 16) % n == k


def write_corpus(claims: list[dict], root: Path) -> Path:
    """One file per abstract: title, blank line, abstract."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for row in {r["cord_id"]: r for r in claims}.values():
        path = corpus / f"{row['cord_id']}.txt"
        text = f"{row['title'].strip()}\n\n{row['abstract'].strip()}\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return corpus


def open_engine(claims: list[dict], fake: bool = False, cache: Path = CACHE_DIR):
    from indexer import Config, Engine

    root = Path(cache) / f"claims-{digest(sorted({r['cord_id'] for r in claims}))}"
    corpus = write_corpus(claims, root)
    embedder = CachedEmbedder(load_embedder(fake), cache)
    config = Config(corpus_dir=corpus, index_dir=root / "index", model_name=embedder.name)
    return Engine.open(config, embedder=embedder)


def supports(sentence) -> bool:
    return sentence.verdict in SUPPORTING or (sentence.verdict == "changed" and not sentence.meaning_changes)


def claim_drafts(claims: list[dict]) -> list[tuple[str, list[dict]]]:
    """The claims as drafts under the draft limit, one claim per paragraph: (draft, its claims in order)."""
    pieces: list[list[dict]] = [[]]
    size = 0
    for row in claims:
        text = " ".join(row["claim"].split())
        if size + len(text) + 2 > PIECE_CHARS:
            pieces.append([])
            size = 0
        pieces[-1].append(row | {"claim": text})
        size += len(text) + 2
    return [("\n\n".join(r["claim"] for r in piece), piece) for piece in pieces if piece]


def claim_results(rows: list[dict], report) -> list[ClaimResult]:
    """Each claim of a draft (`claim_drafts`) with the verdicts of its sentences in the check's report."""
    out, pos = [], 0
    for row in rows:
        a, b = pos, pos + len(row["claim"])
        pos = b + 2
        got = [s for s in report.sentences if s.start < b and s.end > a]
        ok = bool(got) and all(supports(s) for s in got)
        cited = tuple(s.span.source_id if s.span else "" for s in got)
        out.append(ClaimResult(row["claim"], row["label"], row["cord_id"], tuple(s.verdict for s in got),
                               cited, ok, ok and all(c == row["cord_id"] for c in cited)))
    return out


def check_claims(engine, claims: list[dict], checker=None) -> list[ClaimResult]:
    from indexer.check.checker import WordingChecker

    checker = checker or WordingChecker.for_engine(engine)
    return [r for draft, rows in claim_drafts(claims) for r in claim_results(rows, checker.check(draft))]


def figures(results: list[ClaimResult]) -> dict:
    refuted = [r for r in results if r.label == "REFUTE"]
    supported = [r for r in results if r.label == "SUPPORT"]
    return {
        "claims": len(results),
        "refuted_as_supported": round(sum(r.supported for r in refuted) / max(len(refuted), 1), 4),
        "supported_found": round(sum(r.own for r in supported) / max(len(supported), 1), 4),
        "supported_any_source": round(sum(r.supported for r in supported) / max(len(supported), 1), 4),
        # supported claims a writer is told conflict with the sources (the costliest false alarm)
        "supported_conflicts": round(sum("conflicts" in r.verdicts for r in supported) / max(len(supported), 1), 4),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.claims_dev", description=__doc__.split("\n")[0])
    p.add_argument("file", type=Path, nargs="?", default=DEFAULT_CLAIMS)
    p.add_argument("--fold", help="K/N: only the claims of part K of N of the abstracts")
    p.add_argument("--limit", type=int, default=0, help="only the first N claims (after the fold)")
    p.add_argument("--own-corpus", action="store_true",
                   help="only the chosen claims' abstracts form the corpus (as in a held-out set of its own), not "
                        "every abstract of the file")
    p.add_argument("--fake", action="store_true", help="the tests' fake embedder (smoke tests)")
    p.add_argument("--verbose", action="store_true", help="list every claim that missed")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    claims = load_claims(args.file)
    chosen = [r for r in claims if in_fold(r["cord_id"], args.fold)]
    if args.limit:
        chosen = chosen[: args.limit]
    # every abstract of the file is in the corpus, whatever the fold, unless --own-corpus
    engine = open_engine(chosen if args.own_corpus else claims, args.fake)
    results = check_claims(engine, chosen)
    if args.verbose:
        for r in results:
            wrong = r.supported if r.label == "REFUTE" else not r.own
            if wrong:
                print(f"{r.label} {'/'.join(r.verdicts)} own={r.cited}=={r.cord_id}: {r.claim[:110]}", file=sys.stderr)
    summary = figures(results)
    verdicts = Counter(f"{r.label}:{v}" for r in results for v in r.verdicts)
    print(json.dumps(summary | {"verdicts": dict(sorted(verdicts.items()))}, indent=1))
    print(last_line(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
