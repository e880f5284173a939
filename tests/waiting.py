"""Wait for a condition, not for a length of time.

Tests synchronise with servers and subprocesses by polling what they are waiting for, with a deadline
generous enough for a loaded 2-core machine; the deadline only turns a hang into a failure with a
message. No test asserts how long something took: speed goals belong in benchmarks/.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Long enough that a slow machine never hits it while things work; a hang still ends the test.
DEFAULT_TIMEOUT = 60.0


class WaitTimeout(AssertionError):
    """The condition did not hold before the deadline (an AssertionError, so pytest shows the message)."""


def wait_until(
    predicate: Callable[[], T],
    timeout: float = DEFAULT_TIMEOUT,
    message: str | Callable[[], str] = "condition not met",
    interval: float = 0.05,
) -> T:
    """Call ``predicate`` until it returns something truthy and return that; fail after ``timeout`` s.

    ``message`` (or its result, when callable: computed only on failure, e.g. a server log) explains
    the failure. Exceptions from ``predicate`` propagate: catch expected ones inside it.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            text = message() if callable(message) else message
            raise WaitTimeout(f"{text} (waited {timeout:g} s)")
        # Polling interval, not synchronisation: the loop re-checks the condition itself.
        time.sleep(interval)
