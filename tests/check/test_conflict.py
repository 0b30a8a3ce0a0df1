"""The meaning checks on an alignment (each kind of conflict) and numbers."""

from __future__ import annotations

import pytest

from indexer.check.diff import tokenize
from indexer.check.evidence import EvidenceFinder
from indexer.check.numbers import numbers, same_number
from indexer.check.spans import span_index
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
    evidence = EvidenceFinder(index, lexicon)
    source = "That is why it is best to avoid NMDA blockers when undergoing ketamine infusion therapy."
    n = next(k for k, span in enumerate(index.spans) if span.text == source)
    draft = "That is why it is best to avoid SSRIs when you undergo ketamine infusion therapy."
    assessed = evidence.assess(draft, tokenize(draft), set(), n, 0.9)
    assert assessed.new_drugs
    assert ("SSRIs", "NMDA blockers", ("drug",)) in [(c.draft, c.source, c.reasons) for c in assessed.conflicts]
    unknown = "That is why it is best to avoid gabapentin when you undergo ketamine infusion therapy."
    assert not evidence.assess(unknown, tokenize(unknown), set(), n, 0.9).reasons()  # no source speaks of it


def test_one_name_in_the_singular_and_the_plural_is_not_a_swap(fake_engine):
    finder = span_index(fake_engine).drug_spans
    specific = "Most survivors had a neutralizing antibody response one year later."
    general = "Antibodies were found in most survivors one year later."
    assert not finder.unsupported_names(general, specific, "")  # the span names a kind of what the sentence names
    assert not finder.unsupported_names(specific, general, "")  # the same word, in the singular
    assert finder.unsupported_names("Most survivors took lithium one year later.", general, "")
