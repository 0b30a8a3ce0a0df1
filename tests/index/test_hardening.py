"""Hardening: the tool never deletes a user's files, never serves a wrong citation, never shows a traceback.

Each test reproduces one finding of the hardening issue (it failed on the code before the fix)."""

from __future__ import annotations

import errno
import json
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from indexer import Config, Engine, IndexerError, SourceError, build_index, index_status, load_corpus
from indexer.config import MODEL_NAME
from indexer.index import store
from tests.conftest import assert_one_line_error
from tests.fakes import FakeEmbedder
from ui.links import LinkError, open_link, parse_range

ARTICLE = "000_c89290b5e323cd66.txt"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder (hidden ones too) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_build_fails_with_one_error_line(code: int, out: str, err: str, *fragments: str) -> None:
    """A build that stops: status 2, nothing on stdout, no traceback, and one error line (the last one, after
    the build's own progress lines), naming the problem."""
    assert code == 2 and out == "" and "Traceback" not in err
    errors = [line for line in err.strip().splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and err.strip().splitlines()[-1] == errors[0], err
    for fragment in fragments:
        assert fragment in errors[0]


class GatedEmbedder(FakeEmbedder):
    """A fake embedder whose passage encoding waits until the test lets it go (a build "in progress")."""

    def __init__(self, name: str = FakeEmbedder.name) -> None:
        super().__init__()
        self.name = name
        self.entered = threading.Event()
        self.release = threading.Event()

    def encode_passages(self, texts, batch_size=64, progress=False):
        self.entered.set()
        assert self.release.wait(120), "the test never released the build"  # a hang guard, not a speed limit
        return super().encode_passages(texts, batch_size, progress)


# -- 1. data loss: a folder that is not an index is never touched ----------------------------------------------


def test_build_into_the_corpus_folder_is_refused_and_deletes_nothing(cli, corpus_dir: Path):
    before = snapshot(corpus_dir)
    assert_one_line_error(*cli("build", "--corpus", "corpus", "--index", "corpus"), "corpus", "not an index")
    assert snapshot(corpus_dir) == before
    assert sorted(p.name for p in corpus_dir.parent.iterdir()) == ["corpus"]


def test_ask_with_a_folder_of_documents_as_index_is_refused_and_deletes_nothing(cli, tmp_path: Path):
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "letter.odt").write_bytes(b"my letter")
    (documents / "photos").mkdir()
    (documents / "photos" / "cat.jpg").write_bytes(b"\xff\xd8 a cat")
    before = snapshot(documents)
    assert_one_line_error(*cli("ask", "zoloft", "--index", "Documents"), "Documents", "not an index")
    assert snapshot(documents) == before


def test_an_existing_file_as_index_is_refused_and_left_as_it_is(cli, tmp_path: Path):
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    assert_one_line_error(*cli("build", "--index", "notes.txt"), "notes.txt", "not a folder")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "notes.txt"]


def test_index_dot_is_a_one_line_error_not_a_traceback(cli, tmp_path: Path):
    assert_one_line_error(*cli("build", "--index", "."), "not an index")
    assert (tmp_path / "corpus" / ARTICLE).exists()


def test_an_empty_folder_can_hold_the_index(cli, tmp_path: Path):
    (tmp_path / "empty").mkdir()
    code, out, _ = cli("build", "--index", "empty")
    assert code == 0 and "Indexed" in out
    code, out, _ = cli("ask", "lamotrigine", "--index", "empty", "--json")
    assert code == 0 and json.loads(out)["results"]


def test_a_folder_the_tool_did_not_write_is_refused_by_the_library_too(fake_config: Config):
    fake_config.index_dir.mkdir()
    (fake_config.index_dir / "thesis.docx").write_bytes(b"chapter one")
    with pytest.raises(IndexerError, match="not an index"):
        build_index(fake_config, FakeEmbedder(), force=True)
    with pytest.raises(IndexerError, match="not an index"):
        Engine.open(fake_config, embedder=FakeEmbedder())
    assert index_status(fake_config).state == "foreign"
    assert [p.name for p in fake_config.index_dir.iterdir()] == ["thesis.docx"]


# -- 2. checksums of the bytes that were indexed -------------------------------------------------------------


class EditingEmbedder(FakeEmbedder):
    """Edits an article while the build embeds (as a writer saving a file during a build would)."""

    def __init__(self, article: Path) -> None:
        super().__init__()
        self.article = article

    def encode_passages(self, texts, batch_size=64, progress=False):
        if self.article.read_text(encoding="utf-8").startswith("Edited"):
            return super().encode_passages(texts, batch_size, progress)
        self.article.write_text("Edited during the build.\n\n" + self.article.read_text(encoding="utf-8"),
                                encoding="utf-8")
        return super().encode_passages(texts, batch_size, progress)


