"""The Sources view: each indexed article with its metadata, and a rebuild when the corpus changed."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from indexer import Engine, IndexerError
from indexer.index.adding import add_sources
from indexer.index.removal import remove_source
from indexer.ingest.sources import corpus_checksums
from ui.html import esc, md_escape, source_card_html
from ui.reader import open_source
from ui.resources import load_model, reload_engine, render_rebuild_button, status_of

UPLOAD_TYPES = ("html", "htm", "pdf", "docx", "txt", "md")


def render_stale_notice(engine: Engine, view: str) -> None:
    status = status_of(engine)
    if status.state == "stale" and view != "Sources":
        st.warning("The sources changed since the index was built; answers come from the previous version. "
                   "Rebuild the index to include the changes.")
        render_rebuild_button(engine, key=f"rebuild-{view.lower().replace(' ', '-')}")


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
        render_rebuild_button(engine, key="rebuild")
    elif status.state != "current":
        st.error(md_escape(status.reason))
    render_add_source(engine)
    current = corpus_checksums(engine.config.corpus_dir) if Path(engine.config.corpus_dir).is_dir() else {}
    for record in engine.index.sources:
        changed = ""
        if record.file not in current:
            changed = "This file is no longer in the corpus folder."
        elif current[record.file] != record.sha256:
            changed = "This file changed since the index was built."
        with st.container(border=True, key=f"qa-src-{record.source_id}"):
            st.html(source_card_html(record, changed))
            left, right, _ = st.columns([1, 1, 3], gap="small")
            left.button("Open", key=f"open-{record.source_id}", on_click=open_source,
                        args=({"source": record.source_id},), icon=":material/article:")
            with right.popover("Remove", icon=":material/delete:"):
                st.html(f"<p>Remove <b>{esc(record.title)}</b> from the corpus folder and the index? Its file and "
                        "its original are deleted.</p>")
                if st.button("Yes, remove it", key=f"remove-{record.source_id}", type="primary"):
                    remove(engine, record.source_id)


def render_add_source(engine: Engine) -> None:
    """Add a web page, PDF, Word file or text file, by upload or URL; it is searchable as soon as it is added."""
    with st.expander("Add a source", icon=":material/add:", expanded=False):
        st.caption("A web page (a URL, or a page saved from the browser), a PDF, a Word file (.docx), or a .txt/.md "
                   "file. Its text is extracted into the corpus folder, the original is kept beside it, and its "
                   "passages are added to the index.")
        with st.form("add-source", border=False, clear_on_submit=True):
            upload = st.file_uploader("Upload a file", type=list(UPLOAD_TYPES), key="add_upload")
            url = st.text_input("…or paste an http(s) URL", key="add_url", placeholder="https://…")
            submitted = st.form_submit_button("Add the source", type="primary")
        if submitted:
            add(engine, upload, (url or "").strip())


def add(engine: Engine, upload, url: str) -> None:
    if (upload is None) == (not url):
        st.error("Upload one file or paste one URL.")
        return
    try:
        with st.spinner("Adding the source…"), tempfile.TemporaryDirectory() as folder:
            if upload is not None:
                path = Path(folder) / Path(upload.name).name
                path.write_bytes(upload.getvalue())
                target = str(path)
            else:
                target = url
            report = add_sources(engine.config, [target], embedder=load_model())
    except IndexerError as e:
        st.error(md_escape(e))
        return
    reload_engine(report.message)


def remove(engine: Engine, source_id: str) -> None:
    try:
        with st.spinner("Removing the source…"):
            report = remove_source(engine.config, source_id, embedder=load_model())
    except IndexerError as e:
        st.error(md_escape(e))
        return
    reload_engine(report.message)
