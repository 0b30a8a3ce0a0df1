from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from indexer import SourceError, load_corpus
from indexer.ingest.sources import warning_lines
from tests.conftest import CORPUS

SEED_CHECKSUMS = {
    "000_c89290b5e323cd66.txt": "fca722767257717a835f9c4211fa658e0349dcf1656fc49da7757488725b2fdb",
    "001_e793e9aa13ba7357.txt": "191ad602da6e20f161c5f9628b87095b4bc0da7b8ee2eac77f68fa08dde5fe6b",
}
SEEDS = CORPUS.parent.parent / "shared" / "corpus-seeds"


def test_corpus_holds_the_seed_articles_byte_for_byte():
    for name, checksum in SEED_CHECKSUMS.items():
        data = (CORPUS / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == checksum
        if (SEEDS / name).exists():
            assert data == (SEEDS / name).read_bytes()


def test_metadata_names_publishers_and_leaves_unknowns_empty():
    corpus = load_corpus(CORPUS)
    by_file = {s.path.name: s for s in corpus.sources}
    balanced = by_file["000_c89290b5e323cd66.txt"]
    assert balanced.publisher == "Balanced Ketamine"
    assert balanced.title == "Can You Have Other Medications With Ketamine Therapy?"
    aureo = by_file["001_e793e9aa13ba7357.txt"]
    assert aureo.publisher == "Áureo"
    assert aureo.title == "Exploring the Safety of Ketamine Use with Other Psychiatric Medications"
    for source in corpus.sources:
        assert source.url == "" and source.date == ""  # not captured: never invented
        assert source.has_metadata
    assert corpus.skipped == () and corpus.warnings == ()


def test_source_text_is_the_file_verbatim(corpus_dir: Path):
    for source in load_corpus(corpus_dir).sources:
        assert source.text == source.path.read_bytes().decode("utf-8")


def test_file_without_metadata_gets_its_first_line_as_title_and_a_warning(corpus_dir: Path):
    (corpus_dir / "new-article.md").write_text("# Ketamine and sleep\n\nSome text about sleep.\n", encoding="utf-8")
    corpus = load_corpus(corpus_dir)
    source = corpus.get("new-article")
    assert source is not None and source.title == "Ketamine and sleep"
    assert any("new-article.md" in w and "sources.toml" in w for w in corpus.warnings)


def test_unreadable_and_empty_files_are_skipped_by_name(corpus_dir: Path):
    (corpus_dir / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (corpus_dir / "empty.txt").write_text("  \n", encoding="utf-8")
    corpus = load_corpus(corpus_dir)
    assert len(corpus.sources) == 2
    reasons = {f.path.name: f.reason for f in corpus.skipped}
    assert "not valid UTF-8" in reasons["latin1.txt"] and "latin1.txt" in reasons["latin1.txt"]
    assert "empty" in reasons["empty.txt"]


def test_other_file_types_are_ignored(corpus_dir: Path):
    (corpus_dir / "notes.pdf").write_bytes(b"%PDF-1.4")
    assert len(load_corpus(corpus_dir).sources) == 2


def test_missing_corpus_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(SourceError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")


def test_empty_corpus_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(SourceError, match="has no .txt or .md files"):
        load_corpus(tmp_path)


def test_corpus_of_only_unreadable_files_is_a_clear_error(tmp_path: Path):
    (tmp_path / "a.txt").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SourceError, match="None of the 1 files"):
        load_corpus(tmp_path)


def test_broken_metadata_file_is_a_clear_error(corpus_dir: Path):
    (corpus_dir / "sources.toml").write_text("[[source]\nfile = ", encoding="utf-8")
    with pytest.raises(SourceError, match="not valid TOML"):
        load_corpus(corpus_dir)


def test_a_folder_without_sources_toml_is_reported_in_a_few_lines_not_one_per_file(tmp_path: Path):
    """A folder brought without metadata (thousands of files) gets each file's warning in the corpus, and a user
    reads three of them named and the rest counted."""
    for i in range(12):
        (tmp_path / f"article-{i:02d}.txt").write_text(f"Article {i}\n\nAspirin thins the blood.\n", encoding="utf-8")
    (tmp_path / "sources.toml").write_text('[[source]]\nfile = "gone.txt"\ntitle = "Gone"\n', encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert sum("sources.toml" in w and "article-" in w for w in corpus.warnings) == 12
    lines = warning_lines(corpus.warnings)
    assert [line for line in lines if "article-" in line] == [w for w in corpus.warnings if "article-" in w][:3]
    assert any(line.startswith("… and 9 more files have no entry in sources.toml") for line in lines)
    assert any("gone.txt" in line for line in lines)  # other warnings are all kept
    assert len(lines) == 5
