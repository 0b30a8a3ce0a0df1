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


def test_the_verdict_thresholds_were_fitted_for_the_shipped_entailment_model():
    """The thresholds of indexer/check/data/verdict_thresholds.json were chosen on the readings of the model
    shipped beside them (a new model needs `python -m bench.fit_verdicts` again)."""
    import json

    from indexer.check.decide import THRESHOLDS_FILE, Thresholds
    from indexer.check.entailment import MODEL_FILE, data_file, file_sha256

    shipped = json.loads(data_file(THRESHOLDS_FILE).read_text(encoding="utf-8"))
    assert shipped["model_sha256"] == file_sha256(data_file(MODEL_FILE)), "Fit again: python -m bench.fit_verdicts"
    assert set(shipped["thresholds"]) == set(Thresholds().to_json())


@pytest.mark.slow
@pytest.mark.skipif(not (EXT / "claims" / "check_covid_train.jsonl").is_file(), reason="no ../shared/ext/claims")
def test_the_shipped_verdict_thresholds_give_the_dev_figures_recorded_with_them(tmp_path):
    """`python -m bench.fit_verdicts --check-only` reproduces the development figures the fit recorded."""
    import json
    import os
    import subprocess
    import sys

    from bench.common import REPO
    from indexer.check.decide import THRESHOLDS_FILE
    from indexer.check.entailment import data_file

    recorded = json.loads(data_file(THRESHOLDS_FILE).read_text(encoding="utf-8"))["dev_figures"]
    env = dict(os.environ, BENCH_CACHE_DIR=str(tmp_path / "cache"), HF_HUB_OFFLINE="1")
    done = subprocess.run([sys.executable, "-m", "bench.fit_verdicts", "--check-only"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[0]) == recorded
