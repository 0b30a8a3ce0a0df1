"""The page, driven by Streamlit's AppTest over a copy of the corpus with the fake embedder (fast)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import indexer.index.embedder
from indexer import Config, build_index
from indexer.access import hash_password
from tests.conftest import CORPUS, REPO
from tests.fakes import FakeEmbedder

APP = str(REPO / "app.py")
BENZO = "Benzodiazepine is okay when taken in moderate doses, but the higher the dose, the worse its effects are."
KETAMINE_FILE = "000_c89290b5e323cd66.txt"
UNCOVERED = "What is the best recipe for sourdough bread?"

EVIL_TEXT = """Ketamine Safety Notes

Some clinics say ketamine is safe with lamotrigine <script>alert(1)</script> but the evidence is thin and the dose matters.

Other clinics warn that benzodiazepines <img src=x onerror=alert(1)> blunt the effect of ketamine therapy at high doses.
"""
EVIL_TOML = """[[source]]
file = "evil.txt"
id = "evil"
title = "Notes <img src=x onerror=alert(2)>"
publisher = "<script>alert(3)</script> Clinic"
url = "javascript:alert(4)"
date = ""
notes = "<b>bold</b> & more"
"""


def own_site(tmp_path: Path) -> tuple[Path, Path]:
    """A corpus copy and index of a test's own (for tests that change them)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return corpus, make_index(tmp_path, corpus)


def append_grapefruit(corpus: Path) -> None:
    with open(corpus / KETAMINE_FILE, "a", encoding="utf-8") as f:
        f.write("\n\nA new paragraph about ketamine and grapefruit juice was added after the build.\n")


def make_index(root: Path, corpus: Path) -> Path:
    index = root / "index"
    build_index(Config(corpus_dir=corpus, index_dir=index, model_name=FakeEmbedder.name), FakeEmbedder())
    return index


@pytest.fixture(scope="module")
def shared_site(tmp_path_factory) -> tuple[Path, Path]:
    """One corpus copy and index for the tests that only read: the engine is loaded once for all of them."""
    root = tmp_path_factory.mktemp("site")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    return corpus, make_index(root, corpus)


@pytest.fixture(autouse=True, scope="module")
def fake_model():
    """The page gets its model from indexer.index.embedder.load_embedder: the fake one here; fresh caches."""
    original = indexer.index.embedder.load_embedder
    indexer.index.embedder.load_embedder = FakeEmbedder
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    indexer.index.embedder.load_embedder = original
    st.cache_resource.clear()
    st.cache_data.clear()


EDITOR_PASSWORD = "a long editor password"
EDITOR_HASH = hash_password(EDITOR_PASSWORD, salt=b"0123456789abcdef")


def signed_in(at: AppTest) -> AppTest:
    """The session signed in as an editor (the server has the editor password's hash: see `page`)."""
    at.text_input(key="editor_password").set_value(EDITOR_PASSWORD)
    return next(b for b in at.button if b.label == "Sign in").click().run()


