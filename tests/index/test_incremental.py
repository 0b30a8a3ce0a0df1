"""The incremental index: adding, changing or removing one source re-embeds only its passages, and answers
are the same as after a full rebuild."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from indexer import Config, Engine, IndexerError, build_index, index_status, load_corpus
from indexer.index import build, store
from indexer.index.build import make_passages, source_headings, update_index
from indexer.index.removal import remove_source
from tests.conftest import CORPUS
from tests.fakes import FakeEmbedder

ARTICLE = "000_c89290b5e323cd66.txt"
QUESTIONS = ["Can I take Xanax with ketamine?", "lamotrigine", "What is the phone number?", "grapefruit juice",
             "SSRIs and ketamine", "sleep"]
NEW_ARTICLE = """Ketamine and Sleep

Some patients report vivid dreams on the night after a ketamine infusion.

Grapefruit juice does not change how ketamine works, according to this clinic.
"""


class RecordingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def encode_passages(self, texts, batch_size=64, progress=False):
        self.embedded.extend(texts)
        return super().encode_passages(texts, batch_size, progress)


def ranking_texts(config: Config) -> list[str]:
    corpus = load_corpus(config.corpus_dir)
    headings = source_headings(corpus)
    return build.ranking_texts(make_passages(corpus, config, headings), headings)


def answers(config: Config, drug_names) -> list[list[tuple]]:
    engine = Engine.open(config, embedder=FakeEmbedder(), build=False, drug_names=drug_names)
    return [[(h.passage, h.score, h.dense_score, h.sparse_score) for h in engine.ask(q, k=8).hits]
            for q in QUESTIONS]


def full_rebuild_of(config: Config, tmp_path: Path) -> Config:
    full = config.with_(index_dir=tmp_path / "full-index")
    build_index(full, FakeEmbedder(), force=True)
    return full


def edit_corpus(config: Config) -> None:
    article = config.corpus_dir / ARTICLE
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("Benzodiazepine is okay", "Benzodiazepine is usually okay", 1) +
                       "\n\nGrapefruit juice was not studied with ketamine.\n", encoding="utf-8")
    (config.corpus_dir / "sleep.md").write_text(NEW_ARTICLE, encoding="utf-8")


def test_changing_and_adding_sources_embeds_only_the_new_passages(fake_config: Config):
    build_index(fake_config, FakeEmbedder())
    before = set(ranking_texts(fake_config))
    edit_corpus(fake_config)
    after = ranking_texts(fake_config)
    new = [t for t in after if t not in before]
    assert 0 < len(new) < len(after) / 2
    recorder = RecordingEmbedder()
    report = update_index(fake_config, recorder)
    passages = set(after)  # the build also embeds the wording check's new spans (not passages)
    assert sorted(t for t in recorder.embedded if t in passages) == sorted(set(new))
    assert (report.embedded, report.reused) == (len(new), len(after) - len(new))
    manifest = store.read_manifest(fake_config.index_dir)
    assert (manifest["counts"]["embedded"], manifest["counts"]["reused"]) == (report.embedded, report.reused)
    assert f"embedded {report.embedded} passages, reused {report.reused}" in report.message
    assert index_status(fake_config).state == "current"


def test_answers_after_an_incremental_update_equal_a_full_rebuild(fake_config: Config, tmp_path, drug_names):
    build_index(fake_config, FakeEmbedder())
    edit_corpus(fake_config)
    (fake_config.corpus_dir / "001_e793e9aa13ba7357.txt").unlink()
    update_index(fake_config, FakeEmbedder())
    full = full_rebuild_of(fake_config, tmp_path)
    assert answers(fake_config, drug_names) == answers(full, drug_names)
    incremental = store.load(fake_config.index_dir, FakeEmbedder.name)
    rebuilt = store.load(full.index_dir, FakeEmbedder.name)
    assert incremental.passages == rebuilt.passages
    assert np.array_equal(incremental.dense.index.reconstruct_n(0, len(incremental.dense)),
                          rebuilt.dense.index.reconstruct_n(0, len(rebuilt.dense)))


def test_force_re_embeds_everything(fake_config: Config):
    build_index(fake_config, FakeEmbedder())
    recorder = RecordingEmbedder()
    report = build_index(fake_config, recorder, force=True)
    texts = ranking_texts(fake_config)
    assert report.reused == 0 and report.embedded == len(texts)
    assert sorted(t for t in recorder.embedded if t in set(texts)) == sorted(set(texts))


def test_an_index_of_another_model_is_not_reused(fake_config: Config):
    build_index(fake_config, FakeEmbedder())
    other = RecordingEmbedder()
    other.name = "fake/another-model"
    report = update_index(fake_config.with_(model_name=other.name), other)
    assert report.reused == 0 and report.embedded == len(ranking_texts(fake_config))


# -- remove_source ------------------------------------------------------------------------------------------


def test_remove_source_deletes_its_file_original_and_metadata_and_updates_the_index(fake_config: Config,
                                                                                     drug_names):
    corpus = fake_config.corpus_dir
    (corpus / "originals").mkdir()
    (corpus / "originals" / "000_c89290b5e323cd66.html").write_text("<html>original</html>")
    (corpus / "originals" / "001_e793e9aa13ba7357.pdf").write_bytes(b"%PDF-1.4 other")
    build_index(fake_config, FakeEmbedder())
    recorder = RecordingEmbedder()
    report = remove_source(fake_config, "balanced-ketamine", recorder)
    assert recorder.embedded == [] and report.embedded == 0 and report.reused > 0
    assert not (corpus / ARTICLE).exists()
    assert not (corpus / "originals" / "000_c89290b5e323cd66.html").exists()
    assert (corpus / "originals" / "001_e793e9aa13ba7357.pdf").exists()
    toml = (corpus / "sources.toml").read_text(encoding="utf-8")
    assert ARTICLE not in toml and "balanced-ketamine" not in toml and 'id = "aureo"' in toml
    assert toml.startswith("# Metadata for the files in this folder.")  # comments are kept
    assert index_status(fake_config).state == "current"
    engine = Engine.open(fake_config, embedder=FakeEmbedder(), build=False)
    assert [s.source_id for s in engine.index.sources] == ["aureo"]
    assert {h.passage.source_id for h in engine.ask("ketamine", k=10).hits} == {"aureo"}


def test_remove_source_of_an_unknown_id_changes_nothing(fake_config: Config):
    build_index(fake_config, FakeEmbedder())
    before = sorted(p.name for p in fake_config.corpus_dir.rglob("*"))
    with pytest.raises(IndexerError, match="There is no source 'nope'.*2 sources"):
        remove_source(fake_config, "nope", FakeEmbedder())
    assert sorted(p.name for p in fake_config.corpus_dir.rglob("*")) == before


def test_remove_source_is_all_or_nothing(fake_config: Config):
    build_index(fake_config, FakeEmbedder())
    corpus_before = {p.name: p.read_bytes() for p in fake_config.corpus_dir.iterdir()}
    build_before = store.current_build_id(fake_config.index_dir)

    def fail(step: str) -> None:
        if step == "switching":
            raise OSError("disk gone")

    with pytest.raises(IndexerError, match="disk gone"):
        remove_source(fake_config, "aureo", FakeEmbedder(), on_step=fail)
    assert {p.name: p.read_bytes() for p in fake_config.corpus_dir.iterdir()} == corpus_before
    assert store.current_build_id(fake_config.index_dir) == build_before
    assert index_status(fake_config).state == "current"


def test_remove_source_needs_no_model_when_nothing_is_embedded(fake_config: Config, monkeypatch):
    build_index(fake_config, FakeEmbedder())

    def no_model():
        raise AssertionError("the model was loaded")

    monkeypatch.setattr("indexer.index.removal.load_embedder", no_model)
    report = remove_source(fake_config, "aureo")
    assert report.embedded == 0 and "Removed the source 'aureo'" in report.message
    assert index_status(fake_config).state == "current"


def test_remove_the_last_source_is_refused(fake_config: Config, tmp_path: Path):
    build_index(fake_config, FakeEmbedder())
    remove_source(fake_config, "aureo", FakeEmbedder())
    with pytest.raises(IndexerError, match="last source"):
        remove_source(fake_config, "balanced-ketamine", FakeEmbedder())
    assert (fake_config.corpus_dir / ARTICLE).exists()


@pytest.mark.slow
def test_the_real_model_gives_a_text_the_same_vector_whatever_its_batch_neighbours(real_embedder, tmp_path):
    """So an incremental update and a full rebuild store bit-identical vectors (see MiniLMEmbedder)."""
    config = Config(corpus_dir=tmp_path / "corpus")
    shutil.copytree(CORPUS, config.corpus_dir)
    texts = ranking_texts(config)
    together = real_embedder.encode_passages(texts)
    alone = np.vstack([real_embedder.encode_passages([t]) for t in texts])
    halves = np.vstack([real_embedder.encode_passages(texts[::2]), real_embedder.encode_passages(texts[1::2])])
    assert np.array_equal(together, alone)
    assert np.array_equal(together[0::2], halves[: len(texts[::2])])
    queries = real_embedder.encode_queries(QUESTIONS)
    assert np.array_equal(queries, np.vstack([real_embedder.encode_queries([q]) for q in QUESTIONS]))
