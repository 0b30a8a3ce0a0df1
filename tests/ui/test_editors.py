"""Readers and editors, every session following the live sources, and heavy work taking turns (the page is
driven by Streamlit's AppTest with the fake embedder)."""

from __future__ import annotations

import threading
import time

import pytest

from indexer import Config, build_index
from indexer.access import hash_password, valid_hash, verify_password
from indexer.index.removal import remove_source
from tests.fakes import FakeEmbedder
from tests.ui.test_app import (  # noqa: F401  (fake_model: the page gets the fake embedder)
    EDITOR_PASSWORD,
    append_grapefruit,
    ask,
    cards,
    fake_model,
    own_site,
    page,
    signed_in,
    text_of,
)
from ui.editors import SignInLimiter
from ui.fairness import Busy, FairGate


def buttons(at) -> set[str]:
    return {b.label for b in at.button}


# -- readers and editors ----------------------------------------------------------------------------------------


def test_a_reader_sees_no_editing_controls(monkeypatch, tmp_path):
    corpus, index = own_site(tmp_path)
    append_grapefruit(corpus)  # stale: an editor would be offered a rebuild
    at = page(monkeypatch, (corpus, index))
    assert "An editor can rebuild the index." in [c.value for c in at.caption]
    assert "Rebuild the index" not in buttons(at)
    at.button_group(key="view").set_value("Sources").run()
    assert not at.exception
    assert not [e for e in at.expander if e.label == "Add a source"]
    assert "Rebuild the index" not in buttons(at) and "Yes, remove it" not in buttons(at)
    assert not [k for k in (b.key for b in at.button) if k and k.startswith("remove-")]
    assert "add_url" not in [t.key for t in at.text_input]


def test_an_editor_signs_in_edits_and_signs_out(monkeypatch, tmp_path):
    corpus, index = own_site(tmp_path)
    at = signed_in(page(monkeypatch, (corpus, index)))
    assert "Sign out" in buttons(at)
    at.button_group(key="view").set_value("Sources").run()
    assert [e for e in at.expander if e.label == "Add a source"]
    at.button(key="remove-aureo").click().run()
    assert not at.exception and "Removed “" in at.success[0].value
    assert not (corpus / "001_e793e9aa13ba7357.txt").exists()
    at.button(key="editor-sign-out").click().run()
    assert "Sign out" not in buttons(at)
    assert not [e for e in at.expander if e.label == "Add a source"]


def test_a_wrong_password_is_refused_and_failures_are_limited(monkeypatch, tmp_path):
    corpus, index = own_site(tmp_path)
    at = page(monkeypatch, (corpus, index))
    at.text_input(key="editor_password").set_value("not the editor password")
    at = next(b for b in at.button if b.label == "Sign in").click().run()
    assert "That is not the editor password." in [e.value for e in at.error]
    assert "Sign out" not in buttons(at)
    limiter = SignInLimiter(allowed=2, window=60)
    assert limiter.wait_seconds(now=0) == 0
    limiter.failed(now=0)
    limiter.failed(now=1)
    assert 58 <= limiter.wait_seconds(now=2) <= 60  # a third guess waits for the window
    assert limiter.wait_seconds(now=62) == 0


def test_without_a_configured_password_nobody_can_edit_from_the_page(monkeypatch, tmp_path):
    corpus, index = own_site(tmp_path)
    monkeypatch.delenv("KETAMINE_EDITOR_PASSWORD_HASH", raising=False)
    at = page(monkeypatch, (corpus, index))
    monkeypatch.delenv("KETAMINE_EDITOR_PASSWORD_HASH", raising=False)
    at.session_state["editor"] = True  # even a session that claims to be an editor
    at.run()
    assert "editor_password" not in [t.key for t in at.text_input]
    at.button_group(key="view").set_value("Sources").run()
    assert not [e for e in at.expander if e.label == "Add a source"]
    assert not [k for k in (b.key for b in at.button) if k and k.startswith("remove-")]


def test_editor_password_hashes():
    stored = hash_password(EDITOR_PASSWORD)
    assert valid_hash(stored) and EDITOR_PASSWORD not in stored
    assert verify_password(EDITOR_PASSWORD, stored)
    assert not verify_password(EDITOR_PASSWORD + "x", stored)
    assert not verify_password(EDITOR_PASSWORD, "plain text")
    assert not verify_password(EDITOR_PASSWORD, stored.replace("scrypt", "md5"))
    assert hash_password(EDITOR_PASSWORD) != stored  # salted
    with pytest.raises(ValueError, match="at least 12 characters"):
        hash_password("short")


# -- every session follows the live sources -----------------------------------------------------------------------


