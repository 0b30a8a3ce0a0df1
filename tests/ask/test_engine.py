from __future__ import annotations

import pytest

from indexer import Config, ConfigError, Engine, QuestionError


def test_answers_come_best_first_with_both_component_scores(fake_engine: Engine):
    answer = fake_engine.ask("lamotrigine anticonvulsant bipolar epilepsy", k=4)
    assert len(answer.hits) == 4
    assert answer.hits[0].passage.text.startswith("Lamotrigine is typically used")
    scores = [h.score for h in answer.hits]
    assert scores == sorted(scores, reverse=True)
    top = answer.hits[0]
    assert top.sparse_score > 0 and top.sparse_rank == 1 and -1.0 <= top.dense_score <= 1.0


def test_every_hit_is_an_exact_slice_of_its_source_file(fake_engine: Engine):
    for question in ("ketamine", "opiates and pain", "Áureo Portland", "SSRIs serotonin"):
        for hit in fake_engine.ask(question, k=10).hits:
            p = hit.passage
            assert fake_engine.source_text(p.source_id)[p.start : p.end] == p.text


def test_source_filter_limits_results_to_the_chosen_sources(fake_engine: Engine):
    hits = fake_engine.ask("ketamine and antidepressants", k=10, sources=["aureo"]).hits
    assert hits and {h.passage.source_id for h in hits} == {"aureo"}
    with pytest.raises(ConfigError, match="Unknown source 'nope'"):
        fake_engine.ask("ketamine", sources=["nope"])
    with pytest.raises(ConfigError, match="at least one source"):
        fake_engine.ask("ketamine", sources=[])


def test_k_is_validated_and_defaults_to_five(fake_engine: Engine):
    assert len(fake_engine.ask("ketamine").hits) == 5
    with pytest.raises(ConfigError, match="k must be between 1 and 50"):
        fake_engine.ask("ketamine", k=0)


def test_uncovered_questions_still_return_the_nearest_passages(fake_engine: Engine):
    answer = fake_engine.ask("Can I drink alcohol after my infusion?")
    assert not answer.covered and answer.hits
    assert "alcohol" in answer.coverage.reason


def test_empty_question_is_refused(fake_engine: Engine):
    with pytest.raises(QuestionError, match="empty"):
        fake_engine.ask("")


def test_citation_points_at_the_file_and_heading(fake_engine: Engine):
    hit = fake_engine.ask("benzodiazepine moderate doses", k=1).hits[0]
    citation = fake_engine.citation(hit)
    assert citation.publisher == "Balanced Ketamine"
    assert citation.path.endswith("corpus/000_c89290b5e323cd66.txt")
    assert citation.heading[-1] == "2. Benzodiazepines"
    assert (citation.start, citation.end) == (hit.passage.start, hit.passage.end)


def test_unknown_source_text_is_a_clear_error(fake_engine: Engine):
    from indexer import SourceError

    with pytest.raises(SourceError, match="There is no source 'x'"):
        fake_engine.source_text("x")


def test_json_answer_adds_the_coverage_state_and_what_is_missing(fake_engine: Engine):
    answer = fake_engine.ask("Can I drink alcohol after my infusion?")
    data = fake_engine.to_json(answer)
    assert data["covered"] is False and data["coverage_state"] == "not covered"
    assert "alcohol" in data["missing"] and 0.0 <= data["coverage_score"] <= 1.0
    assert data["understood"]["coverage"] == answer.coverage.reason  # the reason string stays where it was


def test_the_coverage_judgement_does_not_depend_on_how_many_results_are_asked_for(fake_engine: Engine):
    for question in ("Can I take Xanax with ketamine?", "How much does ketamine therapy cost?"):
        judged = {(a.covered, a.coverage.state, a.coverage.score) for a in
                  (fake_engine.ask(question, k=k) for k in (1, 3, 10))}
        assert len(judged) == 1


@pytest.mark.slow
def test_a_question_naming_a_drug_the_sources_never_mention_is_partly_covered(real_engine: Engine):
    answer = real_engine.ask("Can I take Ativan and Adderall with ketamine?")
    assert answer.coverage.state == "partly" and answer.covered
    assert answer.coverage.missing == ("Adderall",) and "Ativan" in answer.coverage.reason
    only_subject = real_engine.ask("Can I take Adderall with ketamine?")
    assert only_subject.coverage.state == "not covered" and not only_subject.covered


@pytest.mark.slow
def test_a_question_inside_a_greeting_and_a_sign_off_is_judged_like_the_question(real_engine: Engine):
    for question in ("Can I take Xanax during ketamine infusions?", "Can I take Adderall with ketamine?"):
        plain = real_engine.ask(question)
        message = real_engine.ask(f"Dear madam, greetings from sunny Wisconsin. {question} Many thanks, Bartholomew")
        assert message.coverage.state == plain.coverage.state
        assert "Bartholomew" not in message.coverage.reason



def test_the_passages_terms_the_index_keeps_are_those_of_their_ranking_text(fake_engine: Engine):
    """`ask` reads its candidates' terms from the index; an index built before it kept them tokenises them
    again, with the same answers."""
    index = fake_engine.index
    assert all(fake_engine._passage_terms_list(n) == fake_engine._make_passage_terms(n)
               for n in range(len(index.passages)))
    question = "Can I take Xanax during ketamine infusions?"
    kept = fake_engine.to_json(fake_engine.ask(question))
    index.lexical.sequences = None  # as an index saved before the terms were kept
    assert fake_engine._passage_terms_list(0) == fake_engine._make_passage_terms(0)
    assert fake_engine.to_json(fake_engine.ask(question)) == kept


def test_in_a_message_the_question_outweighs_a_longer_story(tmp_path, fake_embedder, drug_names):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "garden.txt").write_text("Gardens\n\nOn a farm near the river, a grandmother grows tomatoes, beans, "
                                       "squash and sunflowers every summer.\n", encoding="utf-8")
    (corpus / "ketamine.txt").write_text("Ketamine\n\nHow long ketamine stays in the body: ketamine leaves the body "
                                         "within about a day.\n", encoding="utf-8")
    config = Config(corpus_dir=corpus, index_dir=tmp_path / "index", model_name=fake_embedder.name, rerank=False,
                    dense_weight=1.0, sparse_weight=0.0)
    engine = Engine.open(config, embedder=fake_embedder, drug_names=drug_names)
    story = "My grandmother grows tomatoes, beans, squash and sunflowers on her farm near the river every summer."
    question = "How long does ketamine stay in the body?"
    assert engine.ask(story, k=1).hits[0].passage.source_id == "garden"
    assert engine.ask(f"{story} {question}", k=1).hits[0].passage.source_id == "ketamine"
