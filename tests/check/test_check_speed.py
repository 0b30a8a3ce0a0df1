"""The check-speed figures of bench/speed.py: measured on a built index, whose spans the check never embeds."""

from __future__ import annotations

from bench.speed import check_drafts, check_speed
from indexer import build_index
from tests.fakes import FakeEmbedder


def test_check_speed_reports_time_per_sentence_and_no_span_embedded(fake_config):
    build_index(fake_config, FakeEmbedder())
    drafts = ["Ketamine cures every illness overnight. Both ketamine and SSRIs work together.",
              "Benzodiazepines are safe at any dose."]
    figures = check_speed(fake_config, FakeEmbedder(), runs=2, drafts=drafts)
    assert figures["sentences"] == 3
    assert figures["spans_embedded"] == 0
    assert figures["first_call_ms"] > 0 and figures["per_sentence_ms"] > 0


def test_the_seed_drafts_are_read_as_written():
    drafts = check_drafts()
    assert len(drafts) >= 5
    assert all(draft.strip() for draft in drafts)
