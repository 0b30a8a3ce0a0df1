"""Train the wording check's entailment model: seeded, resumable, logging its progress.

    python -m bench.entailment.train [--out .cache/entailment] [--epochs 2] [--threads 2] [--seed 13]

Reads the pairs of `bench.entailment.data` (general NLI, Check-COVID claims, generated minimal pairs), fine-tunes
all-MiniLM-L6-v2 as a cross-encoder (`model.py`; its word-piece embeddings stay frozen, which trains a fifth
faster and keeps the words the pairs never show as they were), and evaluates on every held-out set. Every
`--checkpoint-every` steps it writes the weights and the optimizer's state (safetensors, with a JSON of the step)
to OUT/checkpoint/; run again with the same arguments and it goes on from there. At the end it writes
OUT/final/model.safetensors and OUT/final/metrics.json (held-out figures, data sizes, settings).
Batches hold pairs of similar length (fewer padded pieces); their order depends only on the seed and epoch.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from bench.common import REPO
from bench.entailment import data
from bench.entailment.minimal_pairs import Pair
from indexer.check.entailment import LABELS, MAX_LENGTH, encode_pairs, pair_tokenizer, softmax

log = logging.getLogger("bench.entailment.train")

OUT = REPO / ".cache" / "entailment"
LABEL_ID = {label: k for k, label in enumerate(LABELS)}
NOT_ENTAILMENT = -1  # two-way rows (RTE): either neutral or contradiction


def settings(args: argparse.Namespace) -> dict:
    return {"seed": args.seed, "epochs": args.epochs, "batch": args.batch, "lr": args.lr, "head_lr": args.head_lr,
            "warmup": args.warmup, "weight_decay": 0.01, "max_length": MAX_LENGTH, "claims_repeat":
            args.claims_repeat, "general_share": args.general_share, "init": str(args.init or ""),
            "retrieved_negatives": args.retrieved_negatives, "titles": args.titles,
            "frozen": "word embeddings", "dropout": 0.1, "pooling": "mean"}


def build_split(setting: dict) -> data.Split:
    """The pairs of `data.build` for a run's settings (the export and its check rebuild them from the card's)."""
    embedder = None
    if setting.get("retrieved_negatives"):
        from bench.common import CachedEmbedder, load_embedder

        embedder = CachedEmbedder(load_embedder(False))
    return data.build(seed=setting.get("seed", 13), embedder=embedder, titles=bool(setting.get("titles")))


def first_stage(init: Path) -> dict:
    """The settings, size and held-out figures of the run whose weights `init` is (its metrics.json beside it)."""
    metrics = init.parent / "metrics.json"
    if not metrics.is_file():
        raise SystemExit(f"{metrics} is missing: --init takes the model.safetensors of a finished run (its final/)")
    made = json.loads(metrics.read_text(encoding="utf-8"))
    return {k: made[k] for k in ("settings", "training_pairs", "held_out", "first_stage") if k in made}


def training_rows(split: data.Split, claims_repeat: int, general_share: float = 1.0, seed: int = 0) -> list[Pair]:
    rng = random.Random(seed)
    rows = []
    for pair in split.train:
        if pair.origin == "check-covid":
            rows.extend([pair] * claims_repeat)
        elif pair.origin.startswith("titles:") or general_share >= 1.0 or rng.random() < general_share:
            rows.append(pair)
    return rows


def epoch_batches(lengths: list[int], batch: int, seed: int, epoch: int) -> list[list[int]]:
    """Row numbers in batches of similar length, in an order fixed by (seed, epoch)."""
    rng = random.Random(seed * 1000 + epoch)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch * 50
    batches = []
    for first in range(0, len(order), chunk):
        part = sorted(order[first : first + chunk], key=lambda k: lengths[k])
        batches.extend(part[i : i + batch] for i in range(0, len(part), batch))
    rng.shuffle(batches)
    return batches


def loss_of(logits, labels):
    import torch

    log_p = torch.log_softmax(logits, dim=1)
    three = labels >= 0
    loss = torch.zeros((), dtype=logits.dtype)
    if three.any():
        loss = loss + torch.nn.functional.nll_loss(log_p[three], labels[three], reduction="sum")
    two = ~three
    if two.any():  # not entailment: the probability of neutral or contradiction
        loss = loss - torch.logsumexp(log_p[two][:, 1:], dim=1).sum()
    return loss / len(labels)


def label_id(label: str) -> int:
    return NOT_ENTAILMENT if label == "not_entailment" else LABEL_ID[label]


def predict(model, tokenizer, pairs: list[tuple[str, str]], batch: int = 64) -> np.ndarray:
    import torch

    model.eval()
    out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
    order = sorted(range(len(pairs)), key=lambda k: len(pairs[k][0]) + len(pairs[k][1]))
    with torch.no_grad():
        for first in range(0, len(order), batch):
            rows = order[first : first + batch]
            inputs = {k: torch.from_numpy(v) for k, v in encode_pairs(tokenizer, [pairs[k] for k in rows]).items()}
            out[rows] = softmax(model(**inputs).numpy())
    model.train()
    return out


def auc(positive: list[float], negative: list[float]) -> float:
    """The probability that a positive scores above a negative (ties count half)."""
    if not positive or not negative:
        return float("nan")
    scores = sorted([(s, 1) for s in positive] + [(s, 0) for s in negative])
    rank_sum, k = 0.0, 0
    while k < len(scores):
        j = k
        while j < len(scores) and scores[j][0] == scores[k][0]:
            j += 1
        mean_rank = (k + j + 1) / 2
        rank_sum += mean_rank * sum(1 for _, y in scores[k:j] if y)
        k = j
    n_pos, n_neg = len(positive), len(negative)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def figures(pairs: list[Pair], probs: np.ndarray) -> dict:
    """Accuracy (three-way; two-way rows count right when entailment is or is not predicted as labelled), and
    for sets with both entailment and contradiction, the AUC of p(entailment) − p(contradiction) between them."""
    predicted = probs.argmax(axis=1)
    right = []
    for pair, p in zip(pairs, predicted, strict=True):
        if pair.label == "not_entailment":
            right.append(p != 0)
        else:
            right.append(LABELS[p] == pair.label)
    out = {"pairs": len(pairs), "accuracy": round(float(np.mean(right)), 4) if right else None}
    score = probs[:, 0] - probs[:, 2]
    pos = [float(s) for s, p in zip(score, pairs, strict=True) if p.label == "entailment"]
    neg = [float(s) for s, p in zip(score, pairs, strict=True) if p.label == "contradiction"]
    if pos and neg:
        out["auc_entail_vs_contradict"] = round(auc(pos, neg), 4)
    return out


def evaluate(model, tokenizer, held_out: dict[str, list[Pair]]) -> dict:
    everything = [(p.premise, p.hypothesis) for pairs in held_out.values() for p in pairs]
    return evaluate_probs(held_out, predict(model, tokenizer, everything))


def evaluate_probs(held_out: dict[str, list[Pair]], probs: np.ndarray) -> dict:
    """The figures of every held-out set, from the probabilities of all their pairs in order."""
    results, row = {}, 0
    for name, pairs in held_out.items():
        part = probs[row : row + len(pairs)]
        row += len(pairs)
        results[name] = figures(pairs, part)
        if name.startswith("check-covid"):
            evidence = [k for k, p in enumerate(pairs) if p.kind == "evidence"]
            results[name]["evidence_only"] = figures([pairs[k] for k in evidence], part[evidence])
    return results


# -- checkpoints: tensors in safetensors, the rest in JSON (no pickle) ---------------------------------------
def save_checkpoint(folder: Path, model, optimizer, scheduler, state: dict) -> None:
    import torch
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder.with_name(folder.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    tensors = {f"model.{k}": v.detach().contiguous() for k, v in model.state_dict().items()}
    opt = optimizer.state_dict()
    for index, values in opt["state"].items():
        for name, value in values.items():
            tensors[f"optimizer.{index}.{name}"] = torch.as_tensor(value).contiguous()
    tensors["rng.torch"] = torch.get_rng_state()
    save_file(tensors, str(tmp / "state.safetensors"))
    meta = state | {"param_groups": opt["param_groups"], "scheduler": scheduler.state_dict()}
    (tmp / "state.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    for name in ("state.safetensors", "state.json"):
        os.replace(tmp / name, folder / name)
    tmp.rmdir()


def load_checkpoint(folder: Path, model, optimizer, scheduler) -> dict | None:
    import torch
    from safetensors.torch import load_file

    if not (folder / "state.json").exists():
        return None
    meta = json.loads((folder / "state.json").read_text(encoding="utf-8"))
    tensors = load_file(str(folder / "state.safetensors"))
    model.load_state_dict({k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")})
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        if key.startswith("optimizer."):
            _, index, name = key.split(".", 2)
            state.setdefault(int(index), {})[name] = value
    optimizer.load_state_dict({"state": state, "param_groups": meta["param_groups"]})
    scheduler.load_state_dict(meta["scheduler"])
    torch.set_rng_state(tensors["rng.torch"])
    return meta


def train(args: argparse.Namespace) -> dict:
    import torch

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    from bench.entailment.model import base_model

    started = time.time()
    stage = first_stage(Path(args.init)) if args.init else None  # before the data: a wrong --init fails at once
    split = build_split(settings(args))
    rows = training_rows(split, args.claims_repeat, args.general_share, args.seed)
    if args.limit:
        rows = random.Random(args.seed).sample(rows, min(args.limit, len(rows)))
        split = data.Split(split.train, {k: v[: args.limit // 4 or 1] for k, v in split.held_out.items()},
                           split.sizes)
    log.info("training pairs %d (%s); held out %s; labels %s", len(rows), split.sizes,
             {k: len(v) for k, v in split.held_out.items()}, dict(Counter(p.label for p in rows)))
    tokenizer = pair_tokenizer()
    encoded = tokenizer.encode_batch([(p.premise, p.hypothesis) for p in rows])
    lengths = [len(e.ids) for e in encoded]
    labels = [label_id(p.label) for p in rows]
    model = base_model()
    if args.init:  # go on from trained weights (a second, shorter stage) instead of the bundled model's
        from safetensors.torch import load_file

        model.load_state_dict(load_file(str(args.init)))
    model.transformer.embeddings.word_embeddings.weight.requires_grad_(False)
    head = list(model.classifier.parameters())
    body = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("classifier")]
    optimizer = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": head, "lr": args.head_lr}],
                                  weight_decay=0.01)
    steps_per_epoch = math.ceil(len(rows) / args.batch)
    total = steps_per_epoch * args.epochs
    warmup = int(total * args.warmup)

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / max(warmup, 1)
        return max(0.0, (total - step) / max(total - warmup, 1))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    out = Path(args.out)
    resumed = load_checkpoint(out / "checkpoint", model, optimizer, scheduler)
    step = int(resumed["step"]) if resumed else 0
    if resumed:
        log.info("resumed at step %d of %d", step, total)
    model.train()
    window_loss, window_pairs, window_start = 0.0, 0, time.time()
    while step < total:
        epoch, within = divmod(step, steps_per_epoch)
        batches = epoch_batches(lengths, args.batch, args.seed, epoch)
        for batch in batches[within:]:
            width = max(lengths[k] for k in batch)
            ids = torch.zeros((len(batch), width), dtype=torch.long)
            mask = torch.zeros_like(ids)
            types = torch.zeros_like(ids)
            for r, k in enumerate(batch):
                e = encoded[k]
                n = len(e.ids)
                ids[r, :n] = torch.tensor(e.ids)
                mask[r, :n] = 1
                types[r, :n] = torch.tensor(e.type_ids)
            target = torch.tensor([labels[k] for k in batch])
            loss = loss_of(model(ids, mask, types), target)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            window_loss += float(loss.detach()) * len(batch)
            window_pairs += len(batch)
            if step % args.log_every == 0 or step == total:
                rate = window_pairs / max(time.time() - window_start, 1e-9)
                left = (total - step) * args.batch / max(rate, 1e-9)
                log.info("epoch %d step %d/%d loss %.4f %.1f pairs/s, about %.0f min left", epoch + 1, step, total,
                         window_loss / max(window_pairs, 1), rate, left / 60)
                window_loss, window_pairs, window_start = 0.0, 0, time.time()
            if step % args.checkpoint_every == 0 or step == total:
                save_checkpoint(out / "checkpoint", model, optimizer, scheduler, {"step": step, "total": total})
            if step >= total:
                break
    log.info("evaluating on the held-out sets")
    metrics = {"held_out": evaluate(model, tokenizer, split.held_out), "training_pairs": len(rows),
               "training_sizes": split.sizes, "held_out_sizes": {k: len(v) for k, v in split.held_out.items()},
               "settings": settings(args), "steps": total, "seconds_this_run": round(time.time() - started)}
    if stage is not None:  # a second stage: how the weights it went on from were made
        metrics["first_stage"] = stage
    final = out / "final"
    final.mkdir(parents=True, exist_ok=True)
    from safetensors.torch import save_file

    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(final / "model.safetensors"))
    (final / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    log.info("held-out figures: %s", json.dumps(metrics["held_out"]))
    return metrics


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.entailment.train", description=__doc__.split("\n")[0])
    p.add_argument("--out", default=str(OUT), help="where checkpoints, weights and figures go")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=4e-5)
    p.add_argument("--head-lr", type=float, default=1e-3)
    p.add_argument("--warmup", type=float, default=0.05, help="share of the steps the learning rate rises over")
    p.add_argument("--claims-repeat", type=int, default=3, help="times each Check-COVID pair is seen per epoch")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--limit", type=int, default=0, help="only this many training pairs (smoke tests)")
    p.add_argument("--init", type=Path, default=None,
                   help="start from these trained weights (model.safetensors) instead of the bundled model")
    p.add_argument("--general-share", type=float, default=1.0,
                   help="keep this share of the general and generated pairs (a seeded sample; the in-domain claims "
                        "and the title pairs are always kept)")
    p.add_argument("--retrieved-negatives", action=argparse.BooleanOptionalAction, default=True,
                   help="also train each claim as neutral against the sentence and run of another abstract nearest "
                        "to it by the bundled embedder (`data.NearestSpans`)")
    p.add_argument("--titles", action=argparse.BooleanOptionalAction, default=False,
                   help="also train on titles that state a finding against their abstracts (`titles.py`)")
    p.add_argument("--log-every", type=int, default=50)
    p.add_argument("--checkpoint-every", type=int, default=200)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    metrics = train(args)
    print(json.dumps(metrics["held_out"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
