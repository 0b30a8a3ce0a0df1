"""The Sources view: each indexed article with its metadata; for a signed-in editor, adding and removing sources
and rebuilding the index (see ui/editors.py: readers never see those controls, and each action checks again)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from indexer import Engine, IndexerError
from indexer.index.adding import AddReport, add_sources
from indexer.index.removal import remove_source
from indexer.ingest.convert import Upload
from indexer.ingest.convert.inputs import MAX_FILE_BYTES
from indexer.ingest.sources import changed_files, corpus_checksums
from ui.editors import NotAnEditor, is_editor, require_editor
from ui.html import esc, md_escape, source_card_html
from ui.reader import open_source
from ui.resources import load_model, reload_engine, render_rebuild_button, status_of

UPLOAD_TYPES = ("html", "htm", "pdf", "docx", "txt", "md")
CHANGE_NOTES = {"removed": "This file is no longer in the corpus folder.",
                "changed": "This file changed since the index was built."}
ADD_ERROR = "add_error"


def render_stale_notice(engine: Engine, view: str) -> None:
    status = status_of(engine)
    if status.state == "stale" and view != "Sources":
        st.warning("The sources changed since the index was built; answers come from the previous version. "
                   "Rebuilding the index includes the changes.")
        render_rebuild_button(engine, key=f"rebuild-{view.lower().replace(' ', '-')}")


def render_sources(engine: Engine) -> None:
    manifest = engine.index.manifest
    counts = manifest.get("counts", {})
    st.subheader("Sources")
    st.caption(md_escape(
        f"Index built {manifest.get('built_at', 'at an unknown time')} from {counts.get('sources', '?')} sources "
        f"({counts.get('passages', '?')} passages) with {manifest.get('model', {}).get('name', '?')}."
    ))
    status = status_of(engine)
    if status.state == "stale":
        st.warning(md_escape(status.reason) + "\n\nAnswers still come from the index as it was built. Rebuilding "
                   "it includes the changes; the page keeps answering from the old index until the new one is "
                   "ready.")
        render_rebuild_button(engine, key="rebuild")
    elif status.state != "current":
        st.error(md_escape(status.reason))
    editor = is_editor()
    if editor:
        if st.session_state.get(ADD_ERROR):
            st.error(md_escape(st.session_state.pop(ADD_ERROR)))
        render_add_source(engine)
    current = corpus_checksums(engine.config.corpus_dir) if Path(engine.config.corpus_dir).is_dir() else {}
    changes = changed_files({record.file: record.sha256 for record in engine.index.sources}, current)
    for record in engine.index.sources:
        changed = CHANGE_NOTES.get(changes.get(record.file), "")
        with st.container(border=True, key=f"qa-src-{record.source_id}"):
            st.html(source_card_html(record, changed))
            left, right, _ = st.columns([1, 1, 3], gap="small")
            left.button("Open", key=f"open-{record.source_id}", on_click=open_source,
                        args=({"source": record.source_id},), icon=":material/article:")
            if not editor:
                continue
            with right.popover("Remove", icon=":material/delete:"):
                st.html(f"<p>Remove <b>{esc(record.title)}</b> from the corpus folder and the index? Its file and "
                        "its original are deleted.</p>")
                if st.button("Yes, remove it", key=f"remove-{record.source_id}", type="primary"):
                    remove(engine, record.source_id, record.title)


def render_add_source(engine: Engine) -> None:
    """Add a web page, PDF, Word file or text file, by upload or URL; it is searchable as soon as it is added.
    Errors are shown above the section (kept in the session), where they are seen whether it is open or not."""
    with st.expander("Add a source", icon=":material/add:", expanded=False):
        st.caption("A public web page (an http:// or https:// address), or a file: a page saved from the browser, "
                   "a PDF, a Word file (.docx), or a .txt/.md file. Its text is extracted into the corpus folder, "
                   "the original is kept beside it, and its passages are added to the index.")
        with st.form("add-source", border=False, clear_on_submit=True):
            upload = st.file_uploader("Upload a file", type=list(UPLOAD_TYPES), key="add_upload",
                                      max_upload_size=MAX_FILE_BYTES // (1024 * 1024))
            url = st.text_input("…or paste an http(s) URL", key="add_url", placeholder="https://…", max_chars=2000)
            submitted = st.form_submit_button("Add the source", type="primary")
        if submitted:
            add(engine, upload, (url or "").strip())


def added_message(report: AddReport) -> str:
    """What the page says after an add: titles and ids, never a server path."""
    lines = [f"Added “{p.entry.get('title') or p.source_id}” as {p.source_id!r}." for p in report.added]
    if report.duplicates:
        lines.append(f"{len(report.duplicates)} of the inputs were already in the corpus and were not added again.")
    if report.build is not None:
        lines.append(f"Its passages are searchable now (embedded {report.build.embedded}, reused "
                     f"{report.build.reused}).")
    return " ".join(lines) if lines else "Nothing was changed."


def add(engine: Engine, upload, url: str) -> None:
    try:
        require_editor()
    except NotAnEditor as e:
        st.session_state[ADD_ERROR] = str(e)
        st.rerun()
    if (upload is None) == (not url):
        st.session_state[ADD_ERROR] = "Upload one file or paste one URL."
        st.rerun()
    item = Upload(upload.name, upload.getvalue()) if upload is not None else url
    try:
        with st.spinner("Adding the source…"):
            report = add_sources(engine.config, [item], embedder=load_model(), public_urls_only=True)
    except IndexerError as e:
        st.session_state[ADD_ERROR] = str(e)
        st.rerun()
    reload_engine(added_message(report))


def remove(engine: Engine, source_id: str, title: str) -> None:
    try:
        require_editor()
        with st.spinner("Removing the source…"):
            report = remove_source(engine.config, source_id, embedder=load_model())
    except NotAnEditor as e:
        st.error(str(e))
        return
    except IndexerError as e:
        st.error(md_escape(e))
        return
    reload_engine(f"Removed “{title}” ({source_id!r}); embedded {report.embedded}, reused {report.reused}.")
