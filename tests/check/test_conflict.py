"""The meaning checks on an alignment (each kind of conflict), numbers, and the fitted support model."""

from __future__ import annotations

import pytest

from indexer.check.conflict import numbers, same_number
from indexer.check.diff import tokenize
from indexer.check.evidence import Evidence
from indexer.check.spans import span_index
from indexer.check.support import DECISION_FEATURES, FEATURES, context_values, load_support_model
from tests.check.conflicts import conflicts


@pytest.mark.parametrize("draft, source, expected", [
    # negation: one side negates what the other states
    ("Research shows ketamine interacts badly with most psychiatric medications.",
     "Research suggests that ketamine is well-tolerated and does not interact negatively with most psychiatric "
     "medications.", ("", "not", ("negation",))),
    ("Ketamine offers no relief for chronic pain.", "Ketamine may offer relief from chronic pain.",
     ("no", "", ("negation",))),
    # WordNet antonyms, and benefit against harm
    ("Ketamine has a slow antidepressant effect.", "Ketamine has a rapid antidepressant effect.",
     ("slow", "rapid", ("antonym",))),
    ("Adding another NMDA blocker to ketamine is harmless for the patient.",
     "Taking any other NMDA blocker can have an adverse effect on the patient.", ("harmless", "adverse", ("antonym",))),
    ("Memantine is safe to take during ketamine infusion therapy.",
     "Memantine is a well-known NMDA blocker, which is why it is crucial to avoid it, especially when going "
     "through ketamine infusion therapy.", ("safe", "avoid", ("antonym",))),
    # direction: a rise against a fall, in other words than a WordNet pair
    ("Taking ketamine with SSRIs lowers the amount of serotonin in the brain.",
     "Both ketamine and SSRIs work together to increase the serotonin levels in your brain.",
     ("lowers", "increase", ("direction",))),
    # comparatives
    ("Ultraviolet light is associated with higher COVID-19 growth rates.",
     "We found that ultraviolet light was most strongly associated with lower COVID-19 growth rates.",
     ("higher", "lower", ("antonym",))),
    ("Ketamine is one of the least promising treatments for depression.",
     "Ketamine is one of the most promising treatments for depression.", ("least", "most", ("direction",))),
    ("Pregnant women had the same risk of admission as other women.",
     "Pregnant women had a higher risk of admission than other women.", ("same", "higher", ("direction",))),
    # quantifiers
    ("Lamotrigine strengthens all of the effects of ketamine.", "Some of the effects of lamotrigine go against ketamine.",
     ("all", "Some", ("quantifier",))),
    # numbers of the same unit
    ("The trial included 1008 participants.", "The trial recruited 108 participants.",
     ("1008", "108", ("number",))),
    ("About 22 percent of the global population is at risk.", "22% of the global population is at increased risk.",
     None),
])
def test_each_kind_of_conflict_is_found_with_the_words_of_both_sides(lexicon, draft, source, expected):
    found = conflicts(draft, source, lexicon)
    if expected is None:
        assert found == []
    else:
        assert expected in found, found


@pytest.mark.parametrize("draft, source", [
    ("Studies show ketamine is usually well tolerated and rarely causes problems with other psychiatric drugs.",
     "Research suggests that ketamine is generally well-tolerated and does not interact negatively with most "
     "psychiatric medications."),
    ("Many people ask whether they can keep taking their other medications.",
     "Most people wonder whether or not you can take other medications."),
    ("High doses of benzodiazepines make their effects worse, although moderate amounts are fine.",
     "Benzodiazepine is okay when taken in moderate doses, but the higher the dose, the worse its effects are."),
    ("A doctor needs to approve any medication you combine with ketamine.",
     "Ketamine treatments can be fused with other medications, but they have to be approved by a doctor."),
    ("Talking can emit droplets that stay in the air for 8 to 14 minutes.",
     "They disappear from view with time constants of 8 to 14 min."),
])
def test_faithful_restatements_conflict_with_nothing(lexicon, draft, source):
    assert conflicts(draft, source, lexicon) == []


def test_numbers_are_read_as_written():
    values = [(n.value, n.unit) for n in numbers(tokenize("About 1·7 billion people, 22% of adults, thirty minutes "
                                                           "and COVID-19 in 60,000 years."))]
    assert values == [(1.7e9, "peopl"), (22.0, "%"), (30.0, "minut"), (60000.0, "year")]
    (rounded,), (precise,) = numbers(tokenize("22 percent")), numbers(tokenize("22.4%"))
    assert same_number(rounded, precise) and not same_number(precise, rounded)


def test_a_drug_named_in_place_of_another_is_a_swap(fake_engine, lexicon):
    index = span_index(fake_engine)
    evidence = Evidence(index, lexicon)
    source = "That is why it is best to avoid NMDA blockers when undergoing ketamine infusion therapy."
    n = next(k for k, span in enumerate(index.spans) if span.text == source)
    draft = "That is why it is best to avoid SSRIs when you undergo ketamine infusion therapy."
    assessed = evidence.assess(draft, tokenize(draft), set(), n, 0.9)
    assert assessed.new_drugs
    assert ("SSRIs", "NMDA blockers", ("drug",)) in [(c.draft, c.source, c.reasons) for c in assessed.conflicts]
    unknown = "That is why it is best to avoid gabapentin when you undergo ketamine infusion therapy."
    assert not evidence.assess(unknown, tokenize(unknown), set(), n, 0.9).reasons()  # no source speaks of it


