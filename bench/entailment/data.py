"""The entailment model's training and held-out pairs, each split the same way on every run.

    general     SNLI (its dev split for training, a seeded sample of its test split held out), counterfactually
                revised NLI (train and dev for training, test held out), negation NLI (a fifth of the premises
                held out, by hash); `../shared/nli/`
    in-domain   Check-COVID training claims (`../shared/ext/claims/`) against their evidence sentences (alone, and
                in runs with the sentence before or after, as the check reads runs): SUPPORT is entailment, REFUTE
                contradiction; a claim against a sentence of its abstract that is not evidence, against the
                nearest sentence of another abstract by shared rare words, and against the sentence and the run of
                two sentences of another abstract nearest by the check's own embedding (the spans evidence search
                would put before the model) is neutral. The abstracts are split
                in five parts by hash (as `bench.claims_dev --fold K/5`): part 0 is held out for measurement,
                part 1 is development data for the verdict thresholds, parts 2–4 train the model.
    generated   minimal pairs (`minimal_pairs.py`) from health texts: the seed articles, the MedicationQA answer
                documents, the Check-COVID abstracts of parts 2–4, and samples of the NFCorpus and SciFact
                abstracts (a tenth of each corpus's documents held out, by hash).
    titles      (with `titles=True`) titles that state a finding against the sentence of their abstract that
                reports it, a one-edit contradiction of each, and a neutral pair (`titles.py`): the Check-COVID
                abstracts of parts 2–4 and every NFCorpus and SciFact abstract (a tenth held out, by hash).

No pair of a held-out group is ever trained on.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.common import DEFAULT_EXT, REPO
from bench.entailment.minimal_pairs import (
    CONTRADICTION,
    ENTAILMENT,
    NEUTRAL,
    Document,
    Editor,
    NearestSentence,
    Pair,
    document_sentences,
    opposite_table,
    synonym_table,
)
from bench.entailment.titles import TitledDocument, TitlePairs

SHARED = DEFAULT_EXT.parent
NLI_DIR = SHARED / "nli"
CLAIMS_FILE = DEFAULT_EXT / "claims" / "check_covid_train.jsonl"
MEDICATIONQA_DOCS = DEFAULT_EXT / "medicationqa" / "docs.jsonl"
BEIR_DIR = SHARED / "beir"
CLAIM_FOLDS = 5
TEST_FOLD, DEV_FOLD = 0, 1  # Check-COVID abstracts: held out / development (verdict thresholds)
LABELS = (ENTAILMENT, NEUTRAL, CONTRADICTION)


def bucket(key: str, n: int) -> int:
    """A stable part number in 0..n-1 for a key (the same as bench.claims_dev's folds)."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % n


def claim_fold(cord_id: str) -> int:
    return bucket(cord_id, CLAIM_FOLDS)


def read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


@dataclass(frozen=True)
class Split:
    train: list[Pair]
    held_out: dict[str, list[Pair]]  # name -> pairs never trained on
    sizes: dict[str, int]  # training pairs by origin


def _clean(text: str) -> str:
    return " ".join(text.split())


def general_pairs(rng: random.Random, snli_train: int = 6000, snli_test: int = 2000) -> tuple[list[Pair], dict]:
    train: list[Pair] = []
    held: dict[str, list[Pair]] = {"snli": [], "counterfactual": [], "negation": []}
    snli_dev, snli_tst = [], []
    for row in read_jsonl(NLI_DIR / "snli_dev_test.jsonl"):
        pair = Pair(_clean(row["premise"]), _clean(row["hypothesis"]), row["label"], "snli", row["split"])
        (snli_dev if row["split"] == "dev" else snli_tst).append(pair)
    rng.shuffle(snli_dev)
    rng.shuffle(snli_tst)
    train += snli_dev[:snli_train]
    held["snli"] = snli_tst[:snli_test]
    for row in read_jsonl(NLI_DIR / "counterfactual_nli.jsonl"):
        pair = Pair(_clean(row["premise"]), _clean(row["hypothesis"]), row["label"], "counterfactual", row["split"])
        (held["counterfactual"] if row["split"] == "test" else train).append(pair)
    for row in read_jsonl(NLI_DIR / "negation_nli.jsonl"):
        premise = _clean(row["premise"])
        pair = Pair(premise, _clean(row["hypothesis"]), row["label"], "negation", row["set"], premise)
        (held["negation"] if bucket(premise, 5) == 0 else train).append(pair)
    return train, held


def claim_rows() -> list[dict]:
    return list(read_jsonl(CLAIMS_FILE))


def abstract_sentences(row: dict) -> list[str]:
    return document_sentences(Document(row["cord_id"], "claims", row["abstract"]))


class NearestSpans:
    """For a claim, the sentence and the run of two sentences of other abstracts nearest to it by the check's own
    embedding: what evidence search would put before the model, and what it must learn to call neutral."""

    def __init__(self, rows: list[dict], embedder) -> None:
        self.items: list[tuple[str, str, bool]] = []  # (cord_id, text, is a run)
        for row in {r["cord_id"]: r for r in rows}.values():
            sentences = abstract_sentences(row)
            for k, sentence in enumerate(sentences):
                self.items.append((row["cord_id"], sentence, False))
                if k:
                    self.items.append((row["cord_id"], f"{sentences[k - 1]} {sentence}", True))
        self.embedder = embedder
        self.vectors = embedder.encode_passages([t for _, t, _ in self.items]) if self.items else None

    def __call__(self, claims: list[str], cord_ids: list[str]) -> list[list[str]]:
        """For each claim, its nearest sentence and nearest run of another abstract (fewer when there are none)."""
        if self.vectors is None or not claims:
            return [[] for _ in claims]
        import numpy as np

        cosines = self.embedder.encode_queries(claims) @ self.vectors.T
        out = []
        for row, cord_id in zip(cosines, cord_ids, strict=True):
            chosen: dict[bool, str] = {}
            for k in np.argsort(-row, kind="stable"):
                other, text, run = self.items[int(k)]
                if other != cord_id and run not in chosen:
                    chosen[run] = text
                    if len(chosen) == 2:
                        break
            out.append([chosen[run] for run in (False, True) if run in chosen])
        return out


def claim_pairs(rows: list[dict], near: NearestSentence, rng: random.Random,
                retrieved: NearestSpans | None = None) -> list[Pair]:
    """For each claim: its evidence (entailment or contradiction), the evidence with the sentence of the abstract
    before it and after it (the same label: runs of sentences as the check compares with), a sentence of its
    abstract that is not evidence, the nearest sentence of another abstract by words and (with `retrieved`) the
    nearest sentence and run of another abstract by embedding (all neutral)."""
    out = []
    nearest = retrieved([_clean(r["claim"]) for r in rows], [r["cord_id"] for r in rows]) if retrieved else None
    for n, row in enumerate(rows):
        claim = _clean(row["claim"])
        label = ENTAILMENT if row["label"] == "SUPPORT" else CONTRADICTION
        group = f"claims:{row['cord_id']}"
        evidence = [_clean(e["text"]) for e in sorted(row["evidence_sentences"], key=lambda e: e["start"])]
        premise = " ".join(evidence)
        out.append(Pair(premise, claim, label, "check-covid", "evidence", group))
        sentences = abstract_sentences(row)
        after = [s for k, s in enumerate(sentences) if k and sentences[k - 1] == evidence[-1]]
        if after:
            out.append(Pair(f"{premise} {after[0]}", claim, label, "check-covid", "evidence-run", group))
        before = [sentences[k - 1] for k, s in enumerate(sentences) if k and s == evidence[0]]
        if retrieved is not None and before:
            out.append(Pair(f"{before[0]} {premise}", claim, label, "check-covid", "evidence-run-before", group))
        others = [s for s in sentences if not any(s in e or e in s for e in evidence)]
        if others:
            out.append(Pair(rng.choice(others), claim, NEUTRAL, "check-covid", "same-abstract", group))
        other = near(claim, row["cord_id"])
        if other:
            out.append(Pair(other, claim, NEUTRAL, "check-covid", "other-abstract", group))
        for text in nearest[n] if nearest else ():
            out.append(Pair(text, claim, NEUTRAL, "check-covid", "retrieved-other-abstract", group))
    return out


def corpus_documents(rng: random.Random, beir_docs: int = 2500) -> list[Document]:
    docs: list[Document] = []
    for path in sorted((REPO / "corpus").glob("*.txt")) + sorted((REPO / "corpus").glob("*.md")):
        docs.append(Document(path.name, "seeds", path.read_text(encoding="utf-8")))
    if MEDICATIONQA_DOCS.exists():
        for row in read_jsonl(MEDICATIONQA_DOCS):
            docs.append(Document(str(row["doc_id"]), "medicationqa", row["text"]))
    for name in ("nfcorpus", "scifact"):
        path = BEIR_DIR / name / "corpus.jsonl"
        if not path.exists():
            continue
        rows = [r for r in read_jsonl(path) if len(r.get("text", "")) > 200]
        rng.shuffle(rows)
        docs += [Document(str(r["_id"]), name, r["text"]) for r in rows[:beir_docs]]
    return docs


def drug_finder():
    """Character spans of the drug and class names in a sentence, and the pool of names seen."""
    from indexer.lexicon import DrugFinder, DrugNames, Lexicon
    from indexer.text.tokens import WORD

    finder = DrugFinder(Lexicon(DrugNames()))

    def mentions(sentence: str) -> list[tuple[int, int]]:
        words = list(WORD.finditer(sentence))
        found = finder([m.group(0) for m in words])
        return [(words[first].start(), words[end - 1].end()) for _, first, end in found]

    return mentions


def titled_abstracts(claim_rows_trained: list[dict]) -> list[TitledDocument]:
    """The abstracts with titles: the Check-COVID abstracts trained on and every NFCorpus and SciFact abstract."""
    out = [TitledDocument(Document(r["cord_id"], "claims", r["abstract"]), r["title"])
           for r in {r["cord_id"]: r for r in claim_rows_trained}.values()]
    for name in ("nfcorpus", "scifact"):
        path = BEIR_DIR / name / "corpus.jsonl"
        if path.exists():
            out += [TitledDocument(Document(str(r["_id"]), name, r["text"]), r.get("title", ""))
                    for r in read_jsonl(path) if len(r.get("text", "")) > 200 and r.get("title")]
    return out


def title_pairs(claim_rows_trained: list[dict], mentions, pool: list[str], rng: random.Random) -> list[Pair]:
    """The pairs of `titles.TitlePairs` (titles that state a finding against their abstracts), grouped by abstract."""
    documents = titled_abstracts(claim_rows_trained)
    editor = Editor(opposite_table(), synonym_table(), mentions, pool, rng)
    near = NearestSentence([(d.document.name, s) for d in documents for s in document_sentences(d.document)[:6]])
    return TitlePairs(documents, editor, near).pairs()


def build(seed: int = 13, per_document: int = 2, seed_repeats: int = 3, embedder=None, titles: bool = False) -> Split:
    """Every training pair and every held-out set, the same for the same seed (and embedder: with one, the claims
    also get neutral pairs against the spans of other abstracts nearest by it, `NearestSpans`; with `titles`, the
    pairs of `titles.py` are added, drawn with their own random stream so every other pair stays the same)."""
    rng = random.Random(seed)
    train, held = general_pairs(rng)
    rows = claim_rows()
    train_rows = [r for r in rows if claim_fold(r["cord_id"]) not in (TEST_FOLD, DEV_FOLD)]
    test_rows = [r for r in rows if claim_fold(r["cord_id"]) == TEST_FOLD]
    dev_rows = [r for r in rows if claim_fold(r["cord_id"]) == DEV_FOLD]

    def abstracts(rs):
        return {r["cord_id"]: r for r in rs}.values()

    def near_for(rs):
        return NearestSentence([(r["cord_id"], s) for r in abstracts(rs) for s in abstract_sentences(r)],
                               min_shared=4.0)

    def retrieved_for(rs):
        return NearestSpans(rs, embedder) if embedder is not None else None

    train += claim_pairs(train_rows, near_for(train_rows), rng, retrieved_for(train_rows))
    held["check-covid"] = claim_pairs(test_rows, near_for(test_rows), rng, retrieved_for(test_rows))
    held["check-covid-dev"] = claim_pairs(dev_rows, near_for(dev_rows), rng, retrieved_for(dev_rows))

    mentions = drug_finder()
    documents = corpus_documents(rng)
    documents += [Document(r["cord_id"], "claims", r["abstract"]) for r in abstracts(train_rows)]
    pool = sorted({s[a:b].lower() for d in documents if d.corpus in ("seeds", "medicationqa")
                   for s in document_sentences(d) for a, b in mentions(s)})
    editor = Editor(opposite_table(), synonym_table(), mentions, pool, rng)
    held_docs = [d for d in documents if d.corpus != "seeds" and bucket(f"{d.corpus}:{d.name}", 10) == 0]
    train_docs = [d for d in documents if d not in held_docs]
    near = NearestSentence([(d.name, s) for d in documents for s in document_sentences(d)[:6]])
    generated = editor.pairs(train_docs, per_document, near)
    seeds = [d for d in train_docs if d.corpus == "seeds"]
    for _ in range(seed_repeats - 1):  # the seed articles are short: each sentence may give several pairs
        generated += editor.pairs(seeds, 1000, near)
    train += generated
    held["generated"] = editor.pairs(held_docs, 1, near)
    if titles:
        made = title_pairs(train_rows, mentions, pool, random.Random(seed + 1))
        train += [p for p in made if bucket(p.group, 10) != 0]
        held["titles"] = [p for p in made if bucket(p.group, 10) == 0]
    sizes: dict[str, int] = {}
    for p in train:
        sizes[p.origin] = sizes.get(p.origin, 0) + 1
    return Split(train, held, dict(sorted(sizes.items())))
