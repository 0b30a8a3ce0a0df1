"""The source reader: an article opened at a cited range, at its own address `?source=ID&start=..&end=..`.

The page's address changes in one step (`set_address`): Streamlit makes every change of `st.query_params` a
browser history entry, so a view change made of several assignments would take several presses of Back.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from indexer import Engine, IndexerError
from ui.html import SCROLL_SCRIPT, esc, md_escape, source_html, source_meta_html
from ui.links import SOURCE_PARAMS, changed_address, open_link
from ui.resources import render_rebuild_button

CLOSED = dict.fromkeys(SOURCE_PARAMS)  # the changes that close the source view


def set_address(changes: Mapping[str, str | None]) -> None:
    """Sets (a value) and removes (None) query parameters at once: one history entry, so Back undoes it whole."""
    current = st.query_params.to_dict()
    wanted = changed_address(current, changes)
    if wanted != current:
        st.query_params.from_dict(wanted)


def open_source(params: Mapping[str, str]) -> None:
    """Opens the source view at `params` (`source`, and `start` and `end` when a range is cited), keeping the
    view and question it was opened from, so Back returns to them."""
    set_address({name: params.get(name) for name in SOURCE_PARAMS})


def close_source() -> None:
    set_address(CLOSED)


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
