"""Keeping full garbage collections short when the process holds a large graph.

Query projections of a 500,000-node graph are millions of long-lived Python objects. Every full
(generation 2) collection walks them all: about 300 ms on the benchmark machine, a stall of every
request in the worker. :class:`FreezeLongLived` watches collections; after a slow full one, what
survived it is live, so the next request end moves it to the permanent generation
(``gc.freeze()``) and later collections skip it. When the graph version changes, the frozen
objects are handed back (``gc.unfreeze()``) so the old graph's projections can be collected.
"""

from __future__ import annotations

import gc
import time
from typing import Any, Final

SLOW: Final = 0.05
"""Seconds a full collection may take before what it kept is frozen."""


class FreezeLongLived:
    """Freezes the objects that survived a slow full collection, at the end of a request."""

    def __init__(self, slow: float = SLOW) -> None:
        self.slow = slow
        self.version: str | None = None
        self._started = 0.0
        self._due = False

    def install(self) -> None:
        gc.callbacks.append(self._observe)

    def uninstall(self) -> None:
        gc.callbacks.remove(self._observe)
        gc.unfreeze()

    def _observe(self, phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        elif time.perf_counter() - self._started > self.slow:
            self._due = True

    def after_request(self, version: str | None) -> None:
        """Called when a request is answered from graph ``version``."""
        if version is not None and version != self.version:
            if self.version is not None:
                gc.unfreeze()
            self.version = version
        if self._due:
            self._due = False
            gc.freeze()
