"""The passage holding what the question is about is shown where the reader looks, even when ranking buries it."""

from __future__ import annotations

from types import SimpleNamespace

from indexer.ask.surfacing import question_word, rarest_topic_term, surface_rarest
from indexer.types import Citation, Hit, Passage, Ranked

TERMS = {0: ["ketamin", "infus"], 1: ["ketamin", "depress"], 2: ["ketamin", "dose"], 3: ["ketamin", "nausea"],
         4: ["ketamin", "alcohol", "avoid"], 5: ["alcohol"]}
DF = {"ketamin": 40, "interact": 3, "alcohol": 2, "infus": 30}


def hit(n: int) -> Hit:
    passage = Passage("s", n * 10, n * 10 + 5, "x" * 5)
    return Hit(passage, Citation("s", "T", "", "corpus/s.txt", n * 10, n * 10 + 5, ()), Ranked(n, 1.0 - n / 10,
                                                                                              0.5, 0.0, n, None))


def vocabulary(size: int = 47):
    lexical = SimpleNamespace(document_frequency=lambda t: DF.get(t, 0))
    return SimpleNamespace(lexical=lexical, narrows=lambda t: DF.get(t, 0) <= size / 2)


def understood(question: str, topic: tuple[str, ...]):
    return SimpleNamespace(question=question, topic_terms=topic)


def test_the_rarest_held_topic_word_is_what_the_question_is_about():
    u = understood("Does ketamine interact with alcohol?", ("interact", "alcohol", "unheardof"))
    assert rarest_topic_term(u, vocabulary()) == "alcohol"  # held by 2 passages; "unheardof" by none
    assert rarest_topic_term(understood("ketamine infusions", ("infus",)), vocabulary(size=47)) is None  # everywhere


def test_a_buried_passage_holding_it_is_shown_last_and_the_answer_says_so():
    u = understood("Does ketamine interact with alcohol?", ("interact", "alcohol"))
    shown, surfaced = surface_rarest([hit(n) for n in range(6)], 3, u, vocabulary(), TERMS.get)
    assert [h.number for h in shown] == [0, 1, 4]  # the best two kept in order; passage 4 (alcohol) third
    assert surfaced.word == "alcohol" and surfaced.rank == 3
    assert surfaced.to_json() == {"word": "alcohol", "rank": 3}


def test_nothing_moves_when_a_shown_passage_holds_it_or_none_does():
    u = understood("Does ketamine interact with alcohol?", ("interact", "alcohol"))
    shown, surfaced = surface_rarest([hit(n) for n in (4, 0, 1, 2)], 3, u, vocabulary(), TERMS.get)
    assert [h.number for h in shown] == [4, 0, 1] and surfaced is None
    nothing = {n: ["ketamin"] for n in range(6)}
    shown, surfaced = surface_rarest([hit(n) for n in range(6)], 3, u, vocabulary(), nothing.get)
    assert [h.number for h in shown] == [0, 1, 2] and surfaced is None
    few = surface_rarest([hit(n) for n in range(6)], 2, u, vocabulary(), TERMS.get)
    assert [h.number for h in few[0]] == [0, 1] and few[1] is None  # two passages shown: the best are kept


def test_the_word_is_said_as_the_question_wrote_it():
    assert question_word("Is ketamine OK with Alcoholic drinks?", "alcohol") == "Alcoholic"
    assert question_word("ketamine", "unrelated") == "unrelated"
