"""Admission of work: cheap requests stay fast while expensive ones run.

Each operation's cost is computed after validation (:mod:`graphsvc.service.cost`); one over the
budget is refused with ``BAD_REQUEST`` naming its cost and the budget. A **light** operation
(``node``, ``search``, ``stats``, a short path, a small neighbourhood) runs at once on the light
threads. A **heavy** one (analytics, or an answer of many objects) needs one of
:data:`HEAVY_SLOTS` heavy slots and runs on the heavy threads, so heavy work never takes the
threads that light requests use. At most :data:`HEAVY_QUEUE` heavy operations wait for a slot;
when that many already wait, the request is answered at once with HTTP 503 and ``Retry-After``
instead of queueing until its time runs out. A wait for a slot counts against the request's time
limit. The analytics questions of a heavy operation run in the worker's heavy process
(:mod:`graphsvc.service.heavy`), killed when the request's time is up.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Final

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from graphsvc.schema import Context
from graphsvc.service.cost import MAX_INTROSPECTION_OBJECTS, MAX_OBJECTS, MAX_WORK, operation_cost
from graphsvc.service.heavy import Answer, HeavyProcess

LIGHT_THREADS: Final = 6
"""Threads running the store reads of light operations."""

HEAVY_SLOTS: Final = 1
"""Heavy operations running at once per worker (the machine of the measurements has 2 cores
and 2 workers: one heavy operation per worker keeps a core for everything else)."""

HEAVY_THREADS: Final = 2
"""Threads of the heavy operations: one computes while the other reads its nodes."""

HEAVY_QUEUE: Final = 4
"""Heavy operations that may wait for a slot; more are answered 503 at once."""

RETRY_AFTER: Final = 5
"""Seconds a client refused for want of a heavy slot is asked to wait (``Retry-After``)."""

BUSY: Final = "busy"
"""The value of the access log field ``admission`` of a request refused for want of a slot."""


class Busy(Exception):
    """Every heavy slot is taken and the queue is full."""


@dataclass
class Admission:
    """One worker's slots and threads for light and heavy work, and its heavy process (one
    per slot: :data:`HEAVY_SLOTS` is 1)."""

    process: HeavyProcess
    heavy_slots: int = HEAVY_SLOTS
    heavy_queue: int = HEAVY_QUEUE
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

    @contextlib.asynccontextmanager
    async def heavy_slot(self) -> AsyncIterator[None]:
        """Hold a heavy slot for the block; :class:`Busy` at once when the queue is full."""
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
        finally:
            self.waiting -= 1
        try:
            yield
        finally:
            self.running -= 1
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
        self.light.shutdown(wait=False, cancel_futures=True)
        self.heavy.shutdown(wait=False, cancel_futures=True)
        self.process.stop()


class AdmissionControl(SchemaExtension):
    """Per request: the cost limit after validation, then admission as light or heavy."""

    def __init__(self, admission: Admission) -> None:
        super().__init__()
        self.admission = admission
        self.heavy = False

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if not context.pre_execution_errors:
            assert context.graphql_document is not None
            cost = operation_cost(
                context.schema._schema,
                context.graphql_document,
                context.operation_name,
                context.variables,
            )
            self.heavy = cost.heavy
            log = getattr(context.context, "log", {})
            log.update(objects=cost.objects, work=math.ceil(cost.work), heavy=cost.heavy)
            problem = cost.problem()
            if problem is not None:
                context.pre_execution_errors = [
                    GraphQLError(
                        problem,
                        extensions={
                            "code": "BAD_REQUEST",
                            "cost": {"objects": cost.objects, "work": math.ceil(cost.work)},
                            "budget": {"objects": MAX_OBJECTS, "work": MAX_WORK},
                        },
                    )
                ]
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        request = context.context
        if not self.heavy or not isinstance(request, Context):
            yield
            return
        try:
            async with self.admission.heavy_slot():
                request.log["admission"] = "heavy"
                request.executor = self.admission.heavy
                request.offload = self.admission.offload
                yield
        except Busy:
            request.log["admission"] = BUSY
            context.result = ExecutionResult(
                None,
                [GraphQLError("every heavy slot is taken", extensions={"code": "UNAVAILABLE"})],
            )
            yield