def test_an_open_session_follows_a_source_added_elsewhere(monkeypatch, tmp_path):
    corpus, index = own_site(tmp_path)
    at = page(monkeypatch, (corpus, index))
    at = ask(at, "grapefruit juice")
    before = list(at.session_state["sources"])
    (corpus / "grapefruit.txt").write_text("Grapefruit and ketamine\n\nGrapefruit juice slows the breakdown of "
                                           "ketamine taken by mouth.\n", encoding="utf-8")
    build_index(Config(corpus_dir=corpus, index_dir=index, model_name=FakeEmbedder.name), FakeEmbedder())  # "the CLI"
    at.run()
    assert sorted(at.session_state["sources"]) == sorted([*before, "grapefruit"])
    notice = " ".join(i.value for i in at.info)
    assert "added “Grapefruit and ketamine”" in notice
    assert "3 sources" in " ".join(c.value for c in at.sidebar.caption)
    assert any("Grapefruit juice slows" in text_of(c) for c in cards(at))


def test_an_open_session_drops_a_source_removed_elsewhere(monkeypatch, tmp_path):
    corpus, index = own_site(tmp_path)
    at = ask(page(monkeypatch, (corpus, index)), "Can I take Xanax with ketamine?")
    remove_source(Config(corpus_dir=corpus, index_dir=index, model_name=FakeEmbedder.name), "aureo",
                  embedder=FakeEmbedder())
    at.run()
    assert at.session_state["sources"] == ["balanced-ketamine"]
    assert "removed “" in " ".join(i.value for i in at.info)
    assert all("001_e793e9aa13ba7357" not in c for c in cards(at))


# -- heavy work takes turns ----------------------------------------------------------------------------------------


def test_heavy_work_runs_one_at_a_time_in_arrival_order():
    gate = FairGate(slots=1)
    order: list[str] = []
    inside = threading.Event()
    release = threading.Event()

    def first() -> None:
        with gate.turn("a"):
            inside.set()
            release.wait(5)
            order.append("a")

    def later(name: str) -> None:
        with gate.turn(name):
            order.append(name)

    threads = [threading.Thread(target=first)]
    threads[0].start()
    inside.wait(5)
    for name in ("b", "c", "d"):
        t = threading.Thread(target=later, args=(name,))
        t.start()
        threads.append(t)
        while gate.waiting() < len(threads) - 1:
            time.sleep(0.001)
    with pytest.raises(Busy), gate.turn("b"):  # a session already waiting cannot queue a second job
        pass
    release.set()
    for t in threads:
        t.join(5)
    assert order == ["a", "b", "c", "d"]
    assert gate.most_running == 1 and not gate.occupied()


def test_a_long_question_waits_its_turn_and_a_short_one_does_not(monkeypatch, tmp_path):
    """While another session's heavy work holds the gate, a short question is answered at once; a long one from
    this session waits (and is answered once the gate frees)."""
    import ui.resources

    corpus, index = own_site(tmp_path)
    at = page(monkeypatch, (corpus, index))
    gate = ui.resources.heavy_work()
    held = threading.Event()
    release = threading.Event()

    def other_session() -> None:
        with gate.turn("another session"):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=other_session)
    holder.start()
    held.wait(5)
    try:
        at = ask(at, "Can I take Xanax with ketamine?")
        assert cards(at) and gate.waiting() == 0  # answered without waiting
        timer = threading.Timer(0.5, release.set)
        timer.start()
        started = time.monotonic()
        at = ask(at, "Can I take Xanax with ketamine? " + "I have been on it for years. " * 40)
        assert time.monotonic() - started >= 0.4  # it waited for the other session's turn
        assert cards(at) and not at.error
    finally:
        release.set()
        holder.join(5)
    assert not gate.occupied()


# -- what an editor's URL box refuses ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["/etc/passwd", "{corpus}/sources.toml", "file:///etc/passwd", "ftp://example.org/x",
                                   "{site}/article", "http://2130706433:{port}/article", "http://0x7f000001:{port}/",
                                   "http://[::1]:{port}/article", "http://localhost:{port}/article"])
def test_the_url_box_takes_public_web_pages_only(monkeypatch, tmp_path, site, typed):
    corpus, index = own_site(tmp_path)
    before = sorted(p.name for p in corpus.iterdir())
    served = len(site.requests)
    at = signed_in(page(monkeypatch, (corpus, index)))
    at.button_group(key="view").set_value("Sources").run()
    port = site.url("/").split(":")[2].split("/")[0]
    at.text_input(key="add_url").set_value(typed.format(corpus=corpus, site=site.url("").rstrip("/"), port=port))
    at = next(b for b in at.button if b.label == "Add the source").click().run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert message and "Traceback" not in message
    assert str(corpus) not in message and "folder" not in message and "no file" not in message.lower()
    assert "refused" not in message.lower() or "public" in message.lower()  # never which ports are open
    assert len(site.requests) == served  # nothing was fetched from this machine
    assert sorted(p.name for p in corpus.iterdir()) == before


def test_an_empty_upload_says_it_is_empty(monkeypatch, tmp_path):
    from indexer.errors import SourceError
    from indexer.index.adding import add_sources
    from indexer.ingest.convert import Upload

    corpus, index = own_site(tmp_path)
    config = Config(corpus_dir=corpus, index_dir=index, model_name=FakeEmbedder.name)
    with pytest.raises(SourceError, match="is empty"):
        add_sources(config, [Upload("leaflet.pdf", b"")], embedder=FakeEmbedder(), public_urls_only=True)
