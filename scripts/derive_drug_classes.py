"""Derive the drug-class hierarchy the question reader ships with, from WordNet's noun hypernyms.

    apt-get install wordnet-base            # Debian's WordNet 3.0 database (only needed to run this script)
    python scripts/derive_drug_classes.py [--wordnet /usr/share/wordnet] [--out indexer/lexicon/data/wordnet_drugs.json]

WordNet files each drug under the classes a pharmacist would name (sertraline → SSRI → antidepressant →
medicine; ibuprofen → NSAID → anti-inflammatory; lisinopril → ACE inhibitor → antihypertensive). This script
keeps that part of the hierarchy as plain JSON, so that run time needs neither WordNet nor NLTK:

    {"classes": {class: {"name": shown name, "terms": [names of the class], "broader": [wider classes]}},
     "drugs": {generic: [the classes it belongs to directly]},   (a class that is itself a drug, such as
                                                                   penicillin, has "drug": true)
     "names": {brand name or synonym: generic}}

What counts:
- a *drug* is a noun synset below WordNet's `drug` (a substance used as a medicine or narcotic), or below the
  substance sense of `agent` when the drug dictionary (drug-named-entity-recognition) knows one of its names
  (omeprazole is filed under antacid → agent, insulin under hypoglycemic agent → agent);
- its *classes* are the synsets between it and the roots (`drug`, `medicine`, `agent`: too wide to tell drugs
  apart), except those that say how a drug is sold, dosed or regarded rather than what it does (`NOT_CLASSES`);
- a lemma is used as a name (of a drug or a class) only when that synset is the lemma's most frequent noun sense
  in WordNet: "speed", "weed", "ecstasy" or "upper" name something else first, so a question using them is not
  read as naming a drug.
The script prints what it wrote and how many drugs and classes it kept.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import deque
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "indexer" / "lexicon" / "data" / "wordnet_drugs.json"
# Synsets below `drug`/`medicine` that describe how a drug is sold, given or regarded, not what it does: a drug
# filed under them does not belong to a class with its neighbours (every drug can be a dose or a prescription).
NOT_CLASSES = frozenset({
    "dose", "powder", "prescription drug", "over-the-counter drug", "generic drug", "brand-name drug",
    "pharmaceutical", "patent medicine", "remedy", "placebo", "suppository", "inhalant", "tincture",
    "drug of abuse", "controlled substance", "fixed-combination drug", "specific", "intoxicant", "botanical",
    "herbal medicine", "drug cocktail", "atomic cocktail", "soothing syrup", "ointment", "cerate", "nostrum",
    "tonic", "toilet powder",
})
# Drugs whose hyponyms are drinks and smokes rather than medicines (wine, beer, cigars): kept as drugs, not
# descended into.
LEAVES = frozenset({"alcohol", "tobacco"})
# Below `agent`, substances that act on things rather than on a body: not drug classes.
NOT_MEDICAL = frozenset({"chemical agent"})


def lemma_text(lemma: str) -> str:
    """WordNet's `selective-serotonin_reuptake_inhibitor(a)` as "selective-serotonin reuptake inhibitor"."""
    if lemma.endswith(")") and "(" in lemma:  # adjective markers such as (a), (p)
        lemma = lemma[: lemma.rindex("(")]
    return lemma.replace("_", " ").lower()


def read_synsets(path: Path) -> dict[str, tuple[list[str], list[str]]]:
    """{offset: (lemmas, hypernym offsets)} of the noun synsets in data.noun (hypernyms and instance hypernyms)."""
    synsets = {}
    with open(path, encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):  # the licence header
                continue
            fields = line.partition(" | ")[0].split()
            count = int(fields[3], 16)
            lemmas = [fields[4 + 2 * i] for i in range(count)]
            at = 4 + 2 * count
            pointers = int(fields[at])
            at += 1
            parents = []
            for _ in range(pointers):
                symbol, offset, pos = fields[at], fields[at + 1], fields[at + 2]
                if symbol in ("@", "@i") and pos == "n":
                    parents.append(offset)
                at += 4
            synsets[fields[0]] = (lemmas, parents)
    return synsets


