from __future__ import annotations

import pytest

from indexer import Engine, QuestionError
from indexer.lexicon.classes import load_drug_classes


@pytest.fixture
def read(fake_engine: Engine):
    return fake_engine.reader.read


def test_brand_name_resolves_to_generic_and_class(read):
    understood = read("Can I take Xanax during ketamine infusions?")
    drug = next(d for d in understood.drugs if d.mention == "Xanax")
    assert drug.generic == "alprazolam" and "benzodiazepine" in [c.key for c in drug.classes] and drug.in_sources
    assert "Xanax → alprazolam (a benzodiazepine)" in understood.notes()
    assert "benzodiazepine" in understood.expansions


def test_a_name_is_explained_only_when_that_teaches_the_reader_something(read):
    named = read("Does ketamine interact with alcohol?")
    assert [d.generic for d in named.drugs] == ["ketamine"] and named.drugs[0].named
    assert not [n for n in named.notes() if n.startswith("ketamine")]  # the sources name it: nothing to teach
    through_class = read("sertraline and ketamine")
    assert any(n.startswith("sertraline (") for n in through_class.notes())  # known here only as an SSRI


@pytest.mark.parametrize(
    "question, expansion",
    [
        ("sertraline and ketamine", "ssri"),
        ("Zoloft", "ssri"),
        ("oxycodone with ketamine", "opiate"),
        ("dextromethorphan before an infusion", "nmda blocker"),
        ("lithium and ketamine", "mood stabilizer"),
        ("Cymbalta", "snri"),
        ("nardil", "maoi"),
        ("percocet for back pain", "opiate"),
        ("benzos and ketamine", "benzodiazepine"),
    ],
)
def test_generic_names_and_classes_map_to_the_words_the_sources_use(read, question, expansion):
    assert any(e.lower().startswith(expansion) for e in read(question).expansions)


@pytest.mark.parametrize(
    "typo, fixed",
    [("lamotrigene", "lamotrigine"), ("benzodiazapines", "benzodiazepines"), ("opiods", "opioids"), ("zolof", "zoloft")],
)
def test_misspellings_are_corrected_and_reported(read, typo, fixed):
    understood = read(f"can I take {typo} with ketamine")
    assert (typo, fixed) in [(c.original, c.corrected.lower()) for c in understood.corrections]
    assert f"{typo} → " in " ".join(understood.notes())


@pytest.mark.parametrize("question", ["Is ketamine safe during pregnancy?", "How much does it cost?", "Can I drive home?"])
def test_real_words_are_not_corrected(read, question):
    assert read(question).corrections == ()


def test_a_brand_is_found_in_sources_that_name_its_medicine_without_the_form(corpus_dir, fake_config, fake_embedder,
                                                                             drug_names):
    # The dictionary's generic of NicoDerm is "nicotine patch"; sources write of "nicotine skin patches".
    (corpus_dir / "quitting.txt").write_text("Quitting smoking\n\nNicotine skin patches reduce the craving for "
                                             "cigarettes. Put a new one on each morning.\n", encoding="utf-8")
    engine = Engine.open(fake_config, embedder=fake_embedder, drug_names=drug_names)
    drug = engine.reader.read("what is nicoderm").drugs[0]
    assert (drug.generic, drug.named, drug.source_names) == ("nicotine patch", True, ("nicotine",))
    assert engine.ask("what is nicoderm", k=1).hits[0].passage.source_id == "quitting"


def test_a_salt_named_in_the_question_is_found_in_sources_that_write_the_drug_alone(corpus_dir, fake_config,
                                                                                     fake_embedder, drug_names):
    # WordNet's generic of Voltaren is "diclofenac sodium"; the drug dictionary files that name under "diclofenac",
    # and sources write "diclofenac".
    (corpus_dir / "stomach.txt").write_text("Protecting the stomach\n\nTaken for a long time, painkillers like "
                                            "diclofenac can lead to ulcers in the stomach.\n", encoding="utf-8")
    engine = Engine.open(fake_config, embedder=fake_embedder, drug_names=drug_names)
    for question in ("gastritis when taking diclofenac sodium", "gastritis when taking voltaren"):
        drug = engine.reader.read(question).drugs[0]
        assert (drug.generic, drug.named) == ("diclofenac sodium", True) and "diclofenac" in drug.source_names
    assert engine.ask("gastritis when taking diclofenac sodium", k=1).hits[0].passage.source_id == "stomach"


def test_words_and_drugs_the_sources_never_mention_are_reported(read):
    understood = read("Can I drink alcohol or take Adderall with ketamine?")
    assert {"drink", "alcohol", "Adderall"} <= set(understood.unmatched)
    assert "Adderall" in understood.unknown_drugs


