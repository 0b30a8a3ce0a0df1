"""What the page shares between sessions: the embedding model and the engine, loaded once per process with
`st.cache_resource` (read-only, so sessions can share them), and the rebuild that replaces them."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import streamlit as st

from indexer import Config, Engine, IndexerError, index_status
from indexer.index import embedder as embedders
from indexer.index.build import IndexStatus, update_index
from indexer.index.vector_cache import VectorCache
from indexer.ingest.sources import warning_lines
from ui.editors import NotAnEditor, is_editor, require_editor
from ui.fairness import FairGate
from ui.html import md_escape

DEFAULTS = Config()


def folders() -> tuple[str, str]:
    return (os.environ.get("KETAMINE_CORPUS_DIR", str(DEFAULTS.corpus_dir)),
            os.environ.get("KETAMINE_INDEX_DIR", str(DEFAULTS.index_dir)))


@st.cache_resource(show_spinner=False)
def load_model() -> VectorCache:
    """The embedding model, wrapped so that question and sentence vectors are reused (see highlight.py)."""
    return VectorCache(embedders.load_embedder())


@st.cache_resource(show_spinner=False)
def load_engine(corpus_dir: str, index_dir: str) -> Engine:
    """The index and model, shared by all sessions. A stale index is served as it is (the Sources view offers a
    rebuild); a missing one is built first. The sentences of a small corpus are encoded in the background."""
    model = load_model()
    config = Config(corpus_dir=Path(corpus_dir), index_dir=Path(index_dir), model_name=model.name)
    engine = Engine.open(config, embedder=model, build=index_status(config).state != "stale")
    model.warm([p.text for p in engine.index.passages])
    return engine


@st.cache_resource(show_spinner=False)
def rebuild_lock() -> threading.Lock:
    return threading.Lock()


@st.cache_resource(show_spinner=False)
def heavy_work() -> FairGate:
    """The one gate heavy work of every session goes through (see ui/fairness.py)."""
    return FairGate()


@contextmanager
def heavy_turn(heavy: bool) -> Iterator[None]:
    """Inside the block, this session holds a turn of the heavy-work gate (when `heavy`); light work passes
    straight through. Raises fairness.Busy when the session already has heavy work waiting or running."""
    if not heavy:
        yield
        return
    gate = heavy_work()
    waiting = st.spinner("Waiting for other long requests to finish…") if gate.occupied() else nullcontext()
    with waiting, gate.turn(session_id()):
        yield


def session_id() -> str:
    """This browser session's id (Streamlit's), which the fairness gate counts turns by."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


@st.cache_data(ttl=10, show_spinner=False)
def corpus_status(corpus_dir: str, index_dir: str, model_name: str) -> IndexStatus:
    return index_status(Config(corpus_dir=Path(corpus_dir), index_dir=Path(index_dir), model_name=model_name))


def current_engine() -> Engine:
    """The shared engine, reloaded when a build elsewhere (the command line, another page process) replaced the
    index on disk: checked on every run of the page, which reads one small file."""
    engine = load_engine(*folders())
    if engine.replaced_on_disk():
        load_engine.clear()
        corpus_status.clear()
        engine = load_engine(*folders())
    return engine


def reload_engine(message: str) -> None:
    """After this process changed the index: load it anew in every session, say what happened, rerun."""
    load_engine.clear()
    corpus_status.clear()
    st.session_state.flash = message
    st.session_state.own_change = True
    st.rerun()


def status_of(engine: Engine) -> IndexStatus:
    c = engine.config
    return corpus_status(str(c.corpus_dir), str(c.index_dir), c.model_name)


def unbuilt_config() -> Config:
    corpus_dir, index_dir = folders()
    return Config(corpus_dir=Path(corpus_dir), index_dir=Path(index_dir), model_name=load_model().name)


def rebuild(config: Config) -> None:
    """Bring the index up to date (only new or changed passages are embedded) and load it. Other sessions keep
    the old one until the new one is in place. Editors only."""
    try:
        require_editor()
    except NotAnEditor as e:
        st.error(str(e))
        return
    lock = rebuild_lock()
    if not lock.acquire(blocking=False):
        st.info("A rebuild is already running. Reload the page in a moment.")
        return
    try:
        with st.spinner("Rebuilding the index…"):
            report = update_index(config, load_model())
    except IndexerError as e:
        st.error(md_escape(e))
        return
    finally:
        lock.release()
    for warning in warning_lines(report.warnings):
        st.session_state.setdefault("warnings", []).append(warning)
    reload_engine(report.message)


def render_rebuild_button(engine: Engine, key: str) -> None:
    """The Rebuild button, wherever the page tells the user the index is out of date: for an editor; a reader is
    told that an editor can rebuild it."""
    if not is_editor():
        st.caption("An editor can rebuild the index.")
        return
    if st.button("Rebuild the index", type="primary", key=key, icon=":material/refresh:"):
        rebuild(engine.config)
