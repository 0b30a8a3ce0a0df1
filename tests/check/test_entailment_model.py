"""The shipped entailment model is what its card says: the file's hash, its labels and size, the quantised model
giving the float model's label on the held-out pairs, and the held-out figures reproducible. The pair generator
that made part of its training data is a general procedure, tested on sentences of its own."""

from __future__ import annotations

import random

import numpy as np
import pytest

from bench.entailment.minimal_pairs import (
    CONTRADICTION,
    ENTAILMENT,
    NEUTRAL,
    Document,
    Editor,
    document_sentences,
    opposite_table,
    synonym_table,
)
from bench.entailment.titles import TitledDocument, TitlePairs, finding
from indexer.check.entailment import (
    CARD_FILE,
    LABELS,
    MAX_LENGTH,
    MODEL_FILE,
    EntailmentModel,
    data_file,
    encode_pairs,
    file_sha256,
    load_card,
    pair_tokenizer,
)
from indexer.errors import ConfigError

SHARED = data_file(CARD_FILE).parents[3].parent / "shared"


@pytest.fixture(scope="module")
def model() -> EntailmentModel:
    return EntailmentModel.load(threads=1)


def test_the_shipped_file_is_the_one_its_card_describes():
    card = load_card()
    path = data_file(MODEL_FILE)
    assert card["file"] == MODEL_FILE and file_sha256(path) == card["sha256"]
    assert tuple(card["labels"]) == LABELS and card["max_length"] == MAX_LENGTH
    assert path.stat().st_size <= 30 * 1024 * 1024
    assert card["quantisation"]["agreement_with_float"] >= 0.98
    floats, shipped = card["quantisation"]["float_labels"], card["quantisation"]["shipped_labels"]
    assert len(floats) == len(shipped) == card["quantisation"]["held_out_pairs"]
    assert np.mean([a == b for a, b in zip(floats, shipped, strict=True)]) >= 0.98
    for name in ("snli", "counterfactual", "negation", "check-covid", "generated"):
        assert card["held_out"][name]["pairs"] > 0 and card["held_out"][name]["accuracy"] is not None


def test_the_model_reads_pairs_and_says_what_it_reads(model):
    probs = model.judge([
        ("Benzodiazepine is okay when taken in moderate doses, but the higher the dose, the worse its effects are.",
         "Moderate doses of benzodiazepines are acceptable."),
        ("Ketamine does not interact negatively with most psychiatric medications.",
         "Ketamine interacts badly with most psychiatric medications."),
        ("The clinic is in Portland, Oregon.", "Grapefruit juice raises blood pressure."),
    ])
    assert probs.shape == (3, 3) and np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert [LABELS[k] for k in probs.argmax(axis=1)] == [ENTAILMENT, CONTRADICTION, NEUTRAL]


def test_a_pair_reads_the_same_alone_and_in_a_batch(model):
    pairs = [("Ketamine is an anesthetic.", "Ketamine is used to put people to sleep for surgery."),
             ("SSRIs increase serotonin levels in the brain and help stabilize mood.", "SSRIs lower serotonin."),
             ("Short.", "Also short.")]
    together = model.judge(pairs)
    alone = np.vstack([model.judge([p]) for p in pairs])
    assert np.allclose(together, alone, atol=1e-4)


def test_pairs_are_cut_to_the_window_with_the_segments_marked():
    tokenizer = pair_tokenizer()
    long = " ".join(["ketamine"] * 400)
    inputs = encode_pairs(tokenizer, [(long, "Is it safe?"), ("Short premise.", "Short hypothesis.")])
    assert inputs["input_ids"].shape == (2, MAX_LENGTH)
    assert inputs["attention_mask"][1].sum() < MAX_LENGTH
    assert set(inputs["token_type_ids"][0].tolist()) == {0, 1}  # the hypothesis is segment 1
    assert inputs["token_type_ids"][0, -1] == 1


def test_a_damaged_model_file_is_one_clear_error(tmp_path):
    broken = tmp_path / MODEL_FILE
    broken.write_bytes(b"not a graph")
    with pytest.raises(ConfigError, match="cannot be loaded"):
        EntailmentModel.load(broken)
    with pytest.raises(ConfigError, match="is missing"):
        EntailmentModel.load(tmp_path / "absent.onnx")


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "nli").is_dir() or not (SHARED / "ext" / "claims").is_dir(),
                    reason="the training data (../shared/nli, ../shared/ext) is not here")
def test_the_held_out_figures_of_the_card_are_reproduced(model):
    """`python -m bench.entailment.export --check` measures the whole held-out data; here, the Check-COVID and
    generated held-out pairs, the in-domain part: the shipped model's labels are the card's."""
    from bench.entailment.train import build_split, figures

    card = load_card()
    split = build_split(card["settings"])
    offset = 0
    for name, pairs in split.held_out.items():
        if name in ("check-covid", "generated"):
            probs = model.judge([(p.premise, p.hypothesis) for p in pairs])
            labels = "".join(str(int(k)) for k in probs.argmax(axis=1))
            assert labels == card["quantisation"]["shipped_labels"][offset : offset + len(pairs)]
            assert figures(pairs, probs)["accuracy"] == card["held_out"][name]["accuracy"]
        offset += len(pairs)


# -- the minimal pairs are made by a general procedure ------------------------------------------------------------


