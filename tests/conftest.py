"""Shared fixtures: a copy of the real corpus, a fake embedder, engines built on either embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer import Config, Engine
from indexer.drugs import DrugNames
from tests.fakes import FakeEmbedder

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"


@pytest.fixture(scope="session")
def drug_names() -> DrugNames:
    """The drug dictionary takes ~2 s to load: once per test session."""
    names = DrugNames()
    names.wait()
    return names


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A writable copy of the real corpus folder."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def fake_config(corpus_dir: Path, tmp_path: Path) -> Config:
    return Config(corpus_dir=corpus_dir, index_dir=tmp_path / "index", model_name=FakeEmbedder.name)


@pytest.fixture
def fake_engine(fake_config: Config, fake_embedder: FakeEmbedder, drug_names: DrugNames) -> Engine:
    """An engine over the real corpus with the fake embedder (fast)."""
    engine = Engine.open(fake_config, embedder=fake_embedder)
    engine.reader.drug_names = drug_names
    return engine


@pytest.fixture(scope="session")
def real_embedder():
    from indexer.embedder import load_embedder

    return load_embedder()


@pytest.fixture(scope="session")
def real_engine(tmp_path_factory, real_embedder, drug_names) -> Engine:
    """An engine over the real corpus with the real model (marked tests: slow)."""
    root = tmp_path_factory.mktemp("real")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    engine = Engine.open(Config(corpus_dir=corpus, index_dir=root / "index"), embedder=real_embedder)
    engine.reader.drug_names = drug_names
    return engine
