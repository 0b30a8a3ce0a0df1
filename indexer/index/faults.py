"""Fault injection for the build: stop it at a named step, to test that a build killed or failing anywhere
leaves the last good index answering and that the next build cleans up after it.

A build takes an optional `on_step(name)` callable (tests pass one that raises). Without one, it reads the
environment variable INDEXER_FAULT: `STEP` ends the process at once with `os._exit(FAULT_EXIT_STATUS)` at that
step (no clean-up runs: what `kill -9` would leave), `STEP:raise` raises FaultInjected there. Unset, nothing
happens.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

log = logging.getLogger(__name__)

ENVIRONMENT_VARIABLE = "INDEXER_FAULT"
FAULT_EXIT_STATUS = 86
# In order: the lock is held; leftovers are removed; vectors are made; the new version is written in its
# temporary folder; it is renamed to its version name; the new pointer is written beside the live one;
# the pointer is switched (the new index is live); the old version is gone and the build is complete.
STEPS = ("locked", "cleaned", "embedded", "written", "renamed", "switching", "switched", "done")

Step = Callable[[str], None]


class FaultInjected(RuntimeError):
    """Raised at the step named by INDEXER_FAULT=STEP:raise."""


def no_faults(step: str) -> None:
    return None


def from_environment() -> Step:
    """The step callable INDEXER_FAULT asks for (one that does nothing when it is unset)."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return no_faults
    name, _, action = value.partition(":")
    if name not in STEPS or action not in ("", "raise", "exit"):
        raise ValueError(f"{ENVIRONMENT_VARIABLE} must name a build step ({', '.join(STEPS)}), optionally "
                         f"followed by :raise or :exit. Got {value!r}.")

    def fault(step: str) -> None:
        if step != name:
            return
        if action == "raise":
            raise FaultInjected(f"fault injected at the build step {step!r}")
        log.warning("Fault injected: the build process ends at the step %r.", step)
        os._exit(FAULT_EXIT_STATUS)

    return fault


def resolve(on_step: Step | None) -> Step:
    return on_step if on_step is not None else from_environment()
