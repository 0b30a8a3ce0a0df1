"""The benchmark scripts run end to end on tiny samples, so they cannot rot. The full runs stay out of the suite
(see bench/RESULTS.md); nothing here is timed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_BEIR = REPO.parent / "shared" / "beir"

DOCS = [
    ("d1", "Statins and breast cancer survival", "Statin use after diagnosis was associated with lower breast cancer "
     "mortality in a nationwide cohort of women followed for ten years."),
    ("d2", "Vitamin D and asthma", "Children with asthma who took vitamin D supplements had fewer severe attacks than "
     "children given a placebo during the winter months."),
    ("d3", "Soy intake and prostate cancer", "Men eating more soy foods had a lower risk of prostate cancer in a "
     "meta-analysis of observational studies from Asia and the West."),
    ("d4", "Coffee and liver enzymes", "Drinking coffee every day was linked to lower liver enzyme levels among "
     "adults who drink alcohol heavily."),
    ("d5", "Sleep and memory", "Students who slept eight hours after learning remembered more word pairs the next "
     "morning than students kept awake overnight."),
]
QUERIES = [("q1", "Do statins lower breast cancer deaths?", {"d1": 2}), ("q2", "vitamin D for asthma attacks",
           {"d2": 1, "d4": 1}), ("q3", "sleep and remembering", {"d5": 1})]


def make_collection(directory: Path) -> Path:
    """A BEIR-layout collection of five documents and three test queries (CRLF qrels, like NFCorpus)."""
    (directory / "qrels").mkdir(parents=True)
    with open(directory / "corpus.jsonl", "w", encoding="utf-8") as f:
        for doc_id, title, text in DOCS:
            f.write(json.dumps({"_id": doc_id, "title": title, "text": text}) + "\n")
    with open(directory / "queries.jsonl", "w", encoding="utf-8") as f:
        for query_id, text, _ in QUERIES:
            f.write(json.dumps({"_id": query_id, "text": text}) + "\n")
        f.write(json.dumps({"_id": "q-train", "text": "not judged in test"}) + "\n")
    rows = ["query-id\tcorpus-id\tscore"] + [f"{q}\t{d}\t{s}" for q, _, rel in QUERIES for d, s in rel.items()]
    (directory / "qrels" / "test.tsv").write_bytes(("\r\n".join(rows) + "\r\n").encode())
    return directory


def run(args: list[str], cache: Path) -> dict[str, float]:
    """Run a bench script; its last line parsed as name=value pairs."""
    env = dict(os.environ, BENCH_CACHE_DIR=str(cache))
    result = subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    last = result.stdout.strip().splitlines()[-1]
    pairs = dict(item.split("=", 1) for item in last.split())
    return {k: float(v) for k, v in pairs.items()}


BEIR_KEYS = {f"{m}_{r}" for m in ("ndcg10", "recall100") for r in ("hybrid", "dense", "bm25")}


def test_beir_runs_on_a_tiny_collection(tmp_path):
    collection = make_collection(tmp_path / "tiny")
    figures = run(["bench/beir.py", str(collection), "--fake-embedder", "--quiet"], tmp_path / "cache")
    assert set(figures) >= BEIR_KEYS
    assert all(0.0 <= figures[k] <= 1.0 for k in BEIR_KEYS)
    assert figures["docs"] == 5 and figures["queries"] == 3
    # Five documents: dense search (and so hybrid) returns all of them; BM25 misses d4, which shares no word with q2.
    assert figures["recall100_hybrid"] == figures["recall100_dense"] == 1.0
    assert figures["recall100_bm25"] < 1.0
    assert figures["ndcg10_bm25"] > 0.5  # the words of each query point at its document


def test_beir_reuses_cached_vectors(tmp_path):
    collection = make_collection(tmp_path / "tiny")
    first = run(["bench/beir.py", str(collection), "--fake-embedder", "--quiet"], tmp_path / "cache")
    assert list((tmp_path / "cache").glob("vectors-*/shard-*.npz"))
    assert run(["bench/beir.py", str(collection), "--fake-embedder", "--quiet"], tmp_path / "cache") == first


def test_beir_asks_the_queries_as_questions_and_reports_coverage(tmp_path):
    collection = make_collection(tmp_path / "tiny")
    figures = run(["bench/beir.py", str(collection), "--fake-embedder", "--quiet", "--questions"], tmp_path / "cache")
    assert set(figures) >= BEIR_KEYS | {"asked_mrr10", "asked_hit3", "asked_not_covered", "asked_partly"}
    # every query shares its topic words with its document, so each is answered and none is flagged
    assert figures["asked_hit3"] == 1.0 and figures["asked_not_covered"] == 0.0


@pytest.mark.skipif(not (SHARED_BEIR / "scifact").is_dir(), reason="the shared BEIR collections are not here")
def test_beir_runs_on_a_sample_of_scifact(tmp_path):
    figures = run(["bench/beir.py", str(SHARED_BEIR / "scifact"), "--limit-docs", "30", "--limit-queries", "5",
                   "--fake-embedder", "--quiet"], tmp_path / "cache")
    assert set(figures) >= BEIR_KEYS
    assert figures["queries"] == 5 and figures["docs"] >= 30


@pytest.mark.slow
def test_speed_runs_at_tiny_sizes(tmp_path):
    collection = make_collection(tmp_path / "tiny")
    figures = run(["bench/speed.py", "--sizes", "1000", "--runs", "2", "--build-docs", "5", "--nfcorpus",
                   str(collection)], tmp_path / "cache")
    for key in ("query_overhead", "build_ratio", "build_with_spans_ratio", "cold_start_ratio", "p50_ms_1k",
                "p95_ms_1k", "recall10_1k", "rss_mb_1k"):
        assert key in figures and figures[key] > 0, key
    assert figures["recall10_1k"] == 1.0  # exact search below the size threshold
    assert figures["p95_ms_1k"] >= figures["p50_ms_1k"]


def test_fit_rerank_learns_which_feature_marks_the_right_passage():
    """The rerank fit (bench/fit_rerank.py) on made-up candidates: the right one always names the drug asked about
    and is often less close in meaning; the fitted model puts it first, the first stage's order does not."""
    import numpy as np

    from bench.fit_rerank import Example, fit, fold, score
    from indexer.ask.rerank import FEATURES

    rng = np.random.default_rng(7)
    examples = []
    for i in range(60):
        features = np.zeros((10, len(FEATURES)))
        features[:, FEATURES.index("dense")] = np.sort(rng.uniform(0.3, 0.8, 10))[::-1]
        features[:, FEATURES.index("best_sentence")] = features[:, 0] + rng.normal(0, 0.05, 10)
        right = np.zeros(10, dtype=bool)
        right[rng.integers(1, 10)] = True
        features[right, FEATURES.index("named")] = 1.0
        examples.append(Example("medicationqa", f"q{i}", f"drug{i}", features, right, np.arange(10)))
    model = fit(examples)
    assert model.weights[FEATURES.index("named")] > 1.0
    assert score(model, examples)["hit@1"] == 1.0 and score(None, examples)["hit@1"] == 0.0
    assert fold("sertraline") == fold("sertraline") and {fold(f"drug{i}") for i in range(60)} == set(range(5))


