"""Many sessions share one model: questions asked together are encoded together, by one worker thread, and
each gets exactly the vector it would have got alone."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from indexer.index.batching import BatchingEncoder
from indexer.index.embedder import SOLO_BELOW, same_length_batches
from tests.fakes import FakeEmbedder


class SlowModel:
    """Records the batches it is given; the first call waits until the test lets it go."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.threads: list[str] = []
        self.release = threading.Event()
        self.entered = threading.Event()
        self.fake = FakeEmbedder()

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.batches.append(list(texts))
        self.threads.append(threading.current_thread().name)
        self.entered.set()
        assert self.release.wait(120)  # a hang guard
        return self.fake.encode_queries(texts)


def test_questions_asked_together_are_encoded_in_one_batch_by_one_thread():
    model = SlowModel()
    encoder = BatchingEncoder(model, name="test-encoder")
    questions = [f"question number {i} about ketamine" for i in range(8)]
    results: dict[int, np.ndarray] = {}
    first = threading.Thread(target=lambda: results.setdefault(0, encoder.encode([questions[0]])))
    first.start()
    assert model.entered.wait(120)
    others = [threading.Thread(target=lambda i=i: results.setdefault(i, encoder.encode([questions[i]])))
              for i in range(1, 8)]
    for t in others:
        t.start()
    while encoder.pending() < 7:  # all seven wait in the queue while the first batch is encoded
        threading.Event().wait(0.01)
    model.release.set()
    for t in [first, *others]:
        t.join()
    assert [len(b) for b in model.batches] == [1, 7]
    assert model.threads == ["test-encoder", "test-encoder"]
    expected = FakeEmbedder().encode_queries(questions)
    for i in range(8):
        assert np.array_equal(results[i][0], expected[i])
    encoder.close()


def test_an_error_in_the_model_reaches_every_caller_of_that_batch():
    def broken(texts):
        raise RuntimeError("model exploded")

    encoder = BatchingEncoder(broken, name="broken")
    with pytest.raises(RuntimeError, match="model exploded"):
        encoder.encode(["a question"])
    encoder.close()


def test_an_empty_request_returns_no_rows():
    encoder = BatchingEncoder(FakeEmbedder().encode_queries, name="empty")
    assert encoder.encode([]).shape[0] == 0
    encoder.close()


@pytest.mark.slow
def test_the_real_model_gives_concurrent_questions_the_vectors_they_get_alone(real_embedder):
    questions = ["Can I take Xanax with ketamine?", "lamotrigine", "Is ketamine safe while pregnant?",
                 "alcohol after an infusion", "SSRIs", "What is the phone number?", "cost of therapy",
                 "benzodiazepines at high doses"]
    alone = [real_embedder.encode_queries([q])[0] for q in questions]
    together: dict[int, np.ndarray] = {}
    threads = [threading.Thread(target=lambda i=i: together.setdefault(i, real_embedder.encode_queries([questions[i]])[0]))
               for i in range(len(questions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(len(questions)):
        assert np.array_equal(together[i], alone[i])


def test_batches_hold_texts_of_one_length_and_short_texts_alone():
    lengths = [40, 7, 40, 90, 7, 40, SOLO_BELOW]
    batches = same_length_batches(lengths, batch_size=2)
    assert sorted(row for batch in batches for row in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len({lengths[row] for row in batch}) == 1 and len(batch) <= 2
        if lengths[batch[0]] < SOLO_BELOW:
            assert len(batch) == 1
    assert [0, 2] in batches and [5] in batches and [6] in batches
