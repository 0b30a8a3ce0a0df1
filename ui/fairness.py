"""No visitor can starve the others: heavy work (a long question, a wording check) takes turns.

Every session's script runs on its own thread of one server process, and they share the model's one encoder and
the interpreter. Twenty sessions asking 8,000-character questions at once would each take their share of both,
and a short question from anyone else would wait behind all of them. So heavy work goes through one `FairGate`
per process: at most `slots` heavy jobs run at a time, the others wait in the order they came, and a session
may have only one heavy job waiting or running (a second is refused with a message). Light work — a question of
ordinary length — never waits at the gate, so it competes with at most `slots` heavy jobs.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

LIGHT_QUESTION_CHARS = 600  # a question up to this long is light work (the model reads it in one window)
SLOTS = 1


class Busy(RuntimeError):
    """This session already has heavy work waiting or running."""


class FairGate:
    def __init__(self, slots: int = SLOTS) -> None:
        if slots < 1:
            raise ValueError(f"slots must be at least 1. Got {slots}.")
        self.slots = slots
        self._running = 0
        self._queue: deque[object] = deque()
        self._owners: set[str] = set()
        self._changed = threading.Condition()
        self.most_running = 0  # the most heavy jobs ever seen running at once (for tests and benchmarks)

    @contextmanager
    def turn(self, owner: str) -> Iterator[int]:
        """Wait for a turn (first come, first served) and hold it inside the block; yields how many jobs were
        ahead when this one arrived. Raises Busy when `owner` already holds or waits for a turn."""
        ticket = object()
        with self._changed:
            if owner in self._owners:
                raise Busy("Your previous request is still being worked on. Wait for it to finish.")
            self._owners.add(owner)
            ahead = len(self._queue) + self._running
            self._queue.append(ticket)
            try:
                while self._queue[0] is not ticket or self._running >= self.slots:
                    self._changed.wait()
            except BaseException:
                self._queue.remove(ticket)
                self._owners.discard(owner)
                self._changed.notify_all()
                raise
            self._queue.popleft()
            self._running += 1
            self.most_running = max(self.most_running, self._running)
            self._changed.notify_all()
        try:
            yield ahead
        finally:
            with self._changed:
                self._running -= 1
                self._owners.discard(owner)
                self._changed.notify_all()

    def waiting(self) -> int:
        with self._changed:
            return len(self._queue)

    def occupied(self) -> bool:
        """Whether a heavy job runs or waits now."""
        with self._changed:
            return bool(self._running or self._queue)


def is_heavy_question(question: str) -> bool:
    return len(question) > LIGHT_QUESTION_CHARS
