"""Coverage: covered, partly covered, not covered; the evidence it is judged on; the model file and its fitting."""

from __future__ import annotations

import json

import pytest

from bench import fit_coverage
from indexer import ConfigError
from indexer.ask.coverage import NOT_COVERED, PARTLY, CoverageModel, Evidence, gather, judge
from indexer.ask.reading import ClassMention, DrugMention, Understanding
from indexer.ask.vocabulary import IndexVocabulary
from indexer.index.lexical import LexicalIndex
from indexer.lexicon.lexicon import ClassRef
from indexer.text.tokens import terms
from indexer.types import Citation, Hit, Passage, Ranked

# A model that calls a question covered when a passage is close in meaning and nothing it names is missing.
MODEL = CoverageModel({name: 0.0 for name in Evidence.FEATURES} | {"best_dense": 10.0, "asked_absent": -10.0},
                      bias=-5.0, threshold=0.5)


def evidence(**values) -> Evidence:
    base = dict.fromkeys(Evidence.FEATURES, 0.0)
    return Evidence(**(base | values))


def drug(mention, present=True, specific=True, named=True) -> DrugMention:
    return DrugMention(mention, mention.lower(), (), present, named and present, specific and present,
                       present and not named, (mention.lower(),) if named and present else (), (), 3 if present else 0)


def understood(*drugs: DrugMention, classes=(), unmatched=()) -> Understanding:
    return Understanding("q", "q", drugs=drugs, classes=classes, unmatched=unmatched)


def test_a_close_passage_about_what_was_asked_is_covered():
    coverage = judge(understood(drug("Ativan")), evidence(best_dense=0.8), MODEL)
    assert coverage.covered and coverage.state == "covered" and coverage.missing == ()
    assert coverage.score > 0.5


def test_a_drug_the_sources_never_mention_is_not_covered_and_named():
    coverage = judge(understood(drug("Adderall", present=False), unmatched=("Adderall",)),
                     evidence(best_dense=0.9, asked_absent=1.0), MODEL)
    assert not coverage.covered and coverage.state == NOT_COVERED
    assert coverage.missing == ("Adderall",) and "never mention Adderall" in coverage.reason


def test_a_question_the_sources_answer_only_in_part_says_what_is_missing():
    question = understood(drug("Ativan"), drug("Adderall", present=False), drug("ketamine", specific=False),
                          unmatched=("Adderall",))
    coverage = judge(question, evidence(best_dense=0.8, asked_absent=1 / 3), MODEL)
    assert coverage.state == PARTLY and coverage.covered  # partly covered counts as covered ...
    assert coverage.missing == ("Adderall",)  # ... and says what is not
    assert "Ativan" in coverage.reason and "Adderall" in coverage.reason and "ketamine" not in coverage.reason


def test_when_only_the_corpus_subject_is_left_the_question_is_not_covered():
    # "Can I take Adderall with ketamine?" over articles that are all about ketamine: nothing specific is answered.
    question = understood(drug("Adderall", present=False), drug("ketamine", specific=False), unmatched=("Adderall",))
    coverage = judge(question, evidence(best_dense=0.9, asked_absent=0.5), MODEL)
    assert not coverage.covered and coverage.state == NOT_COVERED and coverage.missing == ("Adderall",)


def test_a_missing_class_counts_like_a_missing_drug():
    ref = ClassRef("antipsychotic", "antipsychotics", "an antipsychotic")
    question = understood(drug("lithium"), classes=(ClassMention(ref, False, "antipsychotics"),),
                          unmatched=("antipsychotics",))
    coverage = judge(question, evidence(best_dense=0.8, asked_absent=0.5), MODEL)
    assert coverage.state == PARTLY and "antipsychotics" in coverage.reason


def test_no_close_passage_is_not_covered():
    coverage = judge(understood(drug("Ativan")), evidence(best_dense=0.2), MODEL)
    assert not coverage.covered and coverage.reason == "No passage is close enough to the question."


def make_vocabulary(texts):
    return IndexVocabulary(LexicalIndex.build([terms(t) for t in texts]), {}, lambda n: terms(texts[n]))


def hit(text: str, dense: float, heading=()) -> Hit:
    passage = Passage("s", 0, len(text), text, heading)
    return Hit(passage, Citation("s", "", "", "s.txt", 0, len(text), heading), Ranked(0, 0.0, dense, 0.0, 1, None))


def test_evidence_weighs_the_question_topic_by_rarity_and_finds_what_the_best_passages_name():
    texts = ["Sertraline dosage for adults.", "Sertraline side effects include nausea.",
             "The cost of insulin rose.", "Insulin dosage.", "Food and drink."]
    vocab = make_vocabulary(texts)
    question = Understanding("How much does sertraline cost?", "How much does sertraline cost?",
                             drugs=(drug("sertraline"),), topic_terms=("cost",))
    hits = [hit(texts[0], 0.7, ("Sertraline",)), hit(texts[1], 0.6)]
    found = gather(question, hits, [terms(h.passage.text) for h in hits], [0.3, 0.2], vocab)
    # "cost" occurs in the corpus, but in no passage about sertraline: the topic is not covered by the best ones.
    assert found.topic_share == 0.0 and found.topic_absent == 0.0
    assert found.asked_in_top == 1.0 and found.asked_in_heading == 1.0 and found.best_dense == 0.7
    assert found.topic_dense == 0.3  # the question without "sertraline", against the passages naming it
    assert found.anchor == pytest.approx(1 - 3 / 5)


def test_the_shipped_model_reads_and_a_broken_one_is_a_clear_error(tmp_path):
    model = CoverageModel.load()
    assert set(model.weights) == set(Evidence.FEATURES) and 0 < model.threshold < 1
    broken = tmp_path / "model.json"
    broken.write_text(json.dumps({"weights": {}, "bias": 0, "threshold": 0.5}))
    with pytest.raises(ConfigError, match="cannot be read.*fit_coverage"):
        CoverageModel.load(broken)


def example(covered: bool, dense: float, absent: float = 0.0, specific: bool = False):
    values = dict.fromkeys(Evidence.FEATURES, 0.0) | {"best_dense": dense, "asked_absent": absent}
    return fit_coverage.Example("t", "q", covered, "g", tuple(values[f] for f in Evidence.FEATURES), specific)


def test_the_fitting_script_learns_from_the_evidence_and_judges_mixed_questions_by_rule():
    examples = [example(True, 0.6 + i / 100) for i in range(20)] + [example(False, 0.2 + i / 100) for i in range(20)]
    model = fit_coverage.fit(examples)
    assert model.weights["best_dense"] > 0 and model.threshold == fit_coverage.THRESHOLD
    assert fit_coverage.score(model, examples) == {"questions": 40, "abstain": 1.0, "false_abstain": 0.0}
    # A question naming a missing drug and a specific present one: partly covered (covered); without a specific
    # present one: not covered, however close the passages.
    assert fit_coverage.judged_covered(model, example(True, 0.8, absent=0.5, specific=True))
    assert not fit_coverage.judged_covered(model, example(True, 0.8, absent=0.5, specific=False))
