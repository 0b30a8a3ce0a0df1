"""Shared fixtures: a copy of the real corpus, a fake embedder, engines built on either embedder."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest

from indexer import Config, Engine
from indexer.cli import main
from indexer.config import MODEL_NAME
from indexer.lexicon.names import DrugNames
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
    engine = Engine.open(fake_config, embedder=fake_embedder, drug_names=drug_names)
    return engine


@pytest.fixture(scope="session")
def real_embedder():
    from indexer.index.embedder import load_embedder

    return load_embedder()


@pytest.fixture(scope="session")
def real_engine(tmp_path_factory, real_embedder, drug_names) -> Engine:
    """An engine over the real corpus with the real model (marked tests: slow)."""
    root = tmp_path_factory.mktemp("real")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    engine = Engine.open(Config(corpus_dir=corpus, index_dir=root / "index"), embedder=real_embedder, drug_names=drug_names)
    return engine


@pytest.fixture
def cli(tmp_path: Path, corpus_dir: Path, monkeypatch, capsys, drug_names):
    """Run `python -m indexer ...` in-process, in tmp_path (so paths are relative), with the fake embedder.

    `run(*args, stdin=...)` returns (exit status, stdout, stderr); stdin may be text or bytes.
    """

    def fake_embedder():
        embedder = FakeEmbedder()
        embedder.name = MODEL_NAME  # the CLI's default config expects the real model's name
        return embedder

    monkeypatch.setattr("indexer.index.embedder.load_embedder", fake_embedder)
    monkeypatch.setattr("indexer.ask.engine.load_embedder", fake_embedder)
    monkeypatch.setattr("indexer.ask.engine.DrugNames", lambda *lexicon: drug_names)
    monkeypatch.chdir(tmp_path)

    def run(*args: str, stdin: str | bytes = b"") -> tuple[int, str, str]:
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        try:
            code = main(list(args))
        except SystemExit as e:  # argparse's own errors
            code = e.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


def assert_one_line_error(code: int, out: str, err: str, *fragments: str) -> None:
    """A user error: status 2, nothing on stdout, one line on stderr naming the problem, no traceback."""
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]