def test_in_a_message_the_topic_is_what_its_questions_ask(read):
    question = "Can I drink alcohol or take Adderall with ketamine?"
    message = f"Dear madam, greetings from Wisconsin. {question} Many thanks, Bartholomew"
    plain, whole = read(question), read(message)
    assert whole.search_text.startswith("Dear madam")  # the whole message is searched
    assert whole.topic_terms == plain.topic_terms and whole.topic_text == plain.topic_text
    assert whole.unmatched == plain.unmatched  # the greeting and the sign-off are not reported as missing
    assert "Adderall" in whole.unknown_drugs
    # a drug named in the story around the question still counts: its absence is said
    assert "Adderall" in read("I take Adderall every day. Is ketamine safe for me? Thanks.").unknown_drugs


def test_a_message_keeps_its_asking_sentences_apart_for_the_question_vector(read):
    message = "I take Zoloft every morning. My doctor suggested ketamine. Is it safe together? Thanks a lot."
    understood = read(message)
    assert understood.search_text.startswith("I take Zoloft")
    assert understood.asking_text.startswith("Is it safe together?")
    assert understood.asking_text.endswith(understood.search_text[len(understood.corrected):])  # the names searched
    assert read("Is ketamine safe with Zoloft?").asking_text == ""  # a question is its own asking part
    assert read("I take Zoloft. Tell me about ketamine.").asking_text == ""  # nothing asks: read whole


def test_a_message_without_a_question_mark_is_read_whole(read):
    understood = read("Greetings from Wisconsin. Tell me about ketamine and alcohol.")
    assert {"Wisconsin", "alcohol"} <= set(understood.unmatched)


def test_a_word_the_sources_use_is_matched_even_when_it_is_also_a_drug_name(read):
    assert read("how does ketamine block glutamate").unmatched == ()


def test_abbreviations_are_searched_with_their_spelled_out_form(read):
    assert "posttraumatic stress disorder" in read("ketamine study on PTSD").expansions


def test_abbreviations_of_everyday_medicine_are_searched_and_never_reported_missing(corpus_dir, fake_config,
                                                                                   fake_embedder, drug_names):
    (corpus_dir / "sleep.txt").write_text("Sleep aids\n\nSome over-the-counter sleep aids raise blood pressure. "
                                          "Ask a pharmacist before you take one.\n", encoding="utf-8")
    engine = Engine.open(fake_config, embedder=fake_embedder, drug_names=drug_names)
    understood = engine.reader.read("can otc sleep aids raise my bp")
    assert {"over-the-counter", "blood pressure"} <= set(understood.expansions)
    assert understood.unmatched == ()


def test_empty_and_huge_questions_are_refused(read):
    with pytest.raises(QuestionError, match="empty"):
        read("   ")
    with pytest.raises(QuestionError, match="limit is 8,000"):
        read("ketamine " * 1000)


def test_drug_class_data_is_consistent(drug_names):
    classes = load_drug_classes()
    assert {"ssri", "snri", "maoi", "benzodiazepine", "opiate", "nmda_antagonist", "mood_stabilizer",
            "antipsychotic", "stimulant"} <= set(classes)
    for drug_class in classes.values():
        assert drug_class.terms and drug_class.name
        assert all(parent in classes for parent in drug_class.broader)
    # The generic names the drug dictionary gives for common brands are members of the right class.
    for brand, key in [("xanax", "benzodiazepine"), ("zoloft", "ssri"), ("effexor", "snri"), ("nardil", "maoi"),
                       ("oxycontin", "opiate"), ("namenda", "nmda_antagonist"), ("eskalith", "mood_stabilizer"),
                       ("seroquel", "antipsychotic"), ("ritalin", "stimulant"), ("ambien", "z_drug")]:
        generic = drug_names.find([brand])[0][0]
        assert generic in classes[key].members, (brand, generic)


def test_the_index_carries_the_drug_dictionary_and_it_resolves_like_the_package(fake_engine, fake_config, drug_names):
    from indexer.index import store
    from indexer.lexicon.names import LEXICON_FILE, DrugNames

    stored = DrugNames(store.lexicon_path(fake_config.index_dir))
    stored.wait()
    assert stored.origin.endswith(LEXICON_FILE)
    for question in ("Can I take Xanax with ketamine", "nardil and Delsym 12-hour cough", "acetylsalicylic acid"):
        tokens = question.split()
        assert stored.find(tokens) == drug_names.find(tokens)


def test_a_drug_dictionary_from_another_package_version_is_ignored(tmp_path):
    import json

    from indexer.lexicon.names import PACKAGE, DrugNames

    path = tmp_path / "drug_names.json"
    path.write_text(json.dumps({"package": PACKAGE, "version": "0.0.0", "names": {"xanax": ["wrong"]}}))
    names = DrugNames(path)
    names.wait()
    assert names.origin == PACKAGE and names.find(["xanax"])[0][0] == "alprazolam"
