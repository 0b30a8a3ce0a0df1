"""The source reader: an article opened at a cited range, at its own address `?source=ID&start=..&end=..`."""

from __future__ import annotations

import streamlit as st

from indexer import Engine, IndexerError
from ui.html import SCROLL_SCRIPT, esc, md_escape, source_html, source_meta_html
from ui.links import open_link
from ui.resources import render_rebuild_button

SOURCE_PARAMS = ("source", "start", "end")


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
                   "that were cited. Rebuild the index to cite the current text.")
        render_rebuild_button(engine, key="rebuild-reader")
    st.divider()
    st.html(source_html(view))
    if view.cited:
        st.html(SCROLL_SCRIPT, unsafe_allow_javascript=True)
