"""Every session sees the current sources: when the live index changes (an add, a removal or a rebuild, from any
session or the command line), each open session's source filter follows it on its next run, and a notice says
what changed.

The shared engine is reloaded when the index on disk was replaced (`resources.current_engine`); here each session
compares the sources it last saw with the engine's. A source that was added is searched (added to the filter);
one that was removed leaves the filter; a session that had narrowed its filter keeps its choice for the sources
that remain.
"""

from __future__ import annotations

import streamlit as st

from indexer import Engine
from ui.html import md_escape

SEEN = "seen_sources"  # {source id: title} as this session last saw them
SEEN_BUILD = "seen_build"


def source_changes(seen: dict[str, str], now: dict[str, str]) -> tuple[list[str], list[str]]:
    """The ids added and removed between two {id: title} maps, in a stable order."""
    return sorted(set(now) - set(seen)), sorted(set(seen) - set(now))


def change_notice(seen: dict[str, str], now: dict[str, str]) -> str:
    added, removed = source_changes(seen, now)
    parts = []
    if added:
        parts.append("added " + ", ".join(f"“{now[s]}”" for s in added))
    if removed:
        parts.append("removed " + ", ".join(f"“{seen[s]}”" for s in removed))
    if not parts:
        return "The index was rebuilt; the answers now come from the new one."
    return "The sources changed since this page last asked: " + "; ".join(parts) + "."


def follow_sources(engine: Engine) -> None:
    """Bring this session's view of the sources up to date with the live index, and say what changed."""
    now = {s.source_id: s.title or s.source_id for s in engine.index.sources}
    build = engine.build_id
    seen = st.session_state.get(SEEN)
    if seen is None:
        st.session_state[SEEN], st.session_state[SEEN_BUILD] = now, build
        return
    if st.session_state.get(SEEN_BUILD) == build:
        return
    added, removed = source_changes(seen, now)
    if "sources" in st.session_state:
        kept = [s for s in st.session_state.sources if s in now]
        st.session_state.sources = kept + [s for s in added if s not in kept]
    notice = change_notice(seen, now)
    st.session_state[SEEN], st.session_state[SEEN_BUILD] = now, build
    if st.session_state.pop("own_change", False):
        return  # this session made the change and is told so by its own message
    st.info(md_escape(notice), icon=":material/sync:")
