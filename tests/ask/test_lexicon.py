"""The drug classes: WordNet's hierarchy as shipped, the curated additions, INN name stems, and the script that
derives the WordNet part."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.common import DEFAULT_EXT
from indexer.lexicon import Lexicon
from indexer.lexicon.classes import load_drug_classes, load_wordnet, match_phrases
from indexer.lexicon.lexicon import same_medicine
from indexer.text.tokens import COMPOUND
from scripts.derive_drug_classes import derive

EXT = DEFAULT_EXT  # ../shared/ext, or $BENCH_EXT_DIR


@pytest.fixture(scope="module")
def lexicon(drug_names) -> Lexicon:
    return Lexicon(drug_names)


@pytest.mark.parametrize("generic, chain", [
    ("sertraline", ("ssri", "antidepressant")),  # WordNet
    ("ibuprofen", ("nsaid",)),
    ("lisinopril", ("ace inhibitor", "antihypertensive")),
    ("warfarin", ("anticoagulant", "blood_thinner")),
    ("quetiapine", ("antipsychotic",)),  # curated: newer than WordNet
    ("valsartan", ("arb", "antihypertensive")),  # by its INN stem, -sartan
    ("rosuvastatin calcium", ("statin",)),  # a salt: by the word that names the drug
    ("herpes zoster vaccine", ("vaccine",)),
])
def test_drugs_resolve_to_their_classes(lexicon, generic, chain):
    keys = lexicon.chain(tuple(c.key for c in lexicon.classes_of(generic)))
    assert keys[: len(chain)] == chain or set(chain) <= set(keys)


def test_brands_resolve_to_generic_and_class(lexicon):
    assert [c.singular for c in lexicon.classes_of(lexicon.drug_names.find(["Xanax"])[0][0])] == ["a benzodiazepine"]
    assert lexicon.classes_of("zoloft") == lexicon.classes_of("sertraline")  # WordNet's brand names count too


@pytest.mark.parametrize("generic, base", [
    ("nicotine patch", "nicotine"), ("calcium supplement", "calcium"), ("benzocaine otic", "benzocaine"),
    ("barium sulfate suspension", "barium sulfate"), ("ketamine", ""), ("patch", ""), ("gel", ""),
    ("enoxaparin sodium", ""),  # a salt is part of the medicine's name, not its form
])
def test_a_generic_that_ends_in_its_form_is_also_known_without_it(lexicon, generic, base):
    assert lexicon.without_form(generic) == base
    if base:
        assert lexicon.names_of(generic)[:2] == (generic, base)


@pytest.mark.parametrize("generic, other, same", [
    ("diclofenac sodium", "diclofenac", True), ("amphotericin", "amphotericin b", True),
    ("maalox", "loperamide", False),  # a brand the drug dictionary files under one of its products
    ("naproxen", "naproxen", True), ("insulin", "insulin lispro", True), ("procaine", "procainamide", False),
])
def test_names_of_one_medicine_are_told_from_names_of_another(generic, other, same):
    assert same_medicine(generic, other) is same


def test_a_generic_has_the_names_the_drug_dictionary_files_it_under_when_they_name_the_same_medicine(lexicon):
    assert lexicon.drug_names.generics("diclofenac sodium") == ["diclofenac"]  # WordNet says "diclofenac sodium"
    assert {"diclofenac", "cambia"} <= set(lexicon.names_of("diclofenac sodium"))  # and its brands
    assert lexicon.drug_names.generics("maalox") == ["loperamide"]
    assert "loperamide" not in lexicon.names_of("maalox")


def test_drug_names_written_in_the_plural_are_found_but_english_plurals_are_left_alone(lexicon):
    # "percocets" is a curated brand in the plural, "xanaxes" a dictionary name in the plural
    found = match_phrases(COMPOUND.findall("What do percocets look like?"), lexicon.phrases)
    assert [v for v, _, _ in found] == [("drug", "oxycodone/acetaminophen")]
    assert [g for g, _, _ in lexicon.drug_names.find(["xanaxes"])] == lexicon.drug_names.generics("xanax")
    # an English plural is an English word, even when its singular is a brand ("Pulsar")
    assert lexicon.drug_names.find(["pulsars"]) == []
    assert lexicon.drug_names.find(["glass"]) == []


def test_class_names_match_in_questions_and_drugs_with_kinds_are_drugs(lexicon):
    found = match_phrases(COMPOUND.findall("Are SSRIs and beta-blockers safe with insulin?"), lexicon.phrases)
    assert [v for v, _, _ in found] == [("class", "ssri"), ("class", "beta blocker"), ("drug", "insulin")]


def test_the_wordnet_data_is_consistent():
    data = load_wordnet()
    assert len(data["drugs"]) > 300 and len(data["classes"]) > 100
    for keys in data["drugs"].values():
        assert all(k in data["classes"] for k in keys)
    for entry in data["classes"].values():
        assert entry["terms"] and all(b in data["classes"] for b in entry["broader"])
    # Slang whose first meaning is something else is never a name: "speed", "ecstasy", "weed", "pot".
    assert not {"speed", "ecstasy", "weed", "pot", "downer"} & set(data["names"])


def test_every_curated_member_is_a_generic_the_drug_dictionary_knows(drug_names):
    classes = load_drug_classes()
    curated = {part for c in classes.values() for m in c.members for part in m.split("/")}  # a/b: a combination
    unknown = sorted(m for m in curated if not drug_names.generics(m) and not drug_names.names_of(m)
                     and m not in load_wordnet()["drugs"])
    assert unknown == []


def test_broken_class_data_is_rejected():
    with pytest.raises(ValueError, match="unknown broader class"):
        load_drug_classes('[class.a]\nname = "A"\nterms = ["a"]\nbroader = ["missing"]\n')
    with pytest.raises(ValueError, match="has no terms"):
        load_drug_classes('[class.a]\nname = "A"\nterms = []\n')


@pytest.mark.skipif(not (EXT / "medicationqa" / "dev.jsonl").is_file(), reason="external dev data absent")
def test_most_drugs_of_real_questions_resolve_to_a_class(lexicon):
    mentions = resolved = 0
    with open(EXT / "medicationqa" / "dev.jsonl", encoding="utf-8") as f:
        for line in f:
            tokens = COMPOUND.findall(json.loads(line)["question"])
            phrases = match_phrases(tokens, lexicon.phrases)
            taken = {i for _, a, b in phrases for i in range(a, b)}
            generics = [v for (kind, v), _, _ in phrases if kind == "drug"]
            generics += [g for g, a, b in lexicon.drug_names.find(tokens) if not taken & set(range(a, b))]
            for generic in dict.fromkeys(generics):
                mentions += 1
                resolved += bool(lexicon.classes_of(generic))
    assert mentions > 150 and resolved / mentions >= 0.75


# -- the derivation script, on a miniature WordNet -------------------------------------------------------------

SYNSETS = [
    # offset, lemmas, hypernyms
    ("00000001", ["agent"], []),
    ("00000002", ["drug"], ["00000001"]),
    ("00000003", ["medicine", "medication"], ["00000002"]),
    ("00000004", ["antidepressant", "antidepressant_drug"], ["00000003"]),
    ("00000005", ["selective-serotonin_reuptake_inhibitor", "SSRI"], ["00000004"]),
    ("00000006", ["sertraline", "Zoloft"], ["00000005"]),
    ("00000007", ["dose", "dosage"], ["00000003"]),
    ("00000008", ["fooamine"], ["00000007"]),  # filed under "dose" only: no class
    ("00000009", ["amphetamine", "speed"], ["00000002"]),  # "speed" means a rate first
    ("00000010", ["speed", "velocity"], []),
    ("00000011", ["antacid"], ["00000001"]),
    ("00000012", ["omeprazole", "Prilosec"], ["00000011"]),  # under agent: a drug, as the dictionary knows it
    ("00000013", ["catalyst"], ["00000001"]),
    ("00000014", ["zeolite"], ["00000013"]),  # under agent, unknown to the dictionary: not a drug
]


def write_wordnet(folder: Path) -> Path:
    folder.mkdir()
    lines = []
    for offset, lemmas, parents in SYNSETS:
        words = " ".join(f"{w} 0" for w in lemmas)
        pointers = " ".join(f"@ {p} n 0000" for p in parents)
        lines.append(f"{offset} 06 n {len(lemmas):02x} {words} {len(parents):03d} {pointers} | gloss")
    (folder / "data.noun").write_text("  licence line\n" + "\n".join(lines) + "\n", encoding="latin-1")
    first: dict[str, list[str]] = {}
    for offset, lemmas, _ in SYNSETS:
        for w in lemmas:
            first.setdefault(w.lower(), []).append(offset)
    first["speed"] = ["00000010", "00000009"]  # its most frequent sense first
    index = [f"{w} n {len(o)} 0 {len(o)} 0 {' '.join(o)}" for w, o in first.items()]
    (folder / "index.noun").write_text("  licence line\n" + "\n".join(index) + "\n", encoding="latin-1")
    return folder


def test_the_derivation_keeps_drug_classes_and_first_sense_names(tmp_path):
    known = {"omeprazole": ["omeprazole"], "prilosec": ["omeprazole"], "sertraline": ["sertraline"]}
    data = derive(write_wordnet(tmp_path / "wn"), known)
    assert data["drugs"]["sertraline"] == ["ssri"]
    assert data["classes"]["ssri"] == {"name": "SSRI", "terms": ["ssri", "selective-serotonin reuptake inhibitor"],
                                       "broader": ["antidepressant"]}
    assert data["names"]["zoloft"] == "sertraline"
    assert data["drugs"]["omeprazole"] == ["antacid"] and data["names"]["prilosec"] == "omeprazole"
    assert "speed" not in data["names"] and "fooamine" not in data["drugs"] and "zeolite" not in data["drugs"]
    assert not {"drug", "medicine", "agent", "dose"} & set(data["classes"])
