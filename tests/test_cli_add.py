"""`python -m indexer add` and `remove`: documents in, searchable at once, exact citations; every failure one
line, exit 2, the corpus and index byte for byte as they were. Files written keep the corpus folder's
permissions; private addresses are fetched only with --allow-private-addresses; the page's way in
(`add_sources(..., public_urls_only=True)`) takes visitors' URLs and uploads, never a server path."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from datetime import date
from pathlib import Path

import pytest

from indexer import Config, Engine, IndexerError, build_index, index_status
from indexer.config import MODEL_NAME
from indexer.index.adding import add_sources
from indexer.index.removal import replace_file
from indexer.ingest.convert import Upload, add_to_corpus, convert_input
from tests.conftest import assert_one_line_error
from tests.fakes import FakeEmbedder
from tests.ingest.convert.builders import (
    ARTICLE_HTML,
    BOILERPLATE,
    image_only_pdf,
    leaflet_pdf,
    repacked_docx,
    word_docx,
)


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
    code, out, err = cli("add", site.url("/leaflet.pdf"), site.url("/guide.docx"), "--allow-private-addresses")
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
        ("zero.pdf", b"", "zero.pdf is empty: there is nothing to add."),
        ("bomb.docx", "bomb", "bomb.docx stopped: it expands to more than 100 MB"),
    ],
)
def test_a_bad_input_is_one_line_exit_2_and_changes_nothing(cli, built, name, data, fragment):
    if data == "scan":
        data = image_only_pdf()
    if data == "bomb":
        data = repacked_docx(body_megabytes=150)
    if data is not None:
        (built / name).write_bytes(data)
    (built / "good.html").write_text(ARTICLE_HTML, encoding="utf-8")
    before = snapshot(built / "corpus", built / ".index")
    code, out, err = cli("add", "good.html", name)
    assert_one_line_error(code, out, err, fragment)
    assert snapshot(built / "corpus", built / ".index") == before


def test_a_failing_url_is_one_line_and_changes_nothing(cli, built, site):
    before = snapshot(built / "corpus", built / ".index")
    code, out, err = cli("add", site.url("/missing"), "--allow-private-addresses")
    assert_one_line_error(code, out, err, "404")
    assert snapshot(built / "corpus", built / ".index") == before


@pytest.mark.parametrize("spelling", ["http://127.0.0.1:{port}/article", "http://2130706433:{port}/article",
                                      "http://localhost:{port}/article", "http://[::ffff:127.0.0.1]:{port}/article"])
def test_a_private_address_is_fetched_only_with_allow_private_addresses(cli, built, site, spelling):
    url = spelling.format(port=site.base.rsplit(":", 1)[1])
    before = snapshot(built / "corpus", built / ".index")
    code, out, err = cli("add", url)
    assert_one_line_error(code, out, err, "is not a public web address", "--allow-private-addresses")
    assert site.requests == []
    assert snapshot(built / "corpus", built / ".index") == before


@pytest.fixture
def umask_027():
    previous = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_written_files_keep_the_folders_permissions(cli, built, umask_027):
    """A new file gets 0o666 less the umask (not mkstemp's 0o600); a rewritten one keeps the mode it had."""
    metadata = built / "corpus" / "sources.toml"
    metadata.chmod(0o604)
    (built / "page.html").write_text(ARTICLE_HTML, encoding="utf-8")
    assert cli("add", "page.html")[0] == 0
    assert mode(metadata) == 0o604
    assert mode(built / "corpus" / "ketamine-and-other-medicines.md") == 0o640
    assert mode(built / "corpus" / "originals" / "ketamine-and-other-medicines.html") == 0o640
    assert cli("remove", "ketamine-and-other-medicines")[0] == 0
    assert mode(metadata) == 0o604


def test_new_files_get_the_usual_mode(tmp_path, umask_027):
    page = tmp_path / "page.html"
    page.write_text(ARTICLE_HTML, encoding="utf-8")
    added = add_to_corpus(convert_input(page), tmp_path / "new-corpus", added=date(2024, 1, 2))
    assert mode(tmp_path / "new-corpus" / "sources.toml") == mode(added.text_path) == 0o640
    replace_file(tmp_path / "fresh.toml", b"")
    assert mode(tmp_path / "fresh.toml") == 0o640


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


# -- the page's way in: add_sources(..., public_urls_only=True) with visitors' URLs and uploads --------------------


def test_the_page_adds_an_upload_from_its_bytes(fake_config, fake_embedder):
    report = add_sources(fake_config, [Upload("C:\\Users\\me\\page.html", ARTICLE_HTML.encode())],
                         embedder=fake_embedder, public_urls_only=True)
    assert [p.entry["original"] for p in report.added] == ["page.html"]
    assert (Path(fake_config.corpus_dir) / "ketamine-and-other-medicines.md").is_file()


@pytest.mark.parametrize("typed", ["corpus/sources.toml", "{corpus}/sources.toml", "{corpus}", "file://{corpus}",
                                   "http://127.0.0.1:{port}/article", "http://localhost:{port}/article"])
def test_the_page_cannot_reach_the_servers_files_or_network(fake_config, fake_embedder, site, typed):
    corpus = Path(fake_config.corpus_dir)
    before = snapshot(corpus)
    with pytest.raises(IndexerError) as error:
        add_sources(fake_config, [typed.format(corpus=corpus, port=site.base.rsplit(":", 1)[1])],
                    embedder=fake_embedder, public_urls_only=True)
    message = str(error.value)
    assert "\n" not in message
    assert "is not an http:// or https:// address" in message or "is not a public web address" in message
    assert "--allow-private-addresses" not in message and "folder" not in message and "no file" not in message
    assert site.requests == [] and snapshot(corpus) == before


def test_the_page_cannot_choose_its_fetcher(fake_config, fake_embedder):
    with pytest.raises(ValueError, match="public_urls_only=True fetches from public addresses only"):
        add_sources(fake_config, ["https://example.org/"], embedder=fake_embedder, public_urls_only=True,
                    allow_private_addresses=True)