def page(monkeypatch, site: tuple[Path, Path], **params: str) -> AppTest:
    corpus, index = site
    monkeypatch.setenv("KETAMINE_EDITOR_PASSWORD_HASH", EDITOR_HASH)
    monkeypatch.setenv("KETAMINE_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("KETAMINE_INDEX_DIR", str(index))
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


@pytest.fixture
def app(monkeypatch, shared_site):
    return lambda **params: page(monkeypatch, shared_site, **params)


def ask(at: AppTest, question: str) -> AppTest:
    at.text_area(key="question").set_value(question)
    return next(b for b in at.button if b.label == "Ask").click().run()


def cards(at: AppTest) -> list[str]:
    return [h.value for h in at.html if 'class="qa-card' in h.value]


def source_view(at: AppTest) -> str:
    return next(h.value for h in at.html if 'class="qa-doc"' in h.value)


def text_of(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment)


def benzo_range() -> tuple[int, int]:
    text = (CORPUS / KETAMINE_FILE).read_text(encoding="utf-8")
    start = text.index(BENZO)
    return start, start + len(BENZO)


# -- asking -------------------------------------------------------------------------------------------------


def test_page_opens_with_question_box_and_standing_notice(app):
    at = app()
    assert not at.exception
    assert at.text_area(key="question").value == ""
    assert "not medical advice" in at.caption[0].value
    assert "sources may be wrong" in at.caption[0].value
    assert cards(at) == []


def test_answered_question_shows_cited_passage_and_how_it_was_read(app):
    at = ask(app(), "Can I take Xanax with ketamine?")
    assert not at.exception
    assert at.query_params["q"] == "Can I take Xanax with ketamine?"
    assert any("Xanax → alprazolam (a benzodiazepine)" in h.value for h in at.html)
    assert not at.warning
    shown = cards(at)
    assert len(shown) == 5
    benzo = next(c for c in shown if BENZO in text_of(c))
    start, end = benzo_range()
    assert ("Balanced Ketamine — “Can You Have Other Medications With Ketamine Therapy?” › Medications That "
            f"Interfere With Ketamine Infusion Therapy › 2. Benzodiazepines (chars {start}–{end})") in benzo
    assert '<mark class="qa-best">' in benzo
    assert "<strong>Benzodiazepine</strong>" in benzo
    copy = next(h.value for h in at.html if "qa-copy" in h.value and BENZO in h.value)
    assert f"(chars {start}–{end})" in copy


def test_q_url_shows_the_answer_at_once(app):
    at = app(q="Is lamotrigene ok with ketamine?")
    assert at.text_area(key="question").value == "Is lamotrigene ok with ketamine?"
    assert any("lamotrigene → lamotrigine" in h.value for h in at.html)
    assert "Lamotrigine is typically used as an anticonvulsant" in text_of(cards(at)[0])


def test_uncovered_question_says_so_and_labels_nearest_passages(app):
    at = ask(app(), UNCOVERED)
    assert at.warning and "The sources don't cover this." in at.warning[0].value
    assert any("do not answer the question" in m.value for m in at.markdown)
    shown = cards(at)
    assert shown
    for card in shown:
        assert "qa-nearest" in card and "Does not answer the question" in card
        assert "qa-best" not in card  # no sentence is highlighted as if it answered


def test_a_partly_covered_question_says_which_part_the_sources_miss(app):
    at = ask(app(), "Can I take Adderall with an SSRI during ketamine therapy?")
    assert at.info and "Only part of this is covered." in at.info[0].value
    assert "never mention Adderall" in at.info[0].value
    assert not at.warning
    assert cards(at)


def test_source_filter_limits_the_search(app):
    at = app(q="Can I take Xanax with ketamine?")
    at.multiselect(key="sources").unselect("balanced-ketamine").run()
    shown = cards(at)
    assert shown and all("Áureo" in c and "Balanced Ketamine" not in c for c in shown)
    at.multiselect(key="sources").unselect("aureo").run()
    assert cards(at) == []
    assert "Choose at least one source" in at.info[0].value


def test_number_of_passages(app):
    at = app(q="Can I take Xanax with ketamine?")
    at.slider(key="k").set_value(2).run()
    assert len(cards(at)) == 2


def test_long_question_is_refused_with_the_limit(app):
    at = ask(app(), "ketamine " * 1000)
    assert "the limit is 8,000" in at.error[0].value
    assert cards(at) == []
    assert "q" not in at.query_params


def test_overlong_q_link_is_refused_too(app):
    at = app(q="ketamine " * 1000)
    assert not at.exception
    assert "the limit is 8,000" in at.error[0].value
    assert cards(at) == []


def test_empty_question_asks_for_one(app):
    at = ask(app(), "   ")
    assert "The question is empty" in at.error[0].value


# -- reading in context -------------------------------------------------------------------------------------


def test_show_in_source_opens_the_article_with_the_range_marked(app):
    at = app(q="Can I take Xanax with ketamine?")
    rank = next(i for i, c in enumerate(cards(at), 1) if BENZO in text_of(c))
    at.button(key=f"show-{rank}").click().run()
    start, end = benzo_range()
    assert at.query_params["source"] == "balanced-ketamine"
    assert (at.query_params["start"], at.query_params["end"]) == (str(start), str(end))
    doc = source_view(at)
    assert f'<mark id="qa-cited">{BENZO}</mark>' in doc
    assert "<h4>2. Benzodiazepines</h4>" in doc and "<h3>Final Takeaway</h3>" in doc
    at.button(key="back").click().run()
    assert "source" not in at.query_params and cards(at)


def test_source_url_opens_the_cited_range(app):
    start, end = benzo_range()
    at = app(source="balanced-ketamine", start=str(start), end=str(end))
    assert not at.error
    assert f'<mark id="qa-cited">{BENZO}</mark>' in source_view(at)
    assert any("Cited: characters" in h.value and "2. Benzodiazepines" in h.value for h in at.html)


def test_source_url_without_range_shows_the_whole_article(app):
    at = app(source="aureo")
    doc = source_view(at)
    assert "<mark" not in doc and "Antidepressants and Mood Stabilizers" in doc


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"source": "nope"}, "There is no source 'nope'"),
        ({"source": "../corpus/sources.toml"}, "There is no source"),
        ({"source": "aureo", "start": "10", "end": "999999"}, "runs past the end"),
        ({"source": "aureo", "start": "-5", "end": "10"}, "start must be a whole number"),
        ({"source": "aureo", "start": "abc", "end": "10"}, "start must be a whole number"),
        ({"source": "aureo", "start": "50", "end": "20"}, "start must be smaller than end"),
        ({"source": "aureo", "start": "50"}, "needs both start and end"),
    ],
)
def test_bad_source_links_get_a_clear_message(app, params, message):
    at = app(**params)
    assert not at.exception
    assert at.error and message in at.error[0].value.replace("\\", "")
    assert not any('class="qa-doc"' in h.value for h in at.html)


