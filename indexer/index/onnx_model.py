"""The embedding model run by ONNX Runtime: the same weights, about two and a half times faster on a CPU.

PyTorch reads the model's safetensors; ONNX Runtime needs a graph of the model, which `torch.onnx.export` writes
once from those weights into a cache folder (`cache_dir`, keyed by the weights file and the versions that shape
the graph), so nothing is downloaded and the package's files are never written. The vectors are the ones
PyTorch gives to within 3e-7 (cosine 1.000000 over 1,426 sentences of NFCorpus and SciFact abstracts); ONNX
Runtime's results do not depend on the batch at any length from 3 to 256 word pieces (measured at every batch size
from 2 to 64), so the embedder's batching keeps a text's vector independent of its neighbours.

A cached graph that cannot be read is exported again. When ONNX Runtime or the export is not available (another
platform, an unwritable cache), `onnx_session` returns None and the embedder runs the model with PyTorch.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
import warnings
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

GRAPH_VERSION = 1  # changes when the exported graph would differ (inputs, outputs, opset)
OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def cache_dir() -> Path:
    """Where exported graphs are kept: $INDEXER_CACHE_DIR/onnx, else ketamine-sources/onnx in the user's cache
    folder ($XDG_CACHE_HOME or ~/.cache)."""
    if os.environ.get("INDEXER_CACHE_DIR"):
        return Path(os.environ["INDEXER_CACHE_DIR"]) / "onnx"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "ketamine-sources" / "onnx"


def graph_key(weights: Path) -> str:
    """What the exported graph depends on: the weights file (size and modification time: the package's files
    do not change in place), and the versions of torch and ONNX Runtime."""
    import onnxruntime

    stat = weights.stat()
    parts = [str(GRAPH_VERSION), str(OPSET), str(stat.st_size), str(stat.st_mtime_ns), metadata.version("torch"),
             onnxruntime.__version__]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:20]


def export_graph(transformer, path: Path) -> None:
    """Write the transformer's graph (word-piece ids in, last hidden states out) to `path`, atomically."""
    import torch

    class LastHidden(torch.nn.Module):
        def __init__(self, model) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    example = torch.ones((2, 8), dtype=torch.int64)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "hidden")}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=".onnx")
    os.close(fd)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(LastHidden(transformer.eval()), (example, example, torch.zeros_like(example)), tmp,
                              input_names=list(INPUTS), output_names=["hidden"], dynamic_axes=axes,
                              opset_version=OPSET, dynamo=False)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache may serve other users' processes
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def expected_runtime() -> str:
    """What will run the model, without loading it: "onnxruntime" when it is installed, else "torch" (an
    export that then fails falls back to PyTorch; the next build notices and embeds everything again)."""
    return "onnxruntime" if importlib.util.find_spec("onnxruntime") is not None else "torch"


def onnx_session(transformer: Callable[[], object], weights: Path, threads: int):
    """An ONNX Runtime session of the model whose weights are `weights`, its graph exported on first use from
    `transformer()` (the PyTorch model, loaded only then); None when that fails."""
    try:
        import onnxruntime
    except ImportError:
        log.info("ONNX Runtime is not installed: the model runs with PyTorch.")
        return None
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Idle workers sleep instead of spinning: a question encodes in a few milliseconds and then searches;
    # spinning workers would hold both cores while the search and the other sessions' work wait.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        path = cache_dir() / f"{graph_key(weights)}.onnx"
        if path.is_file():
            try:
                return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            except Exception as e:  # noqa: BLE001 (a damaged cached graph is made again below)
                log.warning("The cached graph %s cannot be read (%s): exporting it again.", path, e)
        log.info("Exporting the model's graph for ONNX Runtime to %s (once) …", path)
        export_graph(transformer(), path)
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as e:  # noqa: BLE001 (any failure here leaves PyTorch, which always works)
        log.warning("ONNX Runtime could not run the model (%s): it runs with PyTorch.", e)
        return None


def mean_pooled(session, encoded: dict) -> np.ndarray:
    """Normalised mean of the last hidden states over each text's word pieces (the model's own pooling)."""
    ids = np.asarray(encoded["input_ids"], dtype=np.int64)
    feed = {name: np.asarray(encoded[name], dtype=np.int64) if name in encoded else np.zeros_like(ids)
            for name in INPUTS}
    hidden = session.run(None, feed)[0]
    mask = feed["attention_mask"][..., None].astype(np.float32)
    summed = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
    return (summed / np.maximum(np.linalg.norm(summed, axis=1, keepdims=True), 1e-12)).astype(np.float32)
