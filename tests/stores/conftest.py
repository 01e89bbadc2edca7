"""The store contract suite runs against every store: the embedded store, and Neo4j at
``NEO4J_TEST_URI`` (skipped without it, failed under ``CI=true``: see tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graphsvc.stores.contract import Store
from graphsvc.stores.embedded import EmbeddedStore
from tests.conftest import STORE_KINDS, neo4j_test_uri

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
        uri = neo4j_test_uri()
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
