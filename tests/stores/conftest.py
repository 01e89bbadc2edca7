"""The store contract suite runs against every store: the embedded store always, Neo4j whenever
``NEO4J_TEST_URI`` is set."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graphsvc.stores.contract import Store
from graphsvc.stores.embedded import EmbeddedStore

StoreFactory = Callable[[], Store]

STORE_KINDS = ["embedded", "neo4j"]


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
        uri = os.environ.get("NEO4J_TEST_URI")
        if not uri:
            pytest.skip("NEO4J_TEST_URI is not set: no Neo4j server to run the contract against")
        from graphsvc.stores.neo4j import Neo4jStore

        def make() -> Store:
            store = Neo4jStore.from_env(uri)
            store.wipe()  # type: ignore[attr-defined]
            made.append(store)
            return store

    yield make
    for store in made:
        store.close()


@pytest.fixture
def store(store_factory: StoreFactory) -> Store:
    """One empty store of each kind."""
    return store_factory()
