"""The time by which a request's work must stop, checked inside the long query loops.

The service sets a deadline (a :func:`time.monotonic` instant) around each piece of work it
runs for a request (:func:`until`); the loops of the path, intermediary, neighbourhood and
centrality searches call :func:`check` now and then, and past the deadline it raises
:class:`TimeUp`, so the work of a request nobody waits for any more stops within a fraction of a
second instead of running to its end. Outside :func:`until` (the CLI, the tests of the query
layer) there is no deadline and :func:`check` does nothing.

Examples
--------
>>> import time
>>> with until(time.monotonic() - 1):
...     check()
Traceback (most recent call last):
...
queries.deadline.TimeUp: the work ran past its deadline
>>> check()  # no deadline here
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Final

EVERY: Final = 4096
"""How many loop steps (neighbour entries scanned, nodes settled) between two checks: a check
costs about 0.1 µs, 4,096 steps about a millisecond."""

_deadline: ContextVar[float | None] = ContextVar("innonet_deadline", default=None)


class TimeUp(Exception):
    """The work ran past the deadline of the request it was done for."""


@contextlib.contextmanager
def until(deadline: float | None) -> Iterator[None]:
    """Run the block with ``deadline`` (monotonic seconds; None: none) as the current one."""
    token = _deadline.set(deadline)
    try:
        yield
    finally:
        _deadline.reset(token)


def current() -> float | None:
    """The current deadline (monotonic seconds), None when there is none."""
    return _deadline.get()


def check() -> None:
    """Raise :class:`TimeUp` when the current deadline has passed."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise TimeUp("the work ran past its deadline")
