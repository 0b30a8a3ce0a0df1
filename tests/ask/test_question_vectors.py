"""A question longer than the model's window is read whole: cut at sentence ends, its pieces' vectors pooled."""

from __future__ import annotations

import numpy as np

from indexer.ask.question_vectors import message_vector, question_vectors
from indexer.config import model_path
from indexer.ingest.windows import TokenCounter
from tests.fakes import FakeEmbedder


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def encode_queries(self, texts):
        self.queries.extend(texts)
        return super().encode_queries(texts)


STORY = "My mother is seventy-eight and lives alone with her cat in a small flat near the river. " * 30
QUESTION = "Can she take ibuprofen with her warfarin?"


def test_a_question_that_fits_the_window_is_encoded_as_it_is():
    embedder = CountingEmbedder()
    vectors = question_vectors(embedder, [QUESTION], TokenCounter(model_path()))
    assert embedder.queries == [QUESTION]
    assert np.allclose(vectors[0], FakeEmbedder().encode_queries([QUESTION])[0])


def test_a_long_question_keeps_its_last_sentence():
    counter = TokenCounter(model_path())
    long = STORY + QUESTION
    assert counter(long) > counter.max_tokens  # the model alone would never read the question
    embedder = CountingEmbedder()
    vector = question_vectors(embedder, [long, QUESTION], counter)
    assert len(embedder.queries) > 2 and all(counter(q) <= counter.max_tokens for q in embedder.queries)
    assert any(q.endswith(QUESTION) for q in embedder.queries[:-1])
    assert np.isclose(np.linalg.norm(vector[0]), 1.0, atol=1e-5)
    pieces = embedder.queries[:-1]
    pooled = sum(counter(q) * v for q, v in zip(pieces, FakeEmbedder().encode_queries(pieces), strict=True))
    assert np.allclose(vector[0], pooled / np.linalg.norm(pooled), atol=1e-5)
    assert np.allclose(vector[1], FakeEmbedder().encode_queries([QUESTION])[0])  # the short one is unchanged


def test_a_message_vector_weighs_what_it_asks_as_much_as_the_whole_message():
    whole, asking = FakeEmbedder().encode_queries([STORY + QUESTION, QUESTION])
    vector = message_vector(whole, asking)
    assert np.isclose(np.linalg.norm(vector), 1.0)
    assert np.isclose(vector @ whole, vector @ asking) and vector @ asking > whole @ asking
