"""The Ask view: the question box, the source filter and the cited answer cards (`?q=` makes an answer shareable).

The box is a text area that grows with the question; Enter asks (a small script, `ui.html.QUESTION_SCRIPT`) and
Shift+Enter starts a new line. The question of the address is the one in the box: a link, Back or Forward puts
its question there; otherwise what was last asked stays in the box while other views are shown (a widget that
is not drawn loses its state, so it is kept under `question_draft` and put back).
"""

from __future__ import annotations

import streamlit as st

from indexer import Engine, Hit, IndexerError, QuestionError
from indexer.ask.coverage import PARTLY
from indexer.ask.engine import Citation
from indexer.ask.reading import check_question
from ui.fairness import Busy, is_heavy_question
from ui.highlight import Marks, mark_answer
from ui.html import card_html, copy_button_html, md_escape, read_as_html
from ui.links import link_params
from ui.markdown import MarkdownDoc, is_markdown_file, markdown_doc
from ui.reader import CLOSED, open_source, set_address
from ui.resources import DEFAULTS, heavy_turn

MAX_SHOWN = 20


def submit_question() -> None:
    typed = st.session_state.get("question") or ""
    st.session_state.question_draft = typed
    question = typed.strip()
    try:
        check_question(question, DEFAULTS.max_question_chars)
    except QuestionError as e:
        st.session_state.ask_error = str(e)
        st.session_state.asked = ""
        set_address({"q": None, **CLOSED})
        return
    st.session_state.ask_error = None
    st.session_state.asked = question
    set_address({"q": question, **CLOSED})


def follow_address() -> None:
    """The box shows the address's question when the address brought a new one (a link, Back, Forward), and
    otherwise what it last held (it was not drawn while another view or a source was shown)."""
    question = st.query_params.get("q", "")
    if st.session_state.get("asked") != question:
        st.session_state.asked = question
        st.session_state.question_draft = question
        st.session_state.question = question
        st.session_state.ask_error = None
    elif "question" not in st.session_state:
        st.session_state.question = st.session_state.get("question_draft", question)


def render_question_box() -> None:
    follow_address()
    with st.form("ask", border=False, enter_to_submit=True):
        left, right = st.columns([6, 1], vertical_alignment="bottom")
        left.text_area(
            "Your question", key="question", height="content", placeholder="e.g. Can I take Xanax with ketamine?",
            help=f"Ask in your own words, up to {DEFAULTS.max_question_chars:,} characters. Press Enter to ask, "
                 "Shift+Enter for a new line.",
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


def surfaced_note(surfaced) -> str:
    return (f"The best-ranked passages do not mention “{surfaced.word}”: passage {surfaced.rank} is the best one "
            "that does.")


def render_ask(engine: Engine) -> None:
    sources, k = render_filters(engine)
    question = st.query_params.get("q", "")
    if not question or st.session_state.get("ask_error"):
        return
    if sources is not None and not sources:
        st.info("Choose at least one source to search (in the sidebar).")
        return
    try:
        with heavy_turn(is_heavy_question(question)):
            answer = engine.ask(question, k=k, sources=sources)
    except (IndexerError, Busy) as e:
        st.error(md_escape(e))
        return
    marks = mark_answer(answer, engine.embedder, engine.question_terms)
    notes = answer.understood.notes()
    if notes:
        st.html(read_as_html(notes))
    if answer.coverage.state == PARTLY:
        st.info(f"**Only part of this is covered.** {md_escape(answer.coverage.reason)}")
    if answer.surfaced is not None:
        st.info(md_escape(surfaced_note(answer.surfaced)), icon=":material/priority_high:")
    if answer.covered:
        count = f"{len(answer.hits)} passage{'s' if len(answer.hits) != 1 else ''}"
        st.markdown("##### What the sources say")
        st.caption(f"{count}, best first, quoted word for word. The highlighted sentence is the one that best "
                   "answers the question; its terms are in bold.")
    else:
        st.warning(f"**The sources don't cover this.** {md_escape(answer.coverage.reason)}")
        st.markdown("##### Nearest passages\nShown for reference only: **they do not answer the question.**")
    docs: dict[str, MarkdownDoc | None] = {}
    for rank, (hit, hit_marks) in enumerate(zip(answer.hits, marks, strict=True), 1):
        citation = engine.citation(hit)
        if citation.source_id not in docs:
            docs[citation.source_id] = markdown_source(engine, citation)
        render_card(engine, rank, hit, hit_marks, answer.covered, docs[citation.source_id])


def markdown_source(engine: Engine, citation: Citation) -> MarkdownDoc | None:
    """The structure of a citation's source when it is Markdown (an added PDF, web page or Word file), so its card
    shows tables and lists; None for plain text, or when the file cannot be read (the card shows the passage as
    it is)."""
    record = engine.index.source(citation.source_id)
    if record is None or not is_markdown_file(record.file):
        return None
    try:
        return markdown_doc(engine.source_text(citation.source_id))
    except IndexerError:
        return None


def render_card(engine: Engine, rank: int, hit: Hit, marks: Marks, answers: bool,
                doc: MarkdownDoc | None = None) -> None:
    citation = engine.citation(hit)
    with st.container(border=True, key=f"qa-{'card' if answers else 'near'}-{rank}"):
        st.html(card_html(rank, citation, hit.passage.text, marks, answers=answers, doc=doc))
        show, copy, _ = st.columns([1.4, 1.8, 2.4], gap="small", vertical_alignment="center")
        show.button("Show in source", key=f"show-{rank}", on_click=open_source, args=(link_params(citation),),
                    icon=":material/article:")
        with copy:
            st.html(copy_button_html(rank, citation, hit.passage.text))
