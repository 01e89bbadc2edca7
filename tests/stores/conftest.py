"""The store contract suite runs against every store (Neo4j: see tests/neo4j_server.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graphsvc.stores.contract import Store
from graphsvc.stores.embedded import EmbeddedStore
from tests.neo4j_server import STORE_KINDS, fresh_neo4j

StoreFactory = Callable[[], Store]


@pytest.fixture(params=STORE_KINDS)
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Makes empty stores of one kind; every store made is closed after the test."""
    made: list[Store] = []
    if request.param == "embedded":

        def make() -> Store:
            store = EmbeddedStore(tmp_path / f"store-{len(made)}.db")
            made.append(store)
            return store

    else:

        def make() -> Store:
            store = fresh_neo4j()
            made.append(store)
            return store

    yield make
    for store in made:
        store.close()


@pytest.fixture
def store(store_factory: StoreFactory) -> Store:
    """One empty store of each kind."""
    return store_factory()
