"""A build killed or failing at any step: the last good index still answers, and the next build leaves
nothing behind. Steps are named by the build (`indexer.index.faults.STEPS`); a build in a child process is killed
with `os._exit` at a step named by the INDEXER_FAULT environment variable, a build in this process gets an
`on_step` callable that raises."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from indexer import Config, Engine, build_index, index_status
from indexer.index import store
from indexer.index.faults import FAULT_EXIT_STATUS, STEPS
from tests.conftest import REPO
from tests.fakes import FakeEmbedder

ARTICLE = "000_c89290b5e323cd66.txt"
ADDED = "Grapefruit juice and ketamine were discussed after the first build."
CHILD = """
import sys
from pathlib import Path
from indexer import Config, build_index
from tests.fakes import FakeEmbedder
config = Config(corpus_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2]), model_name=FakeEmbedder.name)
build_index(config, FakeEmbedder(), force=True)
"""


class Injected(Exception):
    pass


def first_build(config: Config) -> str:
    build_index(config, FakeEmbedder())
    with open(config.corpus_dir / ARTICLE, "a", encoding="utf-8") as f:
        f.write(f"\n\n{ADDED}\n")
    return store.current_build_id(config.index_dir)


def assert_answers_with_exact_citations(config: Config) -> Engine:
    engine = Engine.open(config, embedder=FakeEmbedder(), build=False)
    hits = engine.ask("benzodiazepines and ketamine", k=5).hits
    assert hits
    for hit in hits:
        p = hit.passage
        assert engine.source_text(p.source_id)[p.start : p.end] == p.text
    return engine


def assert_nothing_left_behind(config: Config) -> None:
    build_id = store.current_build_id(config.index_dir)
    assert sorted(p.name for p in config.index_dir.iterdir()) == sorted(
        [store.MARKER, store.MANIFEST, store.LOCK, f"v-{build_id}"])
    assert sorted(p.name for p in config.index_dir.parent.iterdir()) == ["corpus", config.index_dir.name]


def before_switch(step: str) -> bool:
    return STEPS.index(step) < STEPS.index("switched")


@pytest.mark.parametrize("step", STEPS)
def test_a_build_killed_at_any_step_leaves_a_working_index_and_the_next_build_cleans_up(fake_config, step):
    old = first_build(fake_config)
    env = {**os.environ, "INDEXER_FAULT": step, "PYTHONPATH": str(REPO)}
    child = subprocess.run([sys.executable, "-c", CHILD, str(fake_config.corpus_dir), str(fake_config.index_dir)],
                           cwd=REPO, env=env, capture_output=True, text=True)
    assert child.returncode == FAULT_EXIT_STATUS, child.stderr
    engine = assert_answers_with_exact_citations(fake_config)
    if before_switch(step):
        assert engine.build_id == old and index_status(fake_config).state == "stale"
    else:
        assert engine.build_id != old and index_status(fake_config).state == "current"
    report = build_index(fake_config, FakeEmbedder())
    assert report.built == before_switch(step)
    assert_nothing_left_behind(fake_config)
    engine = assert_answers_with_exact_citations(fake_config)
    assert ADDED in [p.text for p in engine.index.passages]


@pytest.mark.parametrize("step", STEPS)
def test_a_build_that_fails_at_any_step_cleans_up_after_itself(fake_config, step):
    old = first_build(fake_config)

    def fail(name: str) -> None:
        if name == step:
            raise Injected(name)

    with pytest.raises(Injected):
        build_index(fake_config, FakeEmbedder(), on_step=fail)
    engine = assert_answers_with_exact_citations(fake_config)
    assert (engine.build_id == old) == before_switch(step)
    assert_nothing_left_behind(fake_config)


def test_a_reader_opening_during_the_switch_gets_one_whole_index(fake_config):
    old = first_build(fake_config)
    seen = []

    def open_now(name: str) -> None:
        if name in ("renamed", "switching", "switched"):
            seen.append((name, assert_answers_with_exact_citations(fake_config).build_id))

    report = build_index(fake_config, FakeEmbedder(), on_step=open_now)
    assert seen == [("renamed", old), ("switching", old), ("switched", report.build_id)]


def test_an_index_of_the_previous_layout_is_rebuilt_in_place(fake_config: Config):
    legacy = fake_config.index_dir
    legacy.mkdir()
    (legacy / "manifest.json").write_text('{"format_version": 2, "model": {"name": "x", "dimension": 3}}')
    for name in ("sources.json", "passages.jsonl", "vocabulary.json", "dense.faiss", "drug_names.json"):
        (legacy / name).write_text("old")
    (legacy / "bm25").mkdir()
    (legacy / "bm25" / "vocab.index.json").write_text("{}")
    assert index_status(fake_config).state == "broken"
    build_index(fake_config, FakeEmbedder())
    assert_nothing_left_behind(fake_config)
    assert_answers_with_exact_citations(fake_config)


def test_the_fault_variable_names_a_known_step(fake_config: Config, monkeypatch):
    monkeypatch.setenv("INDEXER_FAULT", "nonsense")
    with pytest.raises(ValueError, match="INDEXER_FAULT must name a build step"):
        build_index(fake_config, FakeEmbedder())
    assert not Path(fake_config.index_dir).exists()
