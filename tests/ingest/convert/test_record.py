"""Adding converted sources to a corpus folder: files, originals and `sources.toml` entries that the corpus
loader reads back."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer import load_corpus
from indexer.errors import SourceError
from indexer.ingest.convert import convert_bytes
from indexer.ingest.convert.record import add_to_corpus, toml_string
from tests.ingest.convert.builders import ARTICLE_HTML, leaflet_pdf

HEADER = "# Metadata for the files in this folder.\n\n[[source]]\nfile = \"old.txt\"\nid = \"old\"\ntitle = \"Old\"\n"


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "old.txt").write_text("Old\n\nAn older source.\n", encoding="utf-8")
    (folder / "sources.toml").write_text(HEADER, encoding="utf-8")
    return folder


def test_added_sources_are_read_back_with_their_metadata(corpus_dir: Path):
    page = convert_bytes(ARTICLE_HTML.encode(), "html", name="page.html")
    leaflet = convert_bytes(leaflet_pdf(title="Ketamine leaflet", author="Example Pharma"), "pdf", name="l.pdf")
    first = add_to_corpus(page, corpus_dir, added=date(2025, 1, 2))
    second = add_to_corpus(leaflet, corpus_dir, added=date(2025, 1, 2))

    assert first.text_path.name == "ketamine-and-other-medicines.md"
    assert (corpus_dir / "originals" / "ketamine-and-other-medicines.html").read_bytes() == ARTICLE_HTML.encode()
    assert second.original_path.name == "ketamine-leaflet.pdf"
    metadata = (corpus_dir / "sources.toml").read_text(encoding="utf-8")
    assert metadata.startswith(HEADER)  # the existing text and comments are kept
    entry = tomllib.loads(metadata)["source"][1]
    assert entry == first.entry
    assert (entry["publisher"], entry["url"], entry["date"], entry["added"]) == (
        "Example Clinic", "https://clinic.example.org/blog/ketamine-and-other-medicines/", "2023-04-12", "2025-01-02"
    )
    assert (entry["original"], entry["extractor"]) == ("page.html", "trafilatura")

    corpus = load_corpus(corpus_dir)
    assert not corpus.warnings
    source = corpus.get(second.source_id)
    assert (source.title, source.publisher, source.text) == ("Ketamine leaflet", "Example Pharma", leaflet.text)


def test_the_same_original_twice_is_an_error(corpus_dir: Path):
    page = convert_bytes(ARTICLE_HTML.encode(), "html", name="page.html")
    add_to_corpus(page, corpus_dir, added=date(2025, 1, 2))
    with pytest.raises(SourceError, match=r"page\.html is already in the corpus as ketamine-and-other-medicines\.md"):
        add_to_corpus(page, corpus_dir, added=date(2025, 1, 3))


def test_same_title_gets_a_new_name_and_id(corpus_dir: Path):
    first = add_to_corpus(convert_bytes(b"Same title\n\nOne.\n", "txt", name="a.txt"), corpus_dir, added=date.today())
    second = add_to_corpus(convert_bytes(b"Same title\n\nTwo.\n", "txt", name="b.txt"), corpus_dir, added=date.today())
    assert (first.text_path.name, second.text_path.name) == ("same-title.txt", "same-title-2.txt")
    assert (first.source_id, second.source_id) == ("same-title", "same-title-2")


@given(st.text())
def test_toml_strings_round_trip(value: str):
    assert tomllib.loads(f"v = {toml_string(value)}")["v"] == value
