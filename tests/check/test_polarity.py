"""Which way a sentence and a span lean: the polarity signals the verdict weighs next to the model."""

from __future__ import annotations

from indexer.check.align import align
from indexer.check.diff import tokenize
from indexer.check.polarity import POLARITY_FEATURES, polarity


def lean(draft: str, source: str, lexicon) -> dict[str, float]:
    return polarity(align(tokenize(draft), tokenize(source), lexicon.lemmas, lexicon.senses), lexicon)


def test_a_negation_only_one_side_holds_is_a_mismatch(lexicon):
    source = "There is no evidence of vertical transmission from mother to fetus."
    negated = lean("The virus does not pass from mother to fetus by vertical transmission.", source, lexicon)
    stated = lean("The virus passes from mother to fetus by vertical transmission.", source, lexicon)
    assert negated["negation_mismatch"] == 0.0 and negated["draft_negations"] == 1.0
    assert stated["negation_mismatch"] == 1.0 and stated["draft_negations"] == 0.0
    assert set(stated) == set(POLARITY_FEATURES)


def test_a_negative_form_counts_as_a_negation(lexicon):
    values = lean("Perinatal transmission is unlikely with hygiene precautions.",
                  "Perinatal transmission is likely with hygiene precautions.", lexicon)
    assert values["draft_negations"] == 1.0 and values["negation_mismatch"] == 1.0


def test_directions_agree_clash_and_turn_with_a_negation(lexicon):
    source = "Hydroxychloroquine was associated with increased overall mortality."
    same = lean("Hydroxychloroquine raised mortality.", source, lexicon)
    assert same["direction_agree"] == 1.0 and same["sign_agree"] == 1.0 and same["sign_clash"] == 0.0
    opposite = lean("Hydroxychloroquine reduced mortality.", source, lexicon)
    assert opposite["direction_clash"] == 1.0 and opposite["sign_clash"] == 1.0
    turned = lean("Hydroxychloroquine did not reduce mortality; it increased it.", source, lexicon)
    assert turned["direction_agree"] == 1.0


def test_the_negations_of_parts_of_the_span_the_sentence_does_not_speak_of_do_not_count(lexicon):
    source = ("Nobody wore masks at first. Hand washing reduced infections among nurses on every ward of the "
              "hospital. None of the visitors were tested, and no records were kept.")
    values = lean("Hand washing reduced infections among nurses.", source, lexicon)
    assert values["source_negations"] == 0.0 and values["negation_mismatch"] == 0.0


def test_an_absolute_claim_the_span_does_not_make_is_marked(lexicon):
    source = "The travel ban delayed the epidemic in some provinces."
    assert lean("The travel ban completely prevented the epidemic.", source, lexicon)["unmatched_universal"] == 1.0
    assert lean("The travel ban delayed the epidemic.", source, lexicon)["unmatched_universal"] == 0.0
