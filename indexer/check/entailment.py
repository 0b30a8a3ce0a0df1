"""The wording check's sentence-pair judge: does a source span entail a draft sentence, contradict it, or
neither? A cross-encoder (all-MiniLM-L6-v2's weights fine-tuned on sentence pairs by
`python -m bench.entailment.train`; card in data/entailment_card.json) that reads the span and the sentence
together, run by ONNX Runtime from an int8 graph shipped in data/ (no PyTorch at check time).

    model = EntailmentModel.load()
    model.judge([("Benzodiazepine is okay in moderate doses.", "Benzodiazepines are safe at any dose.")])
    # -> array([[p_entailment, p_neutral, p_contradiction]])

Pairs are the model's word pieces "[CLS] span [SEP] sentence [SEP]" (the span's segment 0, the sentence's 1),
cut to MAX_LENGTH pieces (the longer side first). Each pair is read alone: the int8 graph quantises its activations
per call, over the whole batch, so a pair read in a batch would get probabilities that depend on the other pairs
(and a sentence's verdict on the rest of the draft).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from indexer.errors import ConfigError

log = logging.getLogger(__name__)

LABELS = ("entailment", "neutral", "contradiction")
MAX_LENGTH = 160  # word pieces of a pair, both sides and the three special tokens
MODEL_FILE = "entailment.onnx"
CARD_FILE = "entailment_card.json"
BATCH = 1  # see the module's docstring


def pair_tokenizer(max_length: int = MAX_LENGTH):
    """The model's own word-piece tokenizer (`tokenizers`, from the bundled model's tokenizer.json), set to cut a
    pair to `max_length` pieces, the longer side first, without padding."""
    from tokenizers import Tokenizer

    from indexer.config import model_path

    tokenizer = Tokenizer.from_file(str(Path(model_path()) / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
    return tokenizer


def encode_pairs(tokenizer, pairs: Sequence[tuple[str, str]]) -> dict[str, np.ndarray]:
    """The model's three inputs for (premise, hypothesis) pairs, padded to the longest pair (int64)."""
    encoded = tokenizer.encode_batch([(p, h) for p, h in pairs])
    width = max((len(e.ids) for e in encoded), default=0)
    ids = np.zeros((len(encoded), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for row, e in enumerate(encoded):
        n = len(e.ids)
        ids[row, :n] = e.ids
        mask[row, :n] = 1
        types[row, :n] = e.type_ids
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def data_file(name: str) -> Path:
    return Path(str(resources.files("indexer.check").joinpath(f"data/{name}")))


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class EntailmentModel:
    """A loaded judge: an ONNX Runtime session and the pair tokenizer. Read-only; safe to share."""

    session: object
    tokenizer: object
    labels: tuple[str, ...] = LABELS

    @classmethod
    def load(cls, path: Path | None = None, threads: int = 0) -> EntailmentModel:
        """The shipped model (or the ONNX file at `path`); ConfigError when it cannot be loaded."""
        try:
            import onnxruntime
        except ImportError as e:
            raise ConfigError("ONNX Runtime is not installed; the wording check needs it. Run `make install`.") from e
        path = Path(path) if path is not None else data_file(MODEL_FILE)
        if not path.is_file():
            raise ConfigError(f"The wording check's model {path.name} is missing. Reinstall the project "
                              "(`make install`), or train it with `python -m bench.entailment.train`.")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        try:
            session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as e:  # a damaged file: onnxruntime raises its own exception types
            raise ConfigError(f"The wording check's model {path.name} cannot be loaded ({e}). Reinstall the "
                              "project (`make install`).") from e
        return cls(session, pair_tokenizer())

    def judge(self, pairs: Sequence[tuple[str, str]], batch: int = BATCH) -> np.ndarray:
        """Probabilities (entailment, neutral, contradiction) for each (source span, draft sentence) pair."""
        out = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        if not pairs:
            return out
        lengths = [len(p) + len(h) for p, h in pairs]
        order = sorted(range(len(pairs)), key=lambda k: lengths[k])
        for first in range(0, len(order), batch):
            rows = order[first : first + batch]
            inputs = encode_pairs(self.tokenizer, [pairs[k] for k in rows])
            logits = self.session.run(["logits"], inputs)[0]
            out[rows] = softmax(np.asarray(logits, dtype=np.float32))
        return out


def load_card() -> dict:
    return json.loads(data_file(CARD_FILE).read_text(encoding="utf-8"))
