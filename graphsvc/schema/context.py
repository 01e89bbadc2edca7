"""What every resolver of one request shares: the store, its DataLoaders, one graph version.

Store calls are blocking, so each runs in a worker thread of the app's store pool
(:meth:`Context.call`), not on the event loop; the exceptions are the nodes DataLoader's read
by id from a store in this process (:attr:`~graphsvc.stores.contract.Store.in_process`), a few
microseconds of CPU and no waiting, which cost a tenth of the hand-over to a thread and back
(:meth:`Context.read`), and a question of bounded work on a projection this process holds
already, for such a store (:meth:`Context.ask_at_hand`). Each call also reads the store's
data version just before and just after it; a request whose calls did not all see one and the
same version has read across a refresh, and the service answers it again from the start (see
:mod:`graphsvc.service.endpoint`). So one answer always comes from one graph: the old one or the new
one, never a mix.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Concatenate, ParamSpec, TypeVar

from strawberry.dataloader import DataLoader

from graphsvc.stores.contract import Node, Relationship, Store
from queries import deadline
from queries.projection import NotAtHand, at_hand_only

T = TypeVar("T")
P = ParamSpec("P")

RelationsKey = tuple[str, tuple[str, ...] | None]
"""A node id and the relation types asked for (None: all)."""

Offload = Callable[
    [Callable[..., object], tuple[object, ...], dict[str, object], float | None],
    Awaitable[tuple[object, str, str]],
]
"""Where the questions of a heavy request are asked: ``offload(question, args, kwargs,
deadline)`` answers ``(result, version before, version after)`` (the service's heavy process)."""


@dataclass(eq=False)
class Context:
    """Per-request state. ``versions`` holds every data version a store call saw; ``deadline``
    (monotonic seconds) is when the request's work must stop (:mod:`queries.deadline`)."""

    store: Store
    executor: Executor
    deadline: float | None = None
    log: dict[str, object] = field(default_factory=dict)
    offload: Offload | None = None
    versions: set[str] = field(default_factory=set)
    nodes: DataLoader[str, Node | None] = field(init=False)
    relations: DataLoader[RelationsKey, list[Relationship]] = field(init=False)

    def __post_init__(self) -> None:
        self.nodes = DataLoader(self._load_nodes)
        self.relations = DataLoader(self._load_relations)

    @property
    def consistent(self) -> bool:
        """True when every store call of the request saw one graph version."""
        return len(self.versions) <= 1

    async def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` (blocking store or query work) in a worker thread, noting the version.

        ``fn`` runs under the request's deadline: past it, the query loops raise
        :class:`~queries.deadline.TimeUp`, so the thread stops soon after the caller stopped
        waiting.
        """
        loop = asyncio.get_running_loop()
        result, before, after = await loop.run_in_executor(self.executor, self._versioned, fn)
        self.versions.update((before, after))
        return result

    async def read(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` (a read of rows by key) as :meth:`call` does, or at once on the event loop
        when the store is in this process: the same deadline and version checks, without the
        hand-over to a thread and back."""
        if not self.store.in_process:
            return await self.call(fn)
        result, before, after = self._versioned(fn)
        self.versions.update((before, after))
        return result

    async def ask(
        self, question: Callable[Concatenate[Store, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Ask ``question(store, *args, **kwargs)`` of the request's store, as :meth:`call`
        runs it (the query functions all take the store first), or through :attr:`offload`
        when the request has one (a heavy request: the question runs in another process)."""
        if self.offload is None:
            return await self.call(lambda: question(self.store, *args, **kwargs))
        result, before, after = await self.offload(question, args, kwargs, self.deadline)
        self.versions.update((before, after))
        return result  # type: ignore[return-value]

    async def ask_at_hand(
        self, question: Callable[Concatenate[Store, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Ask as :meth:`ask` does, but at once on the event loop when the store is in this
        process, the request is not a heavy one, and everything the question needs of the
        projection of the current data version is made already
        (:func:`~queries.projection.at_hand_only`): for a question that reads nothing but
        projections and whose work is small then (a neighbourhood, bounded by its limit). The
        data version is read once: the answer comes from that version's projection alone."""
        if self.offload is None and self.store.in_process:
            version = self.store.data_version()
            try:
                with deadline.until(self.deadline), at_hand_only(version):
                    result = question(self.store, *args, **kwargs)
            except NotAtHand:
                pass
            else:
                self.versions.add(version)
                return result
        return await self.ask(question, *args, **kwargs)

    def _versioned(self, fn: Callable[[], T]) -> tuple[T, str, str]:
        with deadline.until(self.deadline):
            deadline.check()  # queued past the deadline: do not start
            before = self.store.data_version()
            result = fn()
            return result, before, self.store.data_version()

    async def _load_nodes(self, ids: list[str]) -> list[Node | None]:
        found = await self.read(lambda: self.store.nodes(ids))
        return [found.get(id) for id in ids]

    async def _load_relations(self, keys: list[RelationsKey]) -> list[list[Relationship]]:
        by_types: dict[tuple[str, ...] | None, list[str]] = defaultdict(list)
        for id, rel_types in keys:
            by_types[rel_types].append(id)
        touching: dict[RelationsKey, list[Relationship]] = defaultdict(list)
        for rel_types, ids in by_types.items():
            rels = await self.call(_relationships_of(self.store, ids, rel_types))
            wanted = set(ids)
            for rel in rels:
                for end in dict.fromkeys((rel.source, rel.target)):
                    if end in wanted:
                        touching[(end, rel_types)].append(rel)
        return [touching.get(key, []) for key in keys]


def _relationships_of(
    store: Store, ids: Sequence[str], rel_types: tuple[str, ...] | None
) -> Callable[[], list[Relationship]]:
    return lambda: store.relationships_of(ids, rel_types=None if rel_types is None else rel_types)
