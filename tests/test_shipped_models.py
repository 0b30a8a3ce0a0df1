"""The models shipped in indexer/ask/ are what their fitting scripts give on the current code: a change to the
question reading or to the evidence that moves the fitted weights must come with the models fitted again (the
README's figures are those of the fitted models). Skipped when ../shared/ext is absent."""

from __future__ import annotations

import pytest

from bench import fit_coverage, fit_rerank
from bench.common import DEFAULT_EXT
from indexer.ask.coverage import CoverageModel, Evidence
from indexer.ask.rerank import RerankModel

EXT = DEFAULT_EXT
TOLERANCE = 0.01  # the fits are deterministic; this only absorbs the last bits of floating point

pytestmark = pytest.mark.skipif(not (EXT / "medicationqa" / "dev.jsonl").is_file(),
                                reason="the external development data (../shared/ext) is not here")


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("fitting")  # both scripts' indexes, built once


def test_the_shipped_rerank_model_is_what_fit_rerank_fits(work):
    fitted = fit_rerank.fit_shipped(fit_rerank.gather(EXT, work))
    shipped = RerankModel.load()
    assert fitted.weights == pytest.approx(shipped.weights, abs=TOLERANCE), \
        "Fit the rerank model again: python bench/fit_rerank.py"


def test_the_shipped_coverage_model_is_what_fit_coverage_fits(work):
    fitted = fit_coverage.fit_shipped(fit_coverage.gather(EXT, work))
    shipped = CoverageModel.load()
    assert [fitted.weights[f] for f in Evidence.FEATURES] == pytest.approx(
        [shipped.weights[f] for f in Evidence.FEATURES], abs=TOLERANCE), \
        "Fit the coverage model again: python bench/fit_coverage.py"
    assert fitted.bias == pytest.approx(shipped.bias, abs=TOLERANCE) and fitted.threshold == shipped.threshold
