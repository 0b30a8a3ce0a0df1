from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer import Config, Engine, IndexerError, IndexMismatch, IndexNotFound, build_index, index_status
from indexer.index import store
from tests.fakes import FakeEmbedder

QUESTIONS = ["Can I take Xanax with ketamine?", "lamotrigine", "What is the phone number?"]


def ranked(engine: Engine, question: str) -> list[tuple]:
    return [(h.passage, round(h.score, 9), round(h.dense_score, 6), round(h.sparse_score, 6))
            for h in engine.ask(question, k=8).hits]


def test_save_then_load_gives_the_same_hits_and_scores(fake_engine: Engine, fake_config: Config, drug_names):
    reloaded = Engine.open(fake_config, embedder=FakeEmbedder(), build=False, drug_names=drug_names)
    for question in QUESTIONS:
        assert ranked(reloaded, question) == ranked(fake_engine, question)


def test_manifest_says_what_built_the_index(fake_engine: Engine, fake_config: Config):
    manifest = json.loads((store.version_dir(fake_config.index_dir) / "manifest.json").read_text())
    assert manifest == store.read_manifest(fake_config.index_dir)
    assert manifest["format_version"] == store.FORMAT_VERSION and manifest["build_id"]
    # what ran the model: "onnxruntime" or "torch" for the shipped one, nothing for the fake
    assert manifest["model"] == {"name": FakeEmbedder.name, "dimension": FakeEmbedder.dimension, "runtime": ""}
    assert set(manifest["corpus"]["files"]) == {"000_c89290b5e323cd66.txt", "001_e793e9aa13ba7357.txt"}
    assert manifest["counts"]["sources"] == 2 and manifest["counts"]["passages"] == len(fake_engine.index.passages)
    assert manifest["counts"]["embedded"] + manifest["counts"]["reused"] == manifest["counts"]["passages"]
    assert manifest["libraries"]["faiss-cpu"] and manifest["libraries"]["onnxruntime"]
    assert manifest["built_at"].endswith("Z")
    assert not any(p.suffix in (".pkl", ".pickle") for p in fake_config.index_dir.rglob("*"))


def test_an_up_to_date_index_is_not_rebuilt(fake_engine: Engine, fake_config: Config):
    report = build_index(fake_config, FakeEmbedder())
    assert not report.built and "up to date" in report.message


def test_a_changed_corpus_makes_the_index_stale_and_ask_rebuilds_it(fake_engine, fake_config: Config, drug_names):
    article = fake_config.corpus_dir / "000_c89290b5e323cd66.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\n\nGrapefruit juice is fine with ketamine, we think.\n",
                       encoding="utf-8")
    status = index_status(fake_config)
    assert status.state == "stale" and "000_c89290b5e323cd66.txt changed" in status.reason
    rebuilt = []
    engine = Engine.open(fake_config, embedder=FakeEmbedder(), on_build=rebuilt.append, drug_names=drug_names)
    assert rebuilt and index_status(fake_config).state == "current"
    assert "Grapefruit" in engine.ask("grapefruit juice", k=1).hits[0].passage.text


def test_added_and_removed_files_make_the_index_stale(fake_engine, fake_config: Config):
    (fake_config.corpus_dir / "extra.txt").write_text("Extra Article\n\nSome words about ketamine here.\n")
    assert "extra.txt was added" in index_status(fake_config).reason
    (fake_config.corpus_dir / "extra.txt").unlink()
    (fake_config.corpus_dir / "001_e793e9aa13ba7357.txt").unlink()
    assert "001_e793e9aa13ba7357.txt was removed" in index_status(fake_config).reason


def test_missing_index_without_build_is_a_clear_error(fake_config: Config):
    with pytest.raises(IndexNotFound, match="python -m indexer build"):
        Engine.open(fake_config, embedder=FakeEmbedder(), build=False)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: (d.parent / "manifest.json").write_text("{not json"), "manifest .* is corrupt"),
        (lambda d: (d / "manifest.json").write_text("{not json"), "manifest .* is corrupt"),
        (lambda d: _edit_pointer(d, version="v-gone"), "missing its version folder"),
        (lambda d: _edit_pointer(d, format_version=2), "format version 2"),
        (lambda d: (d / "vector_keys.json").write_text("[]" + " " * ((d / "vector_keys.json").stat().st_size - 2)),
         "inconsistent"),
        (lambda d: (d / "dense.faiss").write_bytes(b"garbage"), "dense.faiss .* is damaged"),
        (lambda d: (d / "passages.jsonl").write_text("x" * (d / "passages.jsonl").stat().st_size), "corrupt file"),
        (lambda d: (d / "dense.faiss").write_bytes(b"x" * (d / "dense.faiss").stat().st_size), "not a readable FAISS"),
        (lambda d: (d / "vocabulary.json").unlink(), "missing vocabulary.json"),
        (lambda d: _edit_manifest(d, format_version=99), "format version 99"),
        (lambda d: _edit_manifest(d, model={"name": "other/model", "dimension": 64}), "built with the model 'other/model'"),
    ],
)
def test_a_corrupt_or_foreign_index_says_to_rebuild(fake_engine, fake_config: Config, damage, message):
    damage(store.version_dir(fake_config.index_dir))
    with pytest.raises(IndexMismatch, match=message) as error:
        Engine.open(fake_config, embedder=FakeEmbedder())
    assert "build --force" in str(error.value)


def _edit_pointer(directory: Path, **changes) -> None:
    _edit_manifest(directory.parent, **changes)


def _edit_manifest(directory: Path, **changes) -> None:
    path = directory / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    path.write_text(json.dumps(manifest))


def test_a_crash_while_writing_leaves_the_old_index(fake_engine, fake_config: Config, monkeypatch):
    before = (fake_config.index_dir / "manifest.json").read_text()

    def crash(self, path):
        raise OSError("disk full")

    monkeypatch.setattr("indexer.index.dense.DenseIndex.save", crash)
    with pytest.raises(IndexerError, match="could not be written .disk full"):
        build_index(fake_config, FakeEmbedder(), force=True)
    assert (fake_config.index_dir / "manifest.json").read_text() == before
    assert sorted(p.name for p in fake_config.index_dir.iterdir()) == sorted(
        [store.MARKER, store.MANIFEST, store.LOCK, store.version_dir(fake_config.index_dir).name])
    assert sorted(p.name for p in fake_config.index_dir.parent.iterdir()) == ["corpus", "index"]