def editor(seed: int = 0) -> Editor:
    def mentions(sentence: str) -> list[tuple[int, int]]:
        at = sentence.find("sertraline")
        return [(at, at + len("sertraline"))] if at >= 0 else []

    return Editor(opposite_table(), synonym_table(), mentions, ["sertraline", "lithium", "fluoxetine"],
                  random.Random(seed))


def test_single_edits_keep_or_flip_the_meaning_as_labelled():
    e = editor()
    s = "In the trial, sertraline increased serotonin levels by 30% in most of the 120 patients."
    assert e.negate("Patients were treated with sertraline for six weeks.") == \
        "Patients were not treated with sertraline for six weeks."
    assert e.negate("Ketamine can cause nausea in some patients.") == "Ketamine cannot cause nausea in some patients."
    assert e.antonym("Sertraline increased serotonin levels in the brain.") == \
        "Sertraline decreased serotonin levels in the brain."
    assert e.antonym("Higher doses are safe for adults.") in {"Lower doses are safe for adults.",
                                                              "Higher doses are unsafe for adults.",
                                                              "Higher doses are safe for children."}
    changed = e.number(s)
    assert changed != s and changed.replace("30%", "").replace("120", "") != s.replace("30%", "").replace("120", "")
    assert "sertraline" not in e.drug(s)
    assert e.drop_parenthesis("Ketamine (an NMDA antagonist) eases depression quickly in adults.") == \
        "Ketamine eases depression quickly in adults."
    assert e.drop_clause("If you take MAOIs, ketamine may raise your blood pressure, which can be dangerous.") is None
    assert e.synonym("Sertraline increases serotonin in the brain.") in {
        f"Sertraline {w} serotonin in the brain." for w in ("raises", "elevates", "boosts")}
    assert e.strengthen("Ketamine may reduce suicidal thoughts within hours.") == \
        "Ketamine will reduce suicidal thoughts within hours."


def test_pairs_of_a_document_come_with_labels_and_groups():
    text = ("Sertraline is an antidepressant used for depression and anxiety. It increases serotonin levels in the "
            "brain over several weeks. Most patients tolerate it well at a dose of 50 mg a day. Nausea is a common "
            "side effect in the first two weeks of treatment. Patients should not stop it suddenly without advice.")
    doc = Document("leaflet", "test", text)
    assert len(document_sentences(doc)) == 5
    pairs = editor(1).pairs([doc], per_document=5, near=lambda s, d: None)
    assert len(pairs) == 5
    assert {p.label for p in pairs} <= {ENTAILMENT, NEUTRAL, CONTRADICTION}
    assert all(p.group == "test:leaflet" and p.origin == "generated:test" for p in pairs)
    assert all(p.premise != p.hypothesis for p in pairs)


def test_a_title_that_states_a_finding_becomes_a_claim_and_others_do_not():
    assert finding("Soluble MD-2 is an acute-phase protein and an opsonin for Gram-negative bacteria") == \
        "Soluble MD-2 is an acute-phase protein and an opsonin for Gram-negative bacteria."
    assert finding("Aire deficiency promotes TRP-1-specific immune rejection of melanoma.") == \
        "Aire deficiency promotes TRP-1-specific immune rejection of melanoma."
    assert finding("A pulse-based diet reduces LDL-cholesterol: a randomised trial in older adults") == \
        "A pulse-based diet reduces LDL-cholesterol."
    # noun phrases, questions and verbs that are nouns here state nothing
    assert finding("Treatment of antidepressant-associated sexual dysfunction with sildenafil: a randomized trial") \
        is None
    assert finding("Does vitamin D reduce the risk of falls in older adults?") is None
    assert finding("Potent RNAi by short RNA triggers") is None
    assert finding("Hypoglycemia: incidence and clinical predictors in children") is None


def test_title_pairs_read_the_abstract_where_it_reports_its_finding():
    abstract = ("Sertraline is widely prescribed for depression in adults. Its effect on sleep is unclear. We "
                "randomised 120 adults with insomnia to sertraline or placebo for eight weeks. Sleep was measured "
                "by actigraphy every night of the trial. Sertraline improved sleep quality compared with placebo in "
                "adults with insomnia. No serious adverse events were seen in either group of the trial.")
    titled = TitledDocument(Document("trial", "test", abstract), "Sertraline improves sleep quality in insomnia")
    loose = TitledDocument(Document("other", "test", abstract), "Lithium protects kidneys of elderly smokers")
    other = "Lithium levels rose in elderly smokers who took sertraline for insomnia and poor sleep."
    pairs = TitlePairs([titled, loose], editor(2), near=lambda s, d: other).pairs()
    assert {p.group for p in pairs} == {"test:trial"}  # the second title's words are in no later sentence
    by_label = {p.label: p for p in pairs}
    assert by_label[ENTAILMENT].premise == ("Sertraline improved sleep quality compared with placebo in adults with "
                                           "insomnia.")
    assert by_label[ENTAILMENT].hypothesis == "Sertraline improves sleep quality in insomnia."
    assert by_label[CONTRADICTION].premise == by_label[ENTAILMENT].premise
    assert by_label[CONTRADICTION].hypothesis != by_label[ENTAILMENT].hypothesis
    assert by_label[NEUTRAL].premise == other and by_label[NEUTRAL].hypothesis == "Sertraline improves sleep quality in insomnia."