def test_every_view_is_offered_and_check_wording_opens(app):
    at = app()
    assert at.button_group(key="view").options == ["Ask", "Check wording", "Sources"]
    at.button_group(key="view").set_value("Check wording").run()
    assert not at.exception
    assert at.text_area(key="check_text").value == ""
    assert cards(at) == []


# -- sources ------------------------------------------------------------------------------------------------


def test_sources_view_lists_each_article_with_its_metadata(app):
    at = app()
    at.button_group(key="view").set_value("Sources").run()
    listed = [h.value for h in at.html if h.value.startswith('<div class="qa-source-card"')]
    assert len(listed) == 2
    ketamine = next(h for h in listed if "Balanced Ketamine" in h)
    assert "Can You Have Other Medications With Ketamine Therapy?" in ketamine
    assert "14 passages" in ketamine
    assert "fca722767257717a835f9c4211fa658e0349dcf1656fc49da7757488725b2fdb" in ketamine
    assert any("Index built" in c.value for c in at.caption)
    assert not at.warning
    at.button(key="open-aureo").click().run()
    assert at.query_params["source"] == "aureo" and source_view(at)


def test_changed_corpus_shows_a_warning_and_rebuilds(monkeypatch, tmp_path):
    corpus, index = own_site(tmp_path)
    append_grapefruit(corpus)
    at = signed_in(page(monkeypatch, (corpus, index)))
    assert "The sources changed since the index was built" in at.warning[0].value
    at.button_group(key="view").set_value("Sources").run()
    assert f"{KETAMINE_FILE} changed" in at.warning[0].value.replace("\\", "")
    assert any("This file changed since the index was built" in h.value for h in at.html)
    at.button(key="rebuild").click().run()
    assert not at.warning
    assert "Indexed" in at.success[0].value
    at.button_group(key="view").set_value("Ask").run()
    at = ask(at, "grapefruit juice")
    assert any("grapefruit juice" in text_of(c) for c in cards(at))


def test_broken_index_says_so_and_rebuilds(monkeypatch, tmp_path):
    corpus, index = own_site(tmp_path)
    (index / "manifest.json").write_text("{not json", encoding="utf-8")
    at = page(monkeypatch, (corpus, index))
    assert not at.exception
    assert "corrupt" in at.error[0].value
    assert "rebuild-broken" not in [b.key for b in at.button]  # a reader cannot rebuild
    at = signed_in(at)
    at.button(key="rebuild-broken").click().run()
    assert not at.error
    assert "Indexed" in at.success[0].value
    assert cards(ask(at, "Can I take Xanax with ketamine?"))


