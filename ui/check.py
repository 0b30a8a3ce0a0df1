"""The "Check wording" view of the page: a draft in, each sentence coloured by what the sources say about it.

`app.py` calls `render_check(engine)`. The draft comes from a text area or an uploaded .txt/.md file; the view
shows the summary counts, the draft with every sentence coloured by its verdict, then each sentence with its
source span and word-level diff (changes that can alter the meaning stand out), links that open each citation in
the source view (`?source=ID&start=..&end=..`), and the report as Markdown and CSV downloads. Every piece of text
from the draft or a source is escaped with `html.escape` before it goes into HTML.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from indexer.check.checker import WordingChecker
from indexer.check.report import (
    VERDICT_LABELS,
    describe,
    inline_diff,
    marked_draft,
    marked_source,
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
from ui.fairness import Busy
from ui.html import esc, md_escape
from ui.reader import open_source
from ui.resources import heavy_turn

MAX_DRAFT_UPLOAD_MB = MAX_DOCX_DRAFT_BYTES // (1024 * 1024)
DETAILS_SHOWN = 200  # sentences listed in detail (the downloads have them all)
COLOURS = {"conflicts": "#f3d9ff", "verbatim": "#d7f5dd", "changed": "#fff1bf", "paraphrase": "#dbe9ff",
           "unsupported": "#ffd9d6"}
BORDERS = {"conflicts": "#7b1fa2", "verbatim": "#2e8540", "changed": "#b7791f", "paraphrase": "#2f6fb0",
           "unsupported": "#c0392b"}

CSS = "<style>\n" + "\n".join(
    f".ck-{v} {{ background: {COLOURS[v]}; border-bottom: 2px solid {BORDERS[v]}; border-radius: 2px; }}\n"
    f".ck-badge.ck-{v} {{ border: 1px solid {BORDERS[v]}; color: #1f2933; }}"
    for v in ALL_VERDICTS
) + """
.ck-draft { white-space: pre-wrap; line-height: 1.9; font-family: Georgia, 'Times New Roman', serif;
  font-size: 1.02rem; color: #1f2933; max-width: 46rem; }
.ck-draft sup { font-size: 0.65rem; color: #4a5563; margin-left: 1px; font-family: sans-serif; }
.ck-badge { display: inline-block; font-size: 0.78rem; font-weight: 600; border-radius: 999px; padding: 0 0.55rem;
  margin-right: 0.4rem; font-family: sans-serif; }
.ck-summary { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0.4rem 0 0.8rem; }
.ck-summary .ck-badge { font-size: 0.9rem; padding: 0.15rem 0.7rem; }
.ck-badge.ck-meaning-total { background: #c0392b; color: #fff; }
.ck-text { margin: 0.2rem 0; font-family: Georgia, 'Times New Roman', serif; line-height: 1.6; }
.ck-source { margin: 0.3rem 0 0.2rem; padding-left: 0.8rem; border-left: 3px solid #e3e8ee; line-height: 1.6;
  font-family: Georgia, 'Times New Roman', serif; color: #1f2933; white-space: pre-wrap; }
.ck-source del { background: #ffe3e0; color: #8e1b10; }
.ck-source ins { background: #dff5e1; color: #14532d; text-decoration: none; border-bottom: 1px solid #14532d; }
.ck-source .ck-meaning { outline: 2px solid #c0392b; border-radius: 2px; padding: 0 1px; }
.ck-source .ck-meaning::before { content: "⚠"; color: #c0392b; font-size: 0.8em; margin-right: 1px; }
.ck-cite { font-size: 0.82rem; color: #4a5563; overflow-wrap: anywhere; }
.ck-changes { margin: 0.2rem 0 0 1rem; padding: 0; font-size: 0.88rem; }
.ck-changes li.ck-meaning-item { color: #8e1b10; font-weight: 600; }
</style>
"""


# -- HTML (pure functions, tested without Streamlit) ---------------------------------------------------------


def source_link(s: SentenceCheck) -> str:
    """The query string that opens a sentence's source span in the source view."""
    return "?" + urlencode({"source": s.span.source_id, "start": s.span.start, "end": s.span.end})


def summary_html(report: CheckReport) -> str:
    summary = report.summary()
    badges = [f'<span class="ck-badge ck-{v}">{summary[v]} {v}</span>' for v in ALL_VERDICTS]
    meaning = summary["meaning_changes"]
    badges.append(f'<span class="ck-badge {"ck-meaning-total" if meaning else ""}">{meaning} meaning change'
                  f'{"" if meaning == 1 else "s"}</span>')
    return f'<div class="ck-summary">{"".join(badges)}</div>'


def draft_html(report: CheckReport) -> str:
    """The whole draft, each checked sentence coloured by its verdict and numbered."""
    out, pos = [], 0
    for number, s in enumerate(report.sentences, 1):
        out.append(esc(report.draft[pos : s.start]))
        title = f"{number}. {s.verdict}: {VERDICT_LABELS[s.verdict]}"
        if s.meaning_changes:
            title += f" ({s.meaning_changes} change(s) that can alter the meaning)"
        out.append(f'<span class="ck-{s.verdict}" title="{esc(title)}">{esc(s.text)}</span><sup>{number}</sup>')
        pos = s.end
    out.append(esc(report.draft[pos:]))
    return f'<div class="ck-draft">{"".join(out)}</div>'


def sentence_html(number: int, s: SentenceCheck) -> str:
    """One sentence: verdict, draft text, source span with the diff, the changes, and the citation link."""
    flag = f" · ⚠ {s.meaning_changes} meaning change{'s' if s.meaning_changes != 1 else ''}" if s.meaning_changes else ""
    conflict = ('<span class="ck-meaning">', "</span>")
    draft = marked_draft(s, conflict, esc) if s.verdict == "conflicts" else esc(s.text)
    parts = [f'<div><span class="ck-badge ck-{s.verdict}">{number}. {s.verdict}</span>'
             f'<span class="ck-cite">{esc(VERDICT_LABELS[s.verdict])} (score {s.score:.2f}){esc(flag)}</span></div>',
             f'<div class="ck-text"><b>Draft:</b> {draft}</div>']
    if s.span is None:
        parts.append('<div class="ck-cite">No source span says this.</div>')
        return "".join(parts)
    if s.verdict == "conflicts":
        parts.append(f'<div class="ck-source"><b>The source says:</b> {marked_source(s, conflict, esc)}</div>')
        items = "".join(f'<li class="ck-meaning-item">⚠ {esc(describe(c))}</li>' for c in s.changes)
        parts.append(f'<ul class="ck-changes">{items}</ul>')
    elif s.changes:
        diff = inline_diff(s, ("<del>", "</del>"), ("<ins>", "</ins>"), ('<span class="ck-meaning">', "</span>"),
                           escape=esc)
        parts.append(f'<div class="ck-source">{diff}</div>')
        items = "".join(f'<li class="{"ck-meaning-item" if c.meaning else ""}">{"⚠ " if c.meaning else ""}'
                        f"{esc(describe(c))}</li>" for c in s.changes)
        parts.append(f'<ul class="ck-changes">{items}</ul>')
    else:
        parts.append(f'<div class="ck-source">{esc(s.span.text)}</div>')
    parts.append(f'<div class="ck-cite">{esc(s.span.title)} — <a href="{esc(source_link(s))}" target="_blank">'
                 f"{esc(s.span.path)} chars {s.span.start}–{s.span.end}</a></div>")
    return "".join(parts)


# -- Streamlit ----------------------------------------------------------------------------------------------


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