def read_first_senses(path: Path) -> dict[str, str]:
    """{lemma: offset of its most frequent noun sense}, from index.noun (senses are listed by frequency)."""
    first = {}
    with open(path, encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            fields = line.split()
            senses = int(fields[2])
            first[lemma_text(fields[0])] = fields[-senses]
    return first


def drug_dictionary() -> dict[str, list[str]]:
    """{name: generic names} of the drug dictionary (lower case): to recognise drugs filed under `agent`, and
    the classes that are drugs themselves (the dictionary gives "insulin" as a generic of its own, but
    "antidepressant" as "antidepressive agents")."""
    sys.path.insert(0, str(REPO))
    from indexer.lexicon.names import export_lexicon

    return export_lexicon()["names"]


def common_first(lemmas: list[str]) -> list[str]:
    """The lemmas in the order to show them: one-word names first ("SSRI" before "selective-serotonin reuptake
    inhibitor", "antipsychotic" before "major tranquilizer"), each group in WordNet's own order."""
    return sorted(lemmas, key=lambda lemma: " " in lemma)  # a stable sort keeps WordNet's order within groups


def derive(wordnet: Path, known: dict[str, list[str]]) -> dict:
    synsets = read_synsets(wordnet / "data.noun")
    first_sense = read_first_senses(wordnet / "index.noun")
    children: dict[str, list[str]] = {}
    for offset, (_, parents) in synsets.items():
        for parent in parents:
            children.setdefault(parent, []).append(offset)

    def names(offset: str) -> list[str]:
        """The lemmas of a synset that name it first (see the module docstring)."""
        return [t for t in dict.fromkeys(lemma_text(w) for w in synsets[offset][0]) if first_sense.get(t) == offset]

    def written(offset: str, lemma: str) -> str:
        """A lemma as WordNet writes it ("SSRI", "Zoloft")."""
        return next(w.replace("_", " ") for w in synsets[offset][0] if lemma_text(w) == lemma)

    def is_drug(offset: str) -> bool:
        """The drug dictionary gives one of its names as a generic of its own."""
        return any(t in known.get(t, ()) for t in names(offset))

    drug_root = first_sense["drug"]
    agent_root = next(p for p in synsets[drug_root][1] if lemma_text(synsets[p][0][0]) == "agent")
    medicine_root = next(c for c in children[drug_root] if lemma_text(synsets[c][0][0]) == "medicine")
    roots = {drug_root, agent_root, medicine_root}

    def below(root: str, stop: frozenset[str] = frozenset()) -> set[str]:
        seen, queue = set(), deque([root])
        while queue:
            for child in children.get(queue.popleft(), ()):
                if child not in seen and lemma_text(synsets[child][0][0]) not in stop:
                    seen.add(child)
                    if lemma_text(synsets[child][0][0]) not in LEAVES:
                        queue.append(child)
        return seen

    under_drug = below(drug_root)
    under_agent = below(agent_root, NOT_MEDICAL) - under_drug
    drugs = set(under_drug)
    drugs |= {o for o in under_agent if any(lemma_text(w) in known for w in synsets[o][0])}
    allowed = under_drug | under_agent  # where classes may come from

    def classes_of(offset: str) -> list[str]:
        """The nearest ancestors that are classes: skipping the roots and the NOT_CLASSES synsets."""
        out, queue, seen = [], deque(synsets[offset][1]), set()
        while queue:
            parent = queue.popleft()
            if parent in seen or parent in roots or parent not in allowed:
                continue
            seen.add(parent)
            if NOT_CLASSES.intersection(lemma_text(w) for w in synsets[parent][0]) or not names(parent):
                queue.extend(synsets[parent][1])  # look through it to the classes above
                continue
            out.append(parent)
        return out

    class_offsets: set[str] = set()
    direct: dict[str, list[str]] = {}
    for offset in sorted(drugs):
        parents = classes_of(offset)
        if parents:
            direct[offset] = parents
    queue = deque(p for parents in direct.values() for p in parents)
    while queue:  # every class on a chain, with its own broader classes
        offset = queue.popleft()
        if offset in class_offsets:
            continue
        class_offsets.add(offset)
        queue.extend(classes_of(offset))

    def key(offset: str) -> str:
        return common_first(names(offset))[0]

    classes = {}
    for offset in sorted(class_offsets, key=key):
        terms = common_first(names(offset))
        entry = {"name": written(offset, terms[0]), "terms": terms,
                 "broader": sorted({key(p) for p in classes_of(offset)})}
        if is_drug(offset):  # a drug with kinds of its own (insulin, tetracycline): read as a drug
            entry["drug"] = True
        classes[key(offset)] = entry
    drug_table, name_table = {}, {}
    for offset in sorted(direct, key=lambda o: lemma_text(synsets[o][0][0])):
        lemmas = names(offset)
        if not lemmas or (offset in class_offsets and not is_drug(offset)):
            continue
        generic = next((t for t in lemmas if t in known.get(t, ())), lemmas[0])
        drug_table[generic] = sorted({key(p) for p in direct[offset]})
        for other in lemmas:
            if other != generic:
                name_table.setdefault(other, generic)
    return {
        "about": "Derived by scripts/derive_drug_classes.py from WordNet 3.0 (Debian wordnet-base, data.noun and "
                 "index.noun; WordNet licence: https://wordnet.princeton.edu/license-and-commercial-use).",
        "classes": classes,
        "drugs": drug_table,
        "names": dict(sorted(name_table.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not (args.wordnet / "data.noun").is_file():
        print(f"No WordNet database at {args.wordnet}. Install it with `apt-get install wordnet-base`.",
              file=sys.stderr)
        return 2
    data = derive(args.wordnet, drug_dictionary())
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, args.out)
    print(f"{args.out}: {len(data['drugs'])} drugs, {len(data['names'])} other names, {len(data['classes'])} classes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