def test_a_source_edited_during_the_build_leaves_the_index_stale_never_current(fake_config: Config):
    article = fake_config.corpus_dir / ARTICLE
    report = build_index(fake_config, EditingEmbedder(article))
    assert any(ARTICLE in w and "changed while" in w for w in report.warnings)
    status = index_status(fake_config)
    assert status.state == "stale" and f"{ARTICLE} changed" in status.reason
    manifest = store.read_manifest(fake_config.index_dir)
    indexed = load_corpus(fake_config.corpus_dir)  # the file as it is now differs from what was indexed
    assert manifest["corpus"]["files"][ARTICLE] != indexed.get("balanced-ketamine").sha256
    report = build_index(fake_config, FakeEmbedder())  # the next build includes the edit and is current
    assert report.built and index_status(fake_config).state == "current"


# -- 3. a cheap way to see that the index on disk was rebuilt elsewhere --------------------------------------


def test_each_build_has_an_id_that_a_tiny_file_tells(fake_engine: Engine, fake_config: Config):
    first = store.current_build_id(fake_config.index_dir)
    assert first and first == fake_engine.build_id and not fake_engine.replaced_on_disk()
    build_index(fake_config, FakeEmbedder(), force=True)
    second = store.current_build_id(fake_config.index_dir)
    assert second and second != first
    assert fake_engine.replaced_on_disk()
    assert store.read_manifest(fake_config.index_dir)["build_id"] == second
    pointer = fake_config.index_dir / store.MANIFEST
    assert pointer.stat().st_size < 400
    assert store.current_build_id(fake_config.index_dir.parent / "nothing-here") is None


# -- 4. symlinks never disclose files outside the corpus -----------------------------------------------------