def test_the_shipped_support_model_loads_and_weighs_its_features():
    model = load_support_model()
    assert set(model.relevance.features) == set(FEATURES) and 0 < model.threshold < 1
    assert set(model.decision.features) == set(DECISION_FEATURES)
    values = dict.fromkeys(FEATURES, 0.0) | {"cosine": 0.7, "share": 0.5, "coverage": 0.3, "source_coverage": 0.2}
    weak = model.relevance.probability(values)
    strong = model.relevance.probability(values | {"coverage": 1.0, "source_coverage": 0.8})
    assert strong > weak  # a span holding more of the sentence's words is more likely the one it speaks of
    context = dict.fromkeys(DECISION_FEATURES, 0.0) | values | {"relevance": 0.6, "conflict_margin": 1.0}
    alone = model.decision.probability(context | {"relevance_margin": 0.5})
    rivalled = model.decision.probability(context | {"relevance_margin": -0.3})
    assert alone > rivalled  # a span of another source as likely as this one makes it less of a support


def test_a_support_model_of_other_features_is_refused():
    model = load_support_model().to_json()
    decision = model["decision"]
    with pytest.raises(ValueError, match="not those of this version"):
        load_support_model(model | {"decision": decision | {"features": ["cosine"]}})
    with pytest.raises(ValueError, match="weights must be"):
        load_support_model(model | {"decision": decision | {"weights": [1.0]}})
    with pytest.raises(ValueError, match="scales must be positive"):
        load_support_model(model | {"relevance": model["relevance"] | {"scale": [0.0] * len(FEATURES)}})
    with pytest.raises(ValueError, match="has no relevance part"):
        load_support_model({"decision": decision, "threshold": 0.5})


def test_the_context_of_a_span_says_how_it_stands_against_the_others():
    values = context_values(0, [0.8, 0.5, 0.3], ["a", "b", "a"], [False, False, True], [1.2, 1.0, 1.1])
    assert values == pytest.approx({"relevance": 0.8, "relevance_margin": 0.3, "source_conflict": 1.0,
                                    "conflict_margin": 0.1})
    alone = context_values(0, [0.4], ["a"], [False], [1.0])
    assert alone == pytest.approx({"relevance": 0.4, "relevance_margin": 0.4, "source_conflict": 0.0,
                                   "conflict_margin": 1.0})


def _pairs(n_claims: int, labels: list[str], related: list[float], conflicting: list[float],
           close: list[bool] | None = None):
    import numpy as np

    from bench.fit_conflicts import Pairs

    row = dict.fromkeys(FEATURES, 0.0) | {"cosine": 0.8, "share": 0.8}
    n = len(related)
    return Pairs(np.array([[row[f] for f in FEATURES]] * n), np.ones(n, dtype=bool), np.arange(n) % n_claims,
                 np.ones(n, dtype=bool), np.array(["a"] * n), np.ones(n, dtype=bool),
                 np.array(close or [False] * n), np.zeros(n, dtype=bool), np.array(related, dtype=float),
                 labels, ["a"] * n_claims, np.array(conflicting, dtype=float))


def test_the_fitting_script_recovers_a_known_rule_and_picks_a_threshold_for_claims():
    import numpy as np

    from bench.fit_conflicts import (
        choose_threshold,
        claim_figures,
        decisions,
        fit_logistic,
        predict,
        standardize,
    )

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] - x[:, 1] + 0.3 * rng.normal(size=400)) > 0
    mean, scale = standardize(x)
    weights, bias = fit_logistic((x - mean) / scale, y.astype(float), l2=1.0)
    assert weights[0] > 0 > weights[1]
    assert ((predict(x, weights, bias, mean, scale) >= 0.5) == y).mean() > 0.9
    # two claims of one abstract, one pair each: the refuted claim's decision is less probable
    pairs = _pairs(2, ["SUPPORT", "REFUTE"], [1.0, 1.0], [-np.inf, -np.inf])
    chosen = decisions(pairs, np.array([0.9, 0.9]))
    assert list(chosen.claim) == [0, 1] and list(chosen.positive) == [True, False]
    assert chosen.x.shape == (2, len(DECISION_FEATURES))
    threshold, figures = choose_threshold(pairs, chosen, np.array([0.7, 0.4]), max_refuted=0.0)
    assert 0.4 < threshold <= 0.7 and figures == {"refuted_as_supported": 0.0, "supported_found": 1.0}
    # a span conflicting with the supported claim and more related to it than its supporting span wins, as in
    # the check itself: the claim is not found
    vetoed = _pairs(2, ["SUPPORT", "REFUTE"], [1.0, 1.0], [2.0, -np.inf])
    assert claim_figures(vetoed, chosen, np.array([0.7, 0.4]), 0.5)["supported_found"] == 0.0
    assert claim_figures(pairs, chosen, np.array([0.7, 0.4]), 0.5)["supported_found"] == 1.0
    # a span nearer than `paraphrase_close` supports whatever the decision model says
    near = _pairs(2, ["SUPPORT", "REFUTE"], [1.0, 1.0], [-np.inf, -np.inf], close=[True, False])
    assert claim_figures(near, chosen, np.array([0.1, 0.1]), 0.5) == {"refuted_as_supported": 0.0,
                                                                      "supported_found": 1.0}
