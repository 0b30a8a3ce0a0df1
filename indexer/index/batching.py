"""One encoder thread shared by every session: concurrent requests are queued and encoded together.

With one model on a small machine, sessions that each call the model at once fight for the same cores (each
call spreads over all of them), and the slowest waits for all. Here every call goes through one worker thread:
it takes every request waiting in the queue (up to `max_texts` texts), encodes them in one call of the model,
and hands each caller its rows through a future. Callers block until their rows are ready.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np

log = logging.getLogger(__name__)

Encode = Callable[[list[str]], np.ndarray]


@dataclass
class _Request:
    texts: list[str]
    future: Future = field(default_factory=Future)


class BatchingEncoder:
    """`encode(texts)` from any thread; `encode_fn` only ever runs on this object's one worker thread."""

    def __init__(self, encode_fn: Encode, name: str = "encoder", max_texts: int = 256) -> None:
        self.encode_fn = encode_fn
        self.name = name
        self.max_texts = max_texts
        self._queue: queue.Queue[_Request | None] = queue.Queue()
        self._start = threading.Lock()
        self._thread: threading.Thread | None = None

    def encode(self, texts: list[str]) -> np.ndarray:
        """The rows `encode_fn` gives `texts`, computed on the worker thread together with other callers' texts."""
        texts = list(texts)
        if not texts:
            return np.asarray(self.encode_fn([]), dtype=np.float32)
        request = _Request(texts)
        self._ensure_started()
        self._queue.put(request)
        return request.future.result()

    def pending(self) -> int:
        """Requests waiting for the worker (not counting the batch it is encoding)."""
        return self._queue.qsize()

    def close(self) -> None:
        with self._start:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join()

    def _ensure_started(self) -> None:
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=self.name, daemon=True)
                self._thread.start()

    def _work(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            size = len(first.texts)
            stop = False
            while size < self.max_texts:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
                size += len(more.texts)
            self._run(batch)
            if stop:
                return

    def _run(self, batch: list[_Request]) -> None:
        texts = [t for request in batch for t in request.texts]
        try:
            vectors = np.asarray(self.encode_fn(texts))
        except BaseException as e:  # every caller of this batch gets the error
            for request in batch:
                request.future.set_exception(e)
            return
        if len(batch) > 1:
            log.debug("Encoded %d requests (%d texts) in one batch.", len(batch), len(texts))
        row = 0
        for request in batch:
            request.future.set_result(vectors[row : row + len(request.texts)])
            row += len(request.texts)