def test_the_ask_view_offers_the_rebuild_where_it_says_the_index_is_out_of_date(monkeypatch, tmp_path):
    corpus, index = own_site(tmp_path)
    append_grapefruit(corpus)
    at = signed_in(page(monkeypatch, (corpus, index)))
    assert "Rebuilding the index includes the changes" in at.warning[0].value
    at.button(key="rebuild-ask").click().run()
    assert not at.warning and "Indexed" in at.success[0].value


def test_the_page_answers_from_an_index_rebuilt_elsewhere(monkeypatch, tmp_path):
    corpus, index = own_site(tmp_path)
    at = page(monkeypatch, (corpus, index))
    assert not [c for c in cards(ask(at, "grapefruit juice")) if "grapefruit" in text_of(c)]
    append_grapefruit(corpus)
    build_index(Config(corpus_dir=corpus, index_dir=index, model_name=FakeEmbedder.name), FakeEmbedder())  # "the CLI"
    at = ask(at, "grapefruit juice")
    assert not at.warning
    assert any("grapefruit juice" in text_of(c) for c in cards(at))


def loopback_as_the_web(monkeypatch) -> None:
    """The local test server stands in for a public web site (the page refuses loopback addresses otherwise)."""
    monkeypatch.setattr("indexer.ingest.convert.addresses.is_public_address", lambda ip: True)


def test_a_source_is_added_by_url_and_removed_in_the_sources_view(monkeypatch, tmp_path, site):
    corpus, index = own_site(tmp_path)
    loopback_as_the_web(monkeypatch)
    at = signed_in(page(monkeypatch, (corpus, index)))
    at.button_group(key="view").set_value("Sources").run()
    at.text_input(key="add_url").set_value(site.url("/article"))
    next(b for b in at.button if b.label == "Add the source").click().run()
    assert not at.exception and not at.error
    assert "Added “Ketamine and other medicines” as 'ketamine-and-other-medicines'" in at.success[0].value.replace(
        "\\", "")
    assert str(corpus) not in at.success[0].value and ".md" not in at.success[0].value  # no server paths
    card = next(h.value for h in at.html if "Ketamine and other medicines" in h.value and "qa-source-card" in h.value)
    assert site.url("/article") in card and "trafilatura" in card and "added " in card
    at.button_group(key="view").set_value("Ask").run()
    assert any("56 or 84 mg" in text_of(c) for c in cards(ask(at, "Intranasal esketamine dose")))
    at.button_group(key="view").set_value("Sources").run()
    at.button(key="remove-ketamine-and-other-medicines").click().run()
    assert "Removed “Ketamine and other medicines”" in at.success[0].value.replace("\\", "")
    assert not (corpus / "ketamine-and-other-medicines.md").exists()
    assert not any("Ketamine and other medicines" in h.value for h in at.html if "qa-source-card" in h.value)


def test_adding_a_bad_url_in_the_page_is_one_clear_message(monkeypatch, tmp_path, site):
    corpus, index = own_site(tmp_path)
    loopback_as_the_web(monkeypatch)
    at = signed_in(page(monkeypatch, (corpus, index)))
    at.button_group(key="view").set_value("Sources").run()
    at.text_input(key="add_url").set_value(site.url("/missing"))
    next(b for b in at.button if b.label == "Add the source").click().run()
    assert not at.exception
    assert "404" in at.error[0].value and "Traceback" not in at.error[0].value
    assert sorted(p.name for p in corpus.iterdir()) == sorted(p.name for p in CORPUS.iterdir())


# -- escaping -----------------------------------------------------------------------------------------------


