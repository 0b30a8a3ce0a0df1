"""Derive the word tables of Check wording from the WordNet database: antonyms (indexer/lexicon/data/antonyms.json) and
synonyms (indexer/lexicon/data/synonyms.json).

WordNet marks antonyms between words ("!" pointers: increase/decrease, safe/unsafe, high/low); for adjectives it
also groups "satellites" around a head word ("&", similar-to), and a satellite is an indirect antonym of the head's
antonym (harmless ~ harmful's antonym side, so "adverse" ~ "harmful" opposes "harmless"). The table keeps single
words only, both seen at least somewhat often in English (wordfreq's Zipf frequency), and the irregular forms
(worse → bad, lower → low) of its words from WordNet's exception lists, so run time needs neither WordNet nor
wordfreq.

Synonyms are the words of one WordNet synset (medicine, medication; doctor, physician), kept when the synset is one
of the two most frequent senses of each word and the word is common (Zipf frequency of at least 3).

    apt-get install wordnet-base        # the database, under /usr/share/wordnet
    python -m scripts.build_wordnet [--wordnet /usr/share/wordnet] [--min-zipf 2.5] [--max-rank 1]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "indexer" / "lexicon" / "data"
SYNONYM_ZIPF = 3.0
POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}


def read_synsets(directory: Path, pos: str) -> dict[str, tuple[list[str], list[tuple[str, str, int, int]], str]]:
    """offset -> (words, pointers (symbol, target offset, source word number, target word number), type)."""
    out = {}
    with open(directory / f"data.{pos}", encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue  # the licence header
            fields = line.split(" | ")[0].split()
            offset, kind, count = fields[0], fields[2], int(fields[3], 16)
            words = [fields[4 + 2 * i].lower() for i in range(count)]
            at = 4 + 2 * count
            pointers = []
            for i in range(int(fields[at])):
                symbol, target, _, numbers = fields[at + 1 + 4 * i : at + 5 + 4 * i]
                pointers.append((symbol, target, int(numbers[:2], 16), int(numbers[2:], 16)))
            out[offset] = ([w.split("(")[0] for w in words], pointers, kind)
    return out


def sense_ranks(directory: Path, pos: str) -> dict[tuple[str, str], int]:
    """(word, synset offset) -> the rank of that sense among the word's senses (0 is the most frequent)."""
    out = {}
    with open(directory / f"index.{pos}", encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            fields = line.split()
            count = int(fields[2])
            for rank, offset in enumerate(fields[len(fields) - count :]):
                out[(fields[0], offset)] = rank
    return out


def antonym_pairs(directory: Path, max_rank: int) -> set[tuple[str, str]]:
    """Direct antonyms of every part of speech, and indirect ones of adjectives (satellite vs the antonym of its
    head, either side); only between senses among each word's `max_rank` + 1 most frequent ones (so "safe" is not
    the opposite of "out", a baseball sense)."""
    pairs: set[tuple[str, str]] = set()
    for pos in POS:
        synsets = read_synsets(directory, pos)
        ranks = sense_ranks(directory, pos)

        def add(words_a: list[str], offset_a: str, words_b: list[str], offset_b: str,
                ranks: dict = ranks) -> None:
            pairs.update((a, b) for a in words_a for b in words_b
                         if ranks.get((a, offset_a), max_rank + 1) <= max_rank
                         and ranks.get((b, offset_b), max_rank + 1) <= max_rank)

        for offset, (words, pointers, _) in synsets.items():
            for symbol, target, source_n, target_n in pointers:
                if symbol != "!" or target not in synsets:
                    continue
                own = words if source_n == 0 else [words[source_n - 1]]
                other_words = synsets[target][0]
                add(own, offset, other_words if target_n == 0 else [other_words[target_n - 1]], target)
        if pos != "adj":
            continue
        for _, pointers, kind in synsets.values():
            if kind != "a":
                continue
            satellites = [t for s, t, _, _ in pointers if s == "&" and t in synsets]
            opposite_heads = [t for s, t, _, _ in pointers if s == "!" and t in synsets]
            for head in opposite_heads:
                for satellite in satellites:
                    add(synsets[satellite][0], satellite, synsets[head][0], head)
    return {tuple(sorted(p)) for p in pairs if p[0] != p[1]}


def exceptions(directory: Path, vocabulary: set[str]) -> dict[str, list[str]]:
    """Irregular forms of the table's words: {"worse": ["bad", "ill"], "lower": ["low"], ...}."""
    out: dict[str, set[str]] = {}
    for pos in ("adj", "verb", "noun", "adv"):
        path = directory / f"{pos}.exc"
        if not path.exists():
            continue
        for line in path.read_text(encoding="latin-1").splitlines():
            form, *lemmas = line.split()
            kept = [lemma for lemma in lemmas if lemma in vocabulary and lemma != form]
            if kept and "_" not in form:
                out.setdefault(form, set()).update(kept)
    return {form: sorted(lemmas) for form, lemmas in sorted(out.items())}


def build(directory: Path, min_zipf: float, max_rank: int) -> dict:
    from wordfreq import zipf_frequency

    from indexer.text.tokens import STOPWORDS

    def common(word: str) -> bool:  # function words ("all", "other") are compared as quantifiers, not antonyms
        return word.isalpha() and len(word) > 1 and word not in STOPWORDS and zipf_frequency(word, "en") >= min_zipf

    pairs = sorted(p for p in antonym_pairs(directory, max_rank) if common(p[0]) and common(p[1]))
    vocabulary = {w for p in pairs for w in p}
    return {
        "about": "Antonym pairs derived from WordNet 3.0 (Princeton University, WordNet licence) by "
                 "scripts/build_antonyms.py: direct antonyms, and indirect ones of adjectives via similar-to; "
                 f"single words with a wordfreq Zipf frequency of at least {min_zipf}, in one of their "
                 f"{max_rank + 1} most frequent senses.",
        "pairs": [list(p) for p in pairs],
        "exceptions": exceptions(directory, vocabulary),
    }


def synonym_groups(directory: Path, max_rank: int, min_zipf: float = SYNONYM_ZIPF) -> list[list[str]]:
    """The common single words of each synset, for synsets among those words' most frequent senses."""
    from wordfreq import zipf_frequency

    from indexer.text.tokens import STOPWORDS

    groups = set()
    for pos in POS:
        ranks = sense_ranks(directory, pos)
        for offset, (words, _, _) in read_synsets(directory, pos).items():
            kept = sorted({w for w in words if w.isalpha() and w not in STOPWORDS
                           and ranks.get((w, offset), max_rank + 1) <= max_rank and zipf_frequency(w, "en") >= min_zipf})
            if len(kept) >= 2:
                groups.add(tuple(kept))
    return [list(g) for g in sorted(groups)]


def write_json(data: dict, path: Path) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    p.add_argument("--min-zipf", type=float, default=2.5)
    p.add_argument("--max-rank", type=int, default=1, help="senses beyond the first N+1 of a word are left out")
    p.add_argument("--out", type=Path, default=DATA, help="the folder to write antonyms.json and synonyms.json to")
    args = p.parse_args(argv)
    if not (args.wordnet / "data.adj").exists():
        print(f"No WordNet database in {args.wordnet}. Install it with `apt-get install wordnet-base`.",
              file=sys.stderr)
        return 2
    table = build(args.wordnet, args.min_zipf, args.max_rank)
    write_json(table, args.out / "antonyms.json")
    groups = synonym_groups(args.wordnet, args.max_rank)
    write_json({"about": "Synonym groups derived from WordNet 3.0 (Princeton University, WordNet licence) by "
                         "scripts/build_wordnet.py: the common single words of a synset that is one of the "
                         f"{args.max_rank + 1} most frequent senses of each (wordfreq Zipf frequency of at least "
                         f"{SYNONYM_ZIPF}).", "groups": groups}, args.out / "synonyms.json")
    print(f"{len(table['pairs'])} antonym pairs, {len(table['exceptions'])} irregular forms, {len(groups)} synonym "
          f"groups -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
