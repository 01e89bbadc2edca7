"""Admission of work: cheap requests stay fast while expensive ones run.

Each operation's cost is computed from its document before it runs (:mod:`graphsvc.service.cost`;
one over the budget is refused with ``BAD_REQUEST`` naming its cost and the budget). A **light**
operation
(``node``, ``search``, ``stats``, a short path, a small neighbourhood) runs at once on the light
threads. A **heavy** one (analytics, or an answer of many objects) needs one of
:data:`HEAVY_SLOTS` heavy slots and runs, from resolving its fields to its store reads, on an
event loop and threads of its own, so heavy work never takes the event loop or the threads that
light requests use. At most ``heavy_queue`` heavy operations (``INNONET_HEAVY_QUEUE``) wait
for a slot; when that many already wait, the request is answered at once with HTTP 503 and
``Retry-After`` instead of queueing until its time runs out. A wait for a slot counts against
the request's time limit. The analytics questions of a heavy operation run in the worker's
heavy process (:mod:`graphsvc.service.heavy`), killed when the request's time is up.

While a heavy operation runs, the worker's interpreter switch interval is
:data:`HEAVY_SWITCH_INTERVAL` (1 ms, Python's default is 5 ms), so the heavy loop hands the
interpreter lock to the loop of light requests five times as often; with no heavy operation
running it is back to what it was, where the shorter interval only made the event loop and the
light threads pass the lock around more often.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from graphsvc.service.cost import MAX_INTROSPECTION_OBJECTS, MAX_OBJECTS, MAX_WORK
from graphsvc.service.heavy import Answer, HeavyProcess

T = TypeVar("T")

LIGHT_THREADS: Final = 6
"""Threads running the store reads of light operations."""

HEAVY_SLOTS: Final = 1
"""Heavy operations running at once per worker (the machine of the measurements has 2 cores
and 2 workers: one heavy operation per worker keeps a core for everything else)."""

HEAVY_THREADS: Final = 2
"""Threads of the heavy operations: one computes while the other reads its nodes."""


HEAVY_SWITCH_INTERVAL: Final = 0.001
"""Seconds a thread holds the interpreter lock while others wait for it, while a heavy
operation runs: a heavy query computing in one thread hands the lock to the event loop and the
light threads five times as often as by default, so a cheap request that passes between them a
few times waits a few milliseconds instead of tens."""

RETRY_AFTER: Final = 5
"""Seconds a client refused for want of a heavy slot is asked to wait (``Retry-After``)."""


class Busy(Exception):
    """Every heavy slot is taken and the queue is full."""


@dataclass
class Admission:
    """One worker's slots and threads for light and heavy work, and its heavy process (one
    per slot: :data:`HEAVY_SLOTS` is 1)."""

    process: HeavyProcess
    heavy_queue: int
    heavy_slots: int = HEAVY_SLOTS
    light: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(LIGHT_THREADS, "innonet-light")
    )
    heavy: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(HEAVY_THREADS, "innonet-heavy")
    )
    running: int = 0
    waiting: int = 0
    refused: int = 0
    _free: asyncio.Condition | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _loop_thread: threading.Thread | None = None

    @contextlib.asynccontextmanager
    async def heavy_slot(self) -> AsyncIterator[None]:
        """Hold a heavy slot for the block; :class:`Busy` at once when the queue is full. The
        switch interval is :data:`HEAVY_SWITCH_INTERVAL` while any slot is held."""
        if self._free is None:
            self._free = asyncio.Condition()
        if self.running >= self.heavy_slots and self.waiting >= self.heavy_queue:
            self.refused += 1
            raise Busy
        self.waiting += 1
        try:
            async with self._free:
                await self._free.wait_for(lambda: self.running < self.heavy_slots)
                self.running += 1
                _heavy_started()
        finally:
            self.waiting -= 1
        try:
            yield
        finally:
            self.running -= 1
            _heavy_ended()
            async with self._free:
                self._free.notify()

    @property
    def saturated(self) -> bool:
        """True when a heavy request arriving now would be refused."""
        return self.running >= self.heavy_slots and self.waiting >= self.heavy_queue

    def state(self) -> dict[str, object]:
        """What the readiness answer reports."""
        return {
            "status": "saturated" if self.saturated else "ready",
            "heavy": {
                "busy": self.process.busy,
                "processStarts": self.process.started,
                "processKills": self.process.killed,
                "running": self.running,
                "waiting": self.waiting,
                "slots": self.heavy_slots,
                "queue": self.heavy_queue,
                "refused": self.refused,
            },
            "budget": {
                "objects": MAX_OBJECTS,
                "introspectionObjects": MAX_INTROSPECTION_OBJECTS,
                "work": MAX_WORK,
            },
        }

    async def run_heavy(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` on the heavy event loop (a thread of its own); cancelled with the
        caller."""
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._loop_thread = threading.Thread(
                target=self._loop.run_forever, name="innonet-heavy-loop", daemon=True
            )
            self._loop_thread.start()
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self._loop))

    async def offload(
        self,
        question: Callable[..., object],
        args: tuple[object, ...],
        kwargs: dict[str, object],
        until: float | None,
    ) -> Answer:
        """Ask ``question`` in the heavy process, waiting on a heavy thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.heavy, self.process.ask, question, args, kwargs, until
        )

    def shutdown(self) -> None:
        """Stop the threads, the heavy loop and the heavy process (blocking)."""
        self.light.shutdown(wait=False, cancel_futures=True)
        self.heavy.shutdown(wait=False, cancel_futures=True)
        self.process.stop()
        if self._loop is not None and self._loop_thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._loop_thread.join(5)
            if not self._loop.is_running():
                self._loop.close()


_heavy_running = 0
"""Heavy operations holding a slot in this process (of any :class:`Admission`: the switch
interval belongs to the process)."""

_resting_switch_interval = sys.getswitchinterval()
"""The switch interval while no heavy operation runs."""

_switching = threading.Lock()


def _heavy_started() -> None:
    global _heavy_running, _resting_switch_interval
    with _switching:
        if _heavy_running == 0:
            _resting_switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(HEAVY_SWITCH_INTERVAL)
        _heavy_running += 1


def _heavy_ended() -> None:
    global _heavy_running
    with _switching:
        _heavy_running -= 1
        if _heavy_running == 0:
            sys.setswitchinterval(_resting_switch_interval)
