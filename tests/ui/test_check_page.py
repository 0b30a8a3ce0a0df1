"""The "Check wording" view (ui.check.render_check), driven by Streamlit's AppTest with the fake embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indexer import Config, build_index
from indexer.check.checker import check
from tests.conftest import CORPUS
from tests.fakes import FakeEmbedder
from ui.check_html import draft_html, sentence_html, source_link

BENZO = "Benzodiazepine is okay when taken in moderate doses, but the higher the dose, the worse its effects are."
DRAFT = f"{BENZO} {BENZO.replace('moderate', 'high')} Patients should drink two liters of water before <b>each</b> infusion."


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[str, str]:
    root = tmp_path_factory.mktemp("check-site")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = root / "index"
    build_index(Config(corpus_dir=corpus, index_dir=index, model_name=FakeEmbedder.name), FakeEmbedder())
    return str(corpus), str(index)


def page(corpus: str, index: str) -> None:
    """The script AppTest runs: the view alone, on an engine with the fake embedder."""
    import streamlit as st

    import ui.check
    from indexer import Config, Engine
    from tests.fakes import FakeEmbedder

    @st.cache_resource
    def engine(corpus: str, index: str):
        return Engine.open(Config(corpus_dir=corpus, index_dir=index, model_name=FakeEmbedder.name),
                           embedder=FakeEmbedder(), build=False)

    ui.check.render_check(engine(corpus, index))


@pytest.fixture
def rule_checker(rule_thresholds):
    """The page's checker made with `rule_thresholds` (its cache emptied before and after)."""
    import ui.check

    ui.check.wording_checker.clear()
    yield rule_thresholds
    ui.check.wording_checker.clear()


@pytest.fixture
def app(site) -> AppTest:
    at = AppTest.from_function(page, args=site, default_timeout=60)
    return at.run()


def html_of(at: AppTest) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


def test_the_view_starts_empty(app):
    assert not app.exception
    assert app.text_area(key="check_text").value == ""
    assert "ck-summary\">" not in html_of(app)


def test_a_draft_is_checked_sentence_by_sentence(app):
    app.text_area(key="check_text").input(DRAFT)
    app.button(key="check_button").click().run()
    assert not app.exception
    body = html_of(app)
    assert '<span class="ck-badge ck-verbatim">1 verbatim</span>' in body
    assert '<span class="ck-badge ck-changed">1 changed</span>' in body
    assert '<span class="ck-badge ck-unsupported">1 unsupported</span>' in body
    assert "1 meaning change<" in body
    assert '<span class="ck-meaning"><del>moderate</del><ins>high</ins></span>' in body
    assert "&lt;b&gt;each&lt;/b&gt;" in body and "<b>each</b>" not in body
    assert "?source=balanced-ketamine&amp;start=" in body
    labels = [b.label for b in app.button]
    assert labels.count("Open in source") == 2
    assert [d.proto.label for d in app.get("download_button")] == ["Download report (Markdown)",
                                                                    "Download report (CSV)"]


def test_open_in_source_sets_the_link(app):
    app.text_area(key="check_text").input(BENZO)
    app.button(key="check_button").click().run()
    app.button(key="ck-open-1").click().run()
    assert app.query_params["source"] == "balanced-ketamine"
    start, end = int(app.query_params["start"]), int(app.query_params["end"])
    assert (CORPUS / "000_c89290b5e323cd66.txt").read_text(encoding="utf-8")[start:end] == BENZO


def test_the_filter_hides_verdicts(app):
    app.text_area(key="check_text").input(DRAFT)
    app.button(key="check_button").click().run()
    app.get("button_group")[0].set_value(["unsupported"]).run()
    assert not app.exception
    assert [b.key for b in app.button if b.key.startswith("ck-open")] == []


@pytest.mark.parametrize("draft, message", [
    ("", "The draft is empty"),
    ("--- ... !!!", "no sentence"),
])
def test_errors_are_shown_not_raised(app, draft, message):
    app.text_area(key="check_text").input(draft)
    app.button(key="check_button").click().run()
    assert not app.exception
    assert message in app.error[0].value


def test_html_escapes_draft_and_source_text(fake_engine):
    draft = 'A <script>alert(1)</script> "quoted" & more. ' + BENZO.replace("moderate", "<i>high</i>")
    report = check(fake_engine, draft)
    body = draft_html(report) + "".join(sentence_html(n, s) for n, s in enumerate(report.sentences, 1))
    assert "<script>" not in body and "<i>" not in body
    assert "&lt;script&gt;" in body and "&lt;i&gt;high&lt;/i&gt;" in body
    changed = report.sentences[-1]
    assert source_link(changed) == f"?source=balanced-ketamine&start={changed.span.start}&end={changed.span.end}"


def test_report_links_open_exact_characters(fake_engine):
    report = check(fake_engine, BENZO)
    s = report.sentences[0]
    text = Path(fake_engine.config.corpus_dir, "000_c89290b5e323cd66.txt").read_text(encoding="utf-8")
    assert text[s.span.start : s.span.end] == BENZO


def test_a_conflicting_sentence_is_listed_first_and_marked_on_both_sides(rule_checker, app):
    app.text_area(key="check_text").input("Memantine is safe to take during ketamine infusion therapy.")
    app.button(key="check_button").click().run()
    assert not app.exception
    body = html_of(app)
    summary = body[body.index('class="ck-summary"'):]
    assert summary.index("conflicts</span>") < summary.index("verbatim</span>")
    assert '<span class="ck-badge ck-conflicts">1 conflicts</span>' in body
    assert '<span class="ck-meaning">safe</span>' in body and '<span class="ck-meaning">avoid</span>' in body
    assert ".ck-conflicts {" in body
