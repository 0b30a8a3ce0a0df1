"""Ship the trained entailment model small: exported to ONNX, quantised to int8 with care, checked against the
float model, and written with its card.

    python -m bench.entailment.export [--weights .cache/entailment/final/model.safetensors]

1. The trained weights (`train.py`'s OUT/final) are exported to an ONNX graph (word-piece ids, mask and segment
   ids in; the three labels' logits out).
2. The graph is quantised with ONNX Runtime's dynamic int8 quantisation, per output channel, weights only (the
   activations are quantised per batch at run time). Plain per-tensor quantisation changed the label of many
   pairs; per channel, the matrices whose quantisation changes the most labels on held-out pairs are kept in
   float (tried in the order of `CANDIDATE_EXCLUSIONS`, each only while the file stays under `MAX_MB`).
3. The int8 model must give the float model's label on at least `MIN_AGREEMENT` of the held-out pairs (all held
   out sets of `data.py`); its held-out figures are measured with ONNX Runtime, as the check runs it.
4. `indexer/check/data/entailment.onnx` and `entailment_card.json` (data, sizes, settings, held-out figures,
   agreement, the file's SHA-256) are written together; `tests/check/test_entailment_model.py` ties them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.entailment import data
from bench.entailment.train import OUT, evaluate_probs
from indexer.check.entailment import (
    CARD_FILE,
    LABELS,
    MAX_LENGTH,
    MODEL_FILE,
    EntailmentModel,
    data_file,
    file_sha256,
)

log = logging.getLogger("bench.entailment.export")

MIN_AGREEMENT = 0.98
MAX_MB = 30.0
SEARCH_PAIRS = 1500  # held-out pairs each quantisation is tried on (the chosen one is then checked on all)
OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def load_trained(weights: Path):
    import torch
    from safetensors.torch import load_file

    from bench.entailment.model import base_model

    model = base_model()
    state = load_file(str(weights))
    if any(k.startswith("model.") for k in state):  # a checkpoint: the model's tensors carry a prefix
        state = {k[len("model."):]: v for k, v in state.items() if k.startswith("model.")}
    model.load_state_dict(state)
    model.eval()
    torch.set_grad_enabled(False)
    return model


def export_float(model, path: Path) -> None:
    import torch

    example = torch.ones((2, 8), dtype=torch.int64)
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS} | {"logits": {0: "batch"}}
    torch.onnx.export(model, (example, example, torch.zeros_like(example)), str(path), input_names=list(INPUTS),
                      output_names=["logits"], dynamic_axes=axes, opset_version=OPSET, dynamo=False)


def matmul_groups(path: Path) -> dict[str, list[str]]:
    """The graph's MatMul nodes by the kind of matrix they multiply with (attention projections, the attention
    output, the feed-forward input and output, the classifier), for keeping a kind in float."""
    import onnx

    graph = onnx.load(str(path)).graph
    groups: dict[str, list[str]] = {}
    for node in graph.node:
        if node.op_type != "MatMul":
            continue
        name = node.name
        kind = ("classifier" if "classifier" in name else "ffn_out" if "output/dense" in name and "attention" not in name
                else "ffn_in" if "intermediate" in name else "attn_out" if "attention/output" in name
                else "attn_qkv" if "attention/self" in name else "other")
        groups.setdefault(kind, []).append(name)
    return groups


CANDIDATE_EXCLUSIONS = ((), ("classifier",), ("classifier", "attn_out"), ("classifier", "ffn_out"),
                        ("classifier", "attn_out", "ffn_out"))


def quantize(src: Path, dst: Path, exclude: list[str]) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), op_types_to_quantize=["MatMul", "Gather"], per_channel=True,
                     weight_type=QuantType.QInt8, nodes_to_exclude=exclude)


def held_out_pairs(split: data.Split) -> list[tuple[str, str]]:
    return [(p.premise, p.hypothesis) for pairs in split.held_out.values() for p in pairs]


def export(weights: Path, metrics_file: Path, target: Path, card_file: Path, threads: int) -> dict:
    split = data.build(seed=json.loads(metrics_file.read_text())["settings"]["seed"]) if metrics_file.exists() \
        else data.build()
    pairs = held_out_pairs(split)
    sample = sorted(np.random.default_rng(0).choice(len(pairs), min(SEARCH_PAIRS, len(pairs)), replace=False))
    model = load_trained(weights)
    with tempfile.TemporaryDirectory() as folder:
        float_path = Path(folder) / "float.onnx"
        export_float(model, float_path)
        reference = EntailmentModel.load(float_path, threads=threads).judge(pairs)
        groups = matmul_groups(float_path)
        chosen = None
        for kinds in CANDIDATE_EXCLUSIONS:
            exclude = [n for kind in kinds for n in groups.get(kind, [])]
            candidate = Path(folder) / f"int8-{len(exclude)}.onnx"
            quantize(float_path, candidate, exclude)
            size = candidate.stat().st_size / 1e6
            quantised = EntailmentModel.load(candidate, threads=threads)
            tried = quantised.judge([pairs[k] for k in sample])
            agreement = float(np.mean(tried.argmax(1) == reference[sample].argmax(1)))
            log.info("int8 keeping %s in float: %.1f MB, agrees with float on %.4f of %d held-out pairs",
                     list(kinds) or "nothing", size, agreement, len(sample))
            if size > MAX_MB or agreement < MIN_AGREEMENT:
                continue
            probs = quantised.judge(pairs)
            agreement = float(np.mean(probs.argmax(1) == reference.argmax(1)))
            log.info("... and on %.4f of all %d", agreement, len(pairs))
            if agreement >= MIN_AGREEMENT:
                chosen = (candidate, list(kinds), size, agreement, probs)
                break
        if chosen is None:
            raise SystemExit(f"No quantisation kept {MIN_AGREEMENT:.0%} agreement under {MAX_MB} MB.")
        candidate, kinds, size, agreement, probs = chosen
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(candidate.read_bytes())
        os.replace(tmp, target)
    figures = evaluate_probs(split.held_out, probs)
    trained = json.loads(metrics_file.read_text(encoding="utf-8")) if metrics_file.exists() else {}
    card = {
        "about": "The wording check's sentence-pair judge: all-MiniLM-L6-v2 (Apache-2.0) fine-tuned as a "
                 "cross-encoder on (source span, draft sentence) pairs; labels entailment / neutral / "
                 "contradiction. Trained by `python -m bench.entailment.train`, exported by "
                 "`python -m bench.entailment.export`.",
        "file": MODEL_FILE,
        "sha256": file_sha256(target),
        "megabytes": round(size, 2),
        "labels": list(LABELS),
        "max_length": MAX_LENGTH,
        "inputs": list(INPUTS),
        "quantisation": {"method": "ONNX Runtime dynamic int8, per channel, MatMul and Gather weights",
                         "kept_in_float": kinds, "agreement_with_float": round(agreement, 4),
                         "held_out_pairs": len(pairs),
                         # the label of every held-out pair (data.build order), by the float and the shipped model:
                         # 0 entailment, 1 neutral, 2 contradiction
                         "float_labels": "".join(str(int(k)) for k in reference.argmax(1)),
                         "shipped_labels": "".join(str(int(k)) for k in probs.argmax(1))},
        "data": {
            "training_pairs": trained.get("training_pairs"),
            "training_sizes": trained.get("training_sizes"),
            "held_out_sizes": {k: len(v) for k, v in split.held_out.items()},
            "sources": {
                "snli": "SNLI dev split for training, 2,000 test pairs held out (Bowman et al., 2015; CC BY-SA 4.0)",
                "counterfactual": "Counterfactually revised NLI, train and dev for training, test held out "
                                  "(Kaushik et al., 2020; Apache-2.0)",
                "negation": "Negation NLI, a fifth of the premises held out (Hossain et al., 2020; MIT)",
                "check-covid": "Check-COVID training claims against their evidence (Wang et al., 2023; MIT): "
                               "abstracts split in five parts by hash, part 0 held out, part 1 for the verdict "
                               "thresholds, parts 2-4 trained on",
                "generated": "minimal pairs made by bench/entailment/minimal_pairs.py from the seed articles, "
                             "MedicationQA answer documents (Ben Abacha et al., 2019), Check-COVID abstracts of "
                             "parts 2-4, NFCorpus (Boteva et al., 2016) and SciFact (Wadden et al., 2020; CC BY-NC "
                             "2.0) abstracts; a tenth of each corpus's documents held out",
            },
        },
        "settings": trained.get("settings"),
        "held_out": figures,
        "held_out_float": trained.get("held_out"),
        "reproduce": "python -m bench.entailment.export --check (prints the held-out figures of the shipped file)",
        "made": time.strftime("%Y-%m-%d"),
    }
    tmp = card_file.with_name(f".{card_file.name}.tmp")
    tmp.write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, card_file)
    return card


def check_shipped(threads: int) -> dict:
    """The shipped file's held-out figures, measured again (as the card's `held_out`)."""
    card = json.loads(data_file(CARD_FILE).read_text(encoding="utf-8"))
    split = data.build(seed=card["settings"]["seed"])
    probs = EntailmentModel.load(threads=threads).judge(held_out_pairs(split))
    return evaluate_probs(split.held_out, probs)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.entailment.export", description=__doc__.split("\n")[0])
    p.add_argument("--weights", type=Path, default=OUT / "final" / "model.safetensors")
    p.add_argument("--metrics", type=Path, default=OUT / "final" / "metrics.json")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--check", action="store_true", help="only measure the shipped model on the held-out pairs")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    if args.check:
        print(json.dumps(check_shipped(args.threads)))
        return 0
    card = export(args.weights, args.metrics, data_file(MODEL_FILE), data_file(CARD_FILE), args.threads)
    print(json.dumps(card["held_out"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
