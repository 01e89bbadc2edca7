"""Fixtures shared by every test folder, and the one rule for tests that need a Neo4j server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_BUNDLE = REPO / "examples" / "shanghai"

STORE_KINDS = ["embedded", "neo4j"]
"""Every store a store-behaviour test runs on (``store_uri``)."""


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where a test's embedded store file goes (not created yet)."""
    return tmp_path / "innonet.db"


def neo4j_test_uri() -> str:
    """The URI of the Neo4j server tests may wipe (``NEO4J_TEST_URI``).

    Without one the test skips, except under ``CI=true``, where it fails: CI must run every
    Neo4j test (``neo4j-server/run -- COMMAND`` starts a server and sets the variables).
    """
    uri = os.environ.get("NEO4J_TEST_URI", "").strip()
    if not uri:
        message = (
            "NEO4J_TEST_URI is not set: no Neo4j server to test against "
            "(neo4j-server/run -- python -m pytest ... starts one)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; under CI=true a missing server is a failure, not a skip")
        pytest.skip(message)
    return uri


def empty_neo4j() -> str:
    """The Neo4j test server's URI, its database emptied first (the Community server has one
    database, ``neo4j``, so every test that writes starts by wiping it)."""
    uri = neo4j_test_uri()
    from graphsvc.stores.neo4j import Neo4jStore

    with Neo4jStore.from_env(uri) as store:
        store.wipe()
    return uri


@pytest.fixture(params=STORE_KINDS)
def store_uri(request: pytest.FixtureRequest, store_path: Path) -> str:
    """The store a test loads into, as ``--store`` takes it: an embedded store file (not
    created yet) or the emptied Neo4j test server."""
    if request.param == "embedded":
        return str(store_path)
    return empty_neo4j()
