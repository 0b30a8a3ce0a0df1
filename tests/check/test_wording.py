"""Check my wording: verdicts, exact source spans and meaning flags on drafts written from the corpus."""

from __future__ import annotations

import pytest

from indexer.check.checker import check
from indexer.check.spans import span_index
from indexer.check.verdicts import ALL_VERDICTS, VERDICTS, read_draft, validate_draft
from indexer.errors import DraftError
from indexer.evaluate.drafts import evaluate_drafts, load_drafts, summary
from tests.conftest import REPO

BENZO = "Benzodiazepine is okay when taken in moderate doses, but the higher the dose, the worse its effects are."
LEARN = "To learn what qualifies as a safe medication and what doesn’t, make sure to carry on reading this blog."
RESEARCH = ("Research suggests that ketamine is generally well-tolerated and does not interact negatively with most "
            "psychiatric medications (see references below).")
SSRI = ("Both ketamine and SSRIs work together to increase the serotonin levels in your brain, which effectively "
        "influences your sleeping patterns, emotions, and mood.")
ENHANCE = ("Some studies suggest that ketamine may enhance the effects of certain antidepressants, leading to "
           "improved mood and symptom relief.")
PHONE = ("For more information on ketamine infusion therapy, feel free to reach out to Balanced Ketamine at (913) "
         "871-9888.")
SNRI = ("SNRIs are mainly used to calm the brain’s activity, triggering calmer emotions. It is often prescribed to "
        "people who deal with severe anxiety and depression.")
UNSUPPORTED = "Patients should drink two liters of water before each infusion."
MEMANTINE = ("Memantine is a well-known NMDA blocker, which is why it is crucial to avoid it, especially when going "
             "through ketamine infusion therapy.")


def located(engine, quote: str) -> tuple[str, int, int]:
    for record in engine.index.sources:
        text = engine.source_text(record.source_id)
        if quote in text:
            start = text.index(quote)
            return record.source_id, start, start + len(quote)
    raise AssertionError(f"not in any source: {quote[:50]}")


def where(s) -> tuple[str, int, int] | None:
    return (s.span.source_id, s.span.start, s.span.end) if s.span else None


def only(report):
    assert len(report.sentences) == 1, [s.text for s in report.sentences]
    return report.sentences[0]


# -- fast: the fake embedder --------------------------------------------------------------------------------


def test_exact_copies_with_straight_quotes_and_extra_spaces_are_verbatim(fake_engine):
    draft = ("To learn what qualifies as a safe   medication and what doesn't, make sure to carry on reading this "
             "blog.  \n\n  benzodiazepine is okay when taken in moderate doses,  but the higher the dose, the worse "
             "its effects are.")
    report = check(fake_engine, draft)
    assert [s.verdict for s in report.sentences] == ["verbatim", "verbatim"]
    assert [where(s) for s in report.sentences] == [located(fake_engine, LEARN), located(fake_engine, BENZO)]
    for s in report.sentences:
        assert draft[s.start : s.end] == s.text
        assert fake_engine.source_text(s.span.source_id)[s.span.start : s.span.end] == s.span.text
        assert s.changes == () and s.score == 1.0


@pytest.mark.parametrize("source, draft, was, now, reason", [
    (BENZO, BENZO.replace("moderate", "high"), "moderate", "high", "hedge"),
    (ENHANCE, ENHANCE.replace("may", "will"), "may", "will", "hedge"),
    (RESEARCH, RESEARCH.replace("most", "all"), "most", "all", "hedge"),
    (RESEARCH, RESEARCH.replace("does not interact", "does interact"), "not", "", "negation"),
    (BENZO, BENZO.replace("is okay", "is never okay"), "", "never", "negation"),
    (PHONE, PHONE.replace("9888", "9889"), "9888", "9889", "number"),
    (SSRI, SSRI.replace("SSRIs", "SNRIs"), "SSRIs", "SNRIs", "drug"),
])
def test_one_word_meaning_changes_are_changed_and_flagged(fake_engine, source, draft, was, now, reason):
    s = only(check(fake_engine, draft))
    assert s.verdict == "changed"
    assert where(s) == located(fake_engine, source)
    flagged = [c for c in s.changes if c.meaning]
    assert len(flagged) == 1 and len(s.changes) == 1
    assert (flagged[0].source, flagged[0].draft) == (was, now)
    assert reason in flagged[0].reasons
    assert s.meaning_changes == 1


def test_a_benign_edit_is_changed_without_a_meaning_flag(fake_engine):
    s = only(check(fake_engine, SSRI.replace("effectively ", "")))
    assert s.verdict == "changed" and where(s) == located(fake_engine, SSRI)
    assert [(c.kind, c.source, c.meaning) for c in s.changes] == [("deleted", "effectively", False)]


