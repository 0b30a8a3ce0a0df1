"""The page and the command line share one index without embedding it again: an index the page made is updated
by `indexer build` embedding only the new text, and an index the command line made is updated by the page's add
and remove the same way (the `embedded` counts say so)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import indexer.index.embedder
from indexer.cli import main
from indexer.config import MODEL_NAME
from tests.conftest import CORPUS
from tests.fakes import FakeEmbedder
from tests.ui.test_app import APP, EDITOR_HASH, signed_in

NEW_ARTICLE = ("Grapefruit and ketamine\n\nGrapefruit juice slows the breakdown of ketamine taken by mouth, so the "
               "same dose can act for longer.\n")


class RealNamedEmbedder(FakeEmbedder):
    """The fake model under the real model's name and runtime, as the page and the command line load it."""

    name = MODEL_NAME
    runtime = "onnxruntime"


@pytest.fixture
def site(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    for target in ("indexer.index.embedder.load_embedder", "indexer.ask.engine.load_embedder",
                   "indexer.index.removal.load_embedder"):
        monkeypatch.setattr(target, RealNamedEmbedder, raising=False)
    monkeypatch.setattr("indexer.index.removal.expected_runtime", lambda: RealNamedEmbedder.runtime, raising=False)
    monkeypatch.setenv("KETAMINE_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("KETAMINE_INDEX_DIR", str(index))
    monkeypatch.setenv("KETAMINE_EDITOR_PASSWORD_HASH", EDITOR_HASH)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield corpus, index
    st.cache_resource.clear()
    st.cache_data.clear()


def page() -> AppTest:
    assert indexer.index.embedder.load_embedder is RealNamedEmbedder
    return AppTest.from_file(APP, default_timeout=60).run()


def cli_build(corpus: Path, index: Path, capsys) -> str:
    capsys.readouterr()
    assert main(["build", "--corpus", str(corpus), "--index", str(index)]) == 0
    return capsys.readouterr().out


def test_an_index_the_page_made_is_updated_by_the_command_line_embedding_only_new_text(site, capsys):
    corpus, index = site
    at = page()  # the page builds the missing index with its own (cached) model
    assert not at.exception and (index / "manifest.json").exists()
    (corpus / "grapefruit.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    out = cli_build(corpus, index, capsys)
    assert "(embedded 1 passages, reused 25)" in out


def test_an_index_the_command_line_made_is_updated_by_the_page_embedding_only_new_text(site, capsys, tmp_path):
    from indexer.ingest.convert import Upload

    corpus, index = site
    cli_build(corpus, index, capsys)
    at = signed_in(page())
    at.button_group(key="view").set_value("Sources").run()
    # the upload widget cannot be driven by AppTest: the page's add function is called as its form would
    import ui.sources

    engine = ui.resources.current_engine()
    report = ui.sources.add_sources(engine.config, [Upload("grapefruit.txt", NEW_ARTICLE.encode())],
                                    embedder=ui.resources.load_model(), public_urls_only=True)
    assert (report.build.embedded, report.build.reused) == (1, 25)
    at.run()
    at.button(key="remove-grapefruit-and-ketamine").click().run()
    assert not at.exception
    assert "embedded 0" in at.success[0].value
