"""The page: ask the sources a question, read the cited passages, open each one in its source, check a draft's
wording, see the sources.

    streamlit run app.py        (or `make run`)

The corpus and index folders default to corpus/ and .index/ in the working directory; the environment
variables KETAMINE_CORPUS_DIR and KETAMINE_INDEX_DIR point the page elsewhere. This file only lays the page
out: the views live in `ui/`, all logic in `indexer/`. The engine (index + model) is loaded once per process and
shared, read-only, by every session; `st.session_state` holds UI state only; the URL holds what can be shared
and what Back and Forward restore: `?q=question`, `?source=ID&start=..&end=..` and the view (`?view=check`,
`?view=sources`; none for Ask). Every view change is one change of the address, so one history entry.
"""

from __future__ import annotations

import os

from indexer.config import OFFLINE_ENVIRONMENT

for _name, _value in OFFLINE_ENVIRONMENT.items():  # the page runs offline, like the command line (__main__.py)
    os.environ.setdefault(_name, _value)

import streamlit as st

from indexer import IndexerError, IndexMismatch
from ui.ask import render_ask, render_question_box
from ui.check import render_check
from ui.editors import is_editor, render_sign_in
from ui.following import follow_sources
from ui.html import COPY_SCRIPT, CSS, QUESTION_SCRIPT, md_escape
from ui.links import VIEWS, view_of, view_param
from ui.reader import CLOSED, render_reader, set_address
from ui.resources import current_engine, rebuild, unbuilt_config
from ui.sources import render_sources, render_stale_notice

NOTICE = ("This page shows what the sources say, word for word. It is not medical advice, and the sources may "
          "be wrong or out of date: check with a clinician before acting on anything here.")


def change_view() -> None:
    if st.session_state.get("view") is None:  # clicking the selected view again keeps it
        st.session_state.view = st.session_state.get("last_view", "Ask")
    st.session_state.last_view = st.session_state.view
    set_address({"view": view_param(st.session_state.view), **CLOSED})


def render_header() -> str:
    st.html(CSS)
    st.html(COPY_SCRIPT + QUESTION_SCRIPT, unsafe_allow_javascript=True)
    st.title("Ask the sources")
    st.caption(NOTICE, help="Every passage is quoted verbatim from an indexed article and cited to its exact "
                            "characters. The page never writes an answer of its own.")
    view = view_of(st.query_params)  # read on every run: Back and Forward change the address, not the control
    st.session_state.view = st.session_state.last_view = view
    st.segmented_control("View", list(VIEWS.values()), key="view", on_change=change_view,
                         label_visibility="collapsed")
    return view


def main() -> None:
    st.set_page_config(page_title="Ask the sources", page_icon=":material/menu_book:", layout="centered")
    view = render_header()
    reading = "source" in st.query_params
    if view == "Ask" and not reading:
        render_question_box()
    try:
        with st.spinner("Loading the index and the language model…"):
            engine = current_engine()
    except IndexMismatch as e:
        st.error(md_escape(e))
        render_sign_in()
        if not is_editor():
            st.caption("An editor can rebuild the index.")
        elif st.button("Rebuild the index", type="primary", key="rebuild-broken"):
            rebuild(unbuilt_config())
        return
    except IndexerError as e:
        st.error(md_escape(e))
        return
    follow_sources(engine)
    render_sign_in()
    render_stale_notice(engine, view)
    if st.session_state.get("flash"):
        st.success(md_escape(st.session_state.pop("flash")))
    for warning in st.session_state.pop("warnings", []):
        st.warning(md_escape(warning))
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
