"""The Sources view: each indexed article with its metadata, and a rebuild when the corpus changed."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from indexer import Engine
from indexer.ingest.sources import corpus_checksums
from ui.html import md_escape, source_card_html
from ui.reader import open_source
from ui.resources import rebuild, status_of


def render_stale_notice(engine: Engine, view: str) -> None:
    status = status_of(engine)
    if status.state == "stale" and view != "Sources":
        st.warning("The sources changed since the index was built; answers come from the previous version. "
                   "Open **Sources** to rebuild the index.")


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
