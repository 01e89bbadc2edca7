"""Heavy analytics run in a process of their own, which is killed when its request's time is up.

Threads cannot stop a computation that never returns to Python (igraph's betweenness, a
projection being built), and such a computation holds the interpreter lock, so while it runs
every other request of the worker waits. So the analytics questions of a heavy request
(``Context.ask``) run in a :class:`HeavyProcess`: a child process that opens the store by its
URI, keeps its own projections, and answers one question at a time. The worker waits for the
answer without holding anything; past the request's deadline (plus :data:`GRACE`) the child is
killed, and a new one is started for the next heavy request. Inside the child the same deadline
is set (:mod:`queries.deadline`), so its loops stop by themselves first.

A new child first maps the projection of the whole graph (:mod:`queries.projection_file`:
the shared work nearly every question needs, built once per data version) and says when it is
ready; a request whose time runs out while the child is still getting ready answers
``NOT_READY`` with ``Retry-After`` half a second before its limit (``TIMEOUT`` at its limit
when it had a second or less) but leaves it to finish, so that a slow start cannot turn into a
cycle of kills and restarts that never answers.

The child's address space is limited to :data:`MEMORY_LIMIT` bytes: a question that would need
more fails there with a ``MemoryError`` instead of growing the worker. It runs at a lower
scheduling priority (:data:`NICENESS`), so that on a busy machine the workers answering cheap
requests get the cores first.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from typing import Any, Final

from graphsvc.stores import open_store
from queries import deadline
from queries.deadline import TimeUp
from queries.errors import BadRequest, NotFound, Pending, QueryError
from queries.projection import PENDING_MARGIN, RETRY_AFTER, projection

GRACE: Final = 1.0
"""Seconds past a request's deadline before its heavy process is killed."""

MEMORY_LIMIT: Final = 4 * 1024**3
"""Address space of a heavy process (4 GiB); numpy and igraph reserve more than they use."""

NICENESS: Final = 10
"""How much lower than the worker the heavy process is scheduled (``nice``)."""

log = logging.getLogger("innonet.heavy")

Answer = tuple[Any, str, str]
"""A question's result, and the store's data version before and after it."""


class HeavyProcess:
    """A child process answering questions of the query layer on the store ``uri``."""

    def __init__(self, uri: str) -> None:
        self.uri = uri
        self._lock = threading.Lock()
        self._process: SpawnProcess | None = None
        self._conn: Connection | None = None
        self._ready = False
        self.started = 0
        self.killed = 0

    def ask(
        self,
        question: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        until: float | None,
    ) -> Answer:
        """``question(store, *args, **kwargs)`` in the child (blocking, one at a time).

        Raises what the question raised (query errors keep their type), :class:`TimeUp` when
        the child was killed at the deadline.
        """
        with self._lock:
            with deadline.until(until):
                deadline.check()  # waited past the deadline: do not start
            conn = self._ensure()
            if not self._ready:
                wait = None if until is None else max(0.0, until - time.monotonic())
                try:
                    if wait is None or wait <= 2 * PENDING_MARGIN:
                        if not conn.poll(wait):
                            raise TimeUp("the heavy process was still getting ready")
                    elif not conn.poll(wait - PENDING_MARGIN):
                        raise Pending(
                            "the heavy process is still reading the graph; ask again in "
                            f"{RETRY_AFTER} s",
                            RETRY_AFTER,
                        )
                    conn.recv()  # "ready"
                except (EOFError, OSError) as exc:
                    self._kill("it ended while getting ready")
                    raise TimeUp("the heavy process ended while getting ready") from exc
                self._ready = True
            conn.send((question, args, kwargs, until))
            try:
                wait = None if until is None else max(0.0, until - time.monotonic()) + GRACE
                if not conn.poll(wait):
                    self._kill("it ran past its deadline")
                    raise TimeUp("the work ran past its deadline")
                ok, value = conn.recv()
            except (EOFError, OSError) as exc:
                self._kill("it ended unexpectedly")
                raise TimeUp("the heavy work was stopped") from exc
        if ok:
            result: Answer = value
            return result
        raise _error(value)

    @property
    def busy(self) -> bool:
        """True while a question is asked (or waited for)."""
        return self._lock.locked()

    def stop(self) -> None:
        """Kill the child (at shutdown)."""
        with contextlib.suppress(RuntimeError):
            self._kill(None)

    def _ensure(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        self._kill(None)
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=_serve, args=(self.uri, child), name="innonet-heavy", daemon=True
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        self._ready = False
        self.started += 1
        return parent

    def _kill(self, why: str | None) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is not None:
            if why is not None:
                self.killed += 1
                log.warning("killed heavy process %s: %s", process.pid, why)
            process.kill()
            process.join(5)


def _error(value: tuple[str, str, str]) -> Exception:
    """The exception of a question, as the child described it."""
    kind, detail, message = value
    if kind == "NotFound":
        return NotFound(detail)
    if kind == "Pending":
        return Pending(message, int(detail))
    if kind == "BadRequest":
        return BadRequest(message)
    if kind == "QueryError":
        return QueryError(message)
    if kind == "TimeUp":
        return TimeUp(message)
    if kind == "MemoryError":
        return MemoryError(message)
    return RuntimeError(f"heavy process: {detail}: {message}")


def _describe(exc: BaseException) -> tuple[str, str, str]:
    if isinstance(exc, NotFound):
        return "NotFound", exc.id, str(exc)
    if isinstance(exc, Pending):
        return "Pending", str(exc.retry_after), str(exc)
    for kind in (BadRequest, QueryError, TimeUp, MemoryError):
        if isinstance(exc, kind):
            return kind.__name__, type(exc).__name__, str(exc)
    return "Other", type(exc).__name__, str(exc)


def _serve(uri: str, conn: Connection) -> None:  # pragma: no cover - runs in the child
    """The child: answer questions until the pipe closes."""
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    store = open_store(uri, create=False)
    try:
        with contextlib.suppress(Exception):  # a question will meet the cause again
            projection(store)
        conn.send("ready")
        while True:
            try:
                question, args, kwargs, until = conn.recv()
            except EOFError:
                return
            try:
                with deadline.until(until):
                    before = store.data_version()
                    result = question(store, *args, **kwargs)
                    answer: tuple[bool, Any] = (True, (result, before, store.data_version()))
            except Exception as exc:
                answer = (False, _describe(exc))
            conn.send(answer)
    finally:
        store.close()
