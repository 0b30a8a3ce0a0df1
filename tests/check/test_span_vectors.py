"""The wording check's span vectors are made once per index build and stored with it: a check on a built index
embeds its draft sentences and nothing else."""

from __future__ import annotations

import numpy as np

from indexer import Engine, build_index
from indexer.check.checker import check
from indexer.check.spans import span_index
from indexer.index import store
from tests.fakes import FakeEmbedder


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.passages: list[str] = []
        self.queries: list[str] = []

    def encode_passages(self, texts, batch_size=64, progress=False):
        self.passages.extend(texts)
        return super().encode_passages(texts, batch_size, progress)

    def encode_queries(self, texts):
        self.queries.extend(texts)
        return super().encode_queries(texts)


DRAFT = ("Benzodiazepine is okay when taken in moderate doses, but the higher the dose, the worse its effects are. "
         "Ketamine cures every illness overnight.")


def test_check_on_a_built_index_embeds_no_span(fake_config, drug_names):
    build_index(fake_config, FakeEmbedder())
    counting = CountingEmbedder()
    engine = Engine.open(fake_config, embedder=counting, build=False, drug_names=drug_names)
    report = check(engine, DRAFT)
    assert counting.passages == []
    assert set(counting.queries) <= {s.text for s in report.sentences}
    assert report.sentences[0].verdict == "verbatim"


def test_stored_span_vectors_are_the_models_for_sentences_and_pooled_for_runs(fake_config, drug_names):
    counting = CountingEmbedder()
    build_index(fake_config, counting)
    engine = Engine.open(fake_config, embedder=FakeEmbedder(), build=False, drug_names=drug_names)
    index = span_index(engine)
    single = [n for n, s in enumerate(index.spans) if s.sentences <= 1]
    runs = [n for n, s in enumerate(index.spans) if s.sentences > 1]
    assert runs and single
    # headings and sentences carry the model's vector; no run of sentences was embedded by the build
    fresh = FakeEmbedder().encode_passages([index.spans[n].text for n in single])
    assert np.allclose(index.vectors[single], fresh)
    assert not set(counting.passages) & {index.spans[n].text for n in runs}
    # a run's vector is the length-weighted mean of its sentences' vectors, normalised
    n = runs[0]
    run = index.spans[n]
    members = [m for m in single if index.spans[m].sentences == 1 and index.spans[m].source_id == run.source_id
               and run.start <= index.spans[m].start and index.spans[m].end <= run.end]
    assert len(members) == run.sentences
    pooled = sum(len(index.spans[m].text) * index.vectors[m] for m in members)
    assert np.allclose(index.vectors[n], pooled / np.linalg.norm(pooled), atol=1e-5)
    keys, matrix = store.load_span_vectors(fake_config.index_dir)
    assert len(keys) == len(matrix) >= len(index.spans) > 0


def test_an_incremental_build_reuses_span_vectors(fake_config):
    build_index(fake_config, FakeEmbedder())
    article = fake_config.corpus_dir / "000_c89290b5e323cd66.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\n\nA brand new sentence about grapefruit.\n",
                       encoding="utf-8")
    counting = CountingEmbedder()
    build_index(fake_config, counting)
    assert 0 < len(counting.passages) <= 6  # the new passage and the spans with the new sentence
    assert all("grapefruit" in t for t in counting.passages)


def test_an_ask_only_index_stores_no_span_vectors_and_check_still_works(fake_config, drug_names):
    config = fake_config.with_(check_vectors=False)
    build_index(config, FakeEmbedder())
    keys, _ = store.load_span_vectors(config.index_dir)
    assert keys == []
    counting = CountingEmbedder()
    engine = Engine.open(config, embedder=counting, build=False, drug_names=drug_names)
    report = check(engine, DRAFT)
    assert counting.passages, "the spans are embedded on first use instead"
    assert report.sentences[0].verdict == "verbatim"


def test_an_ask_only_index_gives_the_check_the_same_span_vectors_as_a_full_build(fake_config, drug_names, tmp_path):
    build_index(fake_config, FakeEmbedder())
    full = span_index(Engine.open(fake_config, embedder=FakeEmbedder(), build=False, drug_names=drug_names))
    ask_only = fake_config.with_(check_vectors=False, index_dir=tmp_path / "ask-only")
    build_index(ask_only, FakeEmbedder())
    later = span_index(Engine.open(ask_only, embedder=FakeEmbedder(), build=False, drug_names=drug_names))
    assert [s.text for s in later.spans] == [s.text for s in full.spans]
    assert np.allclose(later.vectors, full.vectors, atol=1e-6)
