"""Negative forms and group contrasts in the negation check, number words and units, and the features the support
model gained with them."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.check.align import align
from indexer.check.antonyms import load_lexicon
from indexer.check.conflict import negative_form, numbers, polar_words
from indexer.check.diff import tokenize
from indexer.check.evidence import Evidence
from indexer.check.spans import span_index
from indexer.check.support import FEATURES, feature_values
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


def test_polar_words_left_unlinked_are_counted(lexicon):
    draft = "Masks are ineffective against the virus."
    a = align(tokenize(draft), tokenize("Masks are effective against the virus."), lexicon.lemmas, lexicon.senses)
    assert [a.draft[i].key for i in polar_words(a, lexicon)] == ["ineffective"]
    same = align(tokenize("Masks protect people."), tokenize("Masks protect people."), lexicon.lemmas, lexicon.senses)
    assert [same.draft[i].key for i in polar_words(same, lexicon)] == ["protect"]
    assert all(i in same.linked_draft() for i in polar_words(same, lexicon))  # said by the source: none unlinked


def test_the_source_gap_is_zero_for_the_source_nearest_the_sentence(fake_engine, lexicon):
    index = span_index(fake_engine)
    evidence = Evidence(index, lexicon)
    cosines = np.zeros(len(index.spans), dtype=np.float32)
    nearest = int(np.flatnonzero(index.claims)[0])
    cosines[nearest] = 0.9
    gaps = evidence.source_gaps(cosines)
    assert gaps[index.spans[nearest].source_id] == 0.0
    assert all(gap == pytest.approx(0.9) for source, gap in gaps.items() if source != index.spans[nearest].source_id)
    draft = index.spans[nearest].text
    assessed = evidence.assess(draft, tokenize(draft), set(), nearest, 0.9, gaps)
    values = feature_values(assessed, index.spans[nearest].sentences)
    assert set(values) == set(FEATURES) and values["source_gap"] == 0.0


def test_a_comparison_turned_round_conflicts_unless_its_direction_turns_too(lexicon):
    source = "Pregnant women are more likely to be hospitalized compared with nonpregnant women."
    turned = "Nonpregnant women are more likely to be hospitalized than pregnant women."
    assert ("pregnant", "nonpregnant", ("direction",)) in conflicts(turned, source, lexicon)
    assert conflicts("Smokers had lower survival than nonsmokers.", "Nonsmokers had higher survival than smokers.",
                     lexicon) == []
    assert conflicts("Pregnant women are more likely to be hospitalized than nonpregnant women.", source, lexicon) == []


def test_a_title_close_by_cosine_still_needs_the_model(tmp_path, drug_names, lexicon):
    from indexer import Config, Engine
    from indexer.check.evidence import Assessment
    from indexer.check.support import load_support_model
    from indexer.check.verdicts import Thresholds, _is_title, _Judge
    from tests.fakes import FakeEmbedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "abstract.txt").write_text("Efficacy of convalescent plasma in patients with severe disease: results of "
                                         "a randomized clinical trial\n\nConvalescent plasma did not shorten the "
                                         "time to recovery. Deaths were similar.\n", encoding="utf-8")
    config = Config(corpus_dir=corpus, index_dir=tmp_path / "index", model_name=FakeEmbedder.name)
    index = span_index(Engine.open(config, embedder=FakeEmbedder(), drug_names=drug_names))
    title = next(n for n, span in enumerate(index.spans) if index.claims[n] and _is_title(span))
    sentence = next(n for n, span in enumerate(index.spans) if span.sentences == 1 and not _is_title(span))
    refusing = load_support_model().to_json() | {"threshold": 1.0}  # the model supports nothing
    judge = _Judge(Evidence(index, lexicon), load_support_model(refusing), Thresholds())

    def close(n: int) -> Assessment:
        return Assessment(n, 0.95, 1.0, 1.0, 1.0, 0.0, 0, False, ())

    assert judge.supporting([close(sentence)], index)  # this close, a sentence supports whatever the model says
    assert judge.supporting([close(title)], index) is None
