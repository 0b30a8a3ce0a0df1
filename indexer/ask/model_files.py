"""The fitted models' files (`coverage_model.json`, `rerank_model.json`): JSON, shipped in this package and
written by their fitting scripts under `bench/`."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path


def model_json(path: Path | None, packaged: str):
    """The parsed JSON of the model file at `path`, or of the one shipped with the package (`packaged`). Raises
    OSError or ValueError when it cannot be read; the caller says which model and how to re-create it."""
    if path is None:
        text = resources.files("indexer.ask").joinpath(packaged).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return json.loads(text)