def test_symlinked_corpus_files_are_skipped_with_a_warning(fake_config: Config, tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n\nThe password of the server is hunter2.\n")
    (fake_config.corpus_dir / "passwd.txt").symlink_to(secret)
    corpus = load_corpus(fake_config.corpus_dir)
    assert corpus.get("passwd") is None
    assert any("passwd.txt" in f.reason and "symbolic link" in f.reason for f in corpus.skipped)
    engine = Engine.open(fake_config, embedder=FakeEmbedder())
    assert engine.index.source("passwd") is None
    assert all("hunter2" not in p.text for p in engine.index.passages)
    with pytest.raises(IndexerError, match="no source 'passwd'"):
        open_link(engine, {"source": "passwd"})


def test_a_source_replaced_by_a_symlink_after_the_build_is_not_served(fake_engine: Engine, fake_config: Config,
                                                                       tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("The password of the server is hunter2.\n")
    article = fake_config.corpus_dir / ARTICLE
    article.unlink()
    article.symlink_to(secret)
    with pytest.raises(SourceError, match="symbolic link"):
        fake_engine.source_text("balanced-ketamine")
    with pytest.raises(IndexerError):
        open_link(fake_engine, {"source": "balanced-ketamine"})


# -- 5. one writer at a time; a build that waits instead of racing -------------------------------------------


def test_a_second_build_of_the_same_index_is_refused_while_one_runs(cli, tmp_path: Path):
    gated = GatedEmbedder(MODEL_NAME)
    config = Config(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / ".index")
    first = threading.Thread(target=build_index, args=(config, gated), kwargs={"force": True})
    first.start()
    try:
        assert gated.entered.wait(120)
        code, out, err = cli("build", "--force")
    finally:
        gated.release.set()
        first.join()
    assert_build_fails_with_one_error_line(code, out, err, "Another build of this index", "is running")
    assert index_status(config).state == "current"


def test_ask_during_a_build_waits_for_it_instead_of_building_again(fake_config: Config):
    gated = GatedEmbedder()
    first = threading.Thread(target=build_index, args=(fake_config, gated))
    first.start()
    second = FakeEmbedder()
    opened: list[Engine] = []
    try:
        assert gated.entered.wait(120)
        asker = threading.Thread(target=lambda: opened.append(Engine.open(fake_config, embedder=second)))
        asker.start()
        time.sleep(1.0)  # let the asker reach the index (it must wait for the running build, not start its own)
    finally:
        gated.release.set()
        first.join()
    asker.join()
    assert second.calls == 0
    assert opened and opened[0].ask("lamotrigine").hits


# -- 6. leftovers of killed builds are cleaned --------------------------------------------------------------


def test_leftovers_of_a_killed_build_of_the_old_layout_are_removed_by_the_next_build(fake_engine,
                                                                                      fake_config: Config):
    parent = fake_config.index_dir.parent
    for name in (f".{fake_config.index_dir.name}.tmp-k1l2m3", f".{fake_config.index_dir.name}.old-n4o5p6"):
        leftover = parent / name
        leftover.mkdir()
        for file in ("manifest.json", "sources.json", "passages.jsonl", "vocabulary.json", "dense.faiss"):
            (leftover / file).write_bytes(b"x" * 1000)
        (leftover / "bm25").mkdir()
        (leftover / "bm25" / "params.index.json").write_text("{}")
    unrelated = parent / f".{fake_config.index_dir.name}.tmp-mine"
    unrelated.mkdir()
    (unrelated / "diary.txt").write_text("not an index")
    build_index(fake_config, FakeEmbedder(), force=True)
    assert sorted(p.name for p in parent.iterdir() if p.name.startswith(".")) == [unrelated.name]
    assert (unrelated / "diary.txt").exists()


# -- 7. failures are one line, found before the expensive work ----------------------------------------------


def test_an_unwritable_index_location_fails_before_embedding(cli, tmp_path: Path, monkeypatch):
    (tmp_path / "afile").write_text("a file, not a folder")
    calls = []
    monkeypatch.setattr("tests.fakes.FakeEmbedder.encode_passages",
                        lambda self, texts, batch_size=64, progress=False: calls.append(len(texts)))
    assert_build_fails_with_one_error_line(*cli("build", "--index", "afile/index"), "afile/index",
                                           "cannot be written")
    assert calls == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a read-only folder")
def test_a_read_only_index_parent_fails_before_embedding(cli, tmp_path: Path):
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert_build_fails_with_one_error_line(*cli("build", "--index", "locked/index"), "cannot be written")
    finally:
        parent.chmod(stat.S_IRWXU)


def test_a_full_disk_while_saving_is_one_line_and_leaves_the_old_index(cli, tmp_path: Path, monkeypatch):
    assert cli("build")[0] == 0
    before = store.current_build_id(tmp_path / ".index")

    def full(self, path):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("indexer.index.dense.DenseIndex.save", full)
    assert_build_fails_with_one_error_line(*cli("build", "--force"), "No space left on device")
    assert store.current_build_id(tmp_path / ".index") == before
    assert sorted(p.name for p in (tmp_path / ".index").iterdir() if p.name.startswith(("tmp", "v-"))) == \
        [f"v-{before}"]


def test_a_link_with_thousands_of_digits_is_a_one_line_error():
    with pytest.raises(LinkError, match="end must be a whole number"):
        parse_range("0", "9" * 5000, 100)
    with pytest.raises(LinkError, match="start must be a whole number"):
        parse_range("1" * 5000, "5", 100)


# -- 8. no server paths, no list of every source, readable by others -----------------------------------------


def test_citations_show_the_path_under_the_corpus_folder_not_the_server_path(fake_engine: Engine,
                                                                             fake_config: Config):
    answer = fake_engine.ask("lamotrigine", k=3)
    for result in fake_engine.to_json(answer)["results"]:
        assert not Path(result["source"]).is_absolute()
        assert str(fake_config.corpus_dir) not in result["source"]
        assert result["source"].startswith("corpus/")
        file = fake_config.corpus_dir.parent / result["source"]
        assert file.read_text(encoding="utf-8")[result["start"] : result["end"]] == result["text"]


def test_an_unknown_source_is_refused_without_listing_every_source(fake_engine: Engine):
    with pytest.raises(SourceError, match="There is no source 'x'") as error:
        fake_engine.source_text("x")
    assert "aureo" not in str(error.value) and "2 sources" in str(error.value)
    with pytest.raises(IndexerError) as error:
        open_link(fake_engine, {"source": "x"})
    assert "aureo" not in str(error.value) and "2 sources" in str(error.value)


def test_messages_do_not_show_absolute_server_paths(tmp_path: Path):
    config = Config(corpus_dir=tmp_path / "nowhere", index_dir=tmp_path / "noindex", model_name=FakeEmbedder.name)
    with pytest.raises(IndexerError) as error:
        Engine.open(config, embedder=FakeEmbedder())
    assert str(tmp_path) not in str(error.value) and "noindex" in str(error.value)


def test_the_index_folder_is_readable_by_other_users(fake_config: Config):
    old = os.umask(0o022)
    try:
        build_index(fake_config, FakeEmbedder(), force=True)
    finally:
        os.umask(old)
    for folder in (fake_config.index_dir, store.version_dir(fake_config.index_dir)):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755
