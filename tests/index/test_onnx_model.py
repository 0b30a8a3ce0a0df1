"""The model run by ONNX Runtime gives PyTorch's vectors; without ONNX Runtime, or when its graph cannot be made,
the model runs with PyTorch; and an index keeps vectors only from the runtime that made them."""

from __future__ import annotations

import builtins
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from indexer.config import MODEL_NAME
from indexer.index import onnx_model, store, vectors
from indexer.index.build import build_index
from indexer.index.removal import LazyEmbedder
from tests.fakes import FakeEmbedder

TEXTS = [
    "Ketamine",
    "Can I take Xanax during ketamine infusions?",
    "Benzodiazepines such as Xanax (alprazolam) may blunt the antidepressant effect of ketamine, so doctors often "
    "ask patients to skip the evening dose before an infusion.",
    "Übelkeit – nausea – is common; 1–2 mg of ondansetron helps. " * 12,  # past the model's window: truncated
]


@pytest.mark.slow
def test_onnx_runtime_gives_the_vectors_pytorch_gives(real_embedder):
    if real_embedder.runtime != "onnxruntime":
        pytest.skip("ONNX Runtime could not run the model here (the log says why)")
    onnx = real_embedder.encode_passages(TEXTS)
    torch = real_embedder.model.encode(TEXTS, batch_size=1, normalize_embeddings=True, convert_to_numpy=True,
                                       show_progress_bar=False)
    assert onnx.shape == torch.shape == (len(TEXTS), real_embedder.dimension)
    assert np.abs(onnx - torch).max() < 1e-5
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-6)


@pytest.mark.slow
def test_without_onnx_runtime_the_model_runs_with_pytorch(real_embedder, monkeypatch):
    real_import = builtins.__import__

    def no_onnxruntime(name, *args, **kwargs):
        if name == "onnxruntime":
            raise ImportError("No module named 'onnxruntime'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_onnxruntime)
    weights = onnx_model.Path(onnx_model.__file__)  # any file: the import fails first
    assert onnx_model.onnx_session(lambda: real_embedder.model[0].auto_model, weights, 1) is None


@pytest.mark.slow
def test_a_graph_that_cannot_be_written_leaves_pytorch(real_embedder, monkeypatch, tmp_path, caplog):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("INDEXER_CACHE_DIR", str(blocker))
    from indexer.config import model_path
    weights = onnx_model.Path(model_path()) / "model.safetensors"
    assert onnx_model.onnx_session(lambda: real_embedder.model[0].auto_model, weights, 1) is None
    assert "runs with PyTorch" in caplog.text


def test_vectors_are_kept_only_from_an_index_built_by_the_same_runtime(fake_config):
    embedder = FakeEmbedder()
    embedder.runtime = "torch"
    build_index(fake_config, embedder)
    assert store.read_manifest(fake_config.index_dir)["model"]["runtime"] == "torch"
    same = vectors.kept_vectors(fake_config.index_dir, embedder.name, runtime="torch")
    assert len(same) > 0
    assert vectors.kept_vectors(fake_config.index_dir, embedder.name, runtime="onnxruntime") is vectors.NONE


def test_the_runtime_is_known_before_the_model_is_loaded():
    lazy = LazyEmbedder(MODEL_NAME)
    assert lazy.runtime == onnx_model.expected_runtime()
    assert lazy._model is None  # nothing was loaded to say it


@pytest.mark.slow
def test_the_tokenizer_gives_sentence_transformers_word_pieces(real_embedder):
    texts = [*TEXTS, "", "  leading and trailing  ", "\\ttabs\\tand\\u00a0no-break spaces", "日本語 😀 ﬁ", "x " * 600]
    for text in texts:
        expected = real_embedder.model.preprocess([text])
        got = real_embedder.tokenizer.encode(text)
        assert got.ids == expected["input_ids"][0].tolist()
        assert got.attention_mask == expected["attention_mask"][0].tolist()


@pytest.mark.slow
def test_asking_with_onnx_runtime_never_imports_pytorch(real_embedder):
    """The cold start of `ask` pays for ONNX Runtime only, not for importing PyTorch and sentence-transformers."""
    if real_embedder.runtime != "onnxruntime":
        pytest.skip("ONNX Runtime could not run the model here (the log says why)")
    script = ("import sys; from indexer.index.embedder import load_embedder; e = load_embedder(); "
              "e.encode_queries(['Can I take Xanax during ketamine infusions?']); "
              "print(e.runtime, 'torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.split() == ["onnxruntime", "False", "False"], done.stderr[-2000:]


@pytest.mark.slow
def test_a_damaged_cached_graph_is_exported_again(real_embedder, monkeypatch, tmp_path):
    monkeypatch.setenv("INDEXER_CACHE_DIR", str(tmp_path))
    from indexer.config import model_path
    weights = onnx_model.Path(model_path()) / "model.safetensors"
    graph = onnx_model.cache_dir() / f"{onnx_model.graph_key(weights)}.onnx"
    graph.parent.mkdir(parents=True)
    graph.write_bytes(b"half a graph")
    session = onnx_model.onnx_session(lambda: real_embedder.model[0].auto_model, weights, 1)
    assert session is not None and graph.stat().st_size > 1_000_000
