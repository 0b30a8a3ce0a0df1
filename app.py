"""The page: ask the sources a question, read the cited passages, open each one in its source.

    streamlit run app.py        (or `make run`)

The corpus and index folders default to corpus/ and .index/ in the working directory; the environment
variables KETAMINE_CORPUS_DIR and KETAMINE_INDEX_DIR point the page elsewhere. All logic lives in `indexer/`;
this file only lays out what it returns. The engine (index + model) is loaded once per process and shared,
read-only, by every session; `st.session_state` holds UI state only; the URL holds what can be shared:
`?q=question` and `?source=ID&start=..&end=..`.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from pathlib import Path

import streamlit as st

from indexer import Config, Engine, Hit, IndexerError, IndexMismatch, QuestionError, build_index, index_status
from indexer import embedder as embedders
from indexer.build import IndexStatus
from indexer.highlight import Marks, VectorCache, mark_answer
from indexer.present import (
    COPY_SCRIPT,
    CSS,
    SCROLL_SCRIPT,
    card_html,
    copy_button_html,
    esc,
    md_escape,
    read_as_html,
    source_card_html,
    source_html,
    source_meta_html,
)
from indexer.reader import link_params, open_link
from indexer.sources import corpus_checksums
from indexer.understand import check_question

DEFAULTS = Config()
SOURCE_PARAMS = ("source", "start", "end")
MAX_SHOWN = 20
NOTICE = ("This page shows what the sources say, word for word. It is not medical advice, and the sources may "
          "be wrong or out of date: check with a clinician before acting on anything here.")


# -- shared resources (one per process) ---------------------------------------------------------------------


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


@st.cache_data(ttl=10, show_spinner=False)
def corpus_status(corpus_dir: str, index_dir: str, model_name: str) -> IndexStatus:
    return index_status(Config(corpus_dir=Path(corpus_dir), index_dir=Path(index_dir), model_name=model_name))


def status_of(engine: Engine) -> IndexStatus:
    c = engine.config
    return corpus_status(str(c.corpus_dir), str(c.index_dir), c.model_name)


# -- state changes (callbacks) ------------------------------------------------------------------------------


def open_source(params: dict[str, str]) -> None:
    for name in SOURCE_PARAMS:
        if name in params:
            st.query_params[name] = params[name]
        elif name in st.query_params:
            del st.query_params[name]


def close_source() -> None:
    for name in SOURCE_PARAMS:
        if name in st.query_params:
            del st.query_params[name]


def submit_question() -> None:
    question = (st.session_state.get("question") or "").strip()
    close_source()
    try:
        check_question(question, DEFAULTS.max_question_chars)
    except QuestionError as e:
        st.session_state.ask_error = str(e)
        if "q" in st.query_params:
            del st.query_params["q"]
        return
    st.session_state.ask_error = None
    st.query_params["q"] = question


def change_view() -> None:
    if st.session_state.get("view") is None:  # clicking the selected view again keeps it
        st.session_state.view = st.session_state.get("last_view", "Ask")
    st.session_state.last_view = st.session_state.view
    close_source()


# -- layout -------------------------------------------------------------------------------------------------


def has_check_page() -> bool:
    """The Check wording view is offered when its module (check_page.py, next to this file) is there."""
    try:
        return importlib.util.find_spec("check_page") is not None
    except (ImportError, ValueError):
        return False


def views() -> list[str]:
    return ["Ask", "Check wording", "Sources"] if has_check_page() else ["Ask", "Sources"]


def render_header() -> str:
    st.html(CSS)
    st.html(COPY_SCRIPT, unsafe_allow_javascript=True)
    st.title("Ask the sources")
    st.caption(NOTICE, help="Every passage is quoted verbatim from an indexed article and cited to its exact "
                            "characters. The page never writes an answer of its own.")
    options = views()
    if st.session_state.get("view") not in options:
        st.session_state.view = "Ask"
    st.segmented_control("View", options, key="view", on_change=change_view, label_visibility="collapsed")
    return st.session_state.view


def render_question_box() -> None:
    if "question" not in st.session_state:
        st.session_state.question = st.query_params.get("q", "")
    with st.form("ask", border=False, enter_to_submit=True):
        left, right = st.columns([6, 1], vertical_alignment="bottom")
        left.text_input(
            "Your question", key="question", placeholder="e.g. Can I take Xanax with ketamine?",
            help=f"Ask in your own words, up to {DEFAULTS.max_question_chars:,} characters. Press Enter to ask.",
        )
        right.form_submit_button("Ask", type="primary", use_container_width=True, on_click=submit_question)
    if st.session_state.get("ask_error"):
        st.error(md_escape(st.session_state.ask_error))


def render_filters(engine: Engine) -> tuple[list[str] | None, int]:
    """The sidebar: which sources to search and how many passages to show."""
    records = engine.index.sources
    ids = [s.source_id for s in records]
    names = {s.source_id: f"{s.publisher or s.source_id} — {s.title}" for s in records}
    if "sources" in st.session_state:
        st.session_state.sources = [s for s in st.session_state.sources if s in ids]
    else:
        st.session_state.sources = ids
    with st.sidebar:
        st.subheader("Search")
        chosen = st.multiselect("Sources to search", ids, key="sources", format_func=names.get,
                                help="All sources are searched unless you remove some here.")
        k = st.slider("Passages to show", 1, min(MAX_SHOWN, engine.config.max_k), engine.config.top_k, key="k")
        built = engine.index.manifest.get("built_at", "unknown")
        st.caption(f"{len(engine.index.passages)} passages from {len(records)} sources · index built "
                   f"{md_escape(built)}")
    return (None if set(chosen) == set(ids) else chosen), k


def render_stale_notice(engine: Engine, view: str) -> None:
    status = status_of(engine)
    if status.state == "stale" and view != "Sources":
        st.warning("The sources changed since the index was built; answers come from the previous version. "
                   "Open **Sources** to rebuild the index.")


def render_ask(engine: Engine) -> None:
    sources, k = render_filters(engine)
    question = st.query_params.get("q", "")
    if not question or st.session_state.get("ask_error"):
        return
    if sources is not None and not sources:
        st.info("Choose at least one source to search (in the sidebar).")
        return
    try:
        answer = engine.ask(question, k=k, sources=sources)
    except IndexerError as e:
        st.error(md_escape(e))
        return
    marks = mark_answer(answer, engine.embedder, engine.question_words)
    notes = answer.understood.notes()
    if notes:
        st.html(read_as_html(notes))
    if answer.covered:
        count = f"{len(answer.hits)} passage{'s' if len(answer.hits) != 1 else ''}"
        st.markdown("##### What the sources say")
        st.caption(f"{count}, best first, quoted word for word. The highlighted sentence is the one that best "
                   "answers the question; its terms are in bold.")
    else:
        st.warning(f"**The sources don't cover this.** {md_escape(answer.coverage.reason)}")
        st.markdown("##### Nearest passages\nShown for reference only: **they do not answer the question.**")
    for rank, (hit, hit_marks) in enumerate(zip(answer.hits, marks, strict=True), 1):
        render_card(engine, rank, hit, hit_marks, answer.covered)


def render_card(engine: Engine, rank: int, hit: Hit, marks: Marks, answers: bool) -> None:
    citation = engine.citation(hit)
    with st.container(border=True, key=f"qa-{'card' if answers else 'near'}-{rank}"):
        st.html(card_html(rank, citation, hit.passage.text, marks, answers=answers))
        show, copy, _ = st.columns([1.4, 1.8, 2.4], gap="small", vertical_alignment="center")
        show.button("Show in source", key=f"show-{rank}", on_click=open_source, args=(link_params(citation),),
                    icon=":material/article:")
        with copy:
            st.html(copy_button_html(rank, citation, hit.passage.text))


def render_reader(engine: Engine) -> None:
    st.button("Back", key="back", on_click=close_source, icon=":material/arrow_back:")
    try:
        view = open_link(engine, st.query_params.to_dict())
    except IndexerError as e:
        st.error(md_escape(e))
        return
    title = f'<h2 style="margin:0.2rem 0 0.3rem">{esc(view.record.title)}</h2>'
    st.html(title + source_meta_html(view.record))
    with st.sidebar:
        st.html(f'<div class="qa-meta"><b>Reading</b><br>{esc(view.record.title)}</div>'
                + source_meta_html(view.record))
        if view.cited:
            a, b = view.cited
            under = f"<br>under “{esc(' › '.join(view.heading))}”" if view.heading else ""
            st.html(f'<div class="qa-meta">Cited: characters {a}–{b}{under}<br>'
                    '<a href="#qa-cited">Jump to the marked passage</a></div>')
        st.caption("This page's address links to exactly this passage: paste it into a document to open it "
                   "again later.")
    if view.changed:
        st.warning("This file changed since the index was built, so the marked characters may not be the ones "
                   "that were cited. Rebuild the index in **Sources**.")
    st.divider()
    st.html(source_html(view))
    if view.cited:
        st.html(SCROLL_SCRIPT, unsafe_allow_javascript=True)


def render_sources(engine: Engine) -> None:
    manifest = engine.index.manifest
    counts = manifest.get("counts", {})
    st.subheader("Sources")
    st.caption(md_escape(
        f"Index built {manifest.get('built_at', 'at an unknown time')} from {counts.get('sources', '?')} sources "
        f"({counts.get('passages', '?')} passages) with {manifest.get('model', {}).get('name', '?')}. "
        f"Folder: {engine.config.corpus_dir}"
    ))
    status = status_of(engine)
    if status.state == "stale":
        st.warning(md_escape(status.reason) + "\n\nAnswers still come from the index as it was built. Rebuild it "
                   "to include the changes; the page keeps answering from the old index until the new one is ready.")
        if st.button("Rebuild the index", type="primary", key="rebuild"):
            rebuild(engine.config)
    elif status.state != "current":
        st.error(md_escape(status.reason))
    current = corpus_checksums(engine.config.corpus_dir) if Path(engine.config.corpus_dir).is_dir() else {}
    for record in engine.index.sources:
        changed = ""
        if record.file not in current:
            changed = "This file is no longer in the corpus folder."
        elif current[record.file] != record.sha256:
            changed = "This file changed since the index was built."
        with st.container(border=True, key=f"qa-src-{record.source_id}"):
            st.html(source_card_html(record, changed))
            st.button("Open", key=f"open-{record.source_id}", on_click=open_source,
                      args=({"source": record.source_id},), icon=":material/article:")


def unbuilt_config() -> Config:
    corpus_dir, index_dir = folders()
    return Config(corpus_dir=Path(corpus_dir), index_dir=Path(index_dir), model_name=load_model().name)


def rebuild(config: Config) -> None:
    """Build the index again and load it. Other sessions keep the old one until the new one is in place."""
    lock = rebuild_lock()
    if not lock.acquire(blocking=False):
        st.info("A rebuild is already running. Reload the page in a moment.")
        return
    try:
        with st.spinner("Rebuilding the index…"):
            report = build_index(config, load_model(), force=True)
    except IndexerError as e:
        st.error(md_escape(e))
        return
    finally:
        lock.release()
    load_engine.clear()
    corpus_status.clear()
    st.session_state.flash = report.message
    st.rerun()


def render_check(engine: Engine) -> None:
    try:
        check_page = importlib.import_module("check_page")
    except ModuleNotFoundError as e:
        if e.name == "check_page":
            return
        st.error(md_escape(f"The Check wording view cannot be loaded: {e}"))
        return
    check_page.render_check(engine)


def main() -> None:
    st.set_page_config(page_title="Ask the sources", page_icon=":material/menu_book:", layout="centered")
    view = render_header()
    reading = "source" in st.query_params
    if view == "Ask" and not reading:
        render_question_box()
    try:
        with st.spinner("Loading the index and the language model…"):
            engine = load_engine(*folders())
    except IndexMismatch as e:
        st.error(md_escape(e))
        if st.button("Rebuild the index", type="primary", key="rebuild-broken"):
            rebuild(unbuilt_config())
        return
    except IndexerError as e:
        st.error(md_escape(e))
        return
    render_stale_notice(engine, view)
    if st.session_state.get("flash"):
        st.success(md_escape(st.session_state.pop("flash")))
    if reading:
        render_reader(engine)
    elif view == "Ask":
        render_ask(engine)
    elif view == "Sources":
        render_sources(engine)
    else:
        render_check(engine)


if __name__ == "__main__":
    main()
