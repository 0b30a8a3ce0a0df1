"""`python -m indexer add` and `remove`: documents in, searchable at once, exact citations; every failure one
line, exit 2, the corpus and index byte for byte as they were."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from indexer import Config, Engine, build_index, index_status
from indexer.config import MODEL_NAME
from tests.conftest import assert_one_line_error
from tests.fakes import FakeEmbedder
from tests.ingest.convert.builders import ARTICLE_HTML, BOILERPLATE, image_only_pdf, leaflet_pdf, word_docx


def snapshot(*folders: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def built(cli, tmp_path):
    """The CLI run in tmp_path over a copy of the seed corpus, its index built."""
    code, _, err = cli("build")
    assert code == 0, err
    return tmp_path


def ask_json(cli, question: str, k: int = 3) -> dict:
    code, out, err = cli("ask", question, "--json", "--k", str(k))
    assert code == 0, err
    return json.loads(out)


def test_an_html_page_is_added_without_boilerplate_and_answers_at_once(cli, built):
    page = built / "page.html"
    page.write_text(ARTICLE_HTML, encoding="utf-8")
    code, out, err = cli("add", "page.html")
    assert code == 0, err
    assert "Added ketamine-and-other-medicines.md" in out and "embedded" in out and "reused" in out
    stored = (built / "corpus" / "ketamine-and-other-medicines.md").read_text(encoding="utf-8")
    assert "Lamotrigine may reduce the response to ketamine." in stored
    assert not [b for b in BOILERPLATE if b in stored]
    assert (built / "corpus" / "originals" / "ketamine-and-other-medicines.html").read_bytes() == page.read_bytes()
    entry = next(e for e in tomllib.loads((built / "corpus" / "sources.toml").read_text())["source"]
                 if e["file"] == "ketamine-and-other-medicines.md")
    assert entry["publisher"] == "Example Clinic" and entry["date"] == "2023-04-12"
    assert entry["url"] == "https://clinic.example.org/blog/ketamine-and-other-medicines/"
    assert entry["original"] == "page.html" and entry["extractor"] == "trafilatura" and entry["added"]
    assert index_status(Config(corpus_dir=Path("corpus"), index_dir=Path(".index"), model_name=MODEL_NAME)).state \
        == "current"
    results = ask_json(cli, "Intranasal esketamine dose")["results"]  # answered only by a table row of the page
    row = next(r for r in results if "56 or 84 mg" in r["text"])
    assert row["source_id"] == "ketamine-and-other-medicines"
    assert stored[row["start"] : row["end"]] == row["text"]


def test_pdf_and_docx_from_loopback_urls_are_added_with_their_metadata(cli, built, site):
    code, out, err = cli("add", site.url("/leaflet.pdf"), site.url("/guide.docx"))
    assert code == 0, err
    toml = tomllib.loads((built / "corpus" / "sources.toml").read_text())["source"]
    added = {e["original"]: e for e in toml if e.get("original", "").startswith("http")}
    assert set(added) == {site.url("/leaflet.pdf"), site.url("/guide.docx")}
    assert added[site.url("/leaflet.pdf")]["title"] == "Ketamine leaflet"
    assert all((built / "corpus" / e["file"]).is_file() and (built / "corpus" / e["original_file"]).is_file()
               for e in added.values())


def test_adding_the_same_document_twice_says_so_and_changes_nothing(cli, built):
    (built / "page.html").write_text(ARTICLE_HTML, encoding="utf-8")
    assert cli("add", "page.html")[0] == 0
    before = snapshot(built / "corpus", built / ".index")
    code, out, _ = cli("add", "page.html")
    assert code == 0 and "already in the corpus" in out and "Nothing was changed" in out
    assert snapshot(built / "corpus", built / ".index") == before


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("missing.pdf", None, "There is no file missing.pdf"),
        ("table.xlsx", b"PK\x03\x04not really", ".xlsx"),
        ("broken.pdf", b"%PDF-1.4\nthis is not a pdf at all", "broken.pdf"),
        ("scan.pdf", "scan", "no text layer"),
        ("empty.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "empty.html"),
    ],
)
def test_a_bad_input_is_one_line_exit_2_and_changes_nothing(cli, built, name, data, fragment):
    if data == "scan":
        data = image_only_pdf()
    if data is not None:
        (built / name).write_bytes(data)
    (built / "good.html").write_text(ARTICLE_HTML, encoding="utf-8")
    before = snapshot(built / "corpus", built / ".index")
    code, out, err = cli("add", "good.html", name)
    assert_one_line_error(code, out, err, fragment)
    assert snapshot(built / "corpus", built / ".index") == before


def test_a_failing_url_is_one_line_and_changes_nothing(cli, built, site):
    before = snapshot(built / "corpus", built / ".index")
    code, out, err = cli("add", site.url("/missing"))
    assert_one_line_error(code, out, err, "404")
    assert snapshot(built / "corpus", built / ".index") == before


def test_no_index_writes_the_files_and_leaves_the_index_stale(cli, built):
    (built / "page.html").write_text(ARTICLE_HTML, encoding="utf-8")
    index_before = snapshot(built / ".index")
    code, out, _ = cli("add", "page.html", "--no-index")
    assert code == 0 and "was not updated" in out
    assert (built / "corpus" / "ketamine-and-other-medicines.md").is_file()
    assert snapshot(built / ".index") == index_before
    assert index_status(Config(corpus_dir=Path("corpus"), index_dir=Path(".index"), model_name=MODEL_NAME)).state \
        == "stale"


def test_an_added_source_answers_exactly_as_after_a_full_rebuild(cli, built, drug_names):
    (built / "page.html").write_text(ARTICLE_HTML, encoding="utf-8")
    assert cli("add", "page.html")[0] == 0
    config = Config(corpus_dir=built / "corpus", index_dir=built / ".index", model_name=MODEL_NAME)
    full = config.with_(index_dir=built / "full")
    embedder = FakeEmbedder()
    embedder.name = MODEL_NAME
    build_index(full, embedder, force=True)
    for question in ("Intranasal esketamine dose", "Can I take Xanax with ketamine?", "lamotrigine"):
        got = [Engine.open(c, embedder=embedder, build=False, drug_names=drug_names).ask(question, k=5)
               for c in (config, full)]
        assert [(h.passage, round(h.score, 9)) for h in got[0].hits] == [(h.passage, round(h.score, 9))
                                                                          for h in got[1].hits]


def test_remove_deletes_the_source_and_its_original_and_updates_the_index(cli, built):
    (built / "page.html").write_text(ARTICLE_HTML, encoding="utf-8")
    assert cli("add", "page.html")[0] == 0
    code, out, err = cli("remove", "ketamine-and-other-medicines")
    assert code == 0, err
    assert "Removed the source" in out
    assert not (built / "corpus" / "ketamine-and-other-medicines.md").exists()
    assert not list((built / "corpus" / "originals").iterdir())
    assert "ketamine-and-other-medicines" not in (built / "corpus" / "sources.toml").read_text()
    assert all(r["source_id"] != "ketamine-and-other-medicines"
               for r in ask_json(cli, "Intranasal esketamine dose", k=10)["results"])


def test_remove_of_an_unknown_source_is_one_line_and_changes_nothing(cli, built):
    before = snapshot(built / "corpus", built / ".index")
    code, out, err = cli("remove", "no-such-source")
    assert_one_line_error(code, out, err, "no-such-source")
    assert snapshot(built / "corpus", built / ".index") == before


def test_a_docx_table_row_is_found(cli, built):
    (built / "guide.docx").write_bytes(word_docx())
    assert cli("add", "guide.docx")[0] == 0
    assert any(e.get("extractor") == "python-docx" for e in
               tomllib.loads((built / "corpus" / "sources.toml").read_text())["source"])


def test_a_pdf_leaflet_is_stored_as_whole_paragraph_lines(cli, built):
    (built / "leaflet.pdf").write_bytes(leaflet_pdf(title="Ketamine leaflet"))
    assert cli("add", "leaflet.pdf")[0] == 0
    stored = next((built / "corpus").glob("ketamine-leaflet*"))
    assert "-\n" not in stored.read_text(encoding="utf-8")