@pytest.mark.slow
def test_scale_quality_scores_medicationqa_questions_among_other_articles(tmp_path):
    """bench/scale_quality.py on a made-up MedicationQA folder (two answer documents) among the tiny BEIR
    collection: the answerable questions are scored against their gold spans, whatever else the index holds."""
    ext = tmp_path / "ext" / "medicationqa"
    ext.mkdir(parents=True)
    docs = [("mqa_doc_0", "Take lisinopril once a day. A dry cough is a common side effect of lisinopril."),
            ("mqa_doc_1", "Store insulin pens in the refrigerator before first use.")]
    (ext / "docs.jsonl").write_text("".join(json.dumps({"doc_id": d, "url": "", "text": t, "n_answers": 1}) + "\n"
                                            for d, t in docs), encoding="utf-8")
    cough = docs[0][1].index("A dry cough")
    rows = [{"question": "does lisinopril cause a cough", "answerable": True, "doc_id": "mqa_doc_0",
             "start": cough, "end": len(docs[0][1])},
            {"question": "where do i keep insulin pens", "answerable": True, "doc_id": "mqa_doc_1", "start": 0,
             "end": len(docs[1][1])},
            {"question": "is zolpidem habit forming", "answerable": False}]
    (ext / "dev.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    make_collection(tmp_path / "beir" / "nfcorpus")
    figures = run(["bench/scale_quality.py", "--ext", str(tmp_path / "ext"), "--beir", str(tmp_path / "beir"),
                   "--large-passages", "7"], tmp_path / "cache")
    assert figures["answerable"] == 2 and figures["passages"] >= 7  # both answer documents and the abstracts
    assert figures["hit3"] == 1.0 and figures["mrr10"] > 0.5
    assert 0.0 <= figures["false_abstain"] <= 1.0


@pytest.mark.skipif(not (REPO.parent / "shared" / "nli").is_dir(), reason="the NLI data (../shared/nli) is not here")
def test_the_entailment_model_trains_resumes_and_reports_held_out_figures(tmp_path):
    """A few steps of `python -m bench.entailment.train` on a tiny sample: checkpoints, a resumed run, weights and
    held-out figures written."""
    out = tmp_path / "entailment"
    args = [sys.executable, "-m", "bench.entailment.train", "--out", str(out), "--limit", "48", "--epochs", "1",
            "--checkpoint-every", "2", "--log-every", "1"]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    first = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stderr[-2000:]
    assert (out / "checkpoint" / "state.json").exists() and (out / "final" / "model.safetensors").exists()
    metrics = json.loads((out / "final" / "metrics.json").read_text())
    assert {"snli", "counterfactual", "negation", "check-covid", "generated"} <= set(metrics["held_out"])
    resumed = subprocess.run(args[:-4] + ["--epochs", "2", "--log-every", "1"], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=900)
    assert resumed.returncode == 0 and "resumed at step 3" in resumed.stderr, resumed.stderr[-2000:]
    # a second stage goes on from the finished weights, and its figures say how those were made
    made = json.loads((out / "final" / "metrics.json").read_text())
    second = tmp_path / "second"
    stage = subprocess.run(args[:3] + ["--out", str(second), "--limit", "16", "--epochs", "1", "--init",
                                       str(out / "final" / "model.safetensors")],
                           cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert stage.returncode == 0, stage.stderr[-2000:]
    after = json.loads((second / "final" / "metrics.json").read_text())
    assert after["first_stage"]["settings"] == made["settings"] and after["settings"]["init"]
    assert after["first_stage"]["held_out"] == made["held_out"]
    wrong = subprocess.run(args[:3] + ["--out", str(tmp_path / "third"), "--init", str(tmp_path / "model.safetensors")],
                           cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert wrong.returncode != 0 and "Traceback" not in wrong.stderr and "--init" in wrong.stderr


def test_claims_dev_checks_claims_against_every_abstract_or_only_their_own(tmp_path):
    """`python -m bench.claims_dev`: every abstract of the file forms the corpus, or with --own-corpus only those of
    the claims checked (as a held-out set is checked against its own abstracts)."""
    abstracts = {"a1": ("Masks", "Masks reduced the spread of the virus in schools."),
                 "b2": ("Vaccines", "Vaccination lowered the risk of severe disease in older adults."),
                 "c3": ("Ventilation", "Opening windows reduced the amount of virus in the air of classrooms.")}
    rows = [{"claim": claim, "label": label, "cord_id": cord_id, "title": abstracts[cord_id][0],
             "abstract": abstracts[cord_id][1], "evidence_sentences": []}
            for claim, label, cord_id in [("Masks reduced the spread of the virus in schools.", "SUPPORT", "a1"),
                                          ("Vaccination raised the risk of severe disease.", "REFUTE", "b2"),
                                          ("Open windows cut airborne virus in classrooms.", "SUPPORT", "c3")]]
    claims = tmp_path / "claims.jsonl"
    claims.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    for flag, cache in (([], tmp_path / "every"), (["--own-corpus"], tmp_path / "own")):
        figures = run(["-m", "bench.claims_dev", str(claims), "--fake", "--limit", "2", *flag], cache)
        assert figures["claims"] == 2
        corpus = {p.name for p in cache.glob("claims-*/corpus/*.txt")}
        assert corpus == ({"a1.txt", "b2.txt"} if flag else {"a1.txt", "b2.txt", "c3.txt"})


def test_the_seed_pair_figure_says_whether_the_model_reads_paraphrases_above_reversals():
    """`bench.fit_verdicts.seed_pair_auc`: the share of (paraphrase, reversal) pairs of the seed files in which the
    model reads the paraphrase as more entailed by its quoted source; other sentences are left out."""
    from bench.fit_verdicts import seed_pair_auc

    source = "Memantine is an NMDA blocker, which is why it is crucial to avoid it during ketamine therapy."
    rows = [{"sentences": [
        {"text": "Memantine should be avoided during ketamine therapy.", "verdict": "paraphrase", "quotes": [source]},
        {"text": "Memantine is safe during ketamine therapy.", "verdict": "conflicts", "quotes": [source]},
        {"text": "Memantine is fine with ketamine.", "verdict": "conflicts", "quotes": [source]},
        {"text": "Memantine blocks NMDA receptors.", "verdict": "verbatim", "quotes": [source]},
        {"text": "Ketamine is new.", "verdict": "unsupported"}]}]

    class Reader:
        def __init__(self, entailed: dict[str, float]) -> None:
            self.entailed = entailed
            self.read: list[tuple[str, str]] = []

        def judge(self, pairs):
            self.read += pairs
            return [(self.entailed.get(h, 0.5), 0.0, 0.0) for _, h in pairs]

    careful = Reader({"Memantine should be avoided during ketamine therapy.": 0.9,
                      "Memantine is safe during ketamine therapy.": 0.1, "Memantine is fine with ketamine.": 0.2})
    assert seed_pair_auc(careful, rows) == 1.0
    assert len(careful.read) == 3 and all(premise == source for premise, _ in careful.read)
    fooled = Reader({"Memantine should be avoided during ketamine therapy.": 0.5,
                     "Memantine is safe during ketamine therapy.": 0.95, "Memantine is fine with ketamine.": 0.5})
    assert seed_pair_auc(fooled, rows) == 0.25  # one reversal above it, one tied
