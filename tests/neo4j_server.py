"""The one rule for tests that need Neo4j, and the test database they share.

Tests that check store behaviour run on both stores: the embedded store always, Neo4j on the
server named by ``NEO4J_TEST_URI`` (``neo4j-server/run -- python -m pytest`` starts one and sets
it). Without that setting the Neo4j variants skip, except under ``CI=true``, where they fail: CI
must never pass with Neo4j untested.

Neo4j Community has one database, so every test that uses it shares it: :func:`fresh_neo4j`
empties it for a test of its own, and :func:`neo4j_holding` keeps a named graph loaded across
tests until something else empties it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from graphsvc.stores.neo4j import Neo4jStore

STORE_KINDS = ("embedded", "neo4j")
"""Every store a store-behaviour test runs on."""


def neo4j_test_uri() -> str:
    """The test server's URI; skips the test without one (fails it under ``CI=true``)."""
    uri = os.environ.get("NEO4J_TEST_URI", "").strip()
    if not uri:
        reason = (
            "NEO4J_TEST_URI is not set: no Neo4j server to test against "
            "(neo4j-server/run -- python -m pytest starts one)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; under CI=true that is a failure, not a skip")
        pytest.skip(reason)
    return uri


_holding: list[str | None] = [None]
"""The name of the graph the test database holds (None: unknown or emptied)."""


def fresh_neo4j() -> Neo4jStore:
    """An open store on the test server's database, emptied (the caller closes it)."""
    from graphsvc.stores.neo4j import Neo4jStore

    store = Neo4jStore.from_env(neo4j_test_uri())
    _holding[0] = None
    store.wipe()
    return store


def empty_neo4j() -> str:
    """The test server's URI, its database emptied first (for a test that loads through a
    ``--store`` URI, as a user would)."""
    fresh_neo4j().close()
    return neo4j_test_uri()


def neo4j_holding(name: str, load: Callable[[Neo4jStore], None]) -> Neo4jStore:
    """An open store on the test database holding the graph ``name``: loaded by ``load`` into an
    emptied database unless the database already holds it (the caller closes the store)."""
    from graphsvc.stores.neo4j import Neo4jStore

    if _holding[0] == name:
        return Neo4jStore.from_env(neo4j_test_uri())
    store = fresh_neo4j()
    load(store)
    _holding[0] = name
    return store
