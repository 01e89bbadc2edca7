"""A neighbourhood is answered on the event loop once what it needs of its projection is made
(:meth:`graphsvc.schema.context.Context.ask_at_hand`), on a store thread until then, and the
answers are the same either way."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest

from graphsvc.schema.context import Context
from graphsvc.stores.embedded import EmbeddedStore
from queries.errors import NotFound
from queries.examples import example_store
from queries.neighbourhood import ball
from queries.projection import projection


class Recording(ThreadPoolExecutor):
    """A thread pool that counts the work handed to it."""

    def __init__(self) -> None:
        super().__init__(1)
        self.handed = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.handed += 1
        return super().submit(fn, *args, **kwargs)


@pytest.fixture
def store() -> Iterator[EmbeddedStore]:
    opened = example_store()
    yield opened
    opened.close()


def test_a_ball_goes_to_a_thread_until_its_projection_is_made(store: EmbeddedStore) -> None:
    pool = Recording()

    async def asked() -> None:
        context = Context(store, pool)
        first = await context.ask_at_hand(ball, "lab-a", depth=2)
        assert pool.handed == 1  # the projection read, its prefixes and memo made there
        assert await context.ask_at_hand(ball, "lab-a", depth=2) == first
        assert await context.ask_at_hand(ball, "broker-west", depth=1, limit=3) == ball(
            store, "broker-west", depth=1, limit=3
        )
        assert pool.handed == 1
        serves = await context.ask_at_hand(ball, "lab-a", rel_types=["SERVES"])
        assert pool.handed == 2  # derived for the relation type on a thread
        assert await context.ask_at_hand(ball, "lab-a", rel_types=["SERVES"]) == serves
        assert pool.handed == 2
        with pytest.raises(NotFound):
            await context.ask_at_hand(ball, "nobody")
        assert pool.handed == 2
        typed = await context.ask_at_hand(ball, "lab-a", depth=2, types=["Institution"])
        assert pool.handed == 3  # a mask of every node's type: work of the graph's size
        assert typed == ball(store, "lab-a", depth=2, types=["Institution"])
        assert context.consistent and context.versions == {store.data_version()}

    try:
        asyncio.run(asked())
    finally:
        pool.shutdown()


def test_a_new_data_version_goes_to_a_thread_again(store: EmbeddedStore) -> None:
    pool = Recording()
    before = projection(store)
    ball(store, "lab-a")  # everything made for the current version
    store.refresh("example", list(store.iter_nodes()), [])

    async def asked() -> None:
        context = Context(store, pool)
        found = await context.ask_at_hand(ball, "lab-a", depth=2)
        assert found.nodes == ["lab-a"] and found.relationship_ids == []
        assert pool.handed == 1

    try:
        asyncio.run(asked())
    finally:
        pool.shutdown()
    assert projection(store).version != before.version
