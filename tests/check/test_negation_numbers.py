"""Negative forms and group contrasts in the negation check, number words and units."""

from __future__ import annotations

import pytest

from indexer.check.conflict import negative_form
from indexer.check.diff import tokenize
from indexer.check.numbers import numbers
from indexer.lexicon.words import load_word_tables as load_lexicon
from tests.check.conflicts import conflicts


@pytest.mark.parametrize("draft, source, expected", [
    # a word with a negative prefix negates as "not" does
    ("The majority of infected people show symptoms.", "The majority of infected people were asymptomatic.",
     ("", "asymptomatic", ("negation",))),
    ("Autoimmune conditions are unrelated to the prognosis of COVID-19.",
     "Autoimmune conditions are related to the prognosis of COVID-19.", ("unrelated", "", ("negation",))),
    # how many times: "twice" against "half"
    ("Children are twice as susceptible to infection as adults.",
     "Children are half as susceptible to infection as adults.", ("twice", "half", ("number",))),
    # a unit abbreviation counts the same thing as the unit word
    ("The test gives a result in 20 minutes.", "The test gives a result in 30 min.", ("20", "30", ("number",))),
])
def test_negative_forms_and_number_words_conflict(lexicon, draft, source, expected):
    assert expected in conflicts(draft, source, lexicon)


@pytest.mark.parametrize("draft, source", [
    # the same absence said two ways
    ("Most infected residents had no symptoms.", "Most infected residents were asymptomatic."),
    # "without" setting one group against another is no negation of the claim
    ("People with underlying conditions are more often hospitalized.",
     "Hospitalizations were higher among people with underlying conditions than among those without underlying "
     "conditions."),
    # "thirty" is 30 and "min" is minutes
    ("One type of test identifies the virus in thirty minutes.", "The assay detects the virus in 30 min."),
    # both sides negate, though the source's "no" also reads as a contrast ("other" is said elsewhere in it)
    ("Flight, which is shared by all bats but no other mammals, has allowed bats to evolve defences.",
     "Other factors matter. We hypothesize that flight, a factor common to all bats but to no other mammals, "
     "allowed bats to evolve defences."),
    # a word with a negative prefix whose base the other side never says is another word, not a negation of it
    ("Germicidal UV can effectively inactivate airborne microbes.",
     "Germicidal UV effectively kills airborne microbes."),
    ("Genetic sequencing indicates that the virus originated in bats.",
     "The virus originated in bats; the intermediate host remains unknown."),
])
def test_agreeing_negations_and_numbers_conflict_with_nothing(lexicon, draft, source):
    assert conflicts(draft, source, lexicon) == []


def test_number_words_and_units_are_read():
    lexicon = load_lexicon()
    found = [(n.value, n.unit) for n in numbers(tokenize("Fifty-three women, 30 min, twice as likely, 5 hrs"),
                                                lexicon.units)]
    assert found == [(53.0, "women"), (30.0, "minut"), (2.0, ""), (5.0, "hour")]


def test_a_negative_form_the_other_side_does_not_answer_is_left_to_the_lean(lexicon):
    """"unrelated" against "worsen": no hard negation (the source never says "related"), but the two lean opposite
    ways, so the sentence is supported only when the model is all but certain (`decide._may_support`)."""
    from indexer.check.align import align
    from indexer.check.polarity import polarity

    draft, source = ("Autoimmune conditions are unrelated to the prognosis of COVID-19.",
                     "Autoimmune conditions worsen the prognosis of COVID-19.")
    assert conflicts(draft, source, lexicon) == []
    lean = polarity(align(tokenize(draft), tokenize(source), lexicon.lemmas, lexicon.senses), lexicon)
    assert lean["negation_mismatch"] == 1.0


def test_negative_forms_need_an_antonym_or_the_other_side_saying_the_base(lexicon):
    assert negative_form("unlikely", lexicon) == "likely"  # WordNet antonyms
    assert negative_form("unlikely", lexicon, said_only=True) == ""  # ... unless the other side must say the base
    assert negative_form("asymptomatic", lexicon, ["symptoms"]) == "symptomatic"
    assert negative_form("asymptomatic", lexicon, ["fever"]) == ""
    assert negative_form("increase", lexicon, ["decrease"]) == ""  # "crease" is not its opposite
    assert negative_form("disease", lexicon, ["ease"]) == ""  # too short a base


def test_a_unit_table_of_another_shape_is_refused():
    with pytest.raises(ValueError, match="unit table"):
        load_lexicon(units={"min": "minute"})


def test_a_comparison_turned_round_conflicts_unless_its_direction_turns_too(lexicon):
    source = "Pregnant women are more likely to be hospitalized compared with nonpregnant women."
    turned = "Nonpregnant women are more likely to be hospitalized than pregnant women."
    assert ("pregnant", "nonpregnant", ("direction",)) in conflicts(turned, source, lexicon)
    assert conflicts("Smokers had lower survival than nonsmokers.", "Nonsmokers had higher survival than smokers.",
                     lexicon) == []
    assert conflicts("Pregnant women are more likely to be hospitalized than nonpregnant women.", source, lexicon) == []


def test_an_html_character_reference_is_no_number():
    lexicon = load_lexicon()
    found = [n.value for n in numbers(tokenize("adults aged &#8805;65 years and COVID-19"), lexicon.units)]
    assert found == [65.0]
