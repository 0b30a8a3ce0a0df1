"""Word-level diffs and the meaning flags a reviewer must not miss."""

from __future__ import annotations

import pytest

from indexer.check.diff import MeaningRules, diff, normalize, tokenize, word_ratio


def changes(source: str, draft: str, drugs=None):
    return diff(draft, tokenize(draft), source, tokenize(source), MeaningRules(drugs))


def only_change(source: str, draft: str, drugs=None):
    found = changes(source, draft, drugs)
    assert len(found) == 1, found
    return found[0]


def test_normalize_ignores_case_quotes_dashes_and_spacing():
    source = "To learn what qualifies as a safe medication and what doesn’t, make sure — “to” read."
    draft = 'to learn what qualifies  as a safe medication and what doesn\'t , make sure-"to" read.'
    assert normalize(source) == normalize(draft)
    assert normalize("in to") != normalize("into")
    assert normalize("Use **bold** text.") == normalize("Use bold text.")


def test_tokens_keep_offsets():
    text = "Take 0.5 mg, not 10%."
    tokens = tokenize(text)
    assert [t.key for t in tokens] == ["take", "0.5", "mg", ",", "not", "10%", "."]
    assert all(text[t.start : t.end].lower() == t.key for t in tokens)


@pytest.mark.parametrize("source, draft, kind, reason", [
    ("Benzodiazepine is okay in moderate doses.", "Benzodiazepine is okay in high doses.", "replaced", "hedge"),
    ("Ketamine may enhance the effects.", "Ketamine will enhance the effects.", "replaced", "hedge"),
    ("It works with most medications.", "It works with all medications.", "replaced", "hedge"),
    ("It works with most medications.", "It works with any medications.", "replaced", "hedge"),
    ("It does not interact negatively.", "It does interact negatively.", "deleted", "negation"),
    ("It does interact negatively.", "It never does interact negatively.", "inserted", "negation"),
    ("Take 5 mg twice.", "Take 50 mg twice.", "replaced", "number"),
    ("Take 5 mg daily.", "Take 5 ml daily.", "replaced", "number"),
    ("Wait two hours.", "Wait three hours.", "replaced", "number"),
])
def test_one_word_changes_that_alter_the_meaning(source, draft, kind, reason):
    change = only_change(source, draft)
    assert change.kind == kind
    assert change.meaning and reason in change.reasons
    assert draft[change.draft_start : change.draft_end] == change.draft
    assert source[change.source_start : change.source_end] == change.source


def test_a_drug_class_swap_is_flagged():
    def drugs(words):
        names = {"ssris": "ssri", "snris": "snri"}
        return [(names[w.lower()], i, i + 1) for i, w in enumerate(words) if w.lower() in names]

    change = only_change("Both ketamine and SSRIs work.", "Both ketamine and SNRIs work.", drugs)
    assert (change.kind, change.source, change.draft) == ("replaced", "SSRIs", "SNRIs")
    assert change.meaning and change.reasons == ("drug",)


def test_contraction_and_expansion_keep_the_negation():
    change = only_change("It doesn’t interact.", "It does not interact.")
    assert "negation" not in change.reasons


@pytest.mark.parametrize("source, draft", [
    ("Ketamine is a wonderful option to consider.", "Ketamine is a great option to consider."),
    ("Individuals taking pain medications.", "People taking pain medications."),
    ("It has gained recognition recently.", "It has gained recognition."),
])
def test_benign_edits_are_not_flagged(source, draft):
    assert not any(c.meaning for c in changes(source, draft))


def test_identical_text_has_no_changes_and_ratio_one():
    text = "Your safety and well-being are our top priorities."
    assert changes(text, text) == []
    words = [t.key for t in tokenize(text) if t.is_word]
    assert word_ratio(words, words) == 1.0
    assert word_ratio([], words) == 0.0


@pytest.mark.parametrize("source, draft, reason", [
    ("The vaccine acts rapidly.", "The vaccine acts slowly.", "antonym"),
    ("Masks reduce the risk of infection.", "Masks increase the risk of infection.", "direction"),
    ("Ketamine is safe with SSRIs.", "Ketamine is dangerous with SSRIs.", "antonym"),
    ("Patients may continue their mood stabilizers.", "Patients may stop their mood stabilizers.", "antonym"),
])
def test_opposites_are_flagged_with_their_reason_when_the_rules_know_them(source, draft, reason):
    from indexer.lexicon.words import load_word_tables as load_lexicon

    rules = MeaningRules(None, load_lexicon().opposition)
    (change,) = diff(draft, tokenize(draft), source, tokenize(source), rules)
    assert change.meaning and reason in change.reasons
    (plain,) = changes(source, draft)
    assert reason not in plain.reasons  # without the word tables, only the older reasons
