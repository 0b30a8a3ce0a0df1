"""Retrieval quality on a BEIR collection: nDCG@10 and Recall@100 of hybrid, dense-only and BM25-only search.

    .venv/bin/python bench/beir.py ../shared/beir/nfcorpus
    .venv/bin/python bench/beir.py ../shared/beir/scifact --limit-docs 200 --limit-queries 20

Documents go through the same pipeline as `corpus/`: a `Source` per document (its title, its text), cut into
passages by `split_passages`, ranked on `ranking_text`, embedded and indexed by `indexer.index.build.assemble`. The
index is kept in memory (vectors are cached under `.cache/bench/`); `.index/` is never touched. Queries are
searched with `indexer.ask.search.hybrid_rank` on the query embedding and `terms(query)` (the engine's question
reader, built for questions about drugs, is not applied). A document scores its best passage's score.

With `--questions`, every test query is also asked as a user asks it (`Engine.ask`: question reading, ranking and
coverage, k=10) over the same in-memory index, with the sentence vectors a build makes (embedded once, then read
from the vector cache). Every test query has judged documents, so this measures how often
answerable questions over thousands of health articles are wrongly flagged "not covered" (`asked_not_covered`),
and the first relevant document's rank among the documents of the passages returned (`asked_mrr10`,
`asked_hit3`).

The last line holds `name=value` pairs.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import ir_measures
import numpy as np
from ir_measures import R, nDCG

from indexer.ask.engine import Engine
from indexer.ask.search import hybrid_rank
from indexer.config import FUSIONS, Config, model_path
from indexer.index.build import assemble, candidate_spans
from indexer.index.represent import ranking_text
from indexer.index.span_vectors import passage_sentences, span_vectors
from indexer.ingest.passages import Passage, split_passages
from indexer.ingest.sources import Corpus, Source
from indexer.ingest.windows import TokenCounter
from indexer.text.tokens import terms

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import CACHE_DIR, CachedEmbedder, last_line, load_embedder, log_progress, machine  # noqa: E402

log = logging.getLogger("bench.beir")

DOCS_PER_QUERY = 100
MEASURES = {"ndcg10": nDCG @ 10, "recall100": R @ 100}
METHODS = ("hybrid", "dense", "bm25")

# Published test-set figures (from ../shared/beir/README.md), shown beside ours.
PUBLISHED = {
    "nfcorpus": {
        "BM25 (BEIR paper, Elasticsearch multifield)": {"ndcg10": 0.325},
        "BM25 flat (Anserini regressions)": {"ndcg10": 0.3218},
        "all-MiniLM-L6-v2 dense (MTEB)": {"ndcg10": 0.3159, "recall100": 0.3115},
        "BM25 + BGE-base-en-v1.5, RRF (quackir)": {"ndcg10": 0.362},
    },
    "scifact": {
        "BM25 (BEIR paper, Elasticsearch multifield)": {"ndcg10": 0.665},
        "BM25 flat (Anserini regressions)": {"ndcg10": 0.6789},
        "all-MiniLM-L6-v2 dense (MTEB)": {"ndcg10": 0.6451, "recall100": 0.925},
        "BM25 + BGE-base-en-v1.5, RRF (quackir)": {"ndcg10": 0.744},
    },
}


@dataclass(frozen=True)
class Collection:
    name: str
    directory: Path
    docs: list[dict]  # {"_id", "title", "text"}
    queries: dict[str, str]  # test queries only
    qrels: dict[str, dict[str, int]]


def load_collection(directory: Path, limit_docs: int | None = None, limit_queries: int | None = None) -> Collection:
    """The test queries and their judgements; with limits, the first queries and a sample of documents that
    still holds every document judged for them."""
    directory = Path(directory)
    qrels: dict[str, dict[str, int]] = {}
    with open(directory / "qrels" / "test.tsv", encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        next(rows)  # header
        for row in rows:
            if len(row) >= 3 and row[0].strip():
                qrels.setdefault(row[0].strip(), {})[row[1].strip()] = int(row[2])
    queries = {}
    with open(directory / "queries.jsonl", encoding="utf-8") as f:
        for line in f:
            q = json.loads(line)
            if q["_id"] in qrels:
                queries[q["_id"]] = q["text"]
    if limit_queries is not None:
        queries = dict(list(queries.items())[:limit_queries])
        qrels = {q: qrels[q] for q in queries}
    docs = []
    with open(directory / "corpus.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs.append({"_id": str(d["_id"]), "title": d.get("title") or "", "text": d.get("text") or ""})
    if limit_docs is not None:
        judged = {d for rel in qrels.values() for d in rel}
        docs = [d for i, d in enumerate(docs) if i < limit_docs or d["_id"] in judged]
    return Collection(directory.name, directory, docs, queries, qrels)


def make_passages(collection: Collection, config: Config) -> tuple[list[Passage], list[str], Corpus]:
    """Passages and ranking texts of every document, exactly as `build_index` makes them for `corpus/`.

    A document whose text holds no passage by the corpus rules (empty, or a short title-like line) is kept as one
    passage of its whole text, so it can still be found by its title.
    """
    sources, passages, texts = [], [], []
    path = collection.directory / "corpus.jsonl"
    counter = TokenCounter(model_path())
    for d in collection.docs:
        text = d["text"]
        source = Source(d["_id"], path, d["title"] or d["_id"], text, hashlib.sha256(text.encode()).hexdigest())
        sources.append(source)
        found = split_passages(source, counter, config.max_passage_tokens) if text.strip() else []
        if not found:
            found = [Passage(source.source_id, 0, len(text), text)]
        for p in found:
            passages.append(p)
            texts.append(ranking_text(p, source.title))
    return passages, texts, Corpus(collection.directory, tuple(sources))


def document_run(ids: np.ndarray, scores: np.ndarray, passages: list[Passage]) -> dict[str, float]:
    """Max-pooling: each document scores its best passage; the best DOCS_PER_QUERY documents."""
    best: dict[str, float] = {}
    for i, s in zip(ids, scores, strict=True):
        if i < 0:
            continue
        doc = passages[int(i)].source_id
        if doc not in best:  # ids arrive best first
            best[doc] = float(s)
            if len(best) == DOCS_PER_QUERY:
                break
    return best


def search_all(index, query_vectors: np.ndarray, query_terms: list[list[str]], depth: int,
               config: Config) -> dict[str, list[tuple[np.ndarray, np.ndarray]]]:
    """(passage numbers, scores) per query for each method, best first."""
    out: dict[str, list] = {m: [] for m in METHODS}
    d_scores, d_ids = index.dense.search(query_vectors, depth)
    for row, (vector, q_terms) in enumerate(zip(query_vectors, query_terms, strict=True)):
        ranked = hybrid_rank(index.dense, index.lexical, vector, q_terms, k=depth, candidates=depth,
                             rrf_k=config.rrf_k, dense_weight=config.dense_weight,
                             sparse_weight=config.sparse_weight, fusion=config.fusion)
        out["hybrid"].append((np.array([r.number for r in ranked]), np.array([r.score for r in ranked])))
        out["dense"].append((d_ids[row], d_scores[row]))
        s_scores, s_ids = index.lexical.top(q_terms, depth)
        out["bm25"].append((s_ids, s_scores))
    return out


def evaluate(qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]]) -> dict[str, float]:
    """nDCG@10 and Recall@100 by ir-measures, averaged over the judged queries (a query with no results scores 0)."""
    qrel_rows = [ir_measures.Qrel(q, d, rel) for q, docs in qrels.items() for d, rel in docs.items()]
    run_rows = [ir_measures.ScoredDoc(q, d, s) for q, docs in run.items() for d, s in docs.items()]
    per_query = {name: {} for name in MEASURES}
    names = {str(m): name for name, m in MEASURES.items()}
    for metric in ir_measures.iter_calc(list(MEASURES.values()), qrel_rows, run_rows):
        per_query[names[str(metric.measure)]][metric.query_id] = metric.value
    return {name: sum(values.get(q, 0.0) for q in qrels) / len(qrels) for name, values in per_query.items()}


def ask_all(index, embedder, config: Config, collection: Collection, corpus: Corpus,
            progress: bool = True) -> dict[str, float]:
    """Each test query asked as a user asks it (see the module docstring): rank figures over documents and the
    shares of coverage states. The index gets the sentence vectors a build makes (the reranker reads a passage's
    best sentence from them)."""
    if not len(index.span_keys):
        spans = candidate_spans(corpus)
        made = span_vectors(spans, embedder, batch_size=config.batch_size, progress=progress)
        index.span_keys, index.span_vectors = made.keys, made.vectors
        index.passage_sentences = passage_sentences(index.passages, spans)
    engine = Engine(index, embedder, config)
    states: Counter[str] = Counter()
    reciprocal = top3 = 0.0
    for qid, text in collection.queries.items():
        answer = engine.ask(text, k=10)
        states[answer.coverage.state] += 1
        docs = list(dict.fromkeys(hit.passage.source_id for hit in answer.hits))[:10]
        relevant = {d for d, rel in collection.qrels[qid].items() if rel > 0}
        rank = next((r for r, d in enumerate(docs, 1) if d in relevant), None)
        if rank:
            reciprocal += 1 / rank
            top3 += rank <= 3
    n = max(1, len(collection.queries))
    return {"asked_mrr10": reciprocal / n, "asked_hit3": top3 / n, "asked_not_covered": states["not covered"] / n,
            "asked_partly": states["partly"] / n}


def run(directory: Path, config: Config, embedder, limit_docs=None, limit_queries=None, progress=True,
        questions: bool = False) -> dict:
    collection = load_collection(directory, limit_docs, limit_queries)
    passages, texts, corpus = make_passages(collection, config)
    log.info("%s: %d documents → %d passages, %d test queries", collection.name, len(collection.docs),
             len(passages), len(collection.queries))
    started = time.perf_counter()
    index = assemble(texts, passages, corpus, config, embedder, progress=progress)
    build_seconds = time.perf_counter() - started
    qids = list(collection.queries)
    question_texts = [collection.queries[q] for q in qids]
    query_vectors = embedder.encode_queries(question_texts)
    query_terms = [terms(t) for t in question_texts]
    # Deep enough that the passages of 100 distinct documents are found.
    per_doc = len(passages) / max(1, len(collection.docs))
    depth = min(len(passages), int(DOCS_PER_QUERY * per_doc * 4) + 50)
    started = time.perf_counter()
    results = search_all(index, query_vectors, query_terms, depth, config)
    search_seconds = time.perf_counter() - started
    figures: dict[str, float | int] = {}
    for method in METHODS:
        doc_runs = {q: document_run(ids, scores, passages) for q, (ids, scores) in zip(qids, results[method],
                                                                                        strict=True)}
        for name, value in evaluate(collection.qrels, doc_runs).items():
            figures[f"{name}_{method}"] = value
    ordered = {f"{name}_{m}": figures[f"{name}_{m}"] for name in MEASURES for m in METHODS}
    if questions:
        ordered |= ask_all(index, embedder, config, collection, corpus, progress)
    ordered |= {"docs": len(collection.docs), "passages": len(passages), "queries": len(qids)}
    return {"collection": collection.name, "figures": ordered, "build_seconds": build_seconds,
            "search_seconds": search_seconds, "depth": depth}


def report(result: dict) -> str:
    figures = result["figures"]
    name = result["collection"]
    lines = [f"{name}: {figures['docs']} documents, {figures['passages']} passages, {figures['queries']} test queries "
             f"(build {result['build_seconds']:.1f} s, search {result['search_seconds']:.1f} s, depth "
             f"{result['depth']} passages)", "",
             f"{'system':<56} {'nDCG@10':>8} {'R@100':>8}"]
    for method in METHODS:
        lines.append(f"{'this project, ' + method:<56} {figures['ndcg10_' + method]:>8.4f} "
                     f"{figures['recall100_' + method]:>8.4f}")
    for system, values in PUBLISHED.get(name, {}).items():
        ndcg = f"{values['ndcg10']:.4f}" if "ndcg10" in values else "-"
        recall = f"{values['recall100']:.4f}" if "recall100" in values else "-"
        lines.append(f"{'published: ' + system:<56} {ndcg:>8} {recall:>8}")
    if "asked_mrr10" in figures:
        lines += ["", f"asked as questions (Engine.ask, k=10): MRR@10 {figures['asked_mrr10']:.4f}, top 3 "
                      f"{figures['asked_hit3']:.4f}, flagged not covered {figures['asked_not_covered']:.4f}, "
                      f"partly {figures['asked_partly']:.4f} (every query has judged documents)"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("directory", type=Path, help="a BEIR collection: corpus.jsonl, queries.jsonl, qrels/test.tsv")
    p.add_argument("--limit-docs", type=int, default=None, help="index only these many documents (+ judged ones)")
    p.add_argument("--limit-queries", type=int, default=None, help="evaluate only the first N test queries")
    p.add_argument("--fake-embedder", action="store_true", help="the tests' hashing embedder instead of MiniLM")
    p.add_argument("--no-cache", action="store_true", help=f"embed afresh, do not read or write {CACHE_DIR}")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    p.add_argument("--questions", action="store_true", help="also ask every query through Engine.ask (coverage)")
    p.add_argument("--fusion", choices=FUSIONS, default=None, help="override Config.fusion (for comparisons)")
    p.add_argument("--dense-weight", type=float, default=None, help="override Config.dense_weight")
    p.add_argument("--sparse-weight", type=float, default=None, help="override Config.sparse_weight")
    args = p.parse_args(argv)
    log_progress(logging.WARNING if args.quiet else logging.INFO)
    overrides = {"fusion": args.fusion, "dense_weight": args.dense_weight, "sparse_weight": args.sparse_weight}
    config = Config().with_(**{k: v for k, v in overrides.items() if v is not None})
    embedder = CachedEmbedder(load_embedder(args.fake_embedder), None if args.no_cache else CACHE_DIR)
    result = run(args.directory, config, embedder, args.limit_docs, args.limit_queries, progress=not args.quiet,
                 questions=args.questions)
    print(f"machine: {machine()}; model: {embedder.name}; max_passage_tokens={config.max_passage_tokens}, "
          f"fusion={config.fusion}, weights dense {config.dense_weight} / bm25 {config.sparse_weight}")
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print(last_line(result["figures"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
