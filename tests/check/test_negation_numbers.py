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
     "Autoimmune conditions worsen the prognosis of COVID-19.", ("unrelated", "", ("negation",))),
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
])
def test_agreeing_negations_and_numbers_conflict_with_nothing(lexicon, draft, source):
    assert conflicts(draft, source, lexicon) == []


def test_number_words_and_units_are_read():
    lexicon = load_lexicon()
    found = [(n.value, n.unit) for n in numbers(tokenize("Fifty-three women, 30 min, twice as likely, 5 hrs"),
                                                lexicon.units)]
    assert found == [(53.0, "women"), (30.0, "minut"), (2.0, ""), (5.0, "hour")]


def test_negative_forms_need_an_antonym_or_the_other_side_saying_the_base(lexicon):
    assert negative_form("unlikely", lexicon) == "likely"  # WordNet antonyms
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