def test_two_source_sentences_joined_map_to_the_run(fake_engine):
    draft = SNRI.replace("emotions. It is", "emotions, and it is")
    s = only(check(fake_engine, draft))
    assert s.verdict == "changed"
    assert where(s) == located(fake_engine, SNRI)
    assert s.span.sentences == 2


def test_unsupported_sentences_have_no_source(fake_engine):
    report = check(fake_engine, f"{UNSUPPORTED} The clinic is open every Saturday.")
    assert [s.verdict for s in report.sentences] == ["unsupported", "unsupported"]
    assert all(s.span is None and s.changes == () for s in report.sentences)


def test_list_markers_and_headings_of_a_markdown_draft_are_not_part_of_a_sentence(fake_engine):
    draft = f"# My notes\n\n1. {BENZO}\n- {LEARN.replace('’', chr(39))}\n"
    report = check(fake_engine, draft)
    texts = [s.text for s in report.sentences]
    assert texts[1:] == [BENZO, LEARN.replace("’", "'")]
    assert [s.verdict for s in report.sentences[1:]] == ["verbatim", "verbatim"]


def test_summary_counts_every_verdict_and_meaning_change(fake_engine):
    draft = f"{BENZO} {BENZO.replace('moderate', 'high')} {UNSUPPORTED}"
    summary_ = check(fake_engine, draft).summary()
    assert summary_ == {"conflicts": 0, "sentences": 3, "verbatim": 1, "changed": 1, "paraphrase": 0,
                        "unsupported": 1, "meaning_changes": 1, "sentences_with_meaning_changes": 1}
    assert set(ALL_VERDICTS) <= set(summary_) and list(summary_)[0] == "conflicts"
    assert ("conflicts", *VERDICTS) == ALL_VERDICTS


def test_candidate_spans_are_exact_slices_and_embedded_once(fake_engine, fake_embedder):
    index = span_index(fake_engine)
    for span in index.spans:
        assert fake_engine.source_text(span.source_id)[span.start : span.end] == span.text
        assert 0 <= span.sentences <= 3
    assert index.vectors.shape == (len(index.spans), fake_embedder.dimension)
    calls = fake_embedder.calls
    check(fake_engine, UNSUPPORTED)
    check(fake_engine, BENZO.replace("moderate", "high"))
    assert fake_embedder.calls == calls + 2  # the drafts only: the sources are not embedded again
    check(fake_engine, f"{BENZO} {LEARN}")
    assert fake_embedder.calls == calls + 2  # exact copies need no embedding at all
    assert span_index(fake_engine) is index


@pytest.mark.parametrize("draft, quote, conflict", [
    ("Memantine is safe to take during ketamine infusion therapy.", MEMANTINE, ("safe", "avoid", "antonym")),
    ("Ketamine and SSRIs together lower serotonin.", SSRI, ("lower", "increase", "direction")),
    ("Research shows ketamine interacts badly with most psychiatric medications.", RESEARCH.split(" (see")[0],
     ("", "not", "negation")),
])
def test_a_sentence_reversing_a_source_in_other_words_conflicts_with_it(fake_engine, rule_thresholds, draft, quote,
                                                                         conflict):
    s = only(check(fake_engine, draft, rule_thresholds))
    assert s.verdict == "conflicts" and not s.supported
    source_id, start, end = located(fake_engine, quote)
    assert s.span.source_id == source_id and s.span.start <= start < end <= s.span.end  # the reversed sentence
    assert [(c.draft, c.source, c.reasons[0]) for c in s.changes] == [conflict]
    text = fake_engine.source_text(source_id)
    for c in s.changes:
        assert c.meaning and draft[c.draft_start : c.draft_end] == c.draft
        assert text[c.source_start : c.source_end] == c.source
        assert s.span.start <= c.source_start <= c.source_end <= s.span.end
    assert check(fake_engine, draft).summary()["conflicts"] == 1


def test_a_faithful_restatement_stays_a_paraphrase(fake_engine):
    s = only(check(fake_engine, "Memantine, a well-known NMDA blocker, should be avoided during ketamine infusion "
                                "therapy."))
    assert s.verdict == "paraphrase" and s.supported and s.changes == ()
    assert where(s) == located(fake_engine, MEMANTINE)


