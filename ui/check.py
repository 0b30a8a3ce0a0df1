"""The "Check wording" view of the page: a draft in, each sentence coloured by what the sources say about it.

`app.py` calls `render_check(engine)`. The draft comes from a text area or an uploaded .txt, .md or .docx file
(read as the command line reads it); the view shows the summary counts, the draft with every sentence coloured by
its verdict, then each sentence with its source span and word-level diff (changes that can alter the meaning stand
out), links that open each citation in the source view (`?source=ID&start=..&end=..`), and the report as Markdown
and CSV downloads. The HTML is built by `check_html.py`; the checker (its models loaded once) is shared by every
session of one index build.
"""

from __future__ import annotations

import streamlit as st

from indexer.check.checker import WordingChecker
from indexer.check.report import (
    to_csv,
    to_markdown,
)
from indexer.check.verdicts import (
    ALL_VERDICTS,
    MAX_DOCX_DRAFT_BYTES,
    MAX_DRAFT_CHARS,
    CheckReport,
    SentenceCheck,
    read_draft_file,
)
from indexer.errors import IndexerError
from ui.check_html import CSS, draft_html, sentence_html, summary_html
from ui.fairness import Busy
from ui.html import md_escape
from ui.reader import open_source
from ui.resources import heavy_turn

MAX_DRAFT_UPLOAD_MB = MAX_DOCX_DRAFT_BYTES // (1024 * 1024)
DETAILS_SHOWN = 200  # sentences listed in detail (the downloads have them all)
def _open_source(s: SentenceCheck) -> None:
    """The sentence's source span in the source view (one history entry: Back returns to this report)."""
    _keep_draft()
    open_source({"source": s.span.source_id, "start": str(s.span.start), "end": str(s.span.end)})


def _keep_draft() -> None:
    """The draft, kept outside the text area's own state, which is dropped while the view is not drawn."""
    st.session_state.check_draft = st.session_state.get("check_text", "")


def draft_text(data: bytes, name: str) -> str:
    """An uploaded draft as text: the command line's reader (a Word file's text, else UTF-8)."""
    return read_draft_file(data, name)


def _submit() -> None:
    _keep_draft()
    st.session_state.check_submitted = st.session_state.get("check_text", "")
    st.session_state.check_error = None


def _uploaded() -> None:
    """A new file replaces the text area's content and is checked at once."""
    upload = st.session_state.get("check_upload")
    if upload is None:
        return
    try:
        text = draft_text(upload.getvalue(), upload.name)
    except IndexerError as e:
        st.session_state.check_error = str(e)
        st.session_state.check_submitted = None
        return
    st.session_state.check_text = st.session_state.check_draft = text
    st.session_state.check_submitted = text
    st.session_state.check_error = None


@st.cache_resource(max_entries=2, show_spinner=False)
def wording_checker(build_id: str | None, _engine) -> WordingChecker:
    """The checker of the live index (spans, word tables and the entailment model, made once per index build and
    shared by every session, read-only)."""
    return WordingChecker.for_engine(_engine)


@st.cache_data(max_entries=16, show_spinner=False)
def _checked(build_id: str | None, draft: str, _engine) -> CheckReport:
    """Reports of recent drafts per index build, so that reruns (a filter, a download) do not re-encode the draft."""
    return wording_checker(build_id, _engine).check(draft)


def render_check(engine) -> None:
    st.html(CSS)
    st.subheader("Check wording")
    st.caption("Paste a draft (or upload a .txt, .md or .docx file) to see, for each sentence, whether the sources say it, "
               f"in what words, and where. Up to {MAX_DRAFT_CHARS:,} characters.")
    if "check_text" not in st.session_state:  # the view was not drawn in the last run (a source, another view)
        st.session_state.check_text = st.session_state.get("check_draft", "")
    st.text_area("Draft", key="check_text", height=200, placeholder="Paste the draft here…", on_change=_keep_draft)
    st.file_uploader("…or upload a draft", type=["txt", "md", "docx"], key="check_upload", on_change=_uploaded,
                     max_upload_size=MAX_DRAFT_UPLOAD_MB,
                     help=f"A draft of up to {MAX_DRAFT_CHARS:,} characters (a .docx file up to "
                          f"{MAX_DRAFT_UPLOAD_MB} MB).")
    st.button("Check wording", type="primary", on_click=_submit, key="check_button")
    if st.session_state.get("check_error"):
        st.error(md_escape(st.session_state.check_error), icon=":material/error:")
        return
    draft = st.session_state.get("check_submitted")
    if draft is None:
        return
    try:
        with heavy_turn(True), st.spinner("Comparing the draft with the sources…"):
            report = _checked(engine.build_id, draft, engine)
    except (IndexerError, Busy) as e:
        st.error(md_escape(e), icon=":material/error:")
        return
    render_report(report)


def render_report(report: CheckReport) -> None:
    st.html(summary_html(report))
    col_md, col_csv = st.columns(2)
    col_md.download_button("Download report (Markdown)", to_markdown(report), file_name="wording-check.md",
                           mime="text/markdown", key="check_download_md", icon=":material/download:")
    col_csv.download_button("Download report (CSV)", to_csv(report), file_name="wording-check.csv",
                            mime="text/csv", key="check_download_csv", icon=":material/download:")
    st.html(draft_html(report))
    shown = st.pills("Show", list(ALL_VERDICTS), selection_mode="multi", default=list(ALL_VERDICTS),
                     key="check_filter")
    listed = [(n, s) for n, s in enumerate(report.sentences, 1) if s.verdict in (shown or ALL_VERDICTS)]
    for number, s in listed[:DETAILS_SHOWN]:
        with st.container(border=True, key=f"ck-sentence-{number}"):
            st.html(sentence_html(number, s))
            if s.span is not None:
                st.button("Open in source", key=f"ck-open-{number}", on_click=_open_source, args=(s,),
                          icon=":material/open_in_new:")
    if len(listed) > DETAILS_SHOWN:
        st.caption(f"{len(listed) - DETAILS_SHOWN} more sentences are in the downloaded report.")
