"""How a verdict is decided from a sentence's evidence and the entailment model's readings (no model here: the
readings are given), so each rule of `indexer/check/decide.py` is seen on its own."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from indexer.check.checker import SentenceEvidence
from indexer.check.decide import MODEL_REASON, Thresholds, decide
from indexer.check.diff import Change
from indexer.check.evidence import Assessment
from indexer.check.spans import Span

TEXT = ("SNRIs are mainly used to calm the brain's activity. It is often prescribed to people who deal with severe "
        "anxiety and depression. Benzodiazepine is okay when taken in moderate doses.")
T = Thresholds()


def spans():
    sentences = [TEXT.index("SNRIs"), TEXT.index("It is"), TEXT.index("Benzodiazepine")]
    ends = [TEXT.index(".", a) + 1 for a in sentences]
    out = [Span("s", "Title", "corpus/s.txt", a, b, TEXT[a:b], 1) for a, b in zip(sentences, ends, strict=True)]
    out.append(Span("s", "Title", "corpus/s.txt", sentences[0], ends[1], TEXT[sentences[0] : ends[1]], 2))
    return SimpleNamespace(spans=out, single=np.array([True, True, True, False]), texts={"s": TEXT})


def assessment(span: int, cosine: float = 0.7, conflicts=(), added_numbers: int = 0, new_drugs: bool = False,
               leans: bool = False):
    return Assessment(span, cosine, 0.5, 0.8, added_numbers, new_drugs, tuple(conflicts),
                      {"sign_clash": 1.0} if leans else {})


def evidence(text: str, assessed, judged, **kw) -> SentenceEvidence:
    return SentenceEvidence(text, 0, len(text), assessed=list(assessed), judged=dict(judged), **kw)


def change(draft: str, source: str, reasons=(), meaning=None) -> Change:
    return Change("replaced", draft, source, bool(reasons) if meaning is None else meaning, tuple(reasons))


def test_the_span_that_best_entails_the_sentence_is_cited():
    e = evidence("People with severe anxiety are often given SNRIs.", [assessment(0, 0.8), assessment(1, 0.6)],
                 {0: (0.2, 0.1), 1: (0.9, 0.02)})
    s = decide(e, spans(), T, e.text)
    assert s.verdict == "paraphrase" and s.span.start == TEXT.index("It is")
    assert (s.entailment, s.contradiction) == (0.9, 0.02)


def test_a_single_sentence_is_cited_before_a_run_that_entails_it_nearly_as_well():
    e = evidence("SNRIs calm the brain.", [assessment(3, 0.8), assessment(0, 0.75)], {3: (0.95, 0.0), 0: (0.93, 0.0)})
    assert decide(e, spans(), T, e.text).span.sentences == 1


def test_an_entailed_paraphrase_with_a_hard_conflict_is_not_presented_as_supported():
    number = change("50", "5", ("number",))
    e = evidence("Benzodiazepine is okay at 50 mg.", [assessment(2, 0.8, conflicts=[number])], {2: (0.95, 0.01)})
    s = decide(e, spans(), T, e.text)
    assert s.verdict == "conflicts" and s.changes == (number,)
    added = evidence("Benzodiazepine is okay up to 4 mg.", [assessment(2, 0.8, added_numbers=1)], {2: (0.95, 0.0)})
    assert decide(added, spans(), T, added.text).verdict == "unsupported"
    drug = evidence("Lorazepam is okay in moderate doses.", [assessment(2, 0.8, new_drugs=True)], {2: (0.9, 0.0)})
    assert decide(drug, spans(), T, drug.text).verdict == "unsupported"


def test_a_span_the_model_reads_as_contradicting_the_sentence_is_a_conflict_when_the_words_bear_it_out():
    e = evidence("Benzodiazepines are harmful at any dose.", [assessment(0, 0.6), assessment(2, 0.7, leans=True)],
                 {0: (0.05, 0.1), 2: (0.02, 0.9)})
    s = decide(e, spans(), T, e.text)
    assert s.verdict == "conflicts" and s.span.start == TEXT.index("Benzodiazepine") and s.contradiction == 0.9
    topic_only = evidence(e.text, [assessment(0, 0.6), assessment(2, 0.7)], {0: (0.05, 0.1), 2: (0.02, 0.9)})
    assert decide(topic_only, spans(), T, e.text).verdict == "unsupported"  # the model alone makes no conflict


def test_a_rule_conflict_stands_only_when_the_model_does_not_read_the_span_as_entailing():
    antonym = change("unsafe", "okay", ("antonym",))
    e = evidence("Benzodiazepine is unsafe in moderate doses.", [assessment(2, 0.8, conflicts=[antonym])],
                 {2: (0.05, 0.3)})
    assert decide(e, spans(), T, e.text).verdict == "conflicts"
    read_as_said = evidence(e.text, e.assessed, {2: (0.5, 0.1)})
    assert decide(read_as_said, spans(), T, e.text).verdict == "unsupported"


def test_nothing_entailing_or_contradicting_is_unsupported_with_the_best_readings():
    e = evidence("Ketamine is approved for children under 12.", [assessment(0, 0.5), assessment(1, 0.4)],
                 {0: (0.1, 0.2), 1: (0.3, 0.05)})
    s = decide(e, spans(), T, e.text)
    assert s.verdict == "unsupported" and s.span is None
    assert (s.entailment, s.contradiction) == (0.3, 0.2)


def near_copy(changes, judged: tuple[float, float], span: int = 1, alike=()) -> SentenceEvidence:
    return evidence("near copy", [assessment(span, 0.9)], {span: judged}, closest=span, ratio=0.9, near_copy=True,
                    changes=tuple(changes), alike=frozenset(alike))


def test_a_soft_flag_of_a_like_for_like_word_is_lifted_when_the_model_reads_it_as_entailed():
    hedge = change("indicates", "suggests", ("hedge",))
    assert decide(near_copy([hedge], (0.99, 0.0), alike=[0]), spans(), T, "").meaning_changes == 0
    assert decide(near_copy([hedge], (0.5, 0.1), alike=[0]), spans(), T, "").meaning_changes == 1
    stronger = change("always", "usually", ("quantifier",))  # not of the same strength: the model cannot lift it
    assert decide(near_copy([stronger], (0.999, 0.0)), spans(), T, "").meaning_changes == 1


def test_which_changes_put_a_word_for_one_of_the_same_strength(lexicon):
    from indexer.check.checker import like_for_like

    assert like_for_like(change("indicates", "suggests"), lexicon)
    assert like_for_like(change("usually", "generally"), lexicon)
    assert not like_for_like(change("always", "usually"), lexicon)
    assert not like_for_like(change("mild", "extreme"), lexicon)
    assert not like_for_like(change("the best", "a wonderful"), lexicon)


def test_the_hard_checks_of_a_near_copy_are_never_lifted():
    for reason in ("number", "negation", "drug"):
        hard = change("x", "y", (reason,))
        s = decide(near_copy([hard], (0.999, 0.0)), spans(), T, "")
        assert s.verdict == "changed" and s.meaning_changes == 1 and s.changes[0].reasons == (reason,)


def test_a_pronoun_replaced_by_the_drug_the_source_just_named_is_not_a_swap():
    named = change("SNRIs", "It", ("drug",))
    assert decide(near_copy([named], (0.99, 0.0)), spans(), T, "").meaning_changes == 0  # no like-for-like needed
    other = change("Lithium", "It", ("drug",))  # not named before the span
    assert decide(near_copy([other], (0.99, 0.0)), spans(), T, "").meaning_changes == 1


def test_a_near_copy_the_model_does_not_read_as_entailed_gets_its_changed_words_flagged():
    place = change("Seattle", "Portland", meaning=False)
    s = decide(near_copy([place, change(",", ";", meaning=False)], (0.01, 0.6)), spans(), T, "")
    assert [c.reasons for c in s.changes] == [(MODEL_REASON,), ()]  # punctuation alone is no change of meaning
    assert not decide(near_copy([place], (0.95, 0.0)), spans(), T, "").meaning_changes


def test_thresholds_load_from_data_and_ignore_what_they_do_not_know():
    t = Thresholds.load({"thresholds": {"entailment": 0.75, "unknown": 3}})
    assert t.entailment == 0.75 and t.contradiction == Thresholds().contradiction
    assert Thresholds.load().to_json().keys() == Thresholds().to_json().keys()


def test_a_span_close_in_meaning_supports_the_sentence_unless_the_model_reads_it_otherwise():
    """A span nearly identical in meaning by cosine (`paraphrase_close`) supports a sentence the model does not read
    as entailed, but not one it reads as contradicted (`close_contradiction`) or as far from entailed
    (`close_entailment`): "the least helpful" for "the medications that work best" is close by cosine only."""
    t = T.with_(entailment=0.9, paraphrase_close=0.85, close_contradiction=0.6, close_entailment=0.1)
    sentence = "Benzodiazepine is fine when taken in moderate doses."
    ok = evidence(sentence, [assessment(2, 0.93)], {2: (0.5, 0.1)})
    assert decide(ok, spans(), t, sentence).verdict == "paraphrase"
    contradicted = evidence(sentence, [assessment(2, 0.93)], {2: (0.1, 0.8)})
    assert decide(contradicted, spans(), t, sentence).verdict == "unsupported"
    not_entailed = evidence(sentence, [assessment(2, 0.93)], {2: (0.05, 0.4)})
    assert decide(not_entailed, spans(), t, sentence).verdict == "unsupported"
    assert decide(not_entailed, spans(), t.with_(close_entailment=0.0), sentence).verdict == "paraphrase"


def test_a_conflict_found_on_the_supporting_span_cites_the_span_the_sentence_is_most_about():
    """The model reads a loose span as entailing the sentence but a drug stands against it: the verdict is a
    conflict either way, and the span cited is the one the sentence is most about, with its conflicting words."""
    t = T.with_(entailment=0.85, rule_override=0.99, rule_conflict_entailment=0.1, conflict_cosine=0.55)
    antonym = change("safe", "okay", ("antonym",))
    drug = change("Memantine", "SNRIs", ("drug",))
    e = evidence("Memantine is safe in moderate doses.",
                 [assessment(2, 0.8, conflicts=[antonym]), assessment(0, 0.6, conflicts=[drug])],
                 {2: (0.6, 0.1), 0: (0.995, 0.0)})
    s = decide(e, spans(), t, e.text)
    assert s.verdict == "conflicts" and s.span.start == TEXT.index("Benzodiazepine") and s.changes == (antonym,)
