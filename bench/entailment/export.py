"""Ship the trained entailment model small: exported to ONNX, quantised to int8 with care, checked against the
float model, and written with its card.

    python -m bench.entailment.export [--weights .cache/entailment/final/model.safetensors]

1. The trained weights (`train.py`'s OUT/final) are exported to an ONNX graph (word-piece ids, mask and segment
   ids in; the three labels' logits out).
2. The graph is quantised to 8 bits with care. ONNX Runtime's dynamic int8 quantisation (weights per channel,
   activations per tensor at run time) changed the label of 4 % of the held-out pairs, and keeping the most
   sensitive matrices (the first layers' feed-forward outputs) in float either broke the size limit or stayed
   near 98 %. So the weights are quantised *blockwise* instead: every MatMul becomes ONNX Runtime's `MatMulNBits`
   with 8-bit weights, one scale per block of `BLOCK` weights along the input (symmetric), and accuracy level 4
   (the activations are quantised to int8 per block of each row when it runs: fine-grained, and independent of
   the other pairs of a batch). The word-piece embeddings (a Gather, not a MatMul) are quantised per row to int8
   with one float scale per row (`rowwise_embeddings`: Gather, Cast, Mul). Block sizes are tried in the order of
   `BLOCKS` until the agreement below holds under `MAX_MB`.
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
from bench.entailment.train import OUT, build_split, evaluate_probs
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
BLOCKS = (128, 64, 32)  # weights per scale, tried in this order (smaller blocks: larger file, closer to float)
ACCURACY_LEVEL = 4  # MatMulNBits computes with int8 activations
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


def quantize(src: Path, dst: Path, block: int) -> None:
    """8-bit blockwise weights for every MatMul (MatMulNBits), and row-wise int8 word-piece embeddings."""
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import (
        DefaultWeightOnlyQuantConfig,
        MatMulNBitsQuantizer,
    )

    config = DefaultWeightOnlyQuantConfig(block_size=block, is_symmetric=True, bits=8, accuracy_level=ACCURACY_LEVEL)
    quantizer = MatMulNBitsQuantizer(onnx.load(str(src)), bits=8, block_size=block, is_symmetric=True,
                                     accuracy_level=ACCURACY_LEVEL, algo_config=config)
    quantizer.process()
    model = rowwise_embeddings(quantizer.model.model)
    onnx.save(model, str(dst))


def rowwise_embeddings(model, min_rows: int = 10_000):
    """The model with its embedding tables (a Gather over a float initializer of at least `min_rows` rows)
    stored as int8 with one scale per row: Gather(int8) → Cast → Mul by Gather(scales)."""
    from onnx import TensorProto, helper, numpy_helper

    graph = model.graph
    initializers = {i.name: i for i in graph.initializer}
    for node in list(graph.node):
        if node.op_type != "Gather" or node.input[0] not in initializers:
            continue
        table = numpy_helper.to_array(initializers[node.input[0]])
        if table.ndim != 2 or table.shape[0] < min_rows or table.dtype != np.float32:
            continue
        scale = np.abs(table).max(axis=1, keepdims=True) / 127.0
        scale[scale == 0] = 1.0
        quantised = np.clip(np.round(table / scale), -127, 127).astype(np.int8)
        name, ids, out = node.input[0], node.input[1], node.output[0]
        graph.initializer.remove(initializers[name])
        graph.initializer.extend([numpy_helper.from_array(quantised, f"{name}_int8"),
                                  numpy_helper.from_array(scale.astype(np.float32), f"{name}_scale")])
        at = list(graph.node).index(node)
        graph.node.remove(node)
        replacement = [
            helper.make_node("Gather", [f"{name}_int8", ids], [f"{out}_int8"], name=f"{node.name}_int8", axis=0),
            helper.make_node("Cast", [f"{out}_int8"], [f"{out}_float"], name=f"{node.name}_cast", to=TensorProto.FLOAT),
            helper.make_node("Gather", [f"{name}_scale", ids], [f"{out}_scale"], name=f"{node.name}_scale", axis=0),
            helper.make_node("Mul", [f"{out}_float", f"{out}_scale"], [out], name=f"{node.name}_mul"),
        ]
        for k, new in enumerate(replacement):
            graph.node.insert(at + k, new)
    return model


def held_out_pairs(split: data.Split) -> list[tuple[str, str]]:
    return [(p.premise, p.hypothesis) for pairs in split.held_out.values() for p in pairs]


def export(weights: Path, metrics_file: Path, target: Path, card_file: Path, threads: int) -> dict:
    split = build_split(json.loads(metrics_file.read_text())["settings"] if metrics_file.exists() else {})
    pairs = held_out_pairs(split)
    sample = sorted(np.random.default_rng(0).choice(len(pairs), min(SEARCH_PAIRS, len(pairs)), replace=False))
    model = load_trained(weights)
    with tempfile.TemporaryDirectory() as folder:
        float_path = Path(folder) / "float.onnx"
        export_float(model, float_path)
        reference = EntailmentModel.load(float_path, threads=threads).judge(pairs)
        chosen = None
        for block in BLOCKS:
            candidate = Path(folder) / f"int8-{block}.onnx"
            quantize(float_path, candidate, block)
            size = candidate.stat().st_size / 1e6
            quantised = EntailmentModel.load(candidate, threads=threads)
            tried = quantised.judge([pairs[k] for k in sample])
            agreement = float(np.mean(tried.argmax(1) == reference[sample].argmax(1)))
            log.info("8-bit blocks of %d: %.1f MB, agrees with float on %.4f of %d held-out pairs", block, size,
                     agreement, len(sample))
            if size > MAX_MB or agreement < MIN_AGREEMENT:
                continue
            probs = quantised.judge(pairs)
            agreement = float(np.mean(probs.argmax(1) == reference.argmax(1)))
            log.info("... and on %.4f of all %d", agreement, len(pairs))
            if agreement >= MIN_AGREEMENT:
                chosen = (candidate, block, size, agreement, probs)
                break
        if chosen is None:
            raise SystemExit(f"No quantisation kept {MIN_AGREEMENT:.0%} agreement under {MAX_MB} MB.")
        candidate, block, size, agreement, probs = chosen
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(candidate.read_bytes())
        os.replace(tmp, target)
    figures = evaluate_probs(split.held_out, probs)
    trained = json.loads(metrics_file.read_text(encoding="utf-8")) if metrics_file.exists() else {}
    card = {
        "about": "The wording check's sentence-pair judge: all-MiniLM-L6-v2 (Apache-2.0) fine-tuned as a "
                 "cross-encoder on (source span, draft sentence) pairs; labels entailment / neutral / "
                 "contradiction. Trained by `python -m bench.entailment.train` (in two stages when the card has "
                 "a `first_stage`: its settings made the weights the second stage's `--init` names), exported by "
                 "`python -m bench.entailment.export`.",
        "file": MODEL_FILE,
        "sha256": file_sha256(target),
        "megabytes": round(size, 2),
        "labels": list(LABELS),
        "max_length": MAX_LENGTH,
        "inputs": list(INPUTS),
        "quantisation": {"method": "8-bit weights: every MatMul as ONNX Runtime MatMulNBits (symmetric, one scale per "
                                   f"block of {block} weights, accuracy level {ACCURACY_LEVEL}: int8 activations per "
                                   "block of each row); word-piece embeddings int8 with one scale per row",
                         "block": block, "agreement_with_float": round(agreement, 4),
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
                "check-covid": "Check-COVID training claims against their evidence, alone and in runs with the "
                               "sentence before or after (Wang et al., 2023; MIT); neutral: a non-evidence "
                               "sentence of the same abstract, the nearest sentence of another abstract by words, "
                               "and the sentence and run of another abstract nearest by the bundled embedder: "
                               "abstracts split in five parts by hash, part 0 held out, part 1 for the verdict "
                               "thresholds, parts 2-4 trained on",
                "generated": "minimal pairs made by bench/entailment/minimal_pairs.py from the seed articles, "
                             "MedicationQA answer documents (Ben Abacha et al., 2019), Check-COVID abstracts of "
                             "parts 2-4, NFCorpus (Boteva et al., 2016) and SciFact (Wadden et al., 2020; CC BY-NC "
                             "2.0) abstracts; a tenth of each corpus's documents held out",
                **({"titles": "titles that state a finding against the sentence of their abstract reporting it, "
                              "a one-edit contradiction and a neutral pair of each (bench/entailment/titles.py): "
                              "Check-COVID abstracts of parts 2-4, NFCorpus and SciFact; a tenth held out"}
                   if (trained.get("settings") or {}).get("titles") else {}),
            },
        },
        "settings": trained.get("settings"),
        **({"first_stage": trained["first_stage"]} if "first_stage" in trained else {}),
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
    split = build_split(card["settings"])
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