def test_a_near_copy_that_reverses_the_source_stays_changed_with_the_reversal_flagged(fake_engine):
    """The rule: a near copy is `changed` whatever it changes; its diff marks the reversing words and their
    reason, and a flagged change makes it a warning, not support."""
    s = only(check(fake_engine, SSRI.replace("increase", "decrease")))
    assert s.verdict == "changed" and not s.supported
    (change,) = s.changes
    assert (change.source, change.draft) == ("increase", "decrease") and "antonym" in change.reasons
    s = only(check(fake_engine, RESEARCH.replace("does not interact", "does interact")))
    assert s.verdict == "changed" and "negation" in s.changes[0].reasons and not s.supported
    assert only(check(fake_engine, SSRI.replace("effectively ", ""))).supported


@pytest.mark.parametrize("draft, message", [
    ("", "empty"),
    ("   \n\t ", "empty"),
    ("... --- !!! ***", "no sentence"),
    ("Some text\x00 with a NUL byte.", "not a text file"),
])
def test_drafts_that_cannot_be_checked(fake_engine, draft, message):
    with pytest.raises(DraftError, match=message):
        check(fake_engine, draft)


def test_the_size_limit_is_stated():
    with pytest.raises(DraftError, match=r"limit is 100 characters"):
        validate_draft("A sentence. " * 20, max_chars=100)
    with pytest.raises(DraftError, match="100,000"):
        validate_draft("x" * 100_001)


def test_read_draft_rejects_text_that_is_not_utf8():
    assert read_draft("\ufeffÁureo’s draft.".encode(), "draft.txt") == "Áureo’s draft."
    with pytest.raises(DraftError, match="draft.txt is not UTF-8 text"):
        read_draft("café".encode("latin-1"), "draft.txt")
    with pytest.raises(DraftError, match="limited to 100 characters"):
        read_draft(b"x" * 401, "big.md", max_chars=100)


# -- slow: the real model -----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("draft, quote", [
    ("Ketamine and SSRIs both raise serotonin in the brain, which affects sleep, emotions and mood.", SSRI),
    ("High doses of benzodiazepines make their effects worse, although moderate amounts are fine.", BENZO),
    ("Studies show ketamine is usually well tolerated and rarely causes problems with other psychiatric drugs.",
     RESEARCH),
    ("Memantine blocks NMDA receptors, so patients should steer clear of it during ketamine infusions.",
     "Memantine is a well-known NMDA blocker, which is why it is crucial to avoid it, especially when going "
     "through ketamine infusion therapy."),
])
def test_paraphrases_point_at_the_sentence_they_restate(real_engine, draft, quote):
    s = only(check(real_engine, draft))
    assert s.verdict == "paraphrase"
    assert where(s) == located(real_engine, quote)
    assert s.changes == ()


@pytest.mark.slow
@pytest.mark.parametrize("draft", [
    UNSUPPORTED,
    "Ketamine is approved by the FDA for children under 12.",
    "Ketamine is addictive for about one in three patients.",
    "Gabapentin is safe at any dose during ketamine therapy.",
])
def test_on_topic_claims_no_source_makes_are_unsupported(real_engine, draft):
    s = only(check(real_engine, draft))
    assert s.verdict == "unsupported" and s.span is None


@pytest.mark.slow
@pytest.mark.parametrize("draft, quote", [
    ("Memantine is safe to take during ketamine infusion therapy.", MEMANTINE),
    ("Ketamine and SSRIs together lower serotonin.", SSRI),
    ("Benzodiazepines are safe at any dose.", BENZO),
    ("Research shows ketamine interacts badly with most psychiatric medications.", RESEARCH),
])
def test_reversals_of_the_sources_conflict_with_the_span_they_reverse(real_engine, draft, quote):
    s = only(check(real_engine, draft))
    assert s.verdict == "conflicts"
    assert where(s) == located(real_engine, quote)
    assert s.changes and all(c.meaning and c.reasons for c in s.changes)


@pytest.mark.slow
def test_contradictions_in_other_words_are_not_presented_as_supported(real_engine):
    figures = summary(evaluate_drafts(real_engine, load_drafts(REPO / "tests" / "eval" / "contradictions.jsonl")))
    assert figures["contradictions"] == figures["paraphrases"] == 12
    assert figures["contradictions_not_supported"] >= 11, figures
    assert figures["paraphrases_supported"] >= 10, figures


@pytest.mark.slow
@pytest.mark.parametrize("name", ["drafts.jsonl", "drafts_holdout.jsonl", "drafts_fresh.jsonl", "drafts_blind.jsonl"])
def test_labelled_drafts_get_the_right_verdict_and_span(real_engine, name):
    scored = evaluate_drafts(real_engine, load_drafts(REPO / "tests" / "eval" / name))
    figures = summary(scored)
    assert figures["sentences"] >= 20
    assert figures["verdict_and_span_accuracy"] >= 0.9, figures
    assert figures["meaning_flags_found"] == 1.0, figures