@pytest.fixture
def evil_app(monkeypatch, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(EVIL_TEXT, encoding="utf-8")
    (corpus / "sources.toml").write_text(EVIL_TOML, encoding="utf-8")
    index = make_index(tmp_path, corpus)
    return lambda **params: page(monkeypatch, (corpus, index), **params)


def assert_no_markup_from_sources(at: AppTest) -> None:
    everything = "\n".join(h.value for h in at.html) + "\n".join(e.value for e in at.markdown)
    for raw in ("<script>alert", "<img src=x", "<b>bold", 'href="javascript'):
        assert raw not in everything


def test_source_text_with_markup_is_shown_as_text_in_cards(evil_app):
    at = ask(evil_app(), "Is ketamine safe with lamotrigine and benzodiazepines?")
    shown = "\n".join(cards(at))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "&lt;script&gt;alert(3)&lt;/script&gt; Clinic" in shown
    assert_no_markup_from_sources(at)


def test_source_text_with_markup_is_shown_as_text_in_the_source_and_sources_views(evil_app):
    at = evil_app(source="evil", start="0", end="21")
    doc = source_view(at)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc and "&lt;img src=x onerror=alert(1)&gt;" in doc
    assert any("Notes &lt;img src=x onerror=alert(2)&gt;" in h.value for h in at.html)
    assert_no_markup_from_sources(at)
    at.button(key="back").click().run()
    at.button_group(key="view").set_value("Sources").run()
    assert any("&lt;b&gt;bold&lt;/b&gt; &amp; more" in h.value for h in at.html)
    assert_no_markup_from_sources(at)


def test_markup_in_the_question_and_links_is_not_rendered(evil_app):
    at = evil_app(q="<img src=x onerror=alert(5)> ketamine?")
    assert_no_markup_from_sources(at)
    at = evil_app(source="<script>alert(6)</script>")
    assert at.error and "<script>" not in at.error[0].value


# -- the address: one history entry per view change, Back restores the view ---------------------------------


def sent_addresses(monkeypatch) -> list[str]:
    """Every address the page sends to the browser from now on (each one becomes a browser history entry)."""
    from streamlit.runtime.state.query_params import QueryParams

    sent: list[str] = []
    send = QueryParams._send_query_param_msg

    def counting(self) -> None:
        sent.append(urlencode(self._query_params, doseq=True))
        send(self)

    monkeypatch.setattr(QueryParams, "_send_query_param_msg", counting)
    return sent


def back(at: AppTest, **params: str) -> AppTest:
    """The browser's Back: the page runs again at the address it had before."""
    at.query_params.clear()
    at.query_params.update(params)
    return at.run()


def test_show_in_source_is_one_history_entry_and_back_shows_the_answer(app, monkeypatch):
    question = "Can I take Xanax with ketamine?"
    at = app(q=question)
    rank = next(i for i, c in enumerate(cards(at), 1) if BENZO in text_of(c))
    sent = sent_addresses(monkeypatch)
    at.button(key=f"show-{rank}").click().run()
    start, end = benzo_range()
    assert sent == [urlencode({"q": question, "source": "balanced-ketamine", "start": start, "end": end})]
    back(at, q=question)
    assert not at.error and any(BENZO in text_of(c) for c in cards(at))
    assert at.text_area(key="question").value == question


def test_the_view_is_in_the_address(app, monkeypatch):
    question = "Can I take Xanax with ketamine?"
    at = app(q=question)
    sent = sent_addresses(monkeypatch)
    at.button_group(key="view").set_value("Check wording").run()
    assert at.query_params == {"q": question, "view": "check"} and len(sent) == 1
    assert at.text_area(key="check_text") and cards(at) == []
    at.button_group(key="view").set_value("Sources").run()
    assert at.query_params["view"] == "sources"
    back(at, q=question, view="check")
    assert at.button_group(key="view").value == "Check wording" and at.text_area(key="check_text")
    back(at, q=question)
    assert at.button_group(key="view").value == "Ask" and cards(at)
    at.button_group(key="view").set_value("Sources").run()
    at.button_group(key="view").set_value("Ask").run()
    assert at.query_params == {"q": question}  # Ask needs no `view`: `?q=` links stay as they were


@pytest.mark.parametrize(("params", "view"), [({"view": "check"}, "Check wording"), ({"view": "sources"}, "Sources"),
                                              ({"view": "nonsense"}, "Ask"), ({}, "Ask"), ({"q": "ketamine"}, "Ask")])
def test_an_address_opens_its_view(app, params, view):
    at = app(**params)
    assert not at.exception
    assert at.button_group(key="view").value == view


def test_a_source_opened_from_a_view_goes_back_to_it(app):
    at = app(view="sources")
    at.button(key="open-aureo").click().run()
    assert at.query_params == {"view": "sources", "source": "aureo"} and source_view(at)
    at.button(key="back").click().run()
    assert at.query_params == {"view": "sources"}
    assert any(h.value.startswith('<div class="qa-source-card"') for h in at.html)


def test_the_draft_and_its_report_are_kept_across_a_source_view(app):
    at = app(view="check")
    at.text_area(key="check_text").input(BENZO)
    at.button(key="check_button").click().run()
    at.button(key="ck-open-1").click().run()
    assert at.query_params["view"] == "check" and at.query_params["source"] == "balanced-ketamine"
    assert source_view(at) and not at.text_area  # the draft box is not drawn while the source is read
    back(at, view="check")
    assert at.text_area(key="check_text").value == BENZO
    assert any('class="ck-summary"' in h.value for h in at.html)
    at.button_group(key="view").set_value("Sources").run()
    at.button_group(key="view").set_value("Check wording").run()
    assert at.text_area(key="check_text").value == BENZO


def test_back_to_an_earlier_question_puts_it_in_the_box(app):
    first, second = "Can I take Xanax with ketamine?", "Is lamotrigene ok with ketamine?"
    at = ask(ask(app(), first), second)
    assert at.query_params["q"] == second
    back(at, q=first)
    assert at.text_area(key="question").value == first
    assert any(BENZO in text_of(c) for c in cards(at))


def test_a_refused_question_stays_in_the_box(app):
    long = "ketamine " * 1000
    at = ask(app(), long)
    assert "the limit is 8,000" in at.error[0].value
    at.button_group(key="view").set_value("Sources").run()
    at.button_group(key="view").set_value("Ask").run()
    assert at.text_area(key="question").value == long


def test_the_question_box_is_a_text_area_that_enter_submits(app):
    at = app()
    box = at.text_area(key="question")
    assert box.label == "Your question" and "Press Enter to ask" in box.help
    script = next(h.value for h in at.html if "__qaQuestionInstalled" in h.value)
    assert 'textarea[aria-label="Your question"]' in script and "ctrlKey: true" in script and "focus()" in script


# -- Markdown sources (added PDFs, web pages, Word files) ---------------------------------------------------

ADDED_MD = """# Ketamine doses

The table below lists doses used in clinical studies of depression.

| Route | Dose |
|---|---|
| Intravenous | 0.5 mg/kg over 40 minutes |
| Intranasal esketamine <script>alert(1)</script> | 56 or 84 mg |

Before treatment, tell your doctor if you have:

- high blood pressure
- a history of psychosis
"""


@pytest.fixture(scope="module")
def md_site(tmp_path_factory) -> tuple[Path, Path]:
    """The corpus with an added Markdown source (as `python -m indexer add` writes them)."""
    root = tmp_path_factory.mktemp("md-site")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "ketamine-doses.md").write_text(ADDED_MD, encoding="utf-8")
    return corpus, make_index(root, corpus)


def test_an_added_markdown_source_shows_its_table_with_the_cited_cells_marked(monkeypatch, md_site):
    start = ADDED_MD.index("0.5 mg/kg")
    end = ADDED_MD.index("esketamine") + len("esketamine")
    at = page(monkeypatch, md_site, source="ketamine-doses", start=str(start), end=str(end))
    doc = source_view(at)
    assert '<td><mark id="qa-cited">0.5 mg/kg over 40 minutes</mark></td>' in doc
    assert "<td><mark>Intranasal esketamine</mark> &lt;script&gt;alert(1)&lt;/script&gt;</td>" in doc
    assert "<th>Route</th>" in doc and "<li>high blood pressure</li>" in doc and "<h3>Ketamine doses</h3>" in doc
    assert "|" not in text_of(doc) and "<script>" not in doc


def test_a_card_from_a_markdown_source_keeps_its_table(monkeypatch, md_site):
    at = page(monkeypatch, md_site, q="Intranasal esketamine dose in clinical studies")
    card = next(c for c in cards(at) if "56 or 84 mg" in c)
    assert "<table>" in card and "<td>56 or 84 mg</td>" in card
    assert "| Intravenous |" not in card
