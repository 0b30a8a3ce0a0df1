"""Links to a range of a source: checked before anything is read or shown. The view in the address."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.errors import IndexerError
from ui.links import (
    SOURCE_PARAMS,
    VIEWS,
    LinkError,
    changed_address,
    link_params,
    open_link,
    parse_range,
    view_of,
    view_param,
)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("5", None, "needs both start and end"),
        (None, "5", "needs both start and end"),
        ("x", "5", "start must be a whole number"),
        ("1", "-5", "end must be a whole number"),
        ("1.5", "5", "start must be a whole number"),
        ("٣", "5", "start must be a whole number"),  # a non-ASCII digit
        ("9", "9", "start must be smaller than end"),
        ("10", "101", "runs past the end of the source, which has 100 characters"),
    ],
)
def test_bad_ranges_are_refused_with_the_rule(start, end, message):
    with pytest.raises(LinkError, match=message):
        parse_range(start, end, 100)


def test_good_ranges():
    assert parse_range("0", "100", 100) == (0, 100)
    assert parse_range(" 3 ", "7", 100) == (3, 7)
    assert parse_range(None, None, 100) is None
    assert parse_range("", "", 100) is None


def test_a_citation_link_opens_exactly_its_passage(fake_engine):
    hit = fake_engine.ask("Can I take Xanax with ketamine?").hits[0]
    citation = fake_engine.citation(hit)
    view = open_link(fake_engine, link_params(citation))
    assert view.text[slice(*view.cited)] == hit.passage.text
    assert view.heading == hit.passage.heading
    assert not view.changed


@pytest.mark.parametrize("source", ["", "nope", "../corpus/sources.toml", "000_c89290b5e323cd66.txt"])
def test_unknown_sources_are_refused(fake_engine, source):
    with pytest.raises(IndexerError, match="no source"):
        open_link(fake_engine, {"source": source})


def test_a_file_changed_since_the_build_is_flagged(fake_engine, fake_config):
    record = fake_engine.index.sources[0]
    path = fake_config.corpus_dir / record.file
    path.write_text("Changed.\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert open_link(fake_engine, {"source": record.source_id}).changed


# -- any link at all: a one-line refusal or a view, never anything else ------------------------------------

LONG_DIGITS = st.builds(lambda digit, count: digit * count, st.sampled_from("0123456789"), st.integers(1, 6000))
NUMBERS = st.one_of(st.none(), st.text(max_size=30), st.integers(-10, 10**6).map(str), LONG_DIGITS,
                    st.builds(lambda a, b: f" {a}{b} ", LONG_DIGITS, st.text(max_size=3)))


@settings(max_examples=300, deadline=None)
@given(start=NUMBERS, end=NUMBERS, length=st.integers(0, 10**6))
def test_parse_range_refuses_any_bad_range_with_a_link_error(start, end, length):
    try:
        span = parse_range(start, end, length)
    except LinkError as e:
        assert len(str(e).splitlines()) == 1 and len(str(e)) < 400
        return
    assert span is None or 0 <= span[0] < span[1] <= length


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["source", "start", "end", "q", "x"]),
                              st.one_of(st.sampled_from(["aureo", "balanced-ketamine", "../sources.toml"]),
                                        st.text(max_size=40), NUMBERS.filter(lambda v: v is not None))))
def test_open_link_never_raises_anything_but_a_one_line_indexer_error(fake_engine, params):
    try:
        view = open_link(fake_engine, params)
    except IndexerError as e:
        assert len(str(e).splitlines()) == 1
        return
    assert view.cited is None or view.text[slice(*view.cited)]


# -- the view and the address -------------------------------------------------------------------------------


def test_the_view_of_an_address():
    assert view_of({}) == view_of({"q": "ketamine"}) == view_of({"source": "aureo"}) == "Ask"  # links without view
    assert view_of({"view": "check"}) == "Check wording" and view_of({"view": " Sources "}) == "Sources"
    assert view_of({"view": "<script>"}) == view_of({"view": ""}) == "Ask"
    assert [view_param(v) for v in VIEWS.values()] == [None, "check", "sources"]


def test_an_address_changes_in_one_step_and_keeps_its_order():
    opened = changed_address({"q": "x", "view": "check"}, {"source": "aureo", "start": "1", "end": "9"})
    assert list(opened.items()) == [("q", "x"), ("view", "check"), ("source", "aureo"), ("start", "1"), ("end", "9")]
    assert changed_address(opened, dict.fromkeys(SOURCE_PARAMS)) == {"q": "x", "view": "check"}
    assert list(changed_address(opened, {"q": "y", "view": None})) == ["q", "source", "start", "end"]
    assert changed_address({"source": "aureo", "start": "5"}, {"source": "aureo", "start": None, "end": None}) == {
        "source": "aureo"}
