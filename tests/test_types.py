"""The shared plain types (`indexer.types`): modes that read and compare as their strings, a manifest that reads
and writes the index's file as it is, a hit that carries its citation, and the old import paths."""

from __future__ import annotations

import dataclasses
import json

import pytest

from indexer import Config, ConfigError, build_index
from indexer.index import store
from indexer.types import (
    Citation,
    Fusion,
    Hit,
    IndexState,
    Manifest,
    Passage,
    Ranked,
    SourceRecord,
    Span,
    Verdict,
)
from tests.fakes import FakeEmbedder

MODES = [(IndexState, "index state", ["missing", "stale", "broken", "current", "foreign"]),
         (Fusion, "fusion", ["scores", "rrf"]),
         (Verdict, "verdict", ["conflicts", "verbatim", "changed", "paraphrase", "unsupported"])]


@pytest.mark.parametrize(("mode", "setting", "values"), MODES)
def test_a_mode_is_its_string(mode, setting, values):
    assert [m.value for m in mode] == values
    for value in values:
        assert mode.from_str(value) == value and mode.from_str(value) is mode(value)
        assert json.dumps({"mode": mode.from_str(value)}) == json.dumps({"mode": value})
        assert f"{mode.from_str(value)}" == value


@pytest.mark.parametrize(("mode", "setting", "values"), MODES)
def test_an_unknown_mode_names_the_allowed_ones(mode, setting, values):
    with pytest.raises(ConfigError, match=rf"^{setting} must be one of {', '.join(values)}\. Got 'x'\.$"):
        mode.from_str("x")


def test_config_reads_its_fusion_as_a_mode():
    assert Config(fusion="rrf").fusion is Fusion.RRF
    assert Config().fusion == "scores" and Config(fusion="rrf") == Config(fusion=Fusion.RRF)
    with pytest.raises(ConfigError, match=r"fusion must be one of scores, rrf\. Got 'sum'\."):
        Config(fusion="sum")


def test_a_hit_carries_its_citation_and_its_candidates_scores():
    passage = Passage("s", 3, 9, "is put", ("Heading",))
    citation = Citation("s", "Title", "Publisher", "corpus/s.txt", 3, 9, ("Heading",))
    ranked = Ranked(7, 0.9, 0.8, 2.5, 1, None)
    hit = Hit(passage, citation, ranked)
    assert (hit.number, hit.score, hit.dense_score, hit.sparse_score, hit.dense_rank, hit.sparse_rank) == (
        7, 0.9, 0.8, 2.5, 1, None)
    assert hit.citation is citation


@pytest.mark.parametrize("cls", [Passage, Span, SourceRecord, Citation, Ranked, Hit, Manifest])
def test_the_shared_types_are_frozen(cls):
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen


def test_the_old_import_paths_give_the_shared_types():
    from indexer.ask.engine import Citation as engine_citation
    from indexer.ask.search import Hit as search_hit
    from indexer.ask.search import Ranked as search_ranked
    from indexer.check.spans import Span as check_span
    from indexer.index.store import SourceRecord as store_record
    from indexer.ingest.passages import Passage as ingest_passage

    assert (engine_citation, search_hit, search_ranked, check_span, store_record, ingest_passage) == (
        Citation, Hit, Ranked, Span, SourceRecord, Passage)


def test_a_manifest_reads_and_writes_its_file_byte_for_byte(fake_config):
    build_index(fake_config, FakeEmbedder())  # the drug dictionary is exported: its version follows the build id
    first = (store.version_dir(fake_config.index_dir) / store.MANIFEST).read_text(encoding="utf-8")
    build_index(fake_config, FakeEmbedder(), force=True)  # ... and copied: its version comes before the build id
    second = (store.version_dir(fake_config.index_dir) / store.MANIFEST).read_text(encoding="utf-8")
    for text in (first, second):
        data = json.loads(text)
        assert json.dumps(Manifest.from_json(data).to_json(), ensure_ascii=False, indent=1) == text
        assert list(data)[:8] == ["format_version", "model", "libraries", "corpus", "counts", "settings",
                                  "dense_index", "built_at"]
    assert list(json.loads(first))[8:] == ["build_id", "drug_names_version", "files"]
    assert list(json.loads(second))[8:] == ["drug_names_version", "build_id", "files"]
    loaded = store.load(fake_config.index_dir, FakeEmbedder.name)
    assert loaded.manifest.to_json() == json.loads(second)
    assert loaded.manifest.model.runtime == "" and loaded.manifest.counts["passages"] == len(loaded.passages)
    assert loaded.manifest.get("counts") == json.loads(second)["counts"]  # as the file has it
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.manifest.build_id = "x"


def test_an_answer_gives_its_json_without_being_handed_citations(fake_engine):
    answer = fake_engine.ask("Can I take Xanax with ketamine?", k=3)
    assert answer.to_json() == fake_engine.to_json(answer)
    for hit, result in zip(answer.hits, answer.to_json()["results"], strict=True):
        assert fake_engine.citation(hit) is hit.citation
        assert (result["source_id"], result["start"], result["end"]) == (
            hit.citation.source_id, hit.citation.start, hit.citation.end)
        assert hit.passage == fake_engine.index.passages[hit.number]
